import type { AcceptedMessage, MessagePage, SendMessageRequest } from '@chat/message';
import { ApiError, apiErrorFromResponse, networkError } from './api-error.js';
import { getJson } from './get-json.js';
import { isChatMessage, toMessagePage } from './chat-message-guard.js';

export const SEND_TIMEOUT_MS = 20_000;
export const PAGE_TIMEOUT_MS = 20_000;

/** A send always carries the client-chosen id, so a retry is recognisably the same message. */
export type OutgoingMessage = SendMessageRequest & { id: string };

/**
 * POST /api/messages. Resolves with the accepted message as the API stored it (202; with
 * `delivered: false` when it was stored but not pushed live), or null when the reply carried no
 * usable copy; rejects with an ApiError.
 */
export async function postMessage(
  message: OutgoingMessage,
  fetchFn: typeof fetch = fetch,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<AcceptedMessage | null> {
  let response: Response;
  try {
    response = await fetchFn('/api/messages', {
      method: 'POST',
      // A send that hangs would stay "pending" forever; failing it offers Retry (same id).
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(message),
    });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!response.ok) throw await apiErrorFromResponse(response);
  try {
    const body: unknown = await response.json();
    return isChatMessage(body) ? body : null;
  } catch {
    // Accepted all the same: the newMessage event will bring the message.
    return null;
  }
}

/** Which page of GET /api/messages: the latest (nothing), older, newer, or newer than a time. */
export type PageQuery =
  | { limit?: number }
  | { limit?: number; before: string }
  | { limit?: number; after: string }
  | { limit?: number; since: string };

/** GET /api/messages: one page of the caller's timeline; rejects with an ApiError. */
export async function fetchMessagePage(
  query: PageQuery,
  fetchFn: typeof fetch = fetch,
  timeoutMs = PAGE_TIMEOUT_MS,
): Promise<MessagePage> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) search.set(key, String(value));
  const text = search.toString();
  const path = text ? `/api/messages?${text}` : '/api/messages';
  const { status, body } = await getJson(path, fetchFn, { timeoutMs, what: 'The message page' });
  const page = toMessagePage(body);
  if (!page) throw new ApiError(status, 'http', 'The server sent an unexpected answer.');
  return page;
}
