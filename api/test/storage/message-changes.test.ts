// Changing stored messages (issue 10): edits, deletes, reactions, replies and mentions, against
// a real Azurite. What a reader sees (getMessage, history pages, `last`, catch-up's `changed`)
// must agree with the claim after every change, a deleted message's text must be in no row at
// all, concurrent changes must all be applied, and a change that stopped half way must be
// completed by a retry or by the sweep.
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { decodeCursor, encodeCursor } from '../../src/storage/cursor.js';
import {
  createChatStorage,
  readStorageSettings,
  TABLE_NAMES,
  type ChatStorage,
  type StorageSettings,
  type TimelinePage,
} from '../../src/storage/index.js';
import {
  claimPartition,
  feedKey,
  LAST_MESSAGE_ROW,
  legacyUserPartition,
  newestFirstKey,
  oldestFirstKey,
  timelinePartition,
} from '../../src/storage/keys.js';
import { createMessageChanges } from '../../src/storage/message-changes.js';
import { createMessageWriter } from '../../src/storage/message-writer.js';
import { openTables } from '../../src/storage/table.js';
import { createTimelineSync, type TimelineSync } from '../../src/storage/timeline-sync.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { ALICE, BOB, CAROL, privateMessage, roomMessage } from './seed.js';

let azurite: AzuriteTables;
let settings: StorageSettings;
let storage: ChatStorage;

const client = (table: string) =>
  TableClient.fromConnectionString(settings.connectionString, table, {
    allowInsecureConnection: true,
  });

beforeAll(async () => {
  azurite = await startAzurite();
  settings = readStorageSettings({ ChatStorageConnectionString: azurite.connectionString });
  storage = createChatStorage(settings, { timeoutMs: 30_000 });
});

afterAll(async () => {
  await azurite?.stop();
});

/** A room of its own per test, so tests never see each other's messages. */
const newRoom = () => randomUUID();

const edit = (text: string) => (current: ChatMessage) => ({
  ...current,
  text,
  editedAt: new Date().toISOString(),
});
const remove = (current: ChatMessage) =>
  current.deleted ? undefined : { ...current, deleted: true as const };

/** Every page forward from `after`, with what each page returned. */
async function catchUp(conversationId: string, after: string, limit = 50) {
  const pages: TimelinePage[] = [];
  let cursor = after;
  for (let i = 0; i < 100; i += 1) {
    const page = await storage.listTimeline(conversationId, { after: cursor, limit });
    pages.push(page);
    cursor = page.newerCursor as string;
    if (!page.hasNewer) break;
  }
  return {
    pages,
    messages: pages.flatMap((p) => p.messages),
    changed: pages.flatMap((p) => p.changed ?? []),
    cursor,
  };
}

/** All rows of all tables, as JSON text: what "absent from every row" is checked against. */
async function everyRow(): Promise<string[]> {
  const rows: string[] = [];
  for (const table of Object.values(TABLE_NAMES)) {
    try {
      for await (const row of client(table).listEntities()) rows.push(JSON.stringify(row));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error; // not created yet
    }
  }
  return rows;
}

async function row(table: string, partitionKey: string, rowKey: string) {
  return client(table)
    .getEntity<Record<string, unknown>>(partitionKey, rowKey)
    .catch(() => undefined);
}

async function saved(message: ChatMessage): Promise<ChatMessage> {
  return (await storage.saveMessage(message)).message;
}

