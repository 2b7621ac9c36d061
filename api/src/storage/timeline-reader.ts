// Reading a conversation's timeline in pages: exactly one partition per request, at most
// limit + 1 rows, whatever the cursor says; and the small reads behind conversation lists (the
// last message, an unread count that stops at MAX_UNREAD + 1).
import { odata, type TableEntityResult } from '@azure/data-tables';
import { parseConversationId } from '../conversations/conversation-id.js';
import type { ChatMessage } from '../shared/chat-message.js';
import { MAX_UNREAD } from '../shared/conversation.js';
import { decodeCursor, encodeCursor, parseLimit } from './cursor.js';
import { fromEntity, mentionMark, positionOf } from './entities.js';
import { StorageValidationError } from './errors.js';
import {
  comparePositions,
  FEED_END,
  feedKey,
  feedPositionOf,
  LAST_MESSAGE_ROW,
  NEWEST_FIRST_END,
  NEWEST_FIRST_PREFIX,
  newestFirstKey,
  OLDEST_FIRST_END,
  OLDEST_FIRST_PREFIX,
  oldestFirstKey,
  replyRange,
  timelinePartition,
  UUID_PATTERN,
  type Position,
} from './keys.js';
import type { ChatTables } from './table.js';

export interface TimelineQuery {
  /** 1 to 200, default 50; a number or the query-string text of one. */
  limit?: number | string;
  /** A cursor: the page of messages just older than it. */
  before?: string;
  /** A cursor: the page of messages just newer than it (catch-up). */
  after?: string;
}

/**
 * One page of a conversation's timeline.
 * - Without a cursor it is the newest page; `before` pages back, `after` pages forward.
 * - `olderCursor`: pass as `before` for the previous page; present when older messages exist
 *   (on pages reached with `after`: whenever the page is not empty).
 * - `newerCursor`: pass as `after` to catch up; present when the page is not empty or the
 *   request had `after`. On a page that reaches the present it stays a little behind the newest
 *   message (see `settleMs`), so a message stamped earlier but stored later is not skipped;
 *   the caller merges by id.
 * - `hasNewer`: newer messages than this page existed when it was read: keep paging with
 *   `newerCursor` until it is false.
 */
export interface TimelinePage {
  /** Oldest first. */
  messages: ChatMessage[];
  olderCursor?: string;
  newerCursor?: string;
  hasNewer: boolean;
  /**
   * Catch-up pages (`after`) only: messages older than this page's range that changed after
   * the cursor's change position, each as it is now, in the order they changed; at most `limit`.
   */
  changed?: ChatMessage[];
}

/** Others' messages after a position (see unreadPositions). */
export interface UnreadPositions {
  positions: Position[];
  /** The positions among them whose message mentions the reader. */
  mentions: Position[];
  /** Present when the read stopped before the newest message: examined up to here. */
  examinedTo?: Position;
}

/** A conversation's newest message, and when its row was written (the service's clock). */
export interface LastMessage {
  message: ChatMessage;
  writtenAtMs: number;
}

