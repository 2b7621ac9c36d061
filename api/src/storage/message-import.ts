// Loading many messages at once (benchmarks, tests, migrations). It writes the same rows as
// saveMessage, with the same claim-before-rows order and markers, but in transactions of up to
// 100 entities per partition, so 10,000 messages take seconds instead of minutes.
import { forEachLimited } from '../for-each-limited.js';
import type { TableEntity, TransactionAction } from '@azure/data-tables';
import type { ChatMessage } from '../shared/chat-message.js';
import { checkMessage, positionOf } from './entities.js';
import { statusOf, StorageValidationError } from './errors.js';
import { comparePositions } from './keys.js';
import { claimRows, replyRow, timelineRows } from './message-rows.js';
import type { SaveResult } from './message-writer.js';
import type { ChatTables, StorageTable } from './table.js';

export interface ImportResult {
  /** Newly stored. */
  imported: number;
  /** Already stored for the same sender (left as they were, their rows completed). */
  duplicates: number;
}

type Row = TableEntity<Record<string, unknown>>;

const MAX_ENTITIES_PER_TRANSACTION = 100;
/** Transactions in flight at once: enough to hide latency, few enough to be a polite client. */
const PARALLEL_TRANSACTIONS = 4;

function chunksByPartition(rows: Row[], size: number): Row[][] {
  const byPartition = new Map<string, Row[]>();
  for (const row of rows) {
    const list = byPartition.get(row.partitionKey) ?? [];
    list.push(row);
    byPartition.set(row.partitionKey, list);
  }
  const chunks: Row[][] = [];
  for (const list of byPartition.values()) {
    for (let at = 0; at < list.length; at += size) chunks.push(list.slice(at, at + size));
  }
  return chunks;
}

const inParallel = <T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> =>
  forEachLimited(items, PARALLEL_TRANSACTIONS, work);

function submit(table: StorageTable, operation: string, actions: TransactionAction[]) {
  return table.run(operation, (abortSignal) =>
    table.client.submitTransaction(actions, { abortSignal }),
  );
}

export function createMessageImporter(
  tables: ChatTables,
  writer: {
    saveMessage: (message: ChatMessage) => Promise<SaveResult>;
    raiseLastMessage: (message: ChatMessage) => Promise<void>;
  },
  now: () => number,
) {
  const { timeline, messageIds } = tables;
  const { saveMessage, raiseLastMessage } = writer;

  /**
   * Stores every message (ids unique within the call). A transaction that meets an id already
   * claimed falls back to saveMessage for each of its messages, so duplicates are recognised
   * and an id of another sender throws MessageIdConflictError (earlier messages stay stored).
   */
  async function importMessages(messages: readonly ChatMessage[]): Promise<ImportResult> {
    messages.forEach(checkMessage);
    if (new Set(messages.map((m) => m.id)).size !== messages.length) {
      throw new StorageValidationError('message', 'ids must be unique within an import.');
    }
    const startedMs = now();
    const byId = new Map(messages.map((m) => [m.id, m]));
    const claimed: ChatMessage[] = [];
    const markers: Row[] = [];
    const result: ImportResult = { imported: 0, duplicates: 0 };

    // 1. Claims with their markers: a claim and its marker share a partition, so each chunk
    //    holds whole pairs (an even number of rows).
    const pairs = messages.flatMap((m) => {
      const { claim, marker } = claimRows(m, startedMs);
      return [claim, marker];
    });
    await inParallel(chunksByPartition(pairs, MAX_ENTITIES_PER_TRANSACTION), async (chunk) => {
      const actions = chunk.map((row, i): TransactionAction =>
        i % 2 === 0 ? ['create', row] : ['upsert', row, 'Replace'],
      );
      const inChunk = chunk.filter((_, i) => i % 2 === 0).map((row) => byId.get(row.rowKey));
      try {
        await submit(messageIds, 'claim message ids', actions);
        claimed.push(...(inChunk as ChatMessage[]));
        markers.push(...chunk.filter((_, i) => i % 2 === 1));
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
        for (const message of inChunk as ChatMessage[]) {
          const saved = await saveMessage(message);
          if (saved.duplicate) result.duplicates += 1;
          else result.imported += 1;
        }
      }
    });

    // 2. Timeline rows, both rows of a message always in the same transaction (each
    //    partition's list starts with the pairs), then the replies' index rows.
    const rows = [
      ...claimed.flatMap((m) => timelineRows(m)),
      ...claimed.flatMap((m) => replyRow(m) ?? []),
    ];
    await inParallel(chunksByPartition(rows, MAX_ENTITIES_PER_TRANSACTION), (chunk) =>
      submit(
        timeline,
        'write timeline',
        chunk.map((row): TransactionAction => ['upsert', row, 'Replace']),
      ).then(() => undefined),
    );
    // Then each conversation's "last message" row: the newest message loaded into it.
    const newest = new Map<string, ChatMessage>();
    for (const message of claimed) {
      const held = newest.get(message.conversationId);
      if (!held || comparePositions(positionOf(held), positionOf(message)) < 0) {
        newest.set(message.conversationId, message);
      }
    }
    await inParallel([...newest.values()], raiseLastMessage);
    result.imported += claimed.length;

    // 3. Markers, best effort like saveMessage's: a leftover only costs a redundant sweep.
    await inParallel(chunksByPartition(markers, MAX_ENTITIES_PER_TRANSACTION), (chunk) =>
      submit(
        messageIds,
        'remove save markers',
        chunk.map((row): TransactionAction => ['delete', row]),
      ).then(
        () => undefined,
        () => undefined,
      ),
    );
    return result;
  }

  return { importMessages };
}
