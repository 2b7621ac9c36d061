// The tables, each created on first use (once per process, shared by concurrent callers,
// retried after a failure) and every call bounded by a deadline, so a stalled storage account
// turns into StorageUnavailableError instead of a request that hangs until the host kills it.
import { TableClient, type TableEntityResult } from '@azure/data-tables';
import { classifyStorageError, statusOf, StorageUnavailableError } from './errors.js';
import { clientOptions, type StorageSettings } from './settings.js';

export const TABLE_NAMES = {
  timeline: 'ChatTimeline',
  messageIds: 'ChatMessageIds',
  people: 'ChatPeople',
  rooms: 'ChatRooms',
  members: 'ChatMembers',
} as const;

export class StorageTable {
  private created: Promise<void> | undefined;

  constructor(
    readonly client: TableClient,
    private readonly timeoutMs: number,
  ) {}

  /** Runs `call` once the table exists; SDK failures come back classified (see errors.ts). */
  async run<T>(operation: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.ensureCreated();
    return this.bounded(operation, call);
  }

  /** One entity by its keys, or undefined when there is none (a point read's 404). */
  async find(
    operation: string,
    partitionKey: string,
    rowKey: string,
  ): Promise<TableEntityResult<Record<string, unknown>> | undefined> {
    try {
      return await this.run(operation, (abortSignal) =>
        this.client.getEntity<Record<string, unknown>>(partitionKey, rowKey, { abortSignal }),
      );
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private ensureCreated(): Promise<void> {
    if (!this.created) {
      this.created = this.bounded('createTable', (abortSignal) =>
        this.client.createTable({ abortSignal }),
      ).catch((error: unknown) => {
        this.created = undefined; // the next call tries again
        throw error;
      });
    }
    return this.created;
  }

  private async bounded<T>(
    operation: string,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The abort signal cancels the HTTP request; the race guarantees the deadline even if some
    // layer ignored the signal.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new StorageUnavailableError('timeout', operation));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([call(controller.signal), deadline]);
    } catch (error) {
      throw classifyStorageError(error, operation);
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface ChatTables {
  timeline: StorageTable;
  messageIds: StorageTable;
  people: StorageTable;
  rooms: StorageTable;
  members: StorageTable;
}

export function openTables(settings: StorageSettings, timeoutMs: number): ChatTables {
  // A refused connection fails in well under a second; the deadline bounds everything else.
  const options = clientOptions(settings, {
    maxRetries: 2,
    retryDelayInMs: 100,
    maxRetryDelayInMs: 1000,
  });
  const open = (name: string): StorageTable =>
    new StorageTable(
      TableClient.fromConnectionString(settings.connectionString, name, options),
      timeoutMs,
    );
  return {
    timeline: open(TABLE_NAMES.timeline),
    messageIds: open(TABLE_NAMES.messageIds),
    people: open(TABLE_NAMES.people),
    rooms: open(TABLE_NAMES.rooms),
    members: open(TABLE_NAMES.members),
  };
}
