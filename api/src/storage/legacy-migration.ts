// Moves what the seed stored into conversations, once (see README.md, "Migration"):
// - #general keeps the seed's room partition as it is; it only gains its "last message" row;
// - each private message, stored in both of its people's `user_` partitions, is written into
//   the direct conversation of its sender and recipient, which then appears in both people's
//   lists, read up to its newest message (history is not news).
// Every write is an idempotent upsert of deterministic rows, so a run that stops half way, or
// two instances running at once, only repeat work; a marker row records that it finished.
import { odata, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { partnerOf, parseConversationId } from '../conversations/conversation-id.js';
import type { ChatMessage } from '../shared/chat-message.js';
import { fromEntity, positionOf } from './entities.js';
import {
  comparePositions,
  GENERAL_PARTITION,
  LEGACY_USER_PARTITION_PREFIX,
  NEWEST_FIRST_END,
  NEWEST_FIRST_PREFIX,
  OLDEST_FIRST_END,
  OLDEST_FIRST_PREFIX,
} from './keys.js';
import type { MembershipStore } from './memberships.js';
import { timelineRows } from './message-rows.js';
import type { ChatTables } from './table.js';

export interface MigrationResult {
  /** Private messages written into direct conversations by this run. */
  moved: number;
  /** False when an earlier run had finished already (nothing was read). */
  ran: boolean;
}

const MARKER = { partitionKey: '~migrations', rowKey: 'conversations-v1' };
const PAGE = 100;

type Entity = TableEntityResult<Record<string, unknown>>;

export function createLegacyMigration(
  tables: ChatTables,
  memberships: MembershipStore,
  raiseLastMessage: (message: ChatMessage) => Promise<void>,
  now: () => number,
) {
  const { timeline, members } = tables;

  async function isDone(): Promise<boolean> {
    return (
      (await members.find('read migration marker', MARKER.partitionKey, MARKER.rowKey)) !==
      undefined
    );
  }

  async function newestGeneralMessage(): Promise<ChatMessage | undefined> {
    return timeline.run('read general', async (abortSignal) => {
      const filter = odata`PartitionKey eq ${GENERAL_PARTITION} and RowKey gt ${NEWEST_FIRST_PREFIX} and RowKey lt ${NEWEST_FIRST_END}`;
      const pages = timeline.client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
        .byPage({ maxPageSize: 1 });
      for await (const page of pages) {
        const [first] = page;
        if (first) return fromEntity(first);
      }
      return undefined;
    });
  }

  /** Every page of the seed's private rows (their oldest-first copies only). */
  async function forEachLegacyPage(visit: (rows: Entity[]) => Promise<void>): Promise<void> {
    const filter = odata`PartitionKey gt ${LEGACY_USER_PARTITION_PREFIX} and PartitionKey lt ${'user`'} and RowKey gt ${OLDEST_FIRST_PREFIX} and RowKey lt ${OLDEST_FIRST_END}`;
    let continuationToken: string | undefined;
    do {
      // One deadline per page, not for the whole run: there may be many pages.
      const page = await timeline.run('read legacy messages', async (abortSignal) => {
        const pages = timeline.client
          .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
          .byPage({ maxPageSize: PAGE, ...(continuationToken ? { continuationToken } : {}) });
        return (await pages.next()).value;
      });
      if (!page) return;
      await visit(page);
      continuationToken = page.continuationToken;
    } while (continuationToken);
  }

  async function migrateLegacyMessages(): Promise<MigrationResult> {
    if (await isDone()) return { moved: 0, ran: false };

    const general = await newestGeneralMessage();
    if (general) await raiseLastMessage(general);

    const seen = new Set<string>();
    const newest = new Map<string, ChatMessage>();
    let moved = 0;
    await forEachLegacyPage(async (rows) => {
      const messages = rows.map(fromEntity).filter((message) => {
        if (seen.has(message.id)) return false; // its copy in the other person's partition
        seen.add(message.id);
        return true;
      });
      const byConversation = new Map<string, ChatMessage[]>();
      for (const message of messages) {
        const list = byConversation.get(message.conversationId) ?? [];
        list.push(message);
        byConversation.set(message.conversationId, list);
        const held = newest.get(message.conversationId);
        if (!held || comparePositions(positionOf(held), positionOf(message)) < 0) {
          newest.set(message.conversationId, message);
        }
      }
      for (const list of byConversation.values()) {
        // At most 100 messages a page, two rows each: at most two transactions of 100.
        const all = list.flatMap((message) => timelineRows(message));
        for (let at = 0; at < all.length; at += 100) {
          await timeline.run('migrate messages', (abortSignal) =>
            timeline.client.submitTransaction(
              all.slice(at, at + 100).map((row): TransactionAction => ['upsert', row, 'Replace']),
              { abortSignal },
            ),
          );
        }
      }
      moved += messages.length;
    });

    const at = new Date(now());
    for (const [conversationId, message] of newest) {
      await raiseLastMessage(message);
      const ref = parseConversationId(conversationId);
      if (ref?.kind !== 'direct') continue;
      const names = new Map<string, string>([[message.sender.id, message.sender.name]]);
      if (message.recipient?.name) names.set(message.recipient.id, message.recipient.name);
      for (const person of new Set(ref.people)) {
        const partner = partnerOf(ref.people, person);
        const name = names.get(partner) ?? partner;
        await memberships.putMembership(
          person,
          conversationId,
          { kind: 'direct', name, with: { id: partner, name } },
          { at, readPosition: { ms: Date.parse(message.sentAt), id: message.id } },
        );
      }
    }

    await members.run('write migration marker', (abortSignal) =>
      members.client.upsertEntity({ ...MARKER, finishedAt: at.toISOString(), moved }, 'Replace', {
        abortSignal,
      }),
    );
    return { moved, ran: true };
  }

  return { migrateLegacyMessages };
}
