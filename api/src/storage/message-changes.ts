// Changing stored messages (edit, delete, reactions, refreshed quotes): the claim first, with its
// ETag, in one transaction with a marker; then the conversation's rows, conditionally (see
// timeline-sync.ts). A crash in between is completed by a retry or by the sweep, like a save.
import {
  isPlausibleUserId,
  MAX_EMOJI_LENGTH,
  MAX_REACTION_KINDS,
  MAX_REACTORS_LISTED,
  type ChatMessage,
  type Reaction,
} from '../shared/chat-message.js';
import { checkMessage, MAX_NAME_LENGTH, normalizeChange, sameState } from './entities.js';
import { statusOf, StorageValidationError } from './errors.js';
import { reactionKey, timelinePartition } from './keys.js';
import { claimRow, markerRow } from './message-rows.js';
import { ATTEMPTS, backOff } from './optimistic.js';
import type { ChatTables } from './table.js';
import type { MessageWriter } from './message-writer.js';
import type { TimelineSync } from './timeline-sync.js';

/** Result of a change: the message as it is now; `changed` false when nothing needed changing. */
export interface ChangeResult {
  message: ChatMessage;
  changed: boolean;
}

type Decide = (current: ChatMessage) => Promise<ChatMessage | undefined> | ChatMessage | undefined;

/** One reaction row as read back: who, with what, when. */
interface ReactionRow {
  emoji: string;
  userId: string;
  name: string;
  reactedMs: number;
}

/**
 * The summary of a message's reaction rows: emoji by their first reaction, people by when they
 * reacted (ties by id, so every recount of the same rows gives the same summary), exact counts,
 * at most MAX_REACTORS_LISTED people listed and MAX_REACTION_KINDS emoji.
 */
export function summarizeReactions(rows: readonly ReactionRow[]): Reaction[] {
  const byEmoji = new Map<string, ReactionRow[]>();
  const ordered = [...rows].sort(
    (a, b) => a.reactedMs - b.reactedMs || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
  for (const row of ordered) {
    const list = byEmoji.get(row.emoji) ?? [];
    list.push(row);
    byEmoji.set(row.emoji, list);
  }
  return [...byEmoji.entries()].slice(0, MAX_REACTION_KINDS).map(([emoji, list]) => ({
    emoji,
    count: list.length,
    people: list.slice(0, MAX_REACTORS_LISTED).map((row) => ({ id: row.userId, name: row.name })),
  }));
}

export function createMessageChanges(
  tables: ChatTables,
  sync: TimelineSync,
  writer: Pick<MessageWriter, 'findClaim' | 'removeMarker'>,
  now: () => number,
) {
  const { messageIds, timeline } = tables;
  const { findClaim, removeMarker } = writer;

  /**
   * The claim-first change loop. `decide` runs once per attempt, after the claim was read, so
   * what it reads (a recount of reactions, say) is never older than the claim it replaces.
   */
  async function changeWith(id: string, decide: Decide): Promise<ChangeResult | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await findClaim(id);
      if (!current) return undefined;
      const proposed = await decide(current.message);
      const next = proposed && normalizeChange(current.message, proposed);
      if (!next || sameState(next, current.message)) {
        // Nothing to change: still complete the rewrite (a crashed earlier call), which skips
        // after one read when the rows already hold this version.
        await sync.completeStored(current);
        return { message: current.message, changed: false };
      }
      next.version = (current.message.version ?? 0) + 1;
      checkMessage(next);
      // Feed positions only move forward for a message, even across instances' clocks.
      const changedMs = Math.max(now(), (current.changedMs ?? 0) + 1);
      const marker = markerRow(id, now());
      try {
        await messageIds.run('change message', (abortSignal) =>
          messageIds.client.submitTransaction(
            [
              ['update', claimRow(next, changedMs), 'Replace', { etag: current.etag }],
              ['upsert', marker, 'Replace'],
            ],
            { abortSignal },
          ),
        );
      } catch (error) {
        if (statusOf(error) !== 412 || attempt >= ATTEMPTS) throw error;
        await backOff(attempt);
        continue;
      }
      await sync.completeStored({ message: next, changedMs });
      await removeMarker({ partitionKey: marker.partitionKey, rowKey: marker.rowKey });
      return { message: next, changed: true };
    }
  }

  function changeMessage(
    id: string,
    change: (current: ChatMessage) => ChatMessage | undefined,
  ): Promise<ChangeResult | undefined> {
    return changeWith(id, change);
  }

  /**
   * One person's reaction row created (present) or deleted, then the summary recounted from
   * the rows on every attempt of the change: each reactor recounts after its own write, and a
   * recount equal to the stored summary changes nothing, so concurrent reactors converge.
   */
  async function setReaction(
    id: string,
    emoji: string,
    person: { id: string; name: string },
    present: boolean,
  ): Promise<ChangeResult | undefined> {
    if (typeof emoji !== 'string' || emoji.length === 0 || emoji.length > MAX_EMOJI_LENGTH) {
      throw new StorageValidationError('message', 'emoji must be one emoji.');
    }
    if (typeof person?.id !== 'string' || !isPlausibleUserId(person.id)) {
      throw new StorageValidationError('userId', 'must be a user id.');
    }
    if (typeof person.name !== 'string' || person.name.length > MAX_NAME_LENGTH) {
      throw new StorageValidationError(
        'person',
        `name must be at most ${MAX_NAME_LENGTH} characters.`,
      );
    }
    const current = await findClaim(id);
    if (!current) return undefined;
    const { conversationId } = current.message;
    const partitionKey = timelinePartition(conversationId);
    const rowKey = reactionKey(id, emoji, person.id);
    try {
      await timeline.run(present ? 'add reaction' : 'remove reaction', (abortSignal) =>
        present
          ? timeline.client.createEntity(
              {
                partitionKey,
                rowKey,
                emoji,
                userId: person.id,
                name: person.name,
                reactedMs: now(),
              },
              { abortSignal },
            )
          : timeline.client.deleteEntity(partitionKey, rowKey, { abortSignal }),
      );
    } catch (error) {
      // 409: reacted already; 404: removed already. Either way the recount below is right.
      if (statusOf(error) !== (present ? 409 : 404)) throw error;
    }
    return changeWith(id, async (message) => {
      if (message.deleted) return undefined;
      const rows = await sync.listReactionRows(conversationId, id);
      const reactions = summarizeReactions(
        rows.map((row) => ({
          emoji: String(row.emoji),
          userId: String(row.userId),
          name: String(row.name ?? ''),
          reactedMs: Number(row.reactedMs ?? 0),
        })),
      );
      const next: ChatMessage = { ...message };
      if (reactions.length > 0) next.reactions = reactions;
      else delete next.reactions;
      return next;
    });
  }

  return { changeMessage, setReaction };
}
