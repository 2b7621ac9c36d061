import azureFunctions, { type HttpHandler } from '@azure/functions';
import { messageEndpoint, reactionEndpoint } from '../http/message-action-endpoints.js';
import { CONVERSATION_FAILURES, respond } from '../http/respond.js';

/** PATCH: edit one's own message; DELETE: delete it. */
export const conversationMessage: HttpHandler = (request, context) =>
  respond(context, () => messageEndpoint(request, context), CONVERSATION_FAILURES);

/** PUT: add one's own reaction; DELETE: remove it. */
export const messageReaction: HttpHandler = (request, context) =>
  respond(context, () => reactionEndpoint(request, context), CONVERSATION_FAILURES);

const { app } = azureFunctions;
app.http('conversationMessage', {
  route: 'conversations/{id}/messages/{messageId}',
  methods: ['PATCH', 'DELETE'],
  authLevel: 'anonymous',
  handler: conversationMessage,
});
app.http('messageReaction', {
  route: 'conversations/{id}/messages/{messageId}/reactions/{emoji}',
  methods: ['PUT', 'DELETE'],
  authLevel: 'anonymous',
  handler: messageReaction,
});
