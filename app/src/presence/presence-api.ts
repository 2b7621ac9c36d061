import type { OnlinePerson } from '@chat/message';
import { ApiError } from '../api/api-error.js';
import { getJson } from '../api/get-json.js';
import { isPresenceList } from './guards.js';

export const PRESENCE_TIMEOUT_MS = 15_000;

/** GET /api/presence: everyone online now. Rejects with an ApiError. */
export async function fetchPresence(
  fetchFn: typeof fetch = fetch,
  timeoutMs = PRESENCE_TIMEOUT_MS,
): Promise<OnlinePerson[]> {
  const { status, body } = await getJson('/api/presence', fetchFn, {
    timeoutMs,
    what: 'The presence list',
  });
  if (!isPresenceList(body)) {
    throw new ApiError(status, 'http', 'The presence list had an unexpected shape.');
  }
  return body.people;
}