describe('edit and delete', () => {
  it('shows the current state everywhere: getMessage, history pages, last, catch-up', async () => {
    const room = newRoom();
    const base = Date.now() - 3_600_000;
    const first = await saved(roomMessage(room, ALICE, new Date(base), 'first'));
    const second = await saved(roomMessage(room, BOB, new Date(base + 1), 'second'));
    const third = await saved(roomMessage(room, ALICE, new Date(base + 2), 'third, last'));
    const before = await storage.listTimeline(room);
    expect(before.changed).toBeUndefined();

    const edited = await storage.changeMessage(first.id, edit('first, fixed'));
    expect(edited).toMatchObject({ changed: true, message: { text: 'first, fixed', version: 1 } });
    expect(edited?.message.editedAt).toBeDefined();
    const deleted = await storage.changeMessage(third.id, remove);
    expect(deleted?.message).toMatchObject({ deleted: true, text: '', version: 1 });

    await expect(storage.getMessage(first.id)).resolves.toEqual(edited?.message);
    await expect(storage.getMessage(third.id)).resolves.toEqual(deleted?.message);
    const latest = await storage.listTimeline(room);
    expect(latest.messages).toEqual([edited?.message, second, deleted?.message]);
    const backwards = await storage.listTimeline(room, {
      limit: 2,
      before: (await storage.listTimeline(room, { limit: 1 })).olderCursor,
    });
    expect(backwards.messages).toEqual([edited?.message, second]);
    expect((await storage.readLastMessage(room))?.message).toEqual(deleted?.message);

    // A reader who held the first page before the changes gets them on catch-up.
    const caught = await catchUp(room, before.newerCursor as string);
    const byId = new Map([...caught.messages, ...caught.changed].map((m) => [m.id, m] as const));
    expect(byId.get(first.id)).toEqual(edited?.message);
    expect(byId.get(third.id)).toEqual(deleted?.message);
  });

  it('changes nothing when the change gives nothing new (no version bump)', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 60_000), 'same'));
    const same = await storage.changeMessage(message.id, (current) => ({ ...current }));
    expect(same).toEqual({ message, changed: false });
    const none = await storage.changeMessage(message.id, () => undefined);
    expect(none).toEqual({ message, changed: false });
    await expect(storage.changeMessage(randomUUID(), edit('x'))).resolves.toBeUndefined();
    await expect(storage.changeMessage('not-a-uuid', edit('x'))).resolves.toBeUndefined();
  });

  it('keeps mentions, quotes and reactions off a deleted message, whatever the change says', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 50_000), 'gone'));
    const result = await storage.changeMessage(message.id, (current) => ({
      ...current,
      deleted: true,
      mentions: [BOB],
      reactions: [{ emoji: '👍', count: 1, people: [BOB] }],
    }));
    expect(result?.message).toEqual({ ...message, text: '', deleted: true, version: 1 });
  });
});

describe('a deleted message', () => {
  it("leaves its text in no row of any table, the seed's copies included", async () => {
    const secret = `secret ${randomUUID()}`;
    // A private message as the seed stored it (no conversation id, copies in both people's
    // `user_` partitions), then migrated into the direct conversation.
    const seedMessage = privateMessage(ALICE, BOB, new Date(Date.now() - 86_400_000), secret);
    const timeline = client(TABLE_NAMES.timeline);
    const claims = client(TABLE_NAMES.messageIds);
    await storage.listTimeline('general'); // creates the tables
    const { conversationId: _dropped, recipient, ...rest } = seedMessage;
    const properties = {
      messageId: rest.id,
      text: rest.text,
      senderId: rest.sender.id,
      senderName: rest.sender.name,
      isPrivate: true,
      sentAt: rest.sentAt,
      recipientId: recipient?.id,
      recipientName: recipient?.name,
    };
    const position = { ms: Date.parse(rest.sentAt), id: rest.id };
    for (const partitionKey of [legacyUserPartition(ALICE.id), legacyUserPartition(BOB.id)]) {
      for (const rowKey of [newestFirstKey(position), oldestFirstKey(position)]) {
        await timeline.upsertEntity({ partitionKey, rowKey, ...properties }, 'Replace');
      }
    }
    await claims.upsertEntity(
      { partitionKey: claimPartition(rest.id), rowKey: rest.id, ...properties },
      'Replace',
    );
    await storage.migrateLegacyMessages();
    expect((await everyRow()).filter((r) => r.includes(secret)).length).toBeGreaterThan(4);

    // A message of today, edited twice (each state in the change feed in turn), quoted by a
    // reply, reacted to, mentioning bob, then deleted.
    const room = newRoom();
    const today = await saved({
      ...roomMessage(room, ALICE, new Date(Date.now() - 10_000), `${secret} today`),
      mentions: [BOB],
    });
    await storage.changeMessage(today.id, edit(`${secret} edited`));
    await storage.changeMessage(today.id, edit(`${secret} edited again`));
    await storage.setReaction(today.id, '🎉', BOB, true);
    const reply = await saved({
      ...roomMessage(room, BOB, new Date(Date.now() - 5_000), 'what?'),
      replyTo: { id: today.id, sender: ALICE, quote: `${secret} edited again` },
    });
    expect(await storage.listReplies(room, today.id)).toEqual([reply.id]);

    for (const message of [seedMessage, today]) {
      const result = await storage.changeMessage(message.id, remove);
      expect(result?.message).toMatchObject({ deleted: true, text: '' });
    }
    // The API refreshes the quotes of replies through changeMessage.
    await storage.changeMessage(reply.id, (current) => ({
      ...current,
      replyTo: { id: today.id, sender: ALICE, quote: '', deleted: true },
    }));

    expect((await everyRow()).filter((r) => r.includes(secret))).toEqual([]);
    // The reaction rows went with the message; the direct conversation still shows it deleted.
    expect((await everyRow()).some((r) => r.includes('🎉'))).toBe(false);
    const direct = await storage.listTimeline(directConversationId(ALICE.id, BOB.id));
    expect(direct.messages.find((m) => m.id === seedMessage.id)).toMatchObject({ deleted: true });
  });
});

