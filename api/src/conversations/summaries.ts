// A person's conversations as they see them: label, last message, unread count, read position,
// mute. Listing reads the person's membership partition once, then per conversation one point
// read (its "last message" row) and, only where something may be unread, one bounded count.
import { forEachLimited } from '../for-each-limited.js';
import type { ConversationSummary, MessagePreview, ReadPosition } from '../shared/conversation.js';
import {
  GENERAL_ROOM_ID,
  GENERAL_ROOM_NAME,
  MAX_UNREAD,
  PREVIEW_LENGTH,
} from '../shared/conversation.js';
import type { ChatMessage } from '../shared/chat-message.js';
import {
  comparePositions,
  type ChatStorage,
  type ConversationLabel,
  type LastMessage,
  type Membership,
  type Position,
  type UnreadTally,
} from '../storage/index.js';

export type SummaryStore = Pick<ChatStorage, 'readLastMessage' | 'unreadPositions' | 'memberships'>;

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
  const preview: MessagePreview = {
    id: message.id,
    sender: message.sender,
    text,
    sentAt: message.sentAt,
  };
  if (message.deleted) preview.deleted = true;
  return preview;
}

export const positionOfMessage = (message: { id: string; sentAt: string }) => ({
  ms: Date.parse(message.sentAt),
  id: message.id,
});

function readPositionOf(membership: Membership): ReadPosition | undefined {
  const mark = membership.readPosition;
  return mark && { messageId: mark.id, sentAt: new Date(mark.ms).toISOString() };
}

const UNREAD_CAP = MAX_UNREAD + 1;

/** Others' messages after the read position, and how many of them mention the reader. */
interface Unread {
  count: number;
  mentions: number;
}

const NOTHING_UNREAD: Unread = { count: 0, mentions: 0 };

const tallied = (tally: UnreadTally): Unread => ({
  count: tally.count,
  mentions: tally.mentions ?? 0,
});

/**
 * The reader's unread count (and mentions among it) in one conversation, from the fewest reads
 * that can tell:
 * - nothing unread when the last message is at or before the read position (and settled);
 * - the tally kept on the membership row when nothing came since it was counted, or when it is
 *   already "99+" (it can only grow while the read position stays);
 * - otherwise one bounded count of what came after the tally (or the read position), added to
 *   it. The new tally covers only what is older than the settle window, so a message stamped
 *   earlier but stored later is still counted next time.
 */
async function unreadCount(
  store: SummaryStore,
  readerId: string,
  membership: Membership,
  last: LastMessage | undefined,
  options: SummaryOptions,
): Promise<Unread> {
  if (!last) return NOTHING_UNREAD;
  const read = membership.readPosition;
  const nowMs = options.now().getTime();
  const lastPosition = positionOfMessage(last.message);
  const settled = nowMs - last.writtenAtMs > options.settleMs;
  if (read && settled && comparePositions(lastPosition, read) <= 0) return NOTHING_UNREAD;

  const readId = read?.id ?? '';
  const tally = membership.tally?.readId === readId ? membership.tally : undefined;
  if (tally && tally.count >= UNREAD_CAP) return tallied(tally);
  if (tally && settled && comparePositions(lastPosition, tally.upTo) <= 0) return tallied(tally);

  const from = tally?.upTo ?? read;
  const { positions, mentions, examinedTo } = await store.unreadPositions(
    membership.conversationId,
    from,
    readerId,
  );
  const counted = tally ? tallied(tally) : NOTHING_UNREAD;
  const unread: Unread = {
    count: Math.min(UNREAD_CAP, counted.count + positions.length),
    mentions: Math.min(UNREAD_CAP, counted.mentions + mentions.length),
  };
  // What the next count need not read again: what was examined, up to the settle horizon.
  const horizon: Position = { ms: nowMs - options.settleMs, id: null };
  const upTo = examinedTo && comparePositions(examinedTo, horizon) < 0 ? examinedTo : horizon;
  if (!from || comparePositions(from, upTo) < 0) {
    const settledIn = (list: readonly Position[]) =>
      list.filter((p) => comparePositions(p, upTo) <= 0).length;
    const next: UnreadTally = {
      upTo,
      readId,
      count: Math.min(UNREAD_CAP, counted.count + settledIn(positions)),
      mentions: Math.min(UNREAD_CAP, counted.mentions + settledIn(mentions)),
    };
    // Best effort: without it, the next listing only counts again.
    await store.memberships
      .saveTally(readerId, membership.conversationId, next)
      .catch(() => undefined);
  }
  return unread;
}

export async function summarize(
  store: SummaryStore,
  readerId: string,
  membership: Membership,
  options: SummaryOptions,
): Promise<ConversationSummary> {
  const last = await store.readLastMessage(membership.conversationId);
  const unread = await unreadCount(store, readerId, membership, last, options);
  const summary: ConversationSummary = {
    id: membership.conversationId,
    kind: membership.kind,
    name: membership.name,
    unread: unread.count,
  };
  if (unread.mentions > 0) summary.unreadMentions = unread.mentions;
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
  await forEachLimited(memberships, PARALLEL_READS, async (membership, at) => {
    summaries[at] = await summarize(store, userId, membership, options);
  });
  return summaries.sort((a, b) => {
    if (a.id === GENERAL_ROOM_ID) return -1;
    if (b.id === GENERAL_ROOM_ID) return 1;
    const byActivity = activityOf(b).localeCompare(activityOf(a));
    return byActivity !== 0 ? byActivity : a.name.localeCompare(b.name);
  });
}
