import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import { decodeCursor, encodeCursor } from '../../src/storage/cursor.js';
import {
  createChatStorage,
  readStorageSettings,
  type ChatStorage,
  type TimelinePage,
} from '../../src/storage/index.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import {
  ALICE,
  BOB,
  CAROL,
  privateMessage,
  publicMessage,
  saveAll,
  timelineOrder,
} from './seed.js';

let azurite: AzuriteTables;
let storage: ChatStorage;

// 1,000 messages a day ago, three per millisecond (so ties are ordered by id):
// 3 in 5 public, 1 in 5 alice -> bob, 1 in 5 carol -> alice.
const base = Date.now() - 86_400_000;
const all: ChatMessage[] = Array.from({ length: 1000 }, (_, i) => {
  const sentAt = new Date(base + Math.floor(i / 3));
  const kind = i % 5;
  if (kind === 3) return privateMessage(ALICE, BOB, sentAt, `a->b ${i}`);
  if (kind === 4) return privateMessage(CAROL, ALICE, sentAt, `c->a ${i}`);
  return publicMessage(i % 2 ? BOB : ALICE, sentAt, `public ${i}`);
});
const GENERAL = 'general';
const ALICE_BOB = directConversationId(ALICE.id, BOB.id);
const CAROL_ALICE = directConversationId(CAROL.id, ALICE.id);
const inConversation = (id: string) =>
  all.filter((m) => m.conversationId === id).sort(timelineOrder);
const expected = {
  general: inConversation(GENERAL),
  aliceBob: inConversation(ALICE_BOB),
  carolAlice: inConversation(CAROL_ALICE),
};
const aliceToBob = new Set(all.filter((m) => m.text.startsWith('a->b')).map((m) => m.id));
const BEGINNING = encodeCursor({ ms: 0, id: null });
const ids = (messages: readonly ChatMessage[]) => messages.map((m) => m.id);

beforeAll(async () => {
  azurite = await startAzurite();
  const env = { ChatStorageConnectionString: azurite.connectionString };
  // A generous deadline: a loaded test machine can make Azurite slow, which is not a failure here.
  storage = createChatStorage(readStorageSettings(env), { timeoutMs: 30_000 });
  // Every tenth message through saveMessage, the rest in bulk: both must give the same rows.
  const started = performance.now();
  await Promise.all([
    storage.importMessages(all.filter((_, i) => i % 10 !== 0)),
    saveAll(
      storage,
      all.filter((_, i) => i % 10 === 0),
      8,
    ),
  ]);
  console.log(`seeded 1,000 messages in ${Math.round(performance.now() - started)} ms`);
}, 120_000);

afterAll(async () => {
  await azurite?.stop();
});

async function pageBackward(
  conversationId: string,
  limit: number,
): Promise<{ messages: ChatMessage[]; pages: TimelinePage[] }> {
  const pages: TimelinePage[] = [];
  let page = await storage.listTimeline(conversationId, { limit });
  pages.push(page);
  const collected = [...page.messages];
  while (page.olderCursor) {
    page = await storage.listTimeline(conversationId, { limit, before: page.olderCursor });
    pages.push(page);
    expect(page.messages.length).toBeLessThanOrEqual(limit);
    collected.unshift(...page.messages);
  }
  return { messages: collected, pages };
}

async function pageForward(conversationId: string, limit: number, from = BEGINNING) {
  const pages: TimelinePage[] = [];
  const collected: ChatMessage[] = [];
  let cursor = from;
  for (;;) {
    const page = await storage.listTimeline(conversationId, { limit, after: cursor });
    pages.push(page);
    expect(page.messages.length).toBeLessThanOrEqual(limit);
    collected.push(...page.messages);
    if (!page.hasNewer) break;
    cursor = page.newerCursor as string;
  }
  return { messages: collected, pages };
}

describe('timeline pagination over 1,000 messages in three conversations', () => {
  it('pages back from the newest page to the first message without gaps or repeats', async () => {
    const { messages, pages } = await pageBackward(GENERAL, 50);
    expect(ids(messages)).toEqual(ids(expected.general));
    expect(pages).toHaveLength(12);
    expect(pages[0]?.hasNewer).toBe(false);
    expect(pages.at(-1)?.olderCursor).toBeUndefined();
  });

  it('pages forward from the beginning to the newest message without gaps or repeats', async () => {
    const { messages, pages } = await pageForward(GENERAL, 73);
    expect(ids(messages)).toEqual(ids(expected.general));
    expect(pages).toHaveLength(Math.ceil(600 / 73));
  });

  it('returns each page oldest first, the newest page by default, 50 by default', async () => {
    const page = await storage.listTimeline(ALICE_BOB);
    expect(ids(page.messages)).toEqual(ids(expected.aliceBob.slice(-50)));
    expect(page.olderCursor).toBeDefined();
    expect(page.hasNewer).toBe(false);
  });

  it('meets in the middle: forward from an older cursor gives exactly the messages after it', async () => {
    const newest = await storage.listTimeline(GENERAL, { limit: 200 });
    const older = await storage.listTimeline(GENERAL, { limit: 200, before: newest.olderCursor });
    const forward = await pageForward(GENERAL, 200, older.newerCursor);
    expect(ids(forward.messages)).toEqual(ids(expected.general.slice(-200)));
    // and the newest page's newer cursor leads nowhere new (nothing was sent since)
    const after = await storage.listTimeline(GENERAL, { after: newest.newerCursor });
    expect(after.messages).toEqual([]);
    expect(after.hasNewer).toBe(false);
    // The message position stays; the change position follows the settle horizon.
    const decoded = decodeCursor('after', after.newerCursor);
    expect(decoded.position).toEqual(decodeCursor('after', newest.newerCursor).position);
  });

  it('serves the largest page size, 200', async () => {
    const { messages, pages } = await pageBackward(GENERAL, 200);
    expect(ids(messages)).toEqual(ids(expected.general));
    expect(pages).toHaveLength(3);
  });
});

