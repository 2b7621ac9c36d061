import type { ChatMessage, SendMessageRequest } from '@chat/message';
import { apiErrorFromResponse, networkError } from './api-error.js';
import { isChatMessage } from './chat-message-guard.js';

export const SEND_TIMEOUT_MS = 20_000;

/** A send always carries the client-chosen id, so a retry is recognisably the same message. */
export type OutgoingMessage = SendMessageRequest & { id: string };

/**
 * POST /api/messages. Resolves with the accepted message as the API stored it (202), or null
 * when the reply carried no usable copy; rejects with an ApiError.
 */
export async function postMessage(
  message: OutgoingMessage,
  fetchFn: typeof fetch = fetch,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<ChatMessage | null> {
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