describe('reactions', () => {
  it('counts 50 people reacting at once, each once', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 40_000)));
    const people = Array.from({ length: 50 }, (_, i) => ({ id: `reactor-${i}`, name: `r${i}` }));
    const results = await Promise.all(
      people.map((person) => storage.setReaction(message.id, '👍', person, true)),
    );
    expect(results.every((r) => r !== undefined)).toBe(true);
    const now = await storage.getMessage(message.id);
    expect(now?.reactions).toHaveLength(1);
    expect(now?.reactions?.[0]).toMatchObject({ emoji: '👍', count: 50 });
    expect(now?.reactions?.[0]?.people).toHaveLength(25);
    // Far fewer versions than reactors: equal recounts change nothing.
    expect(now?.version).toBeGreaterThan(0);
    expect(now?.version).toBeLessThanOrEqual(50);
    // The rows agree with the claim.
    const latest = await storage.listTimeline(room);
    expect(latest.messages[0]).toEqual(now);
  });

  it('counts a second reaction with the same emoji once, orders emoji by first use, removes', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 30_000)));
    await storage.setReaction(message.id, '❤️', BOB, true);
    const again = await storage.setReaction(message.id, '❤️', BOB, true);
    expect(again?.changed).toBe(false);
    await storage.setReaction(message.id, '👍', CAROL, true);
    const both = await storage.setReaction(message.id, '❤️', CAROL, true);
    expect(both?.message.reactions).toEqual([
      { emoji: '❤️', count: 2, people: [BOB, CAROL] },
      { emoji: '👍', count: 1, people: [CAROL] },
    ]);
    await storage.setReaction(message.id, '❤️', BOB, false);
    const removed = await storage.setReaction(message.id, '❤️', BOB, false);
    expect(removed?.changed).toBe(false);
    // Ordered by the first reaction still there: carol's 👍 came before her ❤️.
    expect(removed?.message.reactions).toEqual([
      { emoji: '👍', count: 1, people: [CAROL] },
      { emoji: '❤️', count: 1, people: [CAROL] },
    ]);
    await storage.setReaction(message.id, '❤️', CAROL, false);
    const last = await storage.setReaction(message.id, '👍', CAROL, false);
    expect(last?.message.reactions).toBeUndefined();
    await expect(storage.setReaction(randomUUID(), '👍', BOB, true)).resolves.toBeUndefined();
  });
});

