import { ApiError } from './api-error.js';

/** One sentence that tells a person why their message was not sent and what to do. */
export function describeSendError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Not sent: something went wrong.';
  if (error.status === 429) {
    const seconds = error.details.retryAfterSeconds;
    return seconds === undefined
      ? 'Too many messages: try again in a moment.'
      : `Too many messages: try again in ${Math.max(1, seconds)} s.`;
  }
  if (error.status === 0) return `Not sent: ${error.message.toLowerCase()}`;
  if (error.status >= 500) return `Not sent: the server had a problem (${error.status}).`;
  return `Not sent: ${error.message}`;
}

/** One sentence for a refused edit, delete or reaction ("Could not save: …"). */
export function describeActionError(error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return `${what}: something went wrong.`;
  if (error.status === 429) {
    const seconds = error.details.retryAfterSeconds;
    return seconds === undefined
      ? `${what}: too many actions, try again in a moment.`
      : `${what}: too many actions, try again in ${Math.max(1, seconds)} s.`;
  }
  if (error.status === 0) return `${what}: ${error.message.toLowerCase()}`;
  if (error.status >= 500) return `${what}: the server had a problem (${error.status}).`;
  return `${what}: ${error.message}`;
}
