// The presence rows on Azure Table Storage (locally Azurite), through the storage module's
// settings and bounded-call helper. Only this file knows the table's entities.
import { odata, RestError, TableClient } from '@azure/data-tables';
import { clientOptions, type StorageSettings } from '../storage/settings.js';
import { StorageTable } from '../storage/table.js';
import { connectionRowKey, presencePartition, PRESENCE_TABLE, userRowPrefix } from './keys.js';

/** One live connection of a signed-in user. */
export interface ConnectionRecord {
  connectionId: string;
  userId: string;
  name: string;
  /** Milliseconds since the epoch. */
  connectedAt: number;
  /** When the service last confirmed the connection (the connected event, or a HEAD check). */
  verifiedAt: number;
}

export interface PresenceTable {
  put(record: ConnectionRecord): Promise<void>;
  /** Removes the row; a row that is already gone is not an error. */
  remove(userId: string, connectionId: string): Promise<void>;
  /** Records that the service confirmed the connection; false when the row has gone. */
  markVerified(userId: string, connectionId: string, at: number): Promise<boolean>;
  userConnections(userId: string): Promise<ConnectionRecord[]>;
  allConnections(): Promise<ConnectionRecord[]>;
}

interface PresenceEntity {
  partitionKey: string;
  rowKey: string;
  connectionId: string;
  userId: string;
  name: string;
  connectedAt: number;
  verifiedAt: number;
}

export interface PresenceTableOptions {
  timeoutMs?: number;
}

function toRecord(entity: Record<string, unknown>): ConnectionRecord | null {
  const { connectionId, userId, name, connectedAt, verifiedAt } = entity;
  if (typeof connectionId !== 'string' || typeof userId !== 'string') return null;
  return {
    connectionId,
    userId,
    name: typeof name === 'string' && name ? name : userId,
    connectedAt: Number(connectedAt) || 0,
    verifiedAt: Number(verifiedAt) || 0,
  };
}

const isNotFound = (error: unknown): boolean =>
  error instanceof RestError && error.statusCode === 404;

export function createPresenceTable(
  settings: StorageSettings,
  options: PresenceTableOptions = {},
): PresenceTable {
  const table = new StorageTable(
    TableClient.fromConnectionString(
      settings.connectionString,
      PRESENCE_TABLE,
      clientOptions(settings, { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 1000 }),
    ),
    options.timeoutMs ?? 5000,
  );

  async function list(filter: string | undefined, operation: string): Promise<ConnectionRecord[]> {
    return table.run(operation, async (abortSignal) => {
      const records: ConnectionRecord[] = [];
      const entities = table.client.listEntities<Record<string, unknown>>({
        ...(filter ? { queryOptions: { filter } } : {}),
        abortSignal,
      });
      for await (const entity of entities) {
        const record = toRecord(entity);
        if (record) records.push(record);
      }
      return records;
    });
  }

  return {
    put: async (record) => {
      const entity: PresenceEntity = {
        partitionKey: presencePartition(record.userId),
        rowKey: connectionRowKey(record.userId, record.connectionId),
        ...record,
      };
      await table.run('save presence', (abortSignal) =>
        table.client.upsertEntity(entity, 'Replace', { abortSignal }),
      );
    },

    remove: async (userId, connectionId) => {
      await table.run('remove presence', async (abortSignal) => {
        try {
          await table.client.deleteEntity(
            presencePartition(userId),
            connectionRowKey(userId, connectionId),
            { abortSignal },
          );
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      });
    },

    markVerified: async (userId, connectionId, at) =>
      table.run('verify presence', async (abortSignal) => {
        try {
          // Merge with `*` only updates an existing row: a row removed meanwhile stays removed.
          await table.client.updateEntity(
            {
              partitionKey: presencePartition(userId),
              rowKey: connectionRowKey(userId, connectionId),
              verifiedAt: at,
            },
            'Merge',
            { etag: '*', abortSignal },
          );
          return true;
        } catch (error) {
          if (isNotFound(error)) return false;
          throw error;
        }
      }),

    userConnections: (userId) => {
      const { from, to } = userRowPrefix(userId);
      const partition = presencePartition(userId);
      return list(
        odata`PartitionKey eq ${partition} and RowKey ge ${from} and RowKey lt ${to}`,
        'read presence',
      );
    },

    // The table holds live connections only, so reading all of it stays small.
    allConnections: () => list(undefined, 'list presence'),
  };
}
