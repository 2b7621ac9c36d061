// Message history through the local host with Azurite and the emulator: what GET /api/messages
// shows to whom, idempotent retries, the directory's names, and a message accepted while the
// SignalR Service was down reaching people through catch-up.
import { randomUUID } from 'node:crypto';
import { startEmulator } from 'signalr-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import type { AcceptedMessage, ChatMessage, MessagePage } from '../../src/shared/chat-message.js';
import type { Inbox } from '../support/inbox.js';
import { alice, bob, carol, type TestUser } from '../support/requests.js';
import { connectPerson, getMessages, postMessage, startStack, type Stack } from './stack.js';

let stack: Stack;
let b: Inbox;

beforeAll(async () => {
  // Generous limit: this file sends more than ten messages per person within seconds.
  stack = await startStack({ ChatRateLimitCount: '1000' });
  b = await connectPerson(stack.host, bob);
});

afterAll(async () => {
  await b?.connection.stop();
  await stack?.close();
});

async function send(user: TestUser, body: Record<string, unknown>): Promise<AcceptedMessage> {
  const sent = await postMessage(stack.host, user, body);
  expect(sent.status).toBe(202);
  return sent.body as AcceptedMessage;
}

async function page(
  user: TestUser,
  query: Record<string, string> = {},
  conversationId?: string,
): Promise<MessagePage> {
  const response = await getMessages(stack.host, user, query, conversationId);
  expect(response.status).toBe(200);
  return response.body as MessagePage;
}

/** Every message `user` can reach by paging back from the latest page. */
async function wholeTimeline(user: TestUser, conversationId?: string): Promise<ChatMessage[]> {
  const pages: ChatMessage[][] = [];
  let current = await page(user, { limit: '3' }, conversationId);
  pages.unshift(current.messages);
  while (current.olderCursor) {
    current = await page(user, { limit: '3', before: current.olderCursor }, conversationId);
    pages.unshift(current.messages);
  }
  return pages.flat();
}

