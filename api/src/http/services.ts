// Builds what the functions need from the app settings, once per distinct configuration:
// settings are read per invocation (so a fix applies without a restart) but the hub client and
// the rate limiter (its table client and the rows it knows) survive between invocations.
import { loadConfig, type ChatConfig } from '../config.js';
import type { SummaryOptions } from '../conversations/summaries.js';
import { createTableRateLimiter, type RateLimiter } from '../limits/index.js';
import { createHubClient, type HubClient } from '../signalr/rest-client.js';
import type { ChatStorage } from '../storage/index.js';
import { readStorageSettings } from '../storage/settings.js';
import { CATCH_UP_SETTLE_MS, chatStorage } from './storage-access.js';

export interface ChatServices {
  config: ChatConfig;
  hub: HubClient;
  rateLimiter: RateLimiter;
}

let current: { key: string; services: ChatServices } | undefined;

/** Throws ConfigError (naming the setting) when a setting is missing or malformed. */
export function getChatServices(
  env: Record<string, string | undefined> = process.env,
): ChatServices {
  const config = loadConfig(env);
  const key = JSON.stringify(config);
  if (current?.key === key) return current.services;

  const previous = current?.services.rateLimiter;
  const { count, windowMs } = config.rateLimit;
  const rateLimiter =
    previous && previous.limit === count && previous.windowMs === windowMs
      ? previous
      : // Shared by every instance through storage; the settings are read at each send.
        createTableRateLimiter({
          scope: 'send',
          limit: count,
          windowMs,
          settings: () => readStorageSettings(),
        });
  const services = { config, hub: createHubClient(config.signalR, config.hubName), rateLimiter };
  current = { key, services };
  return services;
}

/** What the conversation modules need, for the current app settings. */
export interface ConversationServices {
  store: ChatStorage;
  hub: HubClient;
  summaries: SummaryOptions;
}

export function getConversationServices(
  env: Record<string, string | undefined> = process.env,
): ConversationServices {
  return {
    store: chatStorage(env),
    hub: getChatServices(env).hub,
    summaries: { settleMs: CATCH_UP_SETTLE_MS, now: () => new Date() },
  };
}
