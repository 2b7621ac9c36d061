// Bringing a message's rows in its conversation's partition up to the state of its claim (the
// truth), conditionally, so an older state never overwrites a newer one (see README.md,
// "Changing messages"). Used by every path that may find rows behind their claim: a change, a
// retried save, the sweep. Also removes what a deleted message leaves elsewhere.
import { odata, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { fromEntity, positionOf, versionOf, type StoredMessage } from './entities.js';
import { statusOf } from './errors.js';
import {
  comparePositions,
  LAST_MESSAGE_ROW,
  legacyUserPartition,
  newestFirstKey,
  oldestFirstKey,
  reactionRange,
  timelinePartition,
} from './keys.js';
import {
  feedRow,
  feedStub,
  lastMessageRow,
  replyRow,
  timelineRows,
  type Row,
} from './message-rows.js';
import { backOff, ATTEMPTS } from './optimistic.js';
import type { ChatTables } from './table.js';

type Entity = TableEntityResult<Record<string, unknown>>;

export interface SyncOptions {
  /** A new message: make it `last` when nothing newer is there (a save's fallback). */
  raiseLast?: boolean;
}

export function createTimelineSync(tables: ChatTables, now: () => number) {
  const { timeline } = tables;

  /**
   * Rewrites, in one transaction, the message's `a_` row (with its ETag, or created), its `d_`
   * row, its reply index row, its live feed row (with the one it replaces turned into a stub)
   * and `last` (with its ETag) when `last` is this message. Skips everything when the `a_` row
   * holds this version or a newer one. Returns true when it wrote.
   */
  async function syncTimeline(stored: StoredMessage, options: SyncOptions = {}): Promise<boolean> {
    const { message, changedMs } = stored;
    const version = message.version ?? 0;
    const partitionKey = timelinePartition(message.conversationId);
    const position = positionOf(message);
    for (let attempt = 1; ; attempt += 1) {
      const [held, last] = await Promise.all([
        timeline.find('read message row', partitionKey, oldestFirstKey(position)),
        timeline.find('read last message', partitionKey, LAST_MESSAGE_ROW),
      ]);
      if (held && versionOf(held) >= version) return false;

      // The feed row is stamped when the rows are written, not when the claim was: a rewrite
      // completed late (a retry, the sweep) must still reach readers whose cursor passed the
      // claim's time. Always after the row it replaces, so the two keys differ.
      const previous = held?.changedMs;
      const feedMs =
        version > 0 && changedMs !== undefined
          ? Math.max(changedMs, now(), typeof previous === 'number' ? previous + 1 : 0)
          : undefined;
      const [newestFirst, oldestFirst] = timelineRows(message, feedMs) as [Row, Row];
      const actions: TransactionAction[] = [
        held ? ['update', oldestFirst, 'Replace', { etag: held.etag }] : ['create', oldestFirst],
        ['upsert', newestFirst, 'Replace'],
      ];
      const reply = replyRow(message);
      if (reply) actions.push(['upsert', reply, 'Replace']);
      if (feedMs !== undefined) {
        actions.push(['upsert', feedRow({ message, changedMs: feedMs }), 'Replace']);
        if (typeof previous === 'number') {
          actions.push(['upsert', feedStub(message, previous), 'Replace']);
        }
      }
      const lastRow = lastMessageRow(message, feedMs);
      if (last && last.messageId === message.id) {
        if (versionOf(last) < version) {
          actions.push(['update', lastRow, 'Replace', { etag: last.etag }]);
        }
      } else if (
        options.raiseLast &&
        (!last || comparePositions(positionOf(fromEntity(last)), position) < 0)
      ) {
        actions.push(
          last ? ['update', lastRow, 'Replace', { etag: last.etag }] : ['create', lastRow],
        );
      }
      try {
        await timeline.run('rewrite message rows', (abortSignal) =>
          timeline.client.submitTransaction(actions, { abortSignal }),
        );
        return true;
      } catch (error) {
        const status = statusOf(error);
        // Someone wrote a row we read in between: read again and decide again.
        if ((status !== 409 && status !== 412) || attempt >= ATTEMPTS) throw error;
        await backOff(attempt);
      }
    }
  }

  /** Best effort, each a no-op when already done: the rows a deleted message leaves behind. */
  async function eraseTraces(stored: StoredMessage): Promise<void> {
    const { message } = stored;
    await Promise.all([removeReactions(message.conversationId, message.id), removeSeedCopies()]);

    // The seed kept each private message in both people's `user_` partitions; the migration
    // copied them into the direct conversation but left the originals.
    async function removeSeedCopies(): Promise<void> {
      if (!message.isPrivate || !message.recipient) return;
      const position = positionOf(message);
      const partitions = new Set([
        legacyUserPartition(message.sender.id),
        legacyUserPartition(message.recipient.id),
      ]);
      await Promise.all(
        [...partitions].flatMap((partitionKey) =>
          [newestFirstKey(position), oldestFirstKey(position)].map((rowKey) =>
            timeline
              .run('remove seed copy', (abortSignal) =>
                timeline.client.deleteEntity(partitionKey, rowKey, { abortSignal }),
              )
              .catch((error: unknown) => {
                if (statusOf(error) !== 404) throw error;
              }),
          ),
        ),
      );
    }
  }

  /** Lists a message's reaction rows (all pages: small rows, selected properties only). */
  async function listReactionRows(conversationId: string, messageId: string): Promise<Entity[]> {
    const partitionKey = timelinePartition(conversationId);
    const range = reactionRange(messageId);
    return timeline.run('read reactions', async (abortSignal) => {
      const rows: Entity[] = [];
      const filter = odata`PartitionKey eq ${partitionKey} and RowKey gt ${range.after} and RowKey lt ${range.before}`;
      const pages = timeline.client
        .listEntities<Record<string, unknown>>({
          queryOptions: { filter, select: ['RowKey', 'emoji', 'userId', 'name', 'reactedMs'] },
          abortSignal,
        })
        .byPage({ maxPageSize: 1000 });
      for await (const page of pages) rows.push(...page);
      return rows;
    });
  }

  async function removeReactions(conversationId: string, messageId: string): Promise<void> {
    const rows = await listReactionRows(conversationId, messageId);
    const partitionKey = timelinePartition(conversationId);
    for (let at = 0; at < rows.length; at += 100) {
      const chunk = rows.slice(at, at + 100);
      await timeline
        .run('remove reactions', (abortSignal) =>
          timeline.client.submitTransaction(
            chunk.map((row): TransactionAction => [
              'delete',
              { partitionKey, rowKey: String(row.rowKey) },
            ]),
            { abortSignal },
          ),
        )
        .catch(async (error: unknown) => {
          // One row gone already (a concurrent removal) fails the whole transaction: one by one.
          if (statusOf(error) !== 404) throw error;
          for (const row of chunk) {
            await timeline
              .run('remove reaction', (abortSignal) =>
                timeline.client.deleteEntity(partitionKey, String(row.rowKey), { abortSignal }),
              )
              .catch((inner: unknown) => {
                if (statusOf(inner) !== 404) throw inner;
              });
          }
        });
    }
  }

  /**
   * Everything a change leaves to do once its claim is written: the rows, and for a deleted
   * message the traces elsewhere (best effort: the message's own rows are what readers see).
   */
  async function completeStored(stored: StoredMessage, options: SyncOptions = {}): Promise<void> {
    await syncTimeline(stored, options);
    if (stored.message.deleted) await eraseTraces(stored).catch(() => undefined);
  }

  return { syncTimeline, completeStored, listReactionRows };
}

export type TimelineSync = ReturnType<typeof createTimelineSync>;