describe('GET /api/messages', () => {
  it('shows #general to all and a direct message only to its two people, whatever carol asks', async () => {
    const opening = await send(carol, { text: 'opening' });
    const secret = await send(alice, { text: 'for bob only', recipient: bob.userId });
    const closing = await send(carol, { text: 'closing' });
    const direct = directConversationId(alice.userId, bob.userId);
    expect(secret.conversationId).toBe(direct);
    expect(opening.conversationId).toBe('general');

    const ids = (messages: ChatMessage[]) => messages.map((m) => m.id);
    for (const user of [alice, bob, carol]) {
      const general = await wholeTimeline(user);
      expect(ids(general)).toEqual(expect.arrayContaining([opening.id, closing.id]));
      expect(ids(general)).not.toContain(secret.id);
      expect(new Set(ids(general)).size).toBe(general.length);
    }
    for (const user of [alice, bob]) {
      expect(ids(await wholeTimeline(user, direct))).toEqual([secret.id]);
    }
    const refused = await getMessages(stack.host, carol, {}, direct);
    expect(refused.status).toBe(404);

    // Alice's cursors, replayed by carol on #general, move carol's window only.
    let cursorPage = await page(alice, { limit: '1' }, direct);
    const cursors: Record<string, string>[] = [];
    for (;;) {
      if (cursorPage.newerCursor) cursors.push({ after: cursorPage.newerCursor });
      if (!cursorPage.olderCursor) break;
      cursors.push({ before: cursorPage.olderCursor }, { after: cursorPage.olderCursor });
      cursorPage = await page(alice, { limit: '1', before: cursorPage.olderCursor }, direct);
    }
    expect(cursors.length).toBeGreaterThan(0);
    for (const query of cursors) {
      expect(ids((await page(carol, query)).messages)).not.toContain(secret.id);
      expect((await getMessages(stack.host, carol, query, direct)).status).toBe(404);
    }
  });

  it("names a private message's recipient from the directory of people", async () => {
    // bob negotiated (connectPerson), so the directory knows his name.
    const secret = await send(alice, { text: 'hello bob', recipient: bob.userId });
    expect(secret.recipient).toEqual({ id: bob.userId, name: bob.userDetails });
    expect(await b.waitFor((m) => m.id === secret.id)).toEqual(secret);
    const unknown = await send(alice, { text: 'hello?', recipient: 'nobody-ever' });
    expect(unknown.recipient).toEqual({ id: 'nobody-ever' });
  });

  it('catches up from the newest message held with `since`, and pages forward with `after`', async () => {
    const first = await send(carol, { text: 'seen live' });
    await b.waitFor((m) => m.id === first.id);
    const later = [];
    for (let i = 0; i < 5; i += 1) later.push(await send(carol, { text: `later ${i}` }));

    const seen: ChatMessage[] = [];
    let current = await page(bob, { since: first.sentAt, limit: '2' });
    seen.push(...current.messages);
    while (current.hasNewer && current.newerCursor) {
      current = await page(bob, { after: current.newerCursor, limit: '2' });
      seen.push(...current.messages);
    }
    const seenIds = seen.map((m) => m.id);
    for (const message of [first, ...later]) expect(seenIds).toContain(message.id);
  });

  it('answers 400 naming the field for bad queries, and 401 to anonymous callers', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=5&limit=6', 'limit'],
      ['before=not-a-cursor', 'before'],
      ['after=abc$', 'after'],
      ['since=yesterday', 'since'],
      ['since=2026-01-01T00:00:00.000Z&after=x', 'since'],
    ];
    for (const [query, field] of cases) {
      const response = await getMessages(stack.host, alice, query);
      expect(response.status, query).toBe(400);
      expect(response.body, query).toMatchObject({ error: { code: 'invalid_query', field } });
    }
    const latest = await page(alice, { limit: '1' });
    const both = await getMessages(stack.host, alice, {
      before: latest.olderCursor ?? '',
      after: latest.newerCursor ?? '',
    });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ error: { code: 'invalid_query' } });

    const anonymous = await getMessages(stack.host, undefined);
    expect(anonymous.status).toBe(401);
  });
});

describe('POST /api/messages with storage', () => {
  it('stores a retried id once and answers with the original', async () => {
    const id = randomUUID();
    const first = await send(alice, { id, text: 'only once' });
    const retry = await send(alice, { id, text: 'only once, edited?' });
    expect(retry).toEqual(first);
    const timeline = await wholeTimeline(bob);
    expect(timeline.filter((m) => m.id === id)).toEqual([first]);
    // Pushed again (harmless: clients merge by id), so bob has it, possibly twice on the wire.
    await b.waitFor((m) => m.id === id);
  });

  it("answers 409 when another sender's id is reused", async () => {
    const id = randomUUID();
    await send(alice, { id, text: 'mine' });
    const stolen = await postMessage(stack.host, carol, { id, text: 'also mine' });
    expect(stolen.status).toBe(409);
    expect(stolen.body).toMatchObject({ error: { code: 'id_conflict', field: 'id' } });
    const timeline = await wholeTimeline(bob);
    expect(timeline.filter((m) => m.id === id).map((m) => m.text)).toEqual(['mine']);
  });

  it('accepts and stores a message while SignalR is down; catch-up brings it', async () => {
    const before = await send(alice, { text: 'before the outage' });
    await b.waitFor((m) => m.id === before.id);

    const reconnected = new Promise<void>((resolve) => b.connection.onreconnected(() => resolve()));
    const { port } = stack.emulator;
    await stack.emulator.close();
    const missed = await send(alice, { text: 'sent during the outage' });
    expect(missed.delivered).toBe(false);
    const { delivered: _, ...stored } = missed;

    stack.emulator = await startEmulator({ port });
    await reconnected;
    const caughtUp = await page(bob, { since: before.sentAt });
    expect(caughtUp.messages).toContainEqual(stored);
    expect(b.withId(missed.id)).toEqual([]);
  });
});
