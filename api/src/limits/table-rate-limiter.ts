// A rate limit shared by every function instance: one Table Storage row per limited key (a
// person), written with its ETag (optimistic concurrency), so instances cannot both take the
// last place. Each instance remembers the rows it wrote, with their ETags, so a send costs one
// storage round trip (the conditional write) once the instance knows the person; a refusal
// costs none when the remembered row already refuses (other instances can only have added
// sends to it). The first send of a person on an instance reads the row first (two round
// trips), and a write that lost a race reads again and retries.
import { TableClient } from '@azure/data-tables';
import { clientOptions, type StorageSettings } from '../storage/settings.js';
import { StorageTable } from '../storage/table.js';
import { statusOf, StorageUnavailableError } from '../storage/errors.js';
import type { RateDecision, RateLimiter } from './rate-limiter.js';
import { decide, decodeWindow, encodeWindow, type SlotWindow } from './slot-window.js';

export const LIMITS_TABLE = 'ChatLimits';

/**
 * Takes for one key queue up within an instance, so only instances race each other; each round
 * of a race has a winner, so a few attempts settle it (more means storage misbehaves).
 */
const MAX_ATTEMPTS = 8;

export interface TableRateLimiterOptions {
  /** Names what is limited ('send', 'typing'): keys of different scopes never meet. */
  scope: string;
  limit: number;
  windowMs: number;
  /** Read at each take, so a changed setting applies without a restart. */
  settings: () => StorageSettings;
  timeoutMs?: number;
  now?: () => number;
  /** How many rows an instance remembers (the least recently used are forgotten). */
  maxRemembered?: number;
}

export interface TableRateLimiter extends RateLimiter {
  /** Storage calls made so far (reads and writes), for the benchmark and tests. */
  readonly storageCalls: number;
}

interface Known {
  /** Absent when the row does not exist yet. */
  etag?: string;
  window?: SlotWindow;
}

/** Row keys allow no `/ \ # ?` or control characters: keys go in as base64url. */
function partitionKey(scope: string, key: string): string {
  return `${scope}-${Buffer.from(key, 'utf8').toString('base64url')}`;
}

export function createTableRateLimiter(options: TableRateLimiterOptions): TableRateLimiter {
  const { scope, limit, windowMs } = options;
  const now = options.now ?? Date.now;
  const maxRemembered = options.maxRemembered ?? 10_000;
  const remembered = new Map<string, Known>();
  const queues = new Map<string, Promise<unknown>>();
  let opened: { connectionString: string; table: StorageTable } | undefined;
  let storageCalls = 0;

  function table(): StorageTable {
    const settings = options.settings();
    if (opened?.connectionString !== settings.connectionString) {
      const client = TableClient.fromConnectionString(
        settings.connectionString,
        LIMITS_TABLE,
        clientOptions(settings, { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 1000 }),
      );
      opened = {
        connectionString: settings.connectionString,
        table: new StorageTable(client, options.timeoutMs ?? 5000),
      };
      remembered.clear();
    }
    return opened.table;
  }

  function remember(pk: string, known: Known): void {
    remembered.delete(pk);
    remembered.set(pk, known);
    if (remembered.size > maxRemembered) {
      const oldest = remembered.keys().next().value;
      if (oldest !== undefined) remembered.delete(oldest);
    }
  }

  async function read(storage: StorageTable, pk: string): Promise<Known> {
    storageCalls += 1;
    return storage.run('read rate limit', async (abortSignal) => {
      try {
        const entity = await storage.client.getEntity<Record<string, unknown>>(pk, '', {
          abortSignal,
        });
        const window = decodeWindow(entity.first, entity.counts);
        return { etag: entity.etag, ...(window ? { window } : {}) };
      } catch (error) {
        if (statusOf(error) === 404) return {};
        throw error;
      }
    });
  }

  /** Writes the window if the row is still as `known` saw it; undefined when it was not. */
  async function write(
    storage: StorageTable,
    pk: string,
    known: Known,
    window: SlotWindow,
  ): Promise<string | undefined> {
    storageCalls += 1;
    const entity = { partitionKey: pk, rowKey: '', ...encodeWindow(window) };
    return storage.run('write rate limit', async (abortSignal) => {
      try {
        const response =
          known.etag === undefined
            ? await storage.client.createEntity(entity, { abortSignal })
            : await storage.client.updateEntity(entity, 'Replace', {
                etag: known.etag,
                abortSignal,
              });
        return response.etag ?? '*';
      } catch (error) {
        // 409: created meanwhile; 412: changed meanwhile; 404: deleted meanwhile.
        const status = statusOf(error);
        if (status === 409 || status === 412 || status === 404) return undefined;
        throw error;
      }
    });
  }

  return {
    limit,
    windowMs,
    get storageCalls() {
      return storageCalls;
    },
    take(key: string): Promise<RateDecision> {
      const pk = partitionKey(scope, key);
      const previous = queues.get(pk) ?? Promise.resolve();
      const run = previous.then(
        () => takeNow(pk),
        () => takeNow(pk),
      );
      queues.set(pk, run);
      const forget = (): void => {
        if (queues.get(pk) === run) queues.delete(pk);
      };
      run.then(forget, forget);
      return run;
    },
  };

  async function takeNow(pk: string): Promise<RateDecision> {
    const storage = table();
    let known = remembered.get(pk);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      known ??= await read(storage, pk);
      const decision = decide(known.window, now(), limit, windowMs);
      if (!decision.allowed) {
        remember(pk, known);
        return { allowed: false, retryAfterSeconds: decision.retryAfterSeconds };
      }
      const etag = await write(storage, pk, known, decision.next);
      if (etag !== undefined) {
        remember(pk, { etag, window: decision.next });
        return { allowed: true };
      }
      known = undefined; // lost a race: read what the other instance wrote
    }
    throw new StorageUnavailableError('busy', 'write rate limit');
  }
}
