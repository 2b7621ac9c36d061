import type { ReadPosition } from '@chat/conversation';
import type { ChatMessage } from '@chat/message';
import { newestConfirmed, type TimelineEntry } from '../timeline/timeline.js';

/** True when the message comes after the read position in timeline order (sentAt, then id). */
export function isUnreadAfter(message: ChatMessage, position: ReadPosition | undefined): boolean {
  if (!position) return true;
  if (message.id === position.messageId) return false;
  const a = Date.parse(message.sentAt);
  const b = Date.parse(position.sentAt);
  return a !== b ? a > b : message.id > position.messageId;
}

/** What was unread when the conversation was opened: where its "New messages" divider goes. */
export interface OpenedAt {
  readPosition?: ReadPosition;
  unread: number;
}

/**
 * The first message from someone else after the read position captured on opening, or
 * undefined when nothing was unread then (no divider in a conversation already read).
 */
export function firstUnreadId(
  entries: readonly TimelineEntry[],
  openedAt: OpenedAt | undefined,
  meId: string,
): string | undefined {
  if (!openedAt || openedAt.unread === 0) return undefined;
  for (const { message, delivery } of entries) {
    if (delivery !== 'sent' || message.sender.id === meId) continue;
    if (isUnreadAfter(message, openedAt.readPosition)) return message.id;
  }
  return undefined;
}

/**
 * Where to move the read position now that the newest message is in view, or undefined when
 * it need not move: nothing is unread and the newest is mine (or already read).
 */
export function readUpTo(
  entries: readonly TimelineEntry[],
  summary: { unread: number; readPosition?: ReadPosition },
  meId: string,
): string | undefined {
  const newest = newestConfirmed(entries);
  if (!newest || !isUnreadAfter(newest, summary.readPosition)) return undefined;
  if (summary.unread === 0 && newest.sender.id === meId) return undefined;
  return newest.id;
}
