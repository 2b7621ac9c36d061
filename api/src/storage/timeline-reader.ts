// Reading a caller's timeline in pages: exactly two partitions per request (the room and the
// caller's own), at most limit + 1 rows from each, whatever the cursor says.
import { odata, type TableEntityResult } from '@azure/data-tables';
import { isPlausibleUserId, type ChatMessage } from '../shared/chat-message.js';
import { decodeCursor, encodeCursor, parseLimit } from './cursor.js';
import { fromEntity, positionOf } from './entities.js';
import { StorageValidationError } from './errors.js';
import {
  comparePositions,
  NEWEST_FIRST_END,
  NEWEST_FIRST_PREFIX,
  newestFirstKey,
  OLDEST_FIRST_END,
  oldestFirstKey,
  ROOM_PARTITION,
  userPartition,
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
 * One page of a caller's timeline.
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
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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
  ) {
    return timeline.run('read timeline', async (abortSignal) => {
      const rows: TableEntityResult<Record<string, unknown>>[] = [];
      const filter = odata`PartitionKey eq ${partitionKey} and RowKey gt ${rowKeyAfter} and RowKey lt ${rowKeyEnd}`;
      // The service may return short pages with a continuation; keep reading until `count`.
      const pages = timeline.client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
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

  async function listTimeline(userId: string, query: TimelineQuery = {}): Promise<TimelinePage> {
    if (typeof userId !== 'string' || !isPlausibleUserId(userId)) {
      throw new StorageValidationError('userId', 'must be a user id.');
    }
    const limit = parseLimit(query.limit);
    if (query.before !== undefined && query.after !== undefined) {
      throw new StorageValidationError('before', 'use either before or after, not both.');
    }
    const before = query.before === undefined ? undefined : decodeCursor('before', query.before);
    const after = query.after === undefined ? undefined : decodeCursor('after', query.after);
    const newestFirst = after === undefined;

    // Exactly two partitions, whatever the cursor says: the room and the caller's own.
    const [start, end] = newestFirst
      ? [before ? newestFirstKey(before) : NEWEST_FIRST_PREFIX, NEWEST_FIRST_END]
      : [oldestFirstKey(after), OLDEST_FIRST_END];
    const partitions = [ROOM_PARTITION, userPartition(userId)];
    const perPartition = await Promise.all(
      partitions.map((partition) => readRows(partition, start, end, limit + 1)),
    );
    // Row keys have the same form in every partition, so one sort merges them; a message is in
    // only one of the two partitions, so the merge has no duplicates.
    const merged = perPartition
      .flat()
      .sort((a, b) => compareKeys(a.rowKey ?? '', b.rowKey ?? ''))
      .map(fromEntity);
    const hasMore = merged.length > limit;
    const taken = merged.slice(0, limit);
    const messages = newestFirst ? taken.reverse() : taken;
    const oldest = messages[0];
    const newest = messages[messages.length - 1];

    const page: TimelinePage = { messages, hasNewer: newestFirst ? before !== undefined : hasMore };
    if (oldest && (newestFirst ? hasMore : true))
      page.olderCursor = encodeCursor(positionOf(oldest));

    const reachesPresent = newestFirst ? before === undefined : !hasMore;
    let newer: Position | undefined = newest ? positionOf(newest) : after;
    if (newer && reachesPresent) {
      // Stay behind the settle horizon, but never behind where the caller already was.
      const horizon: Position = { ms: Math.max(0, now() - settleMs), id: null };
      if (comparePositions(horizon, newer) < 0) newer = horizon;
      if (after && comparePositions(newer, after) < 0) newer = after;
    }
    if (newer) page.newerCursor = encodeCursor(newer);
    return page;
  }

  return { listTimeline };
}
