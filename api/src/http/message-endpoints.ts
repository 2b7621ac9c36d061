// Messages: the conversation routes and the seed's routes for #general and private messages.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { sendChatMessage, type SendOutcome } from '../chat/send-message.js';
import { decideAccess } from '../conversations/access.js';
import { directConversationId } from '../conversations/conversation-id.js';
import {
  validateSendMessageRequest,
  type AcceptedMessage,
  type MessagePage,
} from '../shared/chat-message.js';
import { GENERAL_ROOM_ID } from '../shared/conversation.js';
import { StorageUnavailableError, StorageValidationError } from '../storage/index.js';
import { asCaller, withBody, type Caller } from './caller.js';
import { errorResponse, jsonResponse, refusalResponse } from './errors.js';
import { problemResponse, rateLimitedResponse } from './problems.js';
import { getChatServices, getConversationServices } from './services.js';
import { CATCH_UP_SETTLE_MS } from './storage-access.js';
import { parseTimelineQuery } from './timeline-query.js';

/** POST /api/conversations/{id}/messages: validate, rate-limit, check, store, then push. */
export function sendToConversationEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return withBody(request, (caller, body) => send(caller, request.params.id ?? '', body, context));
}

/**
 * The seed's POST /api/messages: without `recipient` to #general, with it to the direct
 * conversation with that person.
 */
export function messagesEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return withBody(request, async (caller, body) => {
    const validation = validateSendMessageRequest(body);
    if (!validation.ok) return outcomeResponse({ kind: 'invalid', problems: validation.problems });
    const { recipient } = validation.value;
    const conversationId =
      recipient === undefined ? GENERAL_ROOM_ID : directConversationId(caller.id, recipient);
    return send(caller, conversationId, body, context);
  });
}

async function send(
  caller: Caller,
  conversationId: string,
  body: unknown,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const { rateLimiter } = getChatServices();
  const { store, hub, summaries } = getConversationServices();
  try {
    const outcome = await sendChatMessage(
      {
        hub,
        rateLimiter,
        store,
        summaries,
        onPushFailed: (error, message) =>
          context.warn(`Message ${message.id} stored but not pushed: ${error.message}`),
      },
      caller,
      conversationId,
      body,
    );
    return outcomeResponse(outcome);
  } catch (error) {
    if (!(error instanceof StorageUnavailableError)) throw error;
    context.warn(error.message);
    return errorResponse(
      503,
      'storage_unavailable',
      'The message was not sent: message storage is unavailable. Try again with the same id.',
    );
  }
}

/** GET /api/conversations/{id}/messages?limit=&before=&after=&since=: one page. */
export function conversationTimelineEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  return readTimeline(request, request.params.id ?? '');
}

/** The seed's GET /api/messages: #general. */
export function timelineEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  return readTimeline(request, GENERAL_ROOM_ID);
}

function readTimeline(request: HttpRequest, conversationId: string) {
  return asCaller(request, async (caller) => {
    const query = parseTimelineQuery(request.query, CATCH_UP_SETTLE_MS);
    if (!query.ok) return invalidQuery(query.field, query.reason);

    const { store } = getConversationServices();
    const access = await decideAccess(store, caller.id, conversationId, 'read');
    if (!access.ok) return refusalResponse(access);
    try {
      const page: MessagePage = await store.listTimeline(access.conversation.id, query.value);
      return jsonResponse(200, page);
    } catch (error) {
      if (error instanceof StorageValidationError) return invalidQuery(error.field, error.reason);
      throw error;
    }
  });
}

function invalidQuery(field: string, reason: string): HttpResponseInit {
  return errorResponse(400, 'invalid_query', `\`${field}\` ${reason}`, { field });
}

function outcomeResponse(outcome: SendOutcome): HttpResponseInit {
  switch (outcome.kind) {
    case 'sent': {
      const body: AcceptedMessage = outcome.delivered
        ? outcome.message
        : { ...outcome.message, delivered: false };
      return jsonResponse(202, body);
    }
    case 'id-conflict':
      return errorResponse(
        409,
        'id_conflict',
        'This message id is already used by another message: send with a new id.',
        { field: 'id' },
      );
    case 'rate-limited':
      return rateLimitedResponse(outcome.retryAfterSeconds);
    case 'denied':
      return refusalResponse(outcome.denial);
    case 'invalid':
      return problemResponse(outcome.problems);
  }
}
