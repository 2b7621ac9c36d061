import type { OnlinePerson } from '@chat/message';
import { ApiError, apiErrorFromResponse, networkError } from '../api/api-error.js';
import { isPresenceList } from './guards.js';

export const PRESENCE_TIMEOUT_MS = 15_000;

/** GET /api/presence: everyone online now. Rejects with an ApiError. */
export async function fetchPresence(
  fetchFn: typeof fetch = fetch,
  timeoutMs = PRESENCE_TIMEOUT_MS,
): Promise<OnlinePerson[]> {
  let response: Response;
  try {
    response = await fetchFn('/api/presence', {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!response.ok) throw await apiErrorFromResponse(response);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status, 'http', 'The presence list was not JSON.');
  }
  if (!isPresenceList(body)) {
    throw new ApiError(response.status, 'http', 'The presence list had an unexpected shape.');
  }
  return body.people;
}
