// App settings (environment variables in Azure and in local.settings.json `Values`).
// Read when a function runs, never at import time, so a bad setting becomes a clear JSON
// error from the function instead of a worker that fails to load.
import {
  CONNECTION_STRING_SETTING,
  ConnectionStringError,
  parseConnectionString,
  type SignalRConnection,
} from './signalr/connection-string.js';

export interface ChatConfig {
  signalR: SignalRConnection;
  /** Lower-case: the service treats hub names case-insensitively. */
  hubName: string;
  rateLimit: { count: number; windowMs: number };
  tokenLifetimeSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

type Env = Record<string, string | undefined>;

const HUB_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

export function loadConfig(env: Env = process.env): ChatConfig {
  let signalR: SignalRConnection;
  try {
    signalR = parseConnectionString(env[CONNECTION_STRING_SETTING]);
  } catch (error) {
    if (error instanceof ConnectionStringError) {
      throw new ConfigError(CONNECTION_STRING_SETTING, error.message);
    }
    throw error;
  }

  const hubName = (env.SignalRHubName?.trim() || 'chat').toLowerCase();
  if (!HUB_NAME_PATTERN.test(hubName)) {
    throw new ConfigError(
      'SignalRHubName',
      'App setting SignalRHubName is invalid: use a letter followed by letters, digits or _ (at most 128).',
    );
  }

  return {
    signalR,
    hubName,
    rateLimit: {
      count: readInteger(env, 'ChatRateLimitCount', 10, 1, 100_000),
      windowMs: readInteger(env, 'ChatRateLimitWindowSeconds', 10, 1, 86_400) * 1000,
    },
    tokenLifetimeSeconds: readInteger(env, 'SignalRTokenLifetimeSeconds', 3600, 60, 86_400),
  };
}

/** A whole-number app setting in [min, max], or the fallback when unset; ConfigError otherwise. */
export function readInteger(
  env: Env,
  setting: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[setting]?.trim();
  if (!raw) return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new ConfigError(
      setting,
      `App setting ${setting} is invalid: expected a whole number from ${min} to ${max}.`,
    );
  }
  return value;
}
