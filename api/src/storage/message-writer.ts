// Saving messages: idempotent by id, stored before anyone is told, and completed even when a
// save stops half way (see "Writes" in README.md for the reasoning).
import { odata } from '@azure/data-tables';
import type { ChatMessage } from '../shared/chat-message.js';
import { checkMessage, fromEntity, positionOf, toProperties } from './entities.js';
import { MessageIdConflictError, statusOf } from './errors.js';
import {
  newestFirstKey,
  oldestFirstKey,
  pendingKey,
  pendingKeyBefore,
  pendingPartition,
  PENDING_PARTITIONS,
  ROOM_PARTITION,
  userPartition,
} from './keys.js';
import type { ChatTables } from './table.js';

export interface SaveResult {
  /** The message as stored: on a duplicate, the original (its text, its sentAt). */
  message: ChatMessage;
  /** True when this id was already stored for the same sender (a retried send). */
  duplicate: boolean;
}

export interface SweepResult {
  /** Saves that had stopped half way and are now complete. */
  completed: number;
  /** Markers whose save never claimed its id (nothing was stored): removed. */
  discarded: number;
}

/** A save whose id is claimed and whose marker is written, but whose timeline rows may not be. */
export interface StartedSave extends SaveResult {
  marker: { partitionKey: string; rowKey: string };
}

const ID_ROW_KEY = 'message';
/** Markers handled per partition per sweep, so one sweep's work stays bounded. */
const SWEEP_BATCH = 100;

export function createMessageWriter(tables: ChatTables, now: () => number) {
  const { timeline, messageIds } = tables;

  function partitionsOf(message: ChatMessage): string[] {
    if (!message.isPrivate || !message.recipient) return [ROOM_PARTITION];
    // A note to oneself is one partition, written once.
    return [...new Set([message.recipient.id, message.sender.id])].map(userPartition);
  }

  /** Every timeline row of a message, one transaction per partition (both rows or neither). */
  async function writeTimeline(message: ChatMessage): Promise<void> {
    const position = positionOf(message);
    const properties = toProperties(message);
    await Promise.all(
      partitionsOf(message).map((partitionKey) =>
        timeline.run('write timeline', (abortSignal) =>
          timeline.client.submitTransaction(
            [
              [
                'upsert',
                { partitionKey, rowKey: newestFirstKey(position), ...properties },
                'Replace',
              ],
              [
                'upsert',
                { partitionKey, rowKey: oldestFirstKey(position), ...properties },
                'Replace',
              ],
            ],
            { abortSignal },
          ),
        ),
      ),
    );
  }

  async function readClaim(id: string): Promise<ChatMessage | undefined> {
    try {
      const entity = await messageIds.run('read message id', (abortSignal) =>
        messageIds.client.getEntity<Record<string, unknown>>(id, ID_ROW_KEY, { abortSignal }),
      );
      return fromEntity(entity);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The claim on the id: insert fails with 409 when anyone holds it already. */
  async function claim(message: ChatMessage): Promise<SaveResult> {
    try {
      await messageIds.run('claim message id', (abortSignal) =>
        messageIds.client.createEntity(
          { partitionKey: message.id, rowKey: ID_ROW_KEY, ...toProperties(message) },
          { abortSignal },
        ),
      );
      return { message, duplicate: false };
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      const stored = await readClaim(message.id);
      if (!stored) throw error; // cannot happen: claims are never deleted
      if (stored.sender.id !== message.sender.id) throw new MessageIdConflictError(message.id);
      return { message: stored, duplicate: true };
    }
  }

  async function removeMarker(marker: StartedSave['marker']): Promise<void> {
    await messageIds
      .run('remove save marker', (abortSignal) =>
        messageIds.client.deleteEntity(marker.partitionKey, marker.rowKey, { abortSignal }),
      )
      // A marker left behind only makes a later sweep rewrite identical rows.
      .catch(() => undefined);
  }

  /**
   * First half of a save: claim the id and write a marker, in parallel. The marker says "this
   * save may be unfinished"; a sweep completes whatever a marker points at and is claimed.
   */
  async function startSave(message: ChatMessage): Promise<StartedSave> {
    checkMessage(message);
    const marker = {
      partitionKey: pendingPartition(message.id),
      rowKey: pendingKey(now(), message.id),
    };
    const [claimed, marked] = await Promise.allSettled([
      claim(message),
      messageIds.run('write save marker', (abortSignal) =>
        messageIds.client.upsertEntity({ ...marker, messageId: message.id }, 'Replace', {
          abortSignal,
        }),
      ),
    ]);
    if (claimed.status === 'rejected') {
      if (marked.status === 'fulfilled') await removeMarker(marker);
      throw claimed.reason;
    }
    // Without a marker a crash could leave the message half written with nothing to finish it.
    if (marked.status === 'rejected') throw marked.reason;
    return { ...claimed.value, marker };
  }

  /** Second half: the timeline rows (also on a duplicate, which completes a stopped first try). */
  async function finishSave(started: StartedSave): Promise<SaveResult> {
    await writeTimeline(started.message);
    await removeMarker(started.marker);
    return { message: started.message, duplicate: started.duplicate };
  }

  async function saveMessage(message: ChatMessage): Promise<SaveResult> {
    return finishSave(await startSave(message));
  }

  /**
   * Completes saves that stopped half way at least `olderThanMs` ago (long enough that none is
   * still running): reads at most SWEEP_BATCH markers from each of the 16 marker partitions.
   */
  async function completeUnfinishedSaves(olderThanMs: number): Promise<SweepResult> {
    const result: SweepResult = { completed: 0, discarded: 0 };
    const cutoff = pendingKeyBefore(Math.max(0, now() - olderThanMs));
    await Promise.all(
      PENDING_PARTITIONS.map(async (partitionKey) => {
        const markers = await messageIds.run('read save markers', async (abortSignal) => {
          const rows: { rowKey: string; messageId: string }[] = [];
          const pages = messageIds.client
            .listEntities<Record<string, unknown>>({
              queryOptions: {
                filter: odata`PartitionKey eq ${partitionKey} and RowKey lt ${cutoff}`,
              },
              abortSignal,
            })
            .byPage({ maxPageSize: SWEEP_BATCH });
          for await (const page of pages) {
            for (const row of page) {
              if (typeof row.rowKey === 'string' && typeof row.messageId === 'string') {
                rows.push({ rowKey: row.rowKey, messageId: row.messageId });
              }
            }
            if (rows.length >= SWEEP_BATCH) break;
          }
          return rows;
        });
        for (const marker of markers) {
          const claimed = await readClaim(marker.messageId);
          if (claimed) {
            await writeTimeline(claimed);
            result.completed += 1;
          } else {
            result.discarded += 1;
          }
          await removeMarker({ partitionKey, rowKey: marker.rowKey });
        }
      }),
    );
    return result;
  }

  return { saveMessage, startSave, completeUnfinishedSaves };
}
