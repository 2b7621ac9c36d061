// Presence built from the app settings, once per distinct configuration (like the chat's
// services), so table clients and the "table exists" memory live across invocations.
import { readInteger } from '../config.js';
import { getChatServices, type ChatServices } from '../http/services.js';
import { createTableRateLimiter, withLocalFallback, type RateLimiter } from '../limits/index.js';
import { readStorageSettings } from '../storage/settings.js';
import { Presence } from './presence.js';
import { createPresenceTable } from './presence-table.js';

export const VERIFY_AFTER_SETTING = 'PresenceVerifyAfterSeconds';
const DEFAULT_VERIFY_AFTER_SECONDS = 60;
const MAX_VERIFY_AFTER_SECONDS = 3600;

export interface PresenceServices {
  chat: ChatServices;
  presence: Presence;
  /**
   * Per person, across instances: the app sends one typing invocation per 3 s from each tab;
   * twice that from two tabs is tolerated. While storage cannot be read (a notice is a hint: it
   * waits at most 1 s for it), each instance applies the limit on its own.
   */
  typingLimiter: RateLimiter;
}

const typingLimiter = withLocalFallback(
  createTableRateLimiter({
    scope: 'typing',
    limit: 4,
    windowMs: 3000,
    settings: () => readStorageSettings(),
    timeoutMs: 1000,
  }),
);

type Env = Record<string, string | undefined>;

let current: { key: string; services: PresenceServices } | undefined;

function readVerifyAfterSeconds(env: Env): number {
  return readInteger(
    env,
    VERIFY_AFTER_SETTING,
    DEFAULT_VERIFY_AFTER_SECONDS,
    0,
    MAX_VERIFY_AFTER_SECONDS,
  );
}

/** Throws ConfigError (naming the setting) when a setting is missing or malformed. */
export function getPresenceServices(env: Env = process.env): PresenceServices {
  const chat = getChatServices(env);
  const storage = readStorageSettings(env);
  const verifyAfterMs = readVerifyAfterSeconds(env) * 1000;
  const key = JSON.stringify([storage.connectionString, verifyAfterMs]);
  if (current?.key === key && current.services.chat === chat) return current.services;
  const presence = new Presence(createPresenceTable(storage), chat.hub, { verifyAfterMs });
  current = { key, services: { chat, presence, typingLimiter } };
  return current.services;
}
