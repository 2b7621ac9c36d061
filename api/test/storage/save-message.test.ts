import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { encodeCursor } from '../../src/storage/cursor.js';
import {
  catchUpCursorFor,
  createChatStorage,
  MessageIdConflictError,
  readStorageSettings,
  TABLE_NAMES,
  type ChatStorage,
} from '../../src/storage/index.js';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import { timelinePartition } from '../../src/storage/keys.js';
import { createMessageWriter } from '../../src/storage/message-writer.js';
import { openTables } from '../../src/storage/table.js';
import { createTimelineSync } from '../../src/storage/timeline-sync.js';
import type { StorageSettings } from '../../src/storage/settings.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { ALICE, BOB, CAROL, privateMessage, publicMessage } from './seed.js';

let azurite: AzuriteTables;
let storage: ChatStorage;
let timelineTable: TableClient;
let settings: StorageSettings;

beforeAll(async () => {
  azurite = await startAzurite();
  settings = readStorageSettings({ ChatStorageConnectionString: azurite.connectionString });
  storage = createChatStorage(settings, { timeoutMs: 30_000 });
  timelineTable = TableClient.fromConnectionString(
    settings.connectionString,
    TABLE_NAMES.timeline,
    {
      allowInsecureConnection: true,
    },
  );
});

afterAll(async () => {
  await azurite?.stop();
});

const since = (ms: number) => encodeCursor({ ms, id: null });

const GENERAL = 'general';
const dm = (a: { id: string }, b: { id: string }) => directConversationId(a.id, b.id);

async function timelineIds(conversationId: string, fromMs: number): Promise<string[]> {
  const page = await storage.listTimeline(conversationId, { after: since(fromMs), limit: 200 });
  return page.messages.map((m) => m.id);
}