describe('row limits', () => {
  it('keeps 20 emoji of 25 people with the longest names in one row, counts exact', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 25_000)));
    const people = Array.from({ length: 25 }, (_, i) => ({
      id: `person-${i}`,
      name: `${i}`.padEnd(512, 'n'),
    }));
    const reactions = Array.from({ length: 20 }, (_, i) => ({
      emoji: String.fromCodePoint(0x1f600 + i),
      count: 30,
      people,
    }));
    const result = await storage.changeMessage(message.id, (current) => ({
      ...current,
      reactions,
      mentions: people.slice(0, 20),
    }));
    const stored = result?.message.reactions ?? [];
    expect(stored.map((r) => [r.emoji, r.count])).toEqual(reactions.map((r) => [r.emoji, 30]));
    // Fewer people listed so the summary fits a string property; the first ones kept.
    expect(stored[0]!.people.length).toBeGreaterThan(0);
    expect(stored[0]!.people.length).toBeLessThan(25);
    expect(stored[0]!.people).toEqual(people.slice(0, stored[0]!.people.length));
    expect(await storage.getMessage(message.id)).toEqual(result?.message);
    expect((await storage.listTimeline(room)).messages).toEqual([result?.message]);
  });
});

describe('concurrent changes', () => {
  it('applies both of two concurrent changes, and the rows agree with the claim', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 20_000), 'v0'));
    await Promise.all([
      storage.changeMessage(message.id, (current) => ({ ...current, text: `${current.text}+a` })),
      storage.changeMessage(message.id, (current) => ({ ...current, mentions: [BOB] })),
    ]);
    const now = await storage.getMessage(message.id);
    expect(now).toMatchObject({ text: 'v0+a', mentions: [BOB], version: 2 });
    const partition = timelinePartition(room);
    const position = { ms: Date.parse(message.sentAt), id: message.id };
    for (const rowKey of [oldestFirstKey(position), newestFirstKey(position), LAST_MESSAGE_ROW]) {
      expect(await row(TABLE_NAMES.timeline, partition, rowKey)).toMatchObject({
        text: 'v0+a',
        version: 2,
        mentionIds: `|${BOB.id}|`,
      });
    }
  });

  it('never lets an older rewrite overwrite a newer state', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 19_000), 'v0'));
    const one = await storage.changeMessage(message.id, edit('v1'));
    const two = await storage.changeMessage(message.id, edit('v2'));
    const sync = createTimelineSync(openTables(settings, 30_000), Date.now);
    // A slow writer of version 1 arrives late.
    await expect(sync.syncTimeline({ message: one!.message, changedMs: Date.now() })).resolves.toBe(
      false,
    );
    const page = await storage.listTimeline(room);
    expect(page.messages).toEqual([two?.message]);
  });
});

describe('a change that stops half way', () => {
  /** The claim step only: the process "dies" before the rows are rewritten. */
  function crashingChanges() {
    const tables = openTables(settings, 30_000);
    const real = createTimelineSync(tables, Date.now);
    const dead: TimelineSync = { ...real, completeStored: async () => undefined };
    // The marker stays, as after a crash, for the sweep to find.
    const { findClaim } = createMessageWriter(tables, real, Date.now);
    return createMessageChanges(
      tables,
      dead,
      { findClaim, removeMarker: async () => undefined },
      Date.now,
    );
  }

  it('is completed by a retry', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 18_000), 'typo'));
    const crashed = await crashingChanges().changeMessage(message.id, edit('fixed'));
    expect(crashed?.changed).toBe(true);
    await expect(storage.getMessage(message.id)).resolves.toMatchObject({ text: 'fixed' });
    expect((await storage.listTimeline(room)).messages[0]?.text).toBe('typo');

    // The client retries: the change is applied already, and the rows are completed.
    const retry = await storage.changeMessage(message.id, (current) =>
      current.text === 'fixed' ? undefined : edit('fixed')(current),
    );
    expect(retry).toEqual({ message: crashed?.message, changed: false });
    expect((await storage.listTimeline(room)).messages).toEqual([crashed?.message]);
    expect((await storage.readLastMessage(room))?.message).toEqual(crashed?.message);
  });

  it('reaches a reader who caught up between the claim and its late completion', async () => {
    const room = newRoom();
    const reader = createChatStorage(settings, { timeoutMs: 30_000, settleMs: 0 });
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 16_000), 'old'));
    const crashed = await crashingChanges().changeMessage(message.id, edit('new'));
    // Bob catches up after the claim was written but before its rows were: he sees no change,
    // and his cursor's change position passes the claim's time.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const first = await reader.listTimeline(room, { limit: 10 });
    const bobs = await reader.listTimeline(room, { after: first.newerCursor });
    expect(bobs.changed).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Alice's retry completes the rows: stamped now in the feed, so bob's next catch-up has it.
    await storage.changeMessage(message.id, () => undefined);
    const later = await reader.listTimeline(room, { after: bobs.newerCursor });
    expect(later.changed).toEqual([crashed?.message]);
  });

  it('is completed by completeUnfinishedSaves, through the conditional path', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, BOB, new Date(Date.now() - 17_000), 'secret'));
    const before = await storage.listTimeline(room);
    const crashed = await crashingChanges().changeMessage(message.id, remove);
    expect((await storage.listTimeline(room)).messages[0]?.text).toBe('secret');

    await expect(storage.completeUnfinishedSaves(0)).resolves.toMatchObject({
      completed: expect.any(Number),
    });
    expect((await storage.listTimeline(room)).messages).toEqual([crashed?.message]);
    const caught = await catchUp(room, before.newerCursor as string);
    expect([...caught.messages, ...caught.changed].find((m) => m.id === message.id)).toEqual(
      crashed?.message,
    );
    expect((await everyRow()).some((r) => r.includes('"secret"'))).toBe(false);
    await expect(storage.completeUnfinishedSaves(0)).resolves.toEqual({ completed: 0 });
  });
});

