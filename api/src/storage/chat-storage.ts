// The chat's storage: messages (idempotent by id), each caller's timeline in pages, and the
// directory of people. The design and its reasoning are in README.md next to this file.
import { odata, TableClient, type TableEntityResult } from '@azure/data-tables';
import { isPlausibleUserId, type ChatMessage } from '../shared/chat-message.js';
import { decodeCursor, encodeCursor, parseLimit } from './cursor.js';
import {
  checkMessage,
  checkPerson,
  fromEntity,
  personFromEntity,
  positionOf,
  toProperties,
  type Person,
} from './entities.js';
import { MessageIdConflictError, statusOf, StorageValidationError } from './errors.js';
import {
  comparePositions,
  newestFirstKey,
  NEWEST_FIRST_PREFIX,
  oldestFirstKey,
  NEWEST_FIRST_END,
  OLDEST_FIRST_END,
  personPartition,
  ROOM_PARTITION,
  userPartition,
  type Position,
} from './keys.js';
import { clientOptions, type StorageSettings } from './settings.js';
import { StorageTable } from './table.js';

export const TABLE_NAMES = {
  timeline: 'ChatTimeline',
  messageIds: 'ChatMessageIds',
  people: 'ChatPeople',
} as const;

/** getPeople reads one row per id; this keeps one call's work bounded. */
export const MAX_PEOPLE_PER_CALL = 100;

export interface SaveResult {
  /** The message as stored: on a duplicate, the original (its text, its sentAt). */
  message: ChatMessage;
  /** True when this id was already stored for the same sender (a retried send). */
  duplicate: boolean;
}

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

export interface ChatStorage {
  saveMessage(message: ChatMessage): Promise<SaveResult>;
  listTimeline(userId: string, query?: TimelineQuery): Promise<TimelinePage>;
  upsertPerson(person: Omit<Person, 'lastSeen'> & { lastSeen: Date | string }): Promise<Person>;
  getPerson(id: string): Promise<Person | undefined>;
  /** Only the ids found are in the map; at most MAX_PEOPLE_PER_CALL distinct ids. */
  getPeople(ids: readonly string[]): Promise<Map<string, Person>>;
}

export interface ChatStorageOptions {
  /** Per storage call, retries included. Default 5 s. */
  timeoutMs?: number;
  /**
   * How far behind the present a catch-up cursor stays. It must exceed the longest time between
   * a message's sentAt and the end of its save (three calls, each within timeoutMs) plus clock
   * skew between instances. Default 30 s.
   */
  settleMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const ID_ROW_KEY = 'message';
const PERSON_ROW_KEY = 'person';

export function createChatStorage(
  settings: StorageSettings,
  options: ChatStorageOptions = {},
): ChatStorage {
  const timeoutMs = options.timeoutMs ?? 5000;
  const settleMs = options.settleMs ?? 30_000;
  const now = options.now ?? Date.now;
  // A refused connection fails in well under a second; the deadline bounds everything else.
  const sdkOptions = clientOptions(settings, {
    maxRetries: 2,
    retryDelayInMs: 100,
    maxRetryDelayInMs: 1000,
  });
  const table = (name: string): StorageTable =>
    new StorageTable(
      TableClient.fromConnectionString(settings.connectionString, name, sdkOptions),
      timeoutMs,
    );
  const timeline = table(TABLE_NAMES.timeline);
  const messageIds = table(TABLE_NAMES.messageIds);
  const people = table(TABLE_NAMES.people);

  /** Both rows of one partition in one transaction: they appear together or not at all. */
  function writeTimelineRows(partitionKey: string, message: ChatMessage, position: Position) {
    const properties = toProperties(message);
    return timeline.run('write timeline', (abortSignal) =>
      timeline.client.submitTransaction(
        [
          ['upsert', { partitionKey, rowKey: newestFirstKey(position), ...properties }, 'Replace'],
          ['upsert', { partitionKey, rowKey: oldestFirstKey(position), ...properties }, 'Replace'],
        ],
        { abortSignal },
      ),
    );
  }

  function partitionsOf(message: ChatMessage): string[] {
    if (!message.isPrivate || !message.recipient) return [ROOM_PARTITION];
    // A note to oneself is one partition, written once.
    return [...new Set([message.recipient.id, message.sender.id])].map(userPartition);
  }

  async function readStoredMessage(id: string): Promise<ChatMessage> {
    const entity = await messageIds.run('read message id', (abortSignal) =>
      messageIds.client.getEntity(id, ID_ROW_KEY, { abortSignal }),
    );
    return fromEntity(entity);
  }

  async function saveMessage(message: ChatMessage): Promise<SaveResult> {
    checkMessage(message);
    let stored = message;
    let duplicate = false;
    try {
      // The id row is the claim on the id: create fails with 409 if anyone holds it already.
      await messageIds.run('claim message id', (abortSignal) =>
        messageIds.client.createEntity(
          { partitionKey: message.id, rowKey: ID_ROW_KEY, ...toProperties(message) },
          { abortSignal },
        ),
      );
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      stored = await readStoredMessage(message.id);
      if (stored.sender.id !== message.sender.id) throw new MessageIdConflictError(message.id);
      duplicate = true;
    }
    // Also on a duplicate: the first attempt may have stopped between its writes, and rewriting
    // the same rows is harmless, so a retry always leaves the message complete (roll forward).
    const position = positionOf(stored);
    await Promise.all(
      partitionsOf(stored).map((partition) => writeTimelineRows(partition, stored, position)),
    );
    return { message: stored, duplicate };
  }

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

  async function upsertPerson(input: Omit<Person, 'lastSeen'> & { lastSeen: Date | string }) {
    const person = checkPerson(input);
    await people.run('write person', (abortSignal) =>
      people.client.upsertEntity(
        {
          partitionKey: personPartition(person.id),
          rowKey: PERSON_ROW_KEY,
          userId: person.id,
          name: person.name,
          provider: person.provider,
          lastSeen: person.lastSeen,
        },
        'Replace',
        { abortSignal },
      ),
    );
    return person;
  }

  async function getPerson(id: string): Promise<Person | undefined> {
    if (typeof id !== 'string' || !isPlausibleUserId(id)) {
      throw new StorageValidationError('ids', 'must be user ids.');
    }
    try {
      const entity = await people.run('read person', (abortSignal) =>
        people.client.getEntity<Record<string, unknown>>(personPartition(id), PERSON_ROW_KEY, {
          abortSignal,
        }),
      );
      return personFromEntity(entity);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async function getPeople(ids: readonly string[]): Promise<Map<string, Person>> {
    const distinct = [...new Set(ids)];
    if (distinct.length > MAX_PEOPLE_PER_CALL) {
      throw new StorageValidationError('ids', `at most ${MAX_PEOPLE_PER_CALL} ids per call.`);
    }
    const found = await Promise.all(distinct.map(getPerson));
    const result = new Map<string, Person>();
    for (const person of found) if (person) result.set(person.id, person);
    return result;
  }

  return { saveMessage, listTimeline, upsertPerson, getPerson, getPeople };
}