describe('saveMessage', () => {
  it('stores a message once and returns it as stored', async () => {
    const start = Date.now() - 60_000;
    const message = publicMessage(ALICE, new Date(start + 1), 'first');
    await expect(storage.saveMessage(message)).resolves.toEqual({ message, duplicate: false });
    expect(await timelineIds(GENERAL, start)).toEqual([message.id]);
    const last = await storage.readLastMessage(GENERAL);
    expect(last?.message).toEqual(message);
  });

  it('treats a retried send with the same id as a duplicate: the original is kept, stored once', async () => {
    const start = Date.now() - 50_000;
    const original = publicMessage(BOB, new Date(start + 1), 'original');
    await storage.saveMessage(original);
    const retry = {
      ...original,
      text: 'edited on retry',
      sentAt: new Date(start + 5).toISOString(),
    };
    await expect(storage.saveMessage(retry)).resolves.toEqual({
      message: original,
      duplicate: true,
    });
    const page = await storage.listTimeline(GENERAL, { after: since(start), limit: 200 });
    expect(page.messages).toEqual([original]);
    await expect(storage.getMessage(original.id)).resolves.toEqual(original);
  });

  it('stores concurrent retries of one send exactly once', async () => {
    const start = Date.now() - 45_000;
    const message = privateMessage(ALICE, BOB, new Date(start + 1), 'racing');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => storage.saveMessage(message)),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.every((r) => r.message.id === message.id)).toBe(true);
    expect(await timelineIds(dm(ALICE, BOB), start)).toEqual([message.id]);
    expect(await timelineIds(dm(BOB, ALICE), start)).toEqual([message.id]);
  });

  it('refuses the same id from another sender, leaving the original untouched', async () => {
    const start = Date.now() - 40_000;
    const original = privateMessage(ALICE, BOB, new Date(start + 1), 'mine');
    await storage.saveMessage(original);
    const hijack: ChatMessage = {
      ...publicMessage(CAROL, new Date(start + 2), 'hijack'),
      id: original.id,
    };
    const error = await storage.saveMessage(hijack).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageIdConflictError);
    expect(error).toMatchObject({ messageId: original.id });
    expect(await timelineIds(GENERAL, start)).toEqual([]);
    const direct = await storage.listTimeline(dm(ALICE, BOB), { after: since(start) });
    expect(direct.messages).toEqual([original]);
  });

  it('completes a message on retry when the first attempt stopped after claiming its id', async () => {
    const start = Date.now() - 35_000;
    const message = privateMessage(CAROL, ALICE, new Date(start + 1), 'half written');
    await storage.saveMessage(message);
    // Simulate a crash after the claim but before the timeline write: remove the rows.
    const rows = timelineTable.listEntities({
      queryOptions: {
        filter: `PartitionKey eq '${timelinePartition(dm(CAROL, ALICE))}' and RowKey ne 'last'`,
      },
    });
    for await (const row of rows) {
      if (row.messageId === message.id) {
        await timelineTable.deleteEntity(row.partitionKey as string, row.rowKey as string);
      }
    }
    expect(await timelineIds(dm(CAROL, ALICE), start)).toEqual([]);

    await expect(storage.saveMessage(message)).resolves.toEqual({ message, duplicate: true });
    expect(await timelineIds(dm(CAROL, ALICE), start)).toEqual([message.id]);
  });

  it('keeps the last message when a retry of an older one comes in', async () => {
    const start = Date.now() - 33_000;
    const older = privateMessage(BOB, CAROL, new Date(start + 1), 'older');
    const newer = privateMessage(CAROL, BOB, new Date(start + 2), 'newer');
    await storage.saveMessage(older);
    await storage.saveMessage(newer);
    await storage.saveMessage(older); // a retry
    expect((await storage.readLastMessage(dm(BOB, CAROL)))?.message.id).toBe(newer.id);
  });

  it('keeps a 2,000-character message of 4-byte characters and markup intact', async () => {
    const start = Date.now() - 30_000;
    const text = '😀'.repeat(1990) + '<b>"\'\n\t';
    const message = publicMessage(ALICE, new Date(start + 1), text);
    await storage.saveMessage(message);
    const page = await storage.listTimeline(GENERAL, { after: since(start) });
    expect(page.messages[0]?.text).toBe(text);
  });

  const bad: [string, (m: ChatMessage) => unknown][] = [
    ['an id that is not a UUID', (m) => ({ ...m, id: 'abc' })],
    ['an upper-case id', (m) => ({ ...m, id: m.id.toUpperCase() })],
    ['a sender id with a quote', (m) => ({ ...m, sender: { id: "a'b", name: 'x' } })],
    ['a private flag without recipient', (m) => ({ ...m, isPrivate: true })],
    ['a recipient on a public message', (m) => ({ ...m, recipient: { id: 'bob-id' } })],
    ['no conversation', (m) => ({ ...m, conversationId: undefined })],
    ['a conversation id that is none', (m) => ({ ...m, conversationId: 'room' })],
    ['a sentAt that is no date', (m) => ({ ...m, sentAt: 'yesterday' })],
    ['a sentAt before 1970', (m) => ({ ...m, sentAt: '1969-12-31T23:59:59.000Z' })],
    ['a text far too long', (m) => ({ ...m, text: 'x'.repeat(40_000) })],
    ['a huge sender name', (m) => ({ ...m, sender: { id: 'a', name: 'n'.repeat(10_000) } })],
  ];
  it.each(bad)('rejects %s as a validation error', async (_name, spoil) => {
    const message = spoil(publicMessage(ALICE, new Date())) as ChatMessage;
    await expect(storage.saveMessage(message)).rejects.toMatchObject({
      name: 'StorageValidationError',
      field: 'message',
    });
  });
});

describe('catch-up near the present', () => {
  it('does not skip a message stamped earlier but stored later', async () => {
    const now = Date.now();
    const later = publicMessage(ALICE, new Date(now), 'stamped second, stored first');
    await storage.saveMessage(later);
    const page = await storage.listTimeline(GENERAL, { limit: 5 });
    expect(page.messages.at(-1)?.id).toBe(later.id);

    const slow = publicMessage(CAROL, new Date(now - 500), 'stamped first, stored second');
    await storage.saveMessage(slow);
    const catchUp = await storage.listTimeline(GENERAL, { after: page.newerCursor });
    const caughtUp = catchUp.messages.map((m) => m.id);
    expect(caughtUp).toContain(slow.id);
    // The recent message comes again; the client merges by id.
    expect(caughtUp).toContain(later.id);
    expect(caughtUp.indexOf(slow.id)).toBeLessThan(caughtUp.indexOf(later.id));
  });

  it('moves the cursor to the newest message once it is older than the settle time', async () => {
    const settled = createChatStorage(
      readStorageSettings({ ChatStorageConnectionString: azurite.connectionString }),
      { settleMs: 0 },
    );
    const message = publicMessage(BOB, new Date(Date.now() - 1), 'settled');
    await settled.saveMessage(message);
    const page = await settled.listTimeline(GENERAL, { limit: 1 });
    expect(page.messages.map((m) => m.id)).toEqual([message.id]);
    const next = await settled.listTimeline(GENERAL, { after: page.newerCursor });
    expect(next.messages).toEqual([]);
  });
});