describe('catch-up', () => {
  it('returns changes to older messages in `changed`, in bounded pages, in change order', async () => {
    const room = newRoom();
    const base = Date.now() - 7_200_000;
    const messages = [];
    for (let i = 0; i < 6; i += 1) {
      messages.push(await saved(roomMessage(room, ALICE, new Date(base + i), `m${i}`)));
    }
    const [m0, m1, m2] = messages as [ChatMessage, ChatMessage, ChatMessage];
    const held = await storage.listTimeline(room, { limit: 50 });
    expect(held.messages).toHaveLength(6);
    // An old client's cursor, from before change positions existed.
    const oldCursor = Buffer.from(`t1.${base + 5}.${messages[5]!.id}`).toString('base64url');

    const edited = await storage.changeMessage(m1.id, edit('m1 edited'));
    const deleted = await storage.changeMessage(m0.id, remove);
    const reacted = await storage.setReaction(m2.id, '👀', BOB, true);
    const wanted = [edited?.message, deleted?.message, reacted?.message];

    const all = await catchUp(room, held.newerCursor as string);
    expect(all.changed).toEqual(wanted);
    expect(all.pages[0]?.hasNewer).toBe(false);

    // Pages of one: each bounded, hasNewer until the feed is read.
    const paged = await catchUp(room, held.newerCursor as string, 1);
    expect(paged.pages.every((p) => (p.changed?.length ?? 0) <= 1 && p.messages.length <= 1)).toBe(
      true,
    );
    expect(paged.pages.length).toBeGreaterThanOrEqual(3);
    expect(paged.changed).toEqual(wanted);

    const fromOld = await catchUp(room, oldCursor);
    expect(fromOld.changed).toEqual(wanted);
    // The new cursor carries a change position that never goes behind the caller's.
    const next = decodeCursor('after', fromOld.cursor);
    expect(next.change.ms).toBeGreaterThanOrEqual(base + 5);

    // A change to a message the page itself holds comes in `messages`, not twice.
    const early = await storage.listTimeline(room, {
      after: encodeCursor({ ms: base, id: m0.id }, { ms: base, id: null }),
    });
    expect(early.messages.map((m) => m.id)).toContain(m1.id);
    expect(early.messages.find((m) => m.id === m1.id)).toEqual(edited?.message);
    expect(early.changed).toEqual([deleted?.message]);
  });

  it('keeps one live feed row per message: older changes are stubs without content', async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 90_000), 'a'));
    const held = await storage.listTimeline(room);
    let changedMs = 0;
    for (const text of ['b', 'c', 'd']) {
      await storage.changeMessage(message.id, edit(text));
      const position = { ms: Date.parse(message.sentAt), id: message.id };
      const stored = await row(
        TABLE_NAMES.timeline,
        timelinePartition(room),
        oldestFirstKey(position),
      );
      changedMs = Number(stored?.changedMs);
    }
    const partition = timelinePartition(room);
    const feed: Record<string, unknown>[] = [];
    for await (const entity of client(TABLE_NAMES.timeline).listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: `PartitionKey eq '${partition}' and RowKey gt 'f_' and RowKey lt 'f\`'`,
      },
    })) {
      feed.push(entity);
    }
    const live = feed.filter((r) => r.stub !== true);
    expect(live.map((r) => r.rowKey)).toEqual([feedKey({ ms: changedMs, id: message.id })]);
    expect(live[0]).toMatchObject({ text: 'd', version: 3 });
    const stubs = feed.filter((r) => r.stub === true);
    expect(stubs).toHaveLength(2);
    expect(stubs.every((r) => r.text === undefined)).toBe(true);
    // Catching up one feed row a page walks over the stubs to the live row.
    const caught = await catchUp(room, held.newerCursor as string, 1);
    expect(caught.changed).toEqual([await storage.getMessage(message.id)]);
    expect(caught.pages.length).toBeGreaterThanOrEqual(3);
  });

  it("is where since's cursor finds changes too", async () => {
    const room = newRoom();
    const message = await saved(roomMessage(room, ALICE, new Date(Date.now() - 120_000), 'x'));
    const { catchUpCursorFor } = await import('../../src/storage/index.js');
    const cursor = catchUpCursorFor(message, 30_000);
    await storage.changeMessage(message.id, edit('y'));
    const page = await storage.listTimeline(room, { after: cursor });
    // The message is in the page's own range: current, and not repeated in `changed`.
    expect(page.messages).toEqual([await storage.getMessage(message.id)]);
    expect(page.changed).toEqual([]);
  });
});