describe('isolation', () => {
  it('keeps each conversation to its own messages', async () => {
    for (const [conversationId, want] of [
      [ALICE_BOB, expected.aliceBob],
      [CAROL_ALICE, expected.carolAlice],
    ] as const) {
      const { messages } = await pageForward(conversationId, 200);
      expect(ids(messages)).toEqual(ids(want));
      expect(messages.every((m) => m.conversationId === conversationId)).toBe(true);
    }
  });

  it("never shows alice and bob's messages in another conversation, whatever cursors come", async () => {
    const pages = [
      ...(await pageBackward(ALICE_BOB, 20)).pages,
      ...(await pageForward(ALICE_BOB, 20)).pages,
    ];
    const cursors = new Set(
      pages.flatMap((page) => [page.olderCursor, page.newerCursor]).filter(Boolean) as string[],
    );
    expect(cursors.size).toBeGreaterThan(15);
    for (const [conversationId, want] of [
      [CAROL_ALICE, ids(expected.carolAlice)],
      [GENERAL, ids(expected.general)],
    ] as const) {
      for (const cursor of cursors) {
        for (const query of [{ before: cursor }, { after: cursor }]) {
          const page = await storage.listTimeline(conversationId, { ...query, limit: 200 });
          expect(page.messages.filter((m) => aliceToBob.has(m.id))).toEqual([]);
          // Whatever the cursor's origin, the page is a contiguous run of that conversation.
          const first = want.indexOf(page.messages[0]?.id ?? '');
          if (page.messages.length > 0) {
            expect(ids(page.messages)).toEqual(want.slice(first, first + page.messages.length));
          }
        }
      }
    }
  });

  it('keeps a note to oneself in one place', async () => {
    const note = privateMessage(BOB, BOB, new Date(base - 10_000), 'note to self');
    await storage.saveMessage(note);
    const from = encodeCursor({ ms: base - 20_000, id: null });
    const { messages } = await pageForward(directConversationId(BOB.id, BOB.id), 200, from);
    expect(ids(messages)).toEqual([note.id]);
    const generalView = await storage.listTimeline(GENERAL, { after: from, limit: 5 });
    expect(ids(generalView.messages)).not.toContain(note.id);
  });
});

describe('bad queries', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 201', { limit: 201 }, 'limit'],
    ['limit -1', { limit: '-1' }, 'limit'],
    ['limit 1.5', { limit: 1.5 }, 'limit'],
    ['limit text', { limit: 'ten' }, 'limit'],
    ['limit huge text', { limit: '9'.repeat(400) }, 'limit'],
    ['empty cursor', { before: '' }, 'before'],
    ['garbage cursor', { before: 'not a cursor!' }, 'before'],
    ['base64 of junk', { after: Buffer.from('t1.x.y').toString('base64url') }, 'after'],
    ['wrong version', { after: Buffer.from('t9.5.').toString('base64url') }, 'after'],
    ['ms too large', { after: Buffer.from('t1.99999999999999.').toString('base64url') }, 'after'],
    ['non-canonical base64', { after: `${BEGINNING}A` }, 'after'],
    ['huge cursor', { before: 'A'.repeat(5000) }, 'before'],
    ['cursor not a string', { before: 42 }, 'before'],
    ['both cursors', { before: BEGINNING, after: BEGINNING }, 'before'],
  ];
  it.each(cases)('%s is a validation error naming the field', async (_name, query, field) => {
    await expect(storage.listTimeline(GENERAL, query)).rejects.toMatchObject({
      name: 'StorageValidationError',
      field,
      reason: expect.any(String),
    });
  });

  it('rejects a conversation id that cannot be one', async () => {
    for (const id of ["x' or PartitionKey ne '", 'dm.YQ.', 'room', '']) {
      await expect(storage.listTimeline(id)).rejects.toMatchObject({
        name: 'StorageValidationError',
        field: 'conversationId',
      });
    }
  });
});
