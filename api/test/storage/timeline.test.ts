import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { encodeCursor } from '../../src/storage/cursor.js';
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
const involves = (userId: string) => (m: ChatMessage) =>
  !m.isPrivate || m.sender.id === userId || m.recipient?.id === userId;
const expected = {
  alice: all.filter(involves(ALICE.id)).sort(timelineOrder),
  bob: all.filter(involves(BOB.id)).sort(timelineOrder),
  carol: all.filter(involves(CAROL.id)).sort(timelineOrder),
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
  userId: string,
  limit: number,
): Promise<{ messages: ChatMessage[]; pages: TimelinePage[] }> {
  const pages: TimelinePage[] = [];
  let page = await storage.listTimeline(userId, { limit });
  pages.push(page);
  const collected = [...page.messages];
  while (page.olderCursor) {
    page = await storage.listTimeline(userId, { limit, before: page.olderCursor });
    pages.push(page);
    expect(page.messages.length).toBeLessThanOrEqual(limit);
    collected.unshift(...page.messages);
  }
  return { messages: collected, pages };
}

async function pageForward(userId: string, limit: number, from = BEGINNING) {
  const pages: TimelinePage[] = [];
  const collected: ChatMessage[] = [];
  let cursor = from;
  for (;;) {
    const page = await storage.listTimeline(userId, { limit, after: cursor });
    pages.push(page);
    expect(page.messages.length).toBeLessThanOrEqual(limit);
    collected.push(...page.messages);
    if (!page.hasNewer) break;
    cursor = page.newerCursor as string;
  }
  return { messages: collected, pages };
}

describe('timeline pagination over 1,000 messages', () => {
  it('pages back from the newest page to the first message without gaps or repeats', async () => {
    const { messages, pages } = await pageBackward(ALICE.id, 50);
    expect(ids(messages)).toEqual(ids(expected.alice));
    expect(pages).toHaveLength(20);
    expect(pages[0]?.hasNewer).toBe(false);
    expect(pages.at(-1)?.olderCursor).toBeUndefined();
  });

  it('pages forward from the beginning to the newest message without gaps or repeats', async () => {
    const { messages, pages } = await pageForward(ALICE.id, 73);
    expect(ids(messages)).toEqual(ids(expected.alice));
    expect(pages).toHaveLength(Math.ceil(1000 / 73));
  });

  it('returns each page oldest first, the newest page by default, 50 by default', async () => {
    const page = await storage.listTimeline(BOB.id);
    expect(ids(page.messages)).toEqual(ids(expected.bob.slice(-50)));
    expect(page.olderCursor).toBeDefined();
    expect(page.hasNewer).toBe(false);
  });

  it('meets in the middle: forward from an older cursor gives exactly the messages after it', async () => {
    const newest = await storage.listTimeline(CAROL.id, { limit: 200 });
    const older = await storage.listTimeline(CAROL.id, { limit: 200, before: newest.olderCursor });
    const forward = await pageForward(CAROL.id, 200, older.newerCursor);
    expect(ids(forward.messages)).toEqual(ids(expected.carol.slice(-200)));
    // and the newest page's newer cursor leads nowhere new (nothing was sent since)
    const after = await storage.listTimeline(CAROL.id, { after: newest.newerCursor });
    expect(after.messages).toEqual([]);
    expect(after.hasNewer).toBe(false);
    expect(after.newerCursor).toBe(newest.newerCursor);
  });

  it('serves the largest page size, 200', async () => {
    const { messages, pages } = await pageBackward(CAROL.id, 200);
    expect(ids(messages)).toEqual(ids(expected.carol));
    expect(pages).toHaveLength(4);
  });
});

describe('visibility', () => {
  it('gives everyone the public messages and only their own private ones', async () => {
    for (const [user, want] of [
      [BOB, expected.bob],
      [CAROL, expected.carol],
    ] as const) {
      const { messages } = await pageForward(user.id, 200);
      expect(ids(messages)).toEqual(ids(want));
      expect(messages.every(involves(user.id))).toBe(true);
    }
  });

  it("never shows carol alice's private messages to bob, whatever cursors she sends", async () => {
    const alicePages = [
      ...(await pageBackward(ALICE.id, 50)).pages,
      ...(await pageForward(ALICE.id, 50)).pages,
    ];
    const cursors = new Set(
      alicePages
        .flatMap((page) => [page.olderCursor, page.newerCursor])
        .filter(Boolean) as string[],
    );
    expect(cursors.size).toBeGreaterThan(30);
    const carolIds = ids(expected.carol);
    for (const cursor of cursors) {
      for (const query of [{ before: cursor }, { after: cursor }]) {
        const page = await storage.listTimeline(CAROL.id, { ...query, limit: 200 });
        expect(page.messages.filter((m) => aliceToBob.has(m.id))).toEqual([]);
        // Whatever the cursor's origin, carol's page is a contiguous run of her own timeline.
        const first = carolIds.indexOf(page.messages[0]?.id ?? '');
        if (page.messages.length > 0) {
          expect(ids(page.messages)).toEqual(carolIds.slice(first, first + page.messages.length));
        }
      }
    }
  });

  it('keeps a note to oneself in one place', async () => {
    const note = privateMessage(BOB, BOB, new Date(base - 10_000), 'note to self');
    await storage.saveMessage(note);
    const { messages } = await pageForward(
      BOB.id,
      200,
      encodeCursor({ ms: base - 20_000, id: null }),
    );
    expect(messages.filter((m) => m.id === note.id)).toHaveLength(1);
    const aliceView = await storage.listTimeline(ALICE.id, {
      after: encodeCursor({ ms: base - 20_000, id: null }),
      limit: 5,
    });
    expect(aliceView.messages.map((m) => m.id)).not.toContain(note.id);
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
    await expect(storage.listTimeline(ALICE.id, query)).rejects.toMatchObject({
      name: 'StorageValidationError',
      field,
      reason: expect.any(String),
    });
  });

  it('rejects a user id that cannot be one', async () => {
    await expect(storage.listTimeline("x' or PartitionKey ne '")).rejects.toMatchObject({
      name: 'StorageValidationError',
      field: 'userId',
    });
  });
});