describe('saves that stop half way', () => {
  it('are finished by completeUnfinishedSaves once they are old enough, then forgotten', async () => {
    const start = Date.now() - 5 * 86_400_000;
    const message = privateMessage(BOB, CAROL, new Date(start + 1), 'the process died here');
    // The first half of saveMessage (id claimed, marker written), then "the process dies".
    const tables = openTables(settings, 5000);
    const writer = createMessageWriter(tables, createTimelineSync(tables, Date.now), Date.now);
    await writer.startSave(message);
    expect(await timelineIds(dm(BOB, CAROL), start)).not.toContain(message.id);

    // Too recent: it could still be running.
    await expect(storage.completeUnfinishedSaves(60_000)).resolves.toEqual({ completed: 0 });
    const sweep = await storage.completeUnfinishedSaves(0);
    expect(sweep).toEqual({ completed: 1 });
    expect(await timelineIds(dm(BOB, CAROL), start)).toContain(message.id);
    expect(await timelineIds(GENERAL, start)).not.toContain(message.id);
    await expect(storage.completeUnfinishedSaves(0)).resolves.toEqual({ completed: 0 });
    // A late retry of the same send is still recognised.
    await expect(storage.saveMessage(message)).resolves.toEqual({ message, duplicate: true });
  });

  it('leave no marker behind after an ordinary save', async () => {
    await storage.saveMessage(publicMessage(CAROL, new Date()));
    await expect(storage.completeUnfinishedSaves(0)).resolves.toEqual({ completed: 0 });
  });
});

describe('importMessages', () => {
  it('stores many messages in transactions, recognising ones already stored', async () => {
    const start = Date.now() - 7 * 86_400_000;
    const messages = Array.from({ length: 330 }, (_, i) =>
      i % 3 === 0
        ? privateMessage(ALICE, CAROL, new Date(start + i), `import ${i}`)
        : publicMessage(BOB, new Date(start + i), `import ${i}`),
    );
    const alreadySaved = messages.slice(0, 5);
    for (const message of alreadySaved) await storage.saveMessage(message);

    await expect(storage.importMessages(messages)).resolves.toEqual({
      imported: 325,
      duplicates: 5,
    });
    const seen: ChatMessage[] = [];
    for (const conversationId of [GENERAL, dm(ALICE, CAROL)]) {
      let page = await storage.listTimeline(conversationId, {
        after: since(start - 1),
        limit: 200,
      });
      seen.push(...page.messages);
      while (page.hasNewer) {
        page = await storage.listTimeline(conversationId, { after: page.newerCursor, limit: 200 });
        seen.push(...page.messages);
      }
    }
    const imported = seen.filter((m) => m.text.startsWith('import')).map((m) => m.id);
    expect(imported.sort()).toEqual(messages.map((m) => m.id).sort());
    const direct = seen.filter((m) => m.conversationId === dm(ALICE, CAROL));
    expect(
      direct
        .filter((m) => m.text.startsWith('import'))
        .map((m) => m.id)
        .sort(),
    ).toEqual(
      messages
        .filter((m) => m.isPrivate)
        .map((m) => m.id)
        .sort(),
    );
    await expect(storage.completeUnfinishedSaves(0)).resolves.toEqual({ completed: 0 });
  });

  it('refuses an id another sender holds', async () => {
    const original = publicMessage(ALICE, new Date(Date.now() - 8 * 86_400_000));
    await storage.saveMessage(original);
    const hijack = { ...publicMessage(CAROL, new Date()), id: original.id };
    await expect(storage.importMessages([hijack])).rejects.toBeInstanceOf(MessageIdConflictError);
  });

  it('refuses the same id twice in one import', async () => {
    const message = publicMessage(ALICE, new Date());
    await expect(storage.importMessages([message, message])).rejects.toMatchObject({
      name: 'StorageValidationError',
      field: 'message',
    });
  });
});

describe('catchUpCursorFor', () => {
  it('catches up from a live message without missing one stored out of order', async () => {
    const now = Date.now() - 2 * 86_400_000;
    const live = publicMessage(BOB, new Date(now), 'received live');
    const late = publicMessage(ALICE, new Date(now - 800), 'stamped earlier, stored later');
    await storage.saveMessage(live);
    await storage.saveMessage(late);
    const page = await storage.listTimeline(GENERAL, { after: catchUpCursorFor(live, 30_000) });
    const ids = page.messages.map((m) => m.id);
    expect(ids).toContain(late.id);
    expect(ids.indexOf(late.id)).toBeLessThan(ids.indexOf(live.id));
  });
});
