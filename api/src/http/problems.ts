// The answers shared by every message route: a body or field that breaks a rule (400/422 naming
// the field and the rule), and the rate limit (429 with Retry-After).
import type { HttpResponseInit } from '@azure/functions';
import {
  MAX_MENTIONS,
  MAX_MESSAGE_LENGTH,
  type ValidationProblem,
} from '../shared/chat-message.js';
import { errorResponse } from './errors.js';

const RULE_MESSAGES: Record<ValidationProblem['rule'], string> = {
  object: 'must be a JSON object',
  type: 'has the wrong type',
  required: 'is required',
  'min-length': 'must not be empty',
  'max-length': `must be at most ${MAX_MESSAGE_LENGTH} characters`,
  'control-characters': 'must not contain control characters other than newline and tab',
  'well-formed': 'must be well-formed Unicode',
  format: 'has the wrong format',
  'not-found': 'names no message of this conversation',
  'not-member': 'names someone who cannot read this conversation',
  'too-many': 'has too many entries',
};

const FIELD_HINTS: Record<ValidationProblem['field'], string> = {
  body: 'The body',
  text: '`text` (a string)',
  recipient: '`recipient` (a user id)',
  id: '`id` (a UUID)',
  replyTo: '`replyTo` (a message id of this conversation)',
  mentions: '`mentions` (user ids of people who can read this conversation)',
};

function describeProblem(problem: ValidationProblem): string {
  const rule =
    problem.field === 'mentions' && problem.rule === 'max-length'
      ? `must list at most ${MAX_MENTIONS} people`
      : RULE_MESSAGES[problem.rule];
  return `${FIELD_HINTS[problem.field]} ${rule}.`;
}

/** The validators report every problem; the answer names the first, which is enough to fix. */
export function problemResponse(problems: readonly ValidationProblem[]): HttpResponseInit {
  const problem = problems[0] as ValidationProblem;
  return problem.field === 'body'
    ? errorResponse(400, 'invalid_body', describeProblem(problem), problem)
    : errorResponse(422, 'invalid_request', describeProblem(problem), problem);
}

export function rateLimitedResponse(
  retryAfterSeconds: number,
  what = 'messages',
): HttpResponseInit {
  return errorResponse(
    429,
    'rate_limited',
    `Too many ${what}: try again in ${retryAfterSeconds} s.`,
    { headers: { 'retry-after': String(retryAfterSeconds) } },
  );
}
