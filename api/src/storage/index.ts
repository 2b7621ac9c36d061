// The storage module's public surface. The functions use getChatStorage(); tests and tools
// may build an instance with their own settings through createChatStorage().
import { createChatStorage, type ChatStorage, type ChatStorageOptions } from './chat-storage.js';
import { readStorageSettings } from './settings.js';

export { createChatStorage, type ChatStorage, type ChatStorageOptions } from './chat-storage.js';
export type { ImportResult } from './message-import.js';
export type { SaveResult, SweepResult } from './message-writer.js';
export type { ChangeResult } from './message-changes.js';
export { MAX_PEOPLE_PER_CALL, type PersonInput } from './people-directory.js';
export { TABLE_NAMES } from './table.js';
export type {
  LastMessage,
  TimelinePage,
  TimelineQuery,
  UnreadPositions,
} from './timeline-reader.js';
export type { Room } from './rooms.js';
export { MAX_LISTED_ROOMS } from './rooms.js';
export type {
  ConversationLabel,
  Membership,
  ReadMark,
  RoomMember,
  UnreadTally,
} from './memberships.js';
export { MAX_CONVERSATIONS, MAX_LISTED_MEMBERS } from './memberships.js';
export { MAX_FOUND_PEOPLE } from './people-directory.js';
export type { MigrationResult } from './legacy-migration.js';
export { comparePositions, type Position } from './keys.js';
export { catchUpCursorFor, DEFAULT_LIMIT, MAX_LIMIT } from './cursor.js';
export type { Person } from './entities.js';
export {
  MessageIdConflictError,
  RoomNameTakenError,
  StorageUnavailableError,
  StorageValidationError,
  type StorageFailure,
  type StorageField,
} from './errors.js';
export {
  readStorageSettings,
  STORAGE_CONNECTION_SETTING,
  type StorageSettings,
} from './settings.js';

let current: { connectionString: string; storage: ChatStorage } | undefined;

/**
 * The storage for the current app settings, built once per connection string so its clients
 * (and its "tables exist" memory) live across invocations. Throws ConfigError naming
 * ChatStorageConnectionString when the setting is missing or malformed.
 */
export function getChatStorage(
  env: Record<string, string | undefined> = process.env,
  options?: ChatStorageOptions,
): ChatStorage {
  const settings = readStorageSettings(env);
  if (current?.connectionString !== settings.connectionString) {
    current = {
      connectionString: settings.connectionString,
      storage: createChatStorage(settings, options),
    };
  }
  return current.storage;
}