export function createTimelineReader(
  tables: ChatTables,
  options: { settleMs: number; now: () => number },
) {
  const { timeline } = tables;
  const { settleMs, now } = options;

  async function readRows(
    partitionKey: string,
    rowKeyAfter: string,
    rowKeyEnd: string,
    count: number,
    select?: string[],
  ) {
    return timeline.run('read timeline', async (abortSignal) => {
      const rows: TableEntityResult<Record<string, unknown>>[] = [];
      const filter = odata`PartitionKey eq ${partitionKey} and RowKey gt ${rowKeyAfter} and RowKey lt ${rowKeyEnd}`;
      // The service may return short pages with a continuation; keep reading until `count`.
      const pages = timeline.client
        .listEntities<Record<string, unknown>>({
          queryOptions: select ? { filter, select } : { filter },
          abortSignal,
        })
        .byPage({ maxPageSize: count });
      for await (const page of pages) {
        for (const row of page) {
          rows.push(row);
          if (rows.length >= count) return rows;
        }
      }
      return rows;
    });
  }

  function partitionOf(conversationId: string): string {
    if (typeof conversationId !== 'string' || !parseConversationId(conversationId)) {
      throw new StorageValidationError('conversationId', 'must be a conversation id.');
    }
    return timelinePartition(conversationId);
  }

  async function listTimeline(
    conversationId: string,
    query: TimelineQuery = {},
  ): Promise<TimelinePage> {
    const partition = partitionOf(conversationId);
    const limit = parseLimit(query.limit);
    if (query.before !== undefined && query.after !== undefined) {
      throw new StorageValidationError('before', 'use either before or after, not both.');
    }
    const before = query.before === undefined ? undefined : decodeCursor('before', query.before);
    const after = query.after === undefined ? undefined : decodeCursor('after', query.after);
    const newestFirst = after === undefined;
    // Taken before the reads, so everything the page holds is current at least as of this.
    const horizon: Position = { ms: Math.max(0, now() - settleMs), id: null };

    // Exactly one partition, whatever the cursor says: the conversation's own. A catch-up page
    // also reads the change feed after the cursor's change position, in parallel.
    const [start, end] = newestFirst
      ? [before ? newestFirstKey(before.position) : NEWEST_FIRST_PREFIX, NEWEST_FIRST_END]
      : [oldestFirstKey(after.position), OLDEST_FIRST_END];
    const [messageRows, feedRows] = await Promise.all([
      readRows(partition, start, end, limit + 1),
      after ? readRows(partition, feedKey(after.change), FEED_END, limit + 1) : undefined,
    ]);
    const rows = messageRows.map(fromEntity);
    const hasMore = rows.length > limit;
    const taken = rows.slice(0, limit);
    const messages = newestFirst ? taken.reverse() : taken;
    const oldest = messages[0];
    const newest = messages[messages.length - 1];

    const page: TimelinePage = { messages, hasNewer: newestFirst ? before !== undefined : hasMore };

    const reachesPresent = newestFirst ? before === undefined : !hasMore;
    let newer: Position | undefined = newest ? positionOf(newest) : after?.position;
    if (newer && reachesPresent) {
      // Stay behind the settle horizon, but never behind where the caller already was.
      if (comparePositions(horizon, newer) < 0) newer = horizon;
      if (after && comparePositions(newer, after.position) < 0) newer = after.position;
    }

    // Where the changes read so far end. A newest-first page is current as of its read, so its
    // change position is the settle horizon (or the request's own, when older).
    let change: Position = horizon;
    if (before && comparePositions(before.change, change) < 0) change = before.change;
    if (after && feedRows) {
      const feedHasMore = feedRows.length > limit;
      const feedTaken = feedRows.slice(0, limit);
      page.changed = feedTaken
        .filter((row) => row.stub !== true)
        .map(fromEntity)
        // Messages of this page's range or newer come (or came) in `messages`, current.
        .filter((message) => comparePositions(positionOf(message), after.position) <= 0);
      const lastRead = feedTaken[feedTaken.length - 1];
      const lastPosition = lastRead && feedPositionOf(String(lastRead.rowKey));
      if (feedHasMore && lastPosition) {
        change = lastPosition;
        page.hasNewer = true;
      } else if (comparePositions(change, after.change) < 0) {
        change = after.change;
      }
    }

    if (oldest && (newestFirst ? hasMore : true)) {
      page.olderCursor = encodeCursor(positionOf(oldest), change);
    }
    if (newer) page.newerCursor = encodeCursor(newer, change);
    return page;
  }

  /** The ids of the messages that reply to `originalId` (their index rows, all pages). */
  async function listReplies(conversationId: string, originalId: string): Promise<string[]> {
    const partition = partitionOf(conversationId);
    if (typeof originalId !== 'string' || !UUID_PATTERN.test(originalId)) return [];
    const range = replyRange(originalId);
    return timeline.run('read replies', async (abortSignal) => {
      const ids: string[] = [];
      const filter = odata`PartitionKey eq ${partition} and RowKey gt ${range.after} and RowKey lt ${range.before}`;
      const pages = timeline.client
        .listEntities<Record<string, unknown>>({
          queryOptions: { filter, select: ['messageId'] },
          abortSignal,
        })
        .byPage({ maxPageSize: 1000 });
      for await (const page of pages) {
        for (const row of page) ids.push(String(row.messageId));
      }
      return ids;
    });
  }

  /** One point read: the conversation's newest message, if it has any. */
  async function readLastMessage(conversationId: string): Promise<LastMessage | undefined> {
    const partition = partitionOf(conversationId);
    const entity = await timeline.find('read last message', partition, LAST_MESSAGE_ROW);
    if (!entity) return undefined;
    const writtenAtMs = Date.parse(String(entity.timestamp ?? ''));
    return {
      message: fromEntity(entity),
      writtenAtMs: Number.isNaN(writtenAtMs) ? 0 : writtenAtMs,
    };
  }

  /**
   * Where the messages after `after` (all of them without it) that `readerId` did not send are,
   * oldest first, at most MAX_UNREAD + 1 of them. Reads a few properties of at most twice that
   * many rows, so one's own replies in between cannot make it read the whole timeline; when it
   * stopped before the end, `examinedTo` says up to where every message was looked at.
   */
  async function unreadPositions(
    conversationId: string,
    after: Position | undefined,
    readerId: string,
  ): Promise<UnreadPositions> {
    const partition = partitionOf(conversationId);
    const cap = MAX_UNREAD + 1;
    const start = after ? oldestFirstKey(after) : OLDEST_FIRST_PREFIX;
    const rows = await readRows(partition, start, OLDEST_FIRST_END, cap * 2, [
      'senderId',
      'sentAt',
      'messageId',
      'mentionIds',
    ]);
    const positions: Position[] = [];
    const mentions: Position[] = [];
    const mark = mentionMark(readerId);
    let examined: Position | undefined;
    for (const row of rows) {
      examined = { ms: Date.parse(String(row.sentAt)), id: String(row.messageId) };
      if (row.senderId !== readerId) {
        positions.push(examined);
        if (typeof row.mentionIds === 'string' && row.mentionIds.includes(mark)) {
          mentions.push(examined);
        }
      }
      if (positions.length === cap) return { positions, mentions, examinedTo: examined };
    }
    return rows.length < cap * 2 || !examined
      ? { positions, mentions }
      : { positions, mentions, examinedTo: examined };
  }

  return { listTimeline, listReplies, readLastMessage, unreadPositions };
}
