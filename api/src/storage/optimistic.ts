// Read-decide-write with optimistic concurrency, the one way this storage changes a row that
// others may change at the same time (a read position, a count, a conversation's last message):
// the write carries the ETag of the row as read (or creates the row when there was none), and
// when someone else wrote in between (412, or 409 on create) it reads again and decides again.
import type { TableEntity, TableEntityResult } from '@azure/data-tables';
import { statusOf } from './errors.js';
import type { StorageTable } from './table.js';

type Entity = TableEntityResult<Record<string, unknown>>;
export type Row = TableEntity<Record<string, unknown>>;

/** Enough for dozens of writers racing on one row (each round, one of them wins). */
export const ATTEMPTS = 40;
const MAX_BACKOFF_MS = 50;

// A random pause before trying again, growing with the attempts, so racing writers spread out
// instead of colliding again in lockstep.
export const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt)),
  );

/**
 * `decide` sees the row as it is now (undefined when there is none) and returns the row to
 * write, or undefined to leave it as it is. Returns the row as last read and what was written.
 * After ATTEMPTS lost races the last conflict is thrown (the caller's request fails, and may be
 * repeated: every use of this is idempotent).
 */
export async function updateRow(
  table: StorageTable,
  key: { partitionKey: string; rowKey: string },
  operation: string,
  decide: (current: Entity | undefined) => Row | undefined,
  /** Merge keeps the properties the written row does not name; Replace drops them. */
  mode: 'Merge' | 'Replace' = 'Merge',
): Promise<{ current: Entity | undefined; written?: Row }> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await table.find(`read ${operation}`, key.partitionKey, key.rowKey);
    const row = decide(current);
    if (!row) return { current };
    try {
      await table.run(`write ${operation}`, (abortSignal) =>
        current
          ? table.client.updateEntity(row, mode, { etag: current.etag, abortSignal })
          : table.client.createEntity(row, { abortSignal }),
      );
      return { current, written: row };
    } catch (error) {
      const status = statusOf(error);
      if ((status !== 409 && status !== 412) || attempt >= ATTEMPTS) throw error;
      await backOff(attempt);
    }
  }
}
