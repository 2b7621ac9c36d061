// A person's conversations as they see them: label, last message, unread count, read position,
// mute. Listing reads the person's membership partition once, then per conversation one point
// read (its "last message" row) and, only where something may be unread, one bounded count.
import type { ConversationSummary, MessagePreview, ReadPosition } from '../shared/conversation.js';
import { GENERAL_ROOM_ID, GENERAL_ROOM_NAME, PREVIEW_LENGTH } from '../shared/conversation.js';
import type { ChatMessage } from '../shared/chat-message.js';
import {
  comparePositions,
  type ChatStorage,
  type ConversationLabel,
  type LastMessage,
  type Membership,
} from '../storage/index.js';

export type SummaryStore = Pick<ChatStorage, 'readLastMessage' | 'countUnread' | 'memberships'>;

export interface SummaryOptions {
  /**
   * A "last message" row written within this window may have been overtaken by a message
   * stamped earlier and stored later (the same window as catch-up's), so it is not trusted to
   * say "nothing unread".
   */
  settleMs: number;
  now: () => Date;
}

export const GENERAL_LABEL: ConversationLabel = {
  kind: 'room',
  name: GENERAL_ROOM_NAME,
  visibility: 'public',
};

/** Counting at most this many conversations at once keeps one listing a polite client. */
const PARALLEL_READS = 16;

export function previewOf(message: ChatMessage): MessagePreview {
  const codePoints = [...message.text];
  const text =
    codePoints.length > PREVIEW_LENGTH
      ? codePoints.slice(0, PREVIEW_LENGTH).join('')
      : message.text;
  return { id: message.id, sender: message.sender, text, sentAt: message.sentAt };
}

export const positionOfMessage = (message: { id: string; sentAt: string }) => ({
  ms: Date.parse(message.sentAt),
  id: message.id,
});

function readPositionOf(membership: Membership): ReadPosition | undefined {
  const mark = membership.readPosition;
  return mark && { messageId: mark.id, sentAt: new Date(mark.ms).toISOString() };
}

async function unreadCount(
  store: SummaryStore,
  readerId: string,
  membership: Membership,
  last: LastMessage | undefined,
  options: SummaryOptions,
): Promise<number> {
  if (!last) return 0;
  const read = membership.readPosition;
  const settled = options.now().getTime() - last.writtenAtMs > options.settleMs;
  if (read && settled && comparePositions(positionOfMessage(last.message), read) <= 0) return 0;
  return store.countUnread(membership.conversationId, read, readerId);
}

export async function summarize(
  store: SummaryStore,
  readerId: string,
  membership: Membership,
  options: SummaryOptions,
): Promise<ConversationSummary> {
  const last = await store.readLastMessage(membership.conversationId);
  const summary: ConversationSummary = {
    id: membership.conversationId,
    kind: membership.kind,
    name: membership.name,
    unread: await unreadCount(store, readerId, membership, last, options),
  };
  if (membership.topic !== undefined) summary.topic = membership.topic;
  if (membership.visibility !== undefined) summary.visibility = membership.visibility;
  if (membership.with !== undefined) summary.with = membership.with;
  const readPosition = readPositionOf(membership);
  if (readPosition) summary.readPosition = readPosition;
  if (last) summary.lastMessage = previewOf(last.message);
  if (membership.muted) summary.muted = true;
  return summary;
}

/**
 * #general's row, made the first time someone lists their conversations: joining counts as
 * having read what was there.
 */
async function generalMembership(
  store: SummaryStore,
  userId: string,
  options: SummaryOptions,
): Promise<Membership> {
  const last = await store.readLastMessage(GENERAL_ROOM_ID);
  const at = options.now();
  const readPosition = last ? positionOfMessage(last.message) : undefined;
  await store.memberships.putMembership(userId, GENERAL_ROOM_ID, GENERAL_LABEL, {
    at,
    ...(readPosition ? { readPosition } : {}),
  });
  const membership: Membership = {
    conversationId: GENERAL_ROOM_ID,
    ...GENERAL_LABEL,
    muted: false,
    joinedAt: at.toISOString(),
  };
  if (readPosition) membership.readPosition = readPosition;
  return membership;
}

const activityOf = (summary: ConversationSummary): string => summary.lastMessage?.sentAt ?? '';

/** #general first, then by last activity, newest first. */
export async function listConversations(
  store: SummaryStore,
  userId: string,
  options: SummaryOptions,
): Promise<ConversationSummary[]> {
  const memberships = await store.memberships.listMemberships(userId);
  if (!memberships.some((m) => m.conversationId === GENERAL_ROOM_ID)) {
    memberships.push(await generalMembership(store, userId, options));
  }
  const summaries: ConversationSummary[] = new Array(memberships.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_READS, memberships.length) }, async () => {
      while (next < memberships.length) {
        const at = next++;
        summaries[at] = await summarize(store, userId, memberships[at] as Membership, options);
      }
    }),
  );
  return summaries.sort((a, b) => {
    if (a.id === GENERAL_ROOM_ID) return -1;
    if (b.id === GENERAL_ROOM_ID) return 1;
    const byActivity = activityOf(b).localeCompare(activityOf(a));
    return byActivity !== 0 ? byActivity : a.name.localeCompare(b.name);
  });
}