describe('replies and mentions', () => {
  it('lists the replies to a message', async () => {
    const room = newRoom();
    const base = Date.now() - 8_000;
    const original = await saved(roomMessage(room, ALICE, new Date(base), 'question'));
    const quote = { id: original.id, sender: ALICE, quote: 'question' };
    const replies = [];
    for (let i = 1; i <= 3; i += 1) {
      replies.push(
        await saved({ ...roomMessage(room, BOB, new Date(base + i), `a${i}`), replyTo: quote }),
      );
    }
    await saved(roomMessage(room, CAROL, new Date(base + 9), 'not a reply'));
    expect((await storage.listReplies(room, original.id)).sort()).toEqual(
      replies.map((r) => r.id).sort(),
    );
    await expect(storage.getMessage(replies[0]!.id)).resolves.toMatchObject({ replyTo: quote });
    expect(await storage.listReplies(newRoom(), original.id)).toEqual([]);
  });

  it('says which unread messages mention the reader', async () => {
    const room = newRoom();
    const base = Date.now() - 7_000;
    const plain = await saved(roomMessage(room, ALICE, new Date(base), 'hi all'));
    const toBob = await saved({
      ...roomMessage(room, ALICE, new Date(base + 1), '@bob look'),
      mentions: [BOB, CAROL],
    });
    await saved({
      ...roomMessage(room, BOB, new Date(base + 2), '@bob me'),
      mentions: [BOB],
    });
    const unread = await storage.unreadPositions(room, undefined, BOB.id);
    expect(unread.positions.map((p) => p.id)).toEqual([plain.id, toBob.id]);
    expect(unread.mentions).toEqual([{ ms: base + 1, id: toBob.id }]);
    // An edit that drops the mention takes it out of the count.
    await storage.changeMessage(toBob.id, (current) => ({ ...current, mentions: [CAROL] }));
    expect((await storage.unreadPositions(room, undefined, BOB.id)).mentions).toEqual([]);
    expect((await storage.unreadPositions(room, undefined, CAROL.id)).mentions).toHaveLength(1);
  });
});
