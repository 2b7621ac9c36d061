import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { sendChatMessage, type MessageStore, type SendOutcome } from '../chat/send-message.js';
import { readClientPrincipal } from '../principal.js';
import {
  MAX_MESSAGE_LENGTH,
  type AcceptedMessage,
  type MessagePage,
  type ValidationProblem,
} from '../shared/chat-message.js';
import { createClientAccess } from '../signalr/tokens.js';
import { StorageUnavailableError, StorageValidationError } from '../storage/index.js';
import { errorResponse, jsonResponse, unauthenticated } from './errors.js';
import { readJsonBody } from './json-body.js';
import { getChatServices } from './services.js';
import { recordSignIn } from './sign-in-record.js';
import { CATCH_UP_SETTLE_MS, chatStorage } from './storage-access.js';
import { parseTimelineQuery } from './timeline-query.js';

/**
 * POST /api/negotiate: the SignalR URL and a token for the caller's own identity. The caller is
 * also written to the directory of people, best effort (see sign-in-record.ts).
 */
export async function negotiateEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const caller = readClientPrincipal(request.headers);
  if (!caller) return unauthenticated();
  const { config } = getChatServices();
  await recordSignIn(() => chatStorage(), caller, context);
  const access = createClientAccess(
    config.signalR,
    config.hubName,
    { userId: caller.userId, name: caller.userDetails },
    config.tokenLifetimeSeconds,
  );
  return jsonResponse(200, access);
}

/** POST /api/messages: validate, rate-limit, store, then push a message as the caller. */
export async function messagesEndpoint(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const caller = readClientPrincipal(request.headers);
  if (!caller) return unauthenticated();
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;

  const services = getChatServices();
  // Opened on first use, so a bad body is a 4xx even when the storage setting is wrong.
  const store: MessageStore = {
    saveMessage: (message) => chatStorage().saveMessage(message),
    getPerson: (id) => chatStorage().getPerson(id),
  };
  try {
    const outcome = await sendChatMessage(
      {
        publisher: services.hub,
        rateLimiter: services.rateLimiter,
        store,
        onPushFailed: (error, message) =>
          context.warn(`Message ${message.id} stored but not pushed: ${error.message}`),
      },
      { id: caller.userId, name: caller.userDetails },
      body.value,
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

/** GET /api/messages?limit=&before=&after=&since=: one page of the caller's timeline. */
export async function timelineEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  const caller = readClientPrincipal(request.headers);
  if (!caller) return unauthenticated();
  const query = parseTimelineQuery(request.query, CATCH_UP_SETTLE_MS);
  if (!query.ok) return invalidQuery(query.field, query.reason);

  try {
    const page: MessagePage = await chatStorage().listTimeline(caller.userId, query.value);
    return jsonResponse(200, page);
  } catch (error) {
    if (error instanceof StorageValidationError) return invalidQuery(error.field, error.reason);
    throw error;
  }
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
      return errorResponse(
        429,
        'rate_limited',
        `Too many messages: try again in ${outcome.retryAfterSeconds} s.`,
        { headers: { 'retry-after': String(outcome.retryAfterSeconds) } },
      );
    case 'invalid': {
      // The validator reports every problem; the response names the first, which is enough to fix.
      const problem = outcome.problems[0] as ValidationProblem;
      return problem.field === 'body'
        ? errorResponse(400, 'invalid_body', describeProblem(problem), problem)
        : errorResponse(422, 'invalid_request', describeProblem(problem), problem);
    }
  }
}

const RULE_MESSAGES: Record<ValidationProblem['rule'], string> = {
  object: 'must be a JSON object',
  type: 'has the wrong type',
  required: 'is required',
  'min-length': 'must not be empty',
  'max-length': `must be at most ${MAX_MESSAGE_LENGTH} characters`,
  'control-characters': 'must not contain control characters other than newline and tab',
  'well-formed': 'must be well-formed Unicode',
  format: 'has the wrong format',
};

const FIELD_HINTS: Record<ValidationProblem['field'], string> = {
  body: 'The body',
  text: '`text` (a string)',
  recipient: '`recipient` (a user id)',
  id: '`id` (a UUID)',
};

function describeProblem(problem: ValidationProblem): string {
  return `${FIELD_HINTS[problem.field]} ${RULE_MESSAGES[problem.rule]}.`;
}
