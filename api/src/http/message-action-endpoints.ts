// Acting on one message: PATCH and DELETE /api/conversations/{id}/messages/{messageId}, PUT and
// DELETE /api/conversations/{id}/messages/{messageId}/reactions/{emoji}. Each is a few lines
// over chat/ (the rules) and answers 200 with the message as it is now.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { deleteMessage, editMessage } from '../chat/edit-message.js';
import type { ActionDependencies, ActionOutcome } from '../chat/message-actions.js';
import { setOwnReaction } from '../chat/react-to-message.js';
import type { AcceptedMessage } from '../shared/chat-message.js';
import { asCaller, withBody } from './caller.js';
import { jsonResponse, refusalResponse } from './errors.js';
import { problemResponse, rateLimitedResponse } from './problems.js';
import { getChatServices, getConversationServices } from './services.js';

const param = (request: HttpRequest, name: string): string => request.params[name] ?? '';

function dependencies(context: InvocationContext): ActionDependencies {
  const { rateLimiter } = getChatServices();
  const { store, hub, summaries } = getConversationServices();
  return {
    hub,
    rateLimiter,
    store,
    now: summaries.now,
    onPushFailed: (error, message) =>
      context.warn(`Change of message ${message.id} stored but not pushed: ${error.message}`),
  };
}

/** PATCH (edit, with a body) and DELETE (delete, no body) of one's own message. */
export function messageEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const conversationId = param(request, 'id');
  const messageId = param(request, 'messageId');
  if (request.method === 'DELETE') {
    return asCaller(request, async (caller) =>
      answer(await deleteMessage(dependencies(context), caller, conversationId, messageId)),
    );
  }
  return withBody(request, async (caller, body) =>
    answer(await editMessage(dependencies(context), caller, conversationId, messageId, body)),
  );
}

/** PUT (add) and DELETE (remove) one's own reaction; the emoji is URL-encoded in the path. */
export function reactionEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return asCaller(request, async (caller) =>
    answer(
      await setOwnReaction(
        dependencies(context),
        caller,
        param(request, 'id'),
        param(request, 'messageId'),
        emojiOf(param(request, 'emoji')),
        request.method === 'PUT',
      ),
    ),
  );
}

/**
 * Hosts hand route parameters over decoded; one still holding escapes (no emoji has a `%`) is
 * decoded here, and one that does not decode stays as it is, to be refused as no emoji.
 */
function emojiOf(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function answer(outcome: ActionOutcome): HttpResponseInit {
  switch (outcome.kind) {
    case 'done': {
      const body: AcceptedMessage = outcome.delivered
        ? outcome.message
        : { ...outcome.message, delivered: false };
      return jsonResponse(200, body);
    }
    case 'rate-limited':
      return rateLimitedResponse(outcome.retryAfterSeconds, 'actions');
    case 'refused':
      return refusalResponse(outcome.refusal);
    case 'invalid':
      return problemResponse(outcome.problems);
  }
}
