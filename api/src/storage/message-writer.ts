// Saving messages: idempotent by id, stored before anyone is told, and completed even when a
// save stops half way (see "Writes" in README.md for the reasoning).
import { odata, type TableEntity, type TransactionAction } from '@azure/data-tables';
import type { ChatMessage } from '../shared/chat-message.js';
import { checkMessage, fromEntity, positionOf, toProperties } from './entities.js';
import { MessageIdConflictError, statusOf } from './errors.js';
import {
  CLAIM_PARTITIONS,
  comparePositions,
  claimPartition,
  LAST_MESSAGE_ROW,
  markerKey,
  markerRange,
  newestFirstKey,
  oldestFirstKey,
  timelinePartition,
  UUID_PATTERN,
} from './keys.js';
import { updateRow } from './optimistic.js';
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
}

/** A save whose id is claimed, but whose timeline rows may not be written yet. */
export interface StartedSave extends SaveResult {
  /** The marker to remove once the rows are written; none on a duplicate (see startSave). */
  marker?: { partitionKey: string; rowKey: string };
}

type Row = TableEntity<Record<string, unknown>>;

/** A message's two rows in its conversation's partition, one for each reading direction. */
export function timelineRows(message: ChatMessage): Row[] {
  const partitionKey = timelinePartition(message.conversationId);
  const position = positionOf(message);
  const properties = toProperties(message);
  return [
    { partitionKey, rowKey: newestFirstKey(position), ...properties },
    { partitionKey, rowKey: oldestFirstKey(position), ...properties },
  ];
}

/** The partition's "last message" row (what conversation lists and unread counts read). */
export function lastMessageRow(message: ChatMessage): Row {
  const partitionKey = timelinePartition(message.conversationId);
  return { partitionKey, rowKey: LAST_MESSAGE_ROW, ...toProperties(message) };
}

/** The claim on a message's id and its save marker: same partition, one transaction. */
export function claimRows(message: ChatMessage, startedMs: number): { claim: Row; marker: Row } {
  const partitionKey = claimPartition(message.id);
  return {
    claim: { partitionKey, rowKey: message.id, ...toProperties(message) },
    marker: { partitionKey, rowKey: markerKey(startedMs, message.id), messageId: message.id },
  };
}

const markerAddress = (marker: Row) => ({
  partitionKey: marker.partitionKey,
  rowKey: marker.rowKey,
});

/** Markers handled per partition per sweep, so one sweep's work stays bounded. */
const SWEEP_BATCH = 100;

export function createMessageWriter(tables: ChatTables, now: () => number) {
  const { timeline, messageIds } = tables;

  /**
   * Every timeline row of a message in one transaction (all or none). A repeated write (a retry,
   * a sweep) leaves the "last message" row alone: newer messages may have replaced it since.
   */
  async function writeTimeline(message: ChatMessage, asLast: boolean): Promise<void> {
    await timeline.run('write timeline', (abortSignal) =>
      timeline.client.submitTransaction(
        [...timelineRows(message), ...(asLast ? [lastMessageRow(message)] : [])].map(
          (row): TransactionAction => ['upsert', row, 'Replace'],
        ),
        { abortSignal },
      ),
    );
  }

  async function readClaim(id: string): Promise<ChatMessage> {
    const entity = await messageIds.run('read message id', (abortSignal) =>
      messageIds.client.getEntity<Record<string, unknown>>(claimPartition(id), id, {
        abortSignal,
      }),
    );
    return fromEntity(entity);
  }

  async function getMessage(id: string): Promise<ChatMessage | undefined> {
    if (typeof id !== 'string' || !UUID_PATTERN.test(id)) return undefined;
    try {
      return await readClaim(id);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async function removeMarker(marker: { partitionKey: string; rowKey: string }): Promise<void> {
    await messageIds
      .run('remove save marker', (abortSignal) =>
        messageIds.client.deleteEntity(marker.partitionKey, marker.rowKey, { abortSignal }),
      )
      // A marker left behind only makes a later sweep rewrite identical rows.
      .catch(() => undefined);
  }

  /**
   * First half of a save: the claim on the id and a marker ("this save may be unfinished") in
   * one transaction, so neither exists without the other. The claim's insert fails with 409 when
   * anyone holds the id already: then it is a retry (same sender) or a conflict. A retry needs
   * no marker: the first attempt's marker stays until its rows are written.
   */
  async function startSave(message: ChatMessage): Promise<StartedSave> {
    checkMessage(message);
    const { claim, marker } = claimRows(message, now());
    try {
      await messageIds.run('claim message id', (abortSignal) =>
        messageIds.client.submitTransaction(
          [
            ['create', claim],
            ['upsert', marker, 'Replace'],
          ],
          { abortSignal },
        ),
      );
      return { message, duplicate: false, marker: markerAddress(marker) };
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      const stored = await readClaim(message.id);
      if (stored.sender.id !== message.sender.id) throw new MessageIdConflictError(message.id);
      return { message: stored, duplicate: true };
    }
  }

  /** Second half: the timeline rows (also on a duplicate, which completes a stopped first try). */
  async function finishSave(started: StartedSave): Promise<SaveResult> {
    await writeTimeline(started.message, !started.duplicate);
    if (started.marker) await removeMarker(started.marker);
    return { message: started.message, duplicate: started.duplicate };
  }

  /**
   * Makes `message` its partition's "last message" unless a newer one is there already (bulk
   * loads, whose messages may be older than what the conversation holds). Optimistic
   * concurrency: a concurrent change makes it look again.
   */
  async function raiseLastMessage(message: ChatMessage): Promise<void> {
    const row = lastMessageRow(message);
    await updateRow(
      timeline,
      row,
      'last message',
      (held) =>
        held && comparePositions(positionOf(fromEntity(held)), positionOf(message)) >= 0
          ? undefined
          : row,
      'Replace',
    );
  }

  async function saveMessage(message: ChatMessage): Promise<SaveResult> {
    return finishSave(await startSave(message));
  }

  /**
   * Completes saves that stopped half way at least `olderThanMs` ago (long enough that none is
   * still running): reads at most SWEEP_BATCH markers from each of the 16 claim partitions.
   */
  async function completeUnfinishedSaves(olderThanMs: number): Promise<SweepResult> {
    const result: SweepResult = { completed: 0 };
    const range = markerRange(Math.max(0, now() - olderThanMs));
    await Promise.all(
      CLAIM_PARTITIONS.map(async (partitionKey) => {
        const markers = await messageIds.run('read save markers', async (abortSignal) => {
          const rows: { rowKey: string; messageId: string }[] = [];
          const filter = odata`PartitionKey eq ${partitionKey} and RowKey gt ${range.after} and RowKey lt ${range.before}`;
          const pages = messageIds.client
            .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
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
          // The claim is the truth (the marker was written with it, in one transaction).
          const claimed = await readClaim(marker.messageId).catch((error: unknown) => {
            if (statusOf(error) === 404) return undefined; // only if someone edited the table
            throw error;
          });
          if (claimed) {
            await writeTimeline(claimed, false);
            result.completed += 1;
          }
          await removeMarker({ partitionKey, rowKey: marker.rowKey });
        }
      }),
    );
    return result;
  }

  return { saveMessage, getMessage, startSave, completeUnfinishedSaves, raiseLastMessage };
}
