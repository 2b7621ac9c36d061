import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { sendChatMessage, type SendOutcome } from '../chat/send-message.js';
import { readClientPrincipal } from '../principal.js';
import { MAX_MESSAGE_LENGTH, type ValidationProblem } from '../shared/chat-message.js';
import { createClientAccess } from '../signalr/tokens.js';
import { errorResponse, jsonResponse, unauthenticated } from './errors.js';
import { readJsonBody } from './json-body.js';
import { getChatServices } from './services.js';

/** POST /api/negotiate: the SignalR URL and a token for the caller's own identity. */
export async function negotiateEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  const caller = readClientPrincipal(request.headers);
  if (!caller) return unauthenticated();
  const { config } = getChatServices();
  const access = createClientAccess(
    config.signalR,
    config.hubName,
    { userId: caller.userId, name: caller.userDetails },
    config.tokenLifetimeSeconds,
  );
  return jsonResponse(200, access);
}

/** POST /api/messages: validate, rate-limit and push a message as the caller. */
export async function messagesEndpoint(request: HttpRequest): Promise<HttpResponseInit> {
  const caller = readClientPrincipal(request.headers);
  if (!caller) return unauthenticated();
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;

  const services = getChatServices();
  const outcome = await sendChatMessage(
    { publisher: services.hub, rateLimiter: services.rateLimiter },
    { id: caller.userId, name: caller.userDetails },
    body.value,
  );
  return outcomeResponse(outcome);
}

function outcomeResponse(outcome: SendOutcome): HttpResponseInit {
  switch (outcome.kind) {
    case 'sent':
      return jsonResponse(202, outcome.message);
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
