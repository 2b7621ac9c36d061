// The chat's storage: messages (idempotent by id), each conversation's timeline in pages, rooms,
// memberships with read positions, and the directory of people. The design and its reasoning
// are in README.md next to this file.
import type { ChatMessage } from '../shared/chat-message.js';
import type { Person } from './entities.js';
import type { Position } from './keys.js';
import { createLegacyMigration, type MigrationResult } from './legacy-migration.js';
import { createMembershipStore, type MembershipStore } from './memberships.js';
import { createMessageChanges, type ChangeResult } from './message-changes.js';
import { createMessageImporter, type ImportResult } from './message-import.js';
import { createMessageWriter, type SaveResult, type SweepResult } from './message-writer.js';
import { createPeopleDirectory, type PersonInput } from './people-directory.js';
import { createRoomStore, type RoomStore } from './rooms.js';
import type { StorageSettings } from './settings.js';
import { openTables } from './table.js';
import { createTimelineSync } from './timeline-sync.js';
import {
  createTimelineReader,
  type LastMessage,
  type TimelinePage,
  type TimelineQuery,
  type UnreadPositions,
} from './timeline-reader.js';

export interface ChatStorage {
  /** Stores a message before it is pushed; a retry with the same id returns the original. */
  saveMessage(message: ChatMessage): Promise<SaveResult>;
  /** A stored message by id, whatever its conversation, as it is now (one point read). */
  getMessage(id: string): Promise<ChatMessage | undefined>;
  /**
   * Changes a stored message, claim first: `change` gets the current state and returns the new
   * one (or undefined for "nothing to change"); it may be called more than once (ETag retries)
   * and must be pure. Storage sets `version` (+1) and the change time itself, then rewrites the
   * message's timeline rows, its change-feed row and `last` (when it is the last message),
   * conditionally so an older state never overwrites a newer one. A repeated call whose change
   * is already applied still completes the rewrite (a retry after a crash). A deleted result
   * keeps no text, mentions, quote or reactions, and its reaction rows and the seed's copies
   * are removed. undefined: no message with that id.
   */
  changeMessage(
    id: string,
    change: (current: ChatMessage) => ChatMessage | undefined,
  ): Promise<ChangeResult | undefined>;
  /**
   * Adds (present true) or removes one person's reaction, then recounts the message's reactions
   * into its state (a change as above when the summary differs). Concurrent reactions are all
   * counted. undefined: no such message. Does not check deleted/limits: the caller does.
   */
  setReaction(
    id: string,
    emoji: string,
    person: { id: string; name: string },
    present: boolean,
  ): Promise<ChangeResult | undefined>;
  /** Ids of the messages that reply to `originalId` in its conversation (all index rows). */
  listReplies(conversationId: string, originalId: string): Promise<string[]>;
  listTimeline(conversationId: string, query?: TimelineQuery): Promise<TimelinePage>;
  readLastMessage(conversationId: string): Promise<LastMessage | undefined>;
  /**
   * Where others' messages after `after` are, oldest first, up to MAX_UNREAD + 1 of them, and
   * which of them mention the reader.
   */
  unreadPositions(
    conversationId: string,
    after: Position | undefined,
    readerId: string,
  ): Promise<UnreadPositions>;
  /**
   * Finishes saves that stopped half way (a crash between writes) more than `olderThanMs` ago
   * (default `unfinishedAfterMs`). Bounded work per call; safe to run anywhere, any time.
   */
  completeUnfinishedSaves(olderThanMs?: number): Promise<SweepResult>;
  /** Bulk loading (benchmarks, tests, migrations): saveMessage's rows in large transactions. */
  importMessages(messages: readonly ChatMessage[]): Promise<ImportResult>;
  upsertPerson(person: PersonInput): Promise<Person>;
  getPerson(id: string): Promise<Person | undefined>;
  /** Only the ids found are in the map; at most MAX_PEOPLE_PER_CALL distinct ids. */
  getPeople(ids: readonly string[]): Promise<Map<string, Person>>;
  findPeople(prefix: string): Promise<{ id: string; name: string }[]>;
  countPeople(): Promise<number>;
  rooms: RoomStore;
  memberships: MembershipStore;
  /** Moves the seed's private messages into direct conversations, once (see README.md). */
  migrateLegacyMessages(): Promise<MigrationResult>;
}

export interface ChatStorageOptions {
  /** Per storage call, retries included. Default 5 s. */
  timeoutMs?: number;
  /**
   * How far behind the present a catch-up cursor stays. It must exceed the longest time between
   * a message's sentAt and the end of its save (a few calls, each within timeoutMs) plus clock
   * skew between instances. Default 30 s.
   */
  settleMs?: number;
  /** When a started save counts as abandoned for completeUnfinishedSaves. Default 60 s. */
  unfinishedAfterMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export function createChatStorage(
  settings: StorageSettings,
  options: ChatStorageOptions = {},
): ChatStorage {
  const now = options.now ?? Date.now;
  const unfinishedAfterMs = options.unfinishedAfterMs ?? 60_000;
  const tables = openTables(settings, options.timeoutMs ?? 5000);
  const sync = createTimelineSync(tables, now);
  const writer = createMessageWriter(tables, sync, now);
  const changes = createMessageChanges(tables, sync, writer, now);
  const reader = createTimelineReader(tables, { settleMs: options.settleMs ?? 30_000, now });
  const people = createPeopleDirectory(tables);
  const importer = createMessageImporter(tables, writer, now);
  const memberships = createMembershipStore(tables);
  const migration = createLegacyMigration(tables, memberships, writer.raiseLastMessage, now);
  return {
    saveMessage: writer.saveMessage,
    getMessage: writer.getMessage,
    changeMessage: changes.changeMessage,
    setReaction: changes.setReaction,
    listReplies: reader.listReplies,
    readLastMessage: reader.readLastMessage,
    unreadPositions: reader.unreadPositions,
    findPeople: people.findPeople,
    countPeople: people.countPeople,
    rooms: createRoomStore(tables),
    memberships,
    migrateLegacyMessages: migration.migrateLegacyMessages,
    completeUnfinishedSaves: (olderThanMs = unfinishedAfterMs) =>
      writer.completeUnfinishedSaves(olderThanMs),
    importMessages: importer.importMessages,
    listTimeline: reader.listTimeline,
    upsertPerson: people.upsertPerson,
    getPerson: people.getPerson,
    getPeople: people.getPeople,
  };
}
