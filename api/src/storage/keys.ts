// Partition and row keys of the timeline (see README.md for why they look like this).
// Every timeline partition holds each message twice, under two row keys that sort in opposite
// orders, because Table storage only returns rows in ascending key order and the timeline is
// read both newest-first (latest page, `before`) and oldest-first (`after`, catch-up).

/** A place in the timeline's total order: by time, then by id. */
export interface Position {
  /** Milliseconds since the epoch. */
  ms: number;
  /** A message id (lower-case UUID), or null for "after every message of this millisecond". */
  id: string | null;
}

export const MAX_MS = 9_999_999_999_999; // 13 digits: the year 2286
const MS_DIGITS = 13;

/** #general's timeline partition: the seed's one room partition, so its history stays put. */
export const GENERAL_PARTITION = 'room';
export const NEWEST_FIRST_PREFIX = 'd_';
export const OLDEST_FIRST_PREFIX = 'a_';
// '`' is the character after '_', so these end each prefix's range of row keys.
export const NEWEST_FIRST_END = 'd`';
export const OLDEST_FIRST_END = 'a`';

// UUIDs are fixed-length lower-case hex with dashes at fixed places, so mapping each hex digit
// to its complement reverses their order; this is why storage insists on canonical UUID ids.
const HEX = '0123456789abcdef';
const HEX_INVERTED = 'fedcba9876543210';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function invertHex(id: string): string {
  let inverted = '';
  for (const char of id) {
    const at = HEX.indexOf(char);
    inverted += at < 0 ? char : HEX_INVERTED[at];
  }
  return inverted;
}

const pad = (n: number): string => String(n).padStart(MS_DIGITS, '0');

/** Sorts oldest first. `~` is above every UUID character, so a null id ends its millisecond. */
export function oldestFirstKey(position: Position): string {
  return `${OLDEST_FIRST_PREFIX}${pad(position.ms)}_${position.id ?? '~'}`;
}

/** Sorts newest first. The bare `..._` is below every row of its millisecond, i.e. newer. */
export function newestFirstKey(position: Position): string {
  const inverted = `${NEWEST_FIRST_PREFIX}${pad(MAX_MS - position.ms)}_`;
  return position.id === null ? inverted : inverted + invertHex(position.id);
}

/** Negative when `a` comes before (is older than) `b`. */
export function comparePositions(a: Position, b: Position): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  if (a.id === b.id) return 0;
  if (a.id === null) return 1;
  if (b.id === null) return -1;
  return a.id < b.id ? -1 : 1;
}

// Id claims and save markers (see message-writer.ts) share 16 partitions, chosen by the id's
// first hex digit, so a claim and its marker can be written in one transaction, and the markers
// of a busy room spread over 16 partitions. Claims have the id as row key, markers
// `pending_<start ms>_<id>`: 'p' sorts after every hex digit, so the two never mix.
export const CLAIM_PARTITIONS = [...HEX].map((digit) => `ids_${digit}`);
const MARKER_PREFIX = 'pending_';

export function claimPartition(messageId: string): string {
  return `ids_${messageId[0] ?? '0'}`;
}

export function markerKey(startedMs: number, messageId: string): string {
  return `${MARKER_PREFIX}${pad(startedMs)}_${messageId}`;
}

/** The markers written before `ms` are the row keys in (MARKER_PREFIX, this). */
export function markerRange(ms: number): { after: string; before: string } {
  return { after: MARKER_PREFIX, before: `${MARKER_PREFIX}${pad(ms)}` };
}

// User ids are opaque provider strings; base64url keeps any of them clear of the characters
// keys forbid (/ \ # ?) and of URL escaping trouble in point queries.
export const encodeId = (userId: string): string =>
  Buffer.from(userId, 'utf8').toString('base64url');
export const decodeId = (encoded: string): string =>
  Buffer.from(encoded, 'base64url').toString('utf8');

/**
 * A conversation's timeline partition. Conversation ids are `general`, UUIDs and `dm.<b64>.<b64>`
 * (see conversations/conversation-id.ts): all clear of the characters keys forbid.
 */
export function timelinePartition(conversationId: string): string {
  return conversationId === 'general' ? GENERAL_PARTITION : `c_${conversationId}`;
}

/**
 * Each timeline partition's summary row: its newest message, written in the same transaction as
 * the message's rows. 'l' sorts between the `a_` and `d_` ranges, so no range query meets it.
 */
export const LAST_MESSAGE_ROW = 'last';

// The change feed: one row per change, `f_<change ms>_<message id>`, in the conversation's
// partition, read oldest first from a catch-up cursor's change position (see README.md).
export const FEED_PREFIX = 'f_';
export const FEED_END = 'f`';

/** A change position (ms of the change, message id) as a feed row key; null id ends its ms. */
export function feedKey(change: Position): string {
  return `${FEED_PREFIX}${pad(change.ms)}_${change.id ?? '~'}`;
}

/** The change position a feed row key names (stubs carry nothing else). */
export function feedPositionOf(rowKey: string): Position | undefined {
  const match = /^f_([0-9]{13})_([0-9a-f-]{36})$/.exec(rowKey);
  return match ? { ms: Number(match[1]), id: match[2] as string } : undefined;
}

// Replies: `r_<original id>_<reply id>`, no text, so listing a message's replies is one range.
const REPLY_PREFIX = 'r_';

export function replyKey(originalId: string, replyId: string): string {
  return `${REPLY_PREFIX}${originalId}_${replyId}`;
}

/** The row keys of the replies to `originalId` are in (after, before). */
export function replyRange(originalId: string): { after: string; before: string } {
  return { after: `${REPLY_PREFIX}${originalId}_`, before: `${REPLY_PREFIX}${originalId}\`` };
}

// Reactions: one row per message, emoji and person, `x_<message id>_<b64(emoji)>_<b64(user)>`:
// creating and deleting single rows never loses a concurrent reaction.
const REACTION_PREFIX = 'x_';

export function reactionKey(messageId: string, emoji: string, userId: string): string {
  return `${REACTION_PREFIX}${messageId}_${encodeId(emoji)}_${encodeId(userId)}`;
}

/** The row keys of one message's reactions are in (after, before). */
export function reactionRange(messageId: string): { after: string; before: string } {
  return { after: `${REACTION_PREFIX}${messageId}_`, before: `${REACTION_PREFIX}${messageId}\`` };
}

/** The seed's partition of one person's private messages: read only by the migration now. */
export function legacyUserPartition(userId: string): string {
  return `user_${encodeId(userId)}`;
}
export const LEGACY_USER_PARTITION_PREFIX = 'user_';

/** The people directory's partition for one person (one row each: point reads only). */
export function personPartition(userId: string): string {
  return encodeId(userId);
}
