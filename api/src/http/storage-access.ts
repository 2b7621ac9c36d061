// The chat's storage for the current app settings. One place fixes the options the HTTP layer
// relies on: the catch-up settle window is used both by storage (for `newerCursor`) and by
// `GET /api/messages?since=` (which turns a message time into a cursor).
import { getChatStorage, type ChatStorage } from '../storage/index.js';

/**
 * How far behind the newest message a catch-up starts. It must exceed the longest time from a
 * message's stamp to the end of its save, plus clock skew between instances (see the storage
 * README, "Catch-up near the present").
 */
export const CATCH_UP_SETTLE_MS = 30_000;

/** Throws ConfigError naming ChatStorageConnectionString when it is missing or malformed. */
export function chatStorage(env: Record<string, string | undefined> = process.env): ChatStorage {
  return getChatStorage(env, { settleMs: CATCH_UP_SETTLE_MS });
}
