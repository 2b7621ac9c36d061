import type { AcceptedMessage, ChatMessage, MessagePage } from '@chat/message';
import { ApiError } from './api-error.js';
import { getJson } from './get-json.js';
import { isChatMessage, toMessagePage } from './chat-message-guard.js';
import { sendJson } from './send-json.js';

export const SEND_TIMEOUT_MS = 20_000;
export const PAGE_TIMEOUT_MS = 20_000;

/** A send always carries the client-chosen id, so a retry is recognisably the same message. */
export interface OutgoingMessage {
  id: string;
  text: string;
  /** The id of the message it answers. */
  replyTo?: string;
  /** User ids of the people it mentions. */
  mentions?: string[];
}

/** `/api/conversations/<id>`, the id encoded: ids are opaque and come from the network. */
export function conversationPath(conversationId: string): string {
  return `/api/conversations/${encodeURIComponent(conversationId)}`;
}

/**
 * POST /api/conversations/{id}/messages. Resolves with the accepted message as the API stored
 * it (202; with `delivered: false` when it was stored but not pushed live), or null when the
 * reply carried no usable copy; rejects with an ApiError.
 */
export async function postMessage(
  conversationId: string,
  message: OutgoingMessage,
  fetchFn: typeof fetch = fetch,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<AcceptedMessage | null> {
  // A send that hangs would stay "pending" forever; failing it offers Retry (same id).
  const { body } = await sendJson(
    'POST',
    `${conversationPath(conversationId)}/messages`,
    {
      id: message.id,
      text: message.text,
      ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
      ...(message.mentions?.length ? { mentions: message.mentions } : {}),
    },
    fetchFn,
    timeoutMs,
  );
  // Accepted all the same without a usable copy: the newMessage event will bring the message.
  return isChatMessage(body) ? body : null;
}

/** Which page of a timeline: the latest (nothing), older, newer, or newer than a time. */
export type PageQuery =
  | { limit?: number }
  | { limit?: number; before: string }
  | { limit?: number; after: string }
  | { limit?: number; since: string };

/** GET /api/conversations/{id}/messages: one page of that timeline; rejects with an ApiError. */
export async function fetchMessagePage(
  conversationId: string,
  query: PageQuery,
  fetchFn: typeof fetch = fetch,
  timeoutMs = PAGE_TIMEOUT_MS,
): Promise<MessagePage> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) search.set(key, String(value));
  const text = search.toString();
  const base = `${conversationPath(conversationId)}/messages`;
  const path = text ? `${base}?${text}` : base;
  const { status, body } = await getJson(path, fetchFn, { timeoutMs, what: 'The message page' });
  const page = toMessagePage(body);
  if (!page) throw new ApiError(status, 'http', 'The server sent an unexpected answer.');
  return page;
}

const messagePath = (conversationId: string, messageId: string) =>
  `${conversationPath(conversationId)}/messages/${encodeURIComponent(messageId)}`;

async function changedAnswer(
  request: Promise<{ status: number; body: unknown }>,
): Promise<ChatMessage> {
  const { status, body } = await request;
  if (!isChatMessage(body))
    throw new ApiError(status, 'http', 'The server sent an unexpected answer.');
  return body;
}

/** PATCH …/messages/{messageId}: the sender's new text (and mentions); the message as it is now. */
export function editMessage(
  conversationId: string,
  messageId: string,
  edit: { text: string; mentions?: string[] },
  fetchFn: typeof fetch = fetch,
): Promise<ChatMessage> {
  return changedAnswer(sendJson('PATCH', messagePath(conversationId, messageId), edit, fetchFn));
}

/** DELETE …/messages/{messageId}: the sender takes it back; the message as deleted. */
export function deleteMessage(
  conversationId: string,
  messageId: string,
  fetchFn: typeof fetch = fetch,
): Promise<ChatMessage> {
  return changedAnswer(
    sendJson('DELETE', messagePath(conversationId, messageId), undefined, fetchFn),
  );
}

/** PUT (present) or DELETE …/messages/{messageId}/reactions/{emoji}: one's own reaction. */
export function setReaction(
  conversationId: string,
  messageId: string,
  emoji: string,
  present: boolean,
  fetchFn: typeof fetch = fetch,
): Promise<ChatMessage> {
  const path = `${messagePath(conversationId, messageId)}/reactions/${encodeURIComponent(emoji)}`;
  return changedAnswer(sendJson(present ? 'PUT' : 'DELETE', path, undefined, fetchFn));
}
