// Saving messages: idempotent by id, stored before anyone is told, and completed even when a
// save stops half way (see "Writes" in README.md for the reasoning).
import { odata, type TransactionAction } from '@azure/data-tables';
import type { ChatMessage } from '../shared/chat-message.js';
import {
  checkMessage,
  fromEntity,
  positionOf,
  storedFromEntity,
  type StoredMessage,
} from './entities.js';
import { MessageIdConflictError, statusOf } from './errors.js';
import {
  CLAIM_PARTITIONS,
  comparePositions,
  claimPartition,
  markerRange,
  UUID_PATTERN,
} from './keys.js';
import { claimRows, lastMessageRow, replyRow, timelineRows, type Row } from './message-rows.js';
import { updateRow } from './optimistic.js';
import type { ChatTables } from './table.js';
import type { TimelineSync } from './timeline-sync.js';

export interface SaveResult {
  /** The message as stored: on a duplicate, the original (its text, its sentAt). */
  message: ChatMessage;
  /** True when this id was already stored for the same sender (a retried send). */
  duplicate: boolean;
}

export interface SweepResult {
  /** Saves and changes that had stopped half way and are now complete. */
  completed: number;
}

/** A stored message as its claim holds it, with the claim's ETag. */
export type ClaimedMessage = StoredMessage & { etag: string };

/** A save whose id is claimed, but whose timeline rows may not be written yet. */
export interface StartedSave extends SaveResult {
  /** The marker to remove once the rows are written; none on a duplicate (see startSave). */
  marker?: { partitionKey: string; rowKey: string };
  /** On a duplicate: the claim as stored (its state, maybe changed since). */
  stored?: StoredMessage;
}

const markerAddress = (marker: Row) => ({
  partitionKey: marker.partitionKey,
  rowKey: marker.rowKey,
});

/** Markers handled per partition per sweep, so one sweep's work stays bounded. */
const SWEEP_BATCH = 100;

export function createMessageWriter(tables: ChatTables, sync: TimelineSync, now: () => number) {
  const { timeline, messageIds } = tables;

  /**
   * A new message's rows in one transaction (all or none), `last` included, in one round trip:
   * the `a_`/`d_` rows are created, so if anything wrote them first (a change or the sweep
   * completing this save from its claim) nothing is overwritten, and the claim's state is
   * written through the conditional path instead.
   */
  async function writeNewTimeline(message: ChatMessage): Promise<void> {
    const [newestFirst, oldestFirst] = timelineRows(message) as [Row, Row];
    const reply = replyRow(message);
    const actions: TransactionAction[] = [
      ['create', oldestFirst],
      ['create', newestFirst],
      ['upsert', lastMessageRow(message), 'Replace'],
      ...(reply ? [['upsert', reply, 'Replace'] as TransactionAction] : []),
    ];
    try {
      await timeline.run('write timeline', (abortSignal) =>
        timeline.client.submitTransaction(actions, { abortSignal }),
      );
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      await sync.completeStored(await readClaim(message.id), { raiseLast: true });
    }
  }

  /**
   * The claim (the truth about a message's state) with its ETag, for a conditional change;
   * undefined when no message has this id (or it could not be one).
   */
  async function findClaim(id: string): Promise<ClaimedMessage | undefined> {
    if (typeof id !== 'string' || !UUID_PATTERN.test(id)) return undefined;
    const entity = await messageIds.find('read message id', claimPartition(id), id);
    return entity && { ...storedFromEntity(entity), etag: entity.etag };
  }

  /** The claim of an id known to be claimed (a 409 on it just said so). */
  async function readClaim(id: string): Promise<ClaimedMessage> {
    const claimed = await findClaim(id);
    if (!claimed) throw new Error(`The claim on ${id} vanished.`);
    return claimed;
  }

  async function getMessage(id: string): Promise<ChatMessage | undefined> {
    return (await findClaim(id))?.message;
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
      if (stored.message.sender.id !== message.sender.id) {
        throw new MessageIdConflictError(message.id);
      }
      return { message: stored.message, duplicate: true, stored };
    }
  }

  /**
   * Second half: the timeline rows. On a duplicate the claim's state (maybe changed since) goes
   * through the conditional path, which completes a stopped first try and skips when the rows
   * are there already, so a retry never writes an older state over a newer one.
   */
  async function finishSave(started: StartedSave): Promise<SaveResult> {
    if (started.stored) await sync.completeStored(started.stored);
    else await writeNewTimeline(started.message);
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
   * Completes saves and changes that stopped half way at least `olderThanMs` ago (long enough that none is
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
          // The claim is the truth (the marker was written with it, in one transaction); it
          // is missing only if someone edited the table.
          const claimed = await findClaim(marker.messageId);
          if (claimed) {
            // Conditional, like a change: the claim may have changed since the marker.
            await sync.completeStored(claimed);
            result.completed += 1;
          }
          await removeMarker({ partitionKey, rowKey: marker.rowKey });
        }
      }),
    );
    return result;
  }

  return {
    saveMessage,
    getMessage,
    findClaim,
    startSave,
    removeMarker,
    completeUnfinishedSaves,
    raiseLastMessage,
  };
}

export type MessageWriter = ReturnType<typeof createMessageWriter>;
