import azureFunctions, {
  type HttpHandler,
  type HttpRequest,
  type InvocationContext,
} from '@azure/functions';
import {
  conversationsEndpoint,
  muteEndpoint,
  readPositionEndpoint,
} from '../http/conversation-endpoints.js';
import {
  conversationTimelineEndpoint,
  sendToConversationEndpoint,
} from '../http/message-endpoints.js';
import { CONVERSATION_FAILURES, respond } from '../http/respond.js';

/** GET: the caller's conversations. */
export const conversations: HttpHandler = (request, context) =>
  respond(context, () => conversationsEndpoint(request), CONVERSATION_FAILURES);

/** GET: one page of a conversation's timeline; POST: send to it. */
export const conversationMessages: HttpHandler = (
  request: HttpRequest,
  context: InvocationContext,
) =>
  respond(context, () =>
    request.method === 'GET'
      ? conversationTimelineEndpoint(request)
      : sendToConversationEndpoint(request, context),
  );

export const conversationRead: HttpHandler = (request, context) =>
  respond(context, () => readPositionEndpoint(request), CONVERSATION_FAILURES);

export const conversationMute: HttpHandler = (request, context) =>
  respond(context, () => muteEndpoint(request), CONVERSATION_FAILURES);

const { app } = azureFunctions;
app.http('conversations', {
  route: 'conversations',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: conversations,
});
app.http('conversationMessages', {
  route: 'conversations/{id}/messages',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: conversationMessages,
});
app.http('conversationRead', {
  route: 'conversations/{id}/read',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: conversationRead,
});
app.http('conversationMute', {
  route: 'conversations/{id}/mute',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: conversationMute,
});
