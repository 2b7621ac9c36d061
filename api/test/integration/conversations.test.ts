// Conversations through the local host with Azurite and the emulator, with official clients:
// who receives, reads and counts what (four people), read positions and mute across two
// connections of one person, room delivery after the service restarts, and the seed's routes.
// "Never received" is asserted after a later message sent to everyone has arrived at the same
// client (the emulator keeps per-connection order), never after a sleep.
import { randomUUID } from 'node:crypto';
import { startEmulator } from 'signalr-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import type { AcceptedMessage, ChatMessage } from '../../src/shared/chat-message.js';
import {
  CONVERSATION_REMOVED_EVENT,
  CONVERSATION_UPDATED_EVENT,
  type ConversationList,
  type ConversationSummary,
  type RoomDirectory,
  type RoomSummary,
} from '../../src/shared/conversation.js';
import type { Inbox } from '../support/inbox.js';
import { Received } from '../support/received.js';
import type { TestUser } from '../support/requests.js';
import { callApi, connectPerson, getMessages, startStack, type Stack } from './stack.js';

let stack: Stack;
const run = randomUUID().slice(0, 8);
const person = (name: string): TestUser => ({ userId: `${name}-${run}`, userDetails: name });
const alice = person('alice');
const bob = person('bob');
const carol = person('carol');
const dave = person('dave');

/** A connected app: its messages (Inbox) and the conversation events it received. */
interface Tab {
  inbox: Inbox;
  updates: Received<ConversationSummary>;
  removals: Received<string>;
}

const tabs: Tab[] = [];

async function open(user: TestUser): Promise<Tab> {
  const inbox = await connectPerson(stack.host, user);
  const tab: Tab = { inbox, updates: new Received(), removals: new Received() };
  inbox.connection.on(CONVERSATION_UPDATED_EVENT, (summary: ConversationSummary) =>
    tab.updates.add(summary),
  );
  inbox.connection.on(CONVERSATION_REMOVED_EVENT, ({ id }: { id: string }) => tab.removals.add(id));
  tabs.push(tab);
  return tab;
}

const api = (user: TestUser, method: string, path: string, body?: unknown) =>
  callApi(stack.host, user, method, path, body);

async function createRoom(
  user: TestUser,
  name: string,
  visibility: 'public' | 'private',
): Promise<RoomSummary> {
  const created = await api(user, 'POST', 'rooms', { name, visibility });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as RoomSummary;
}

async function post(user: TestUser, conversationId: string, text: string) {
  const sent = await api(
    user,
    'POST',
    `conversations/${encodeURIComponent(conversationId)}/messages`,
    { id: randomUUID(), text },
  );
  return sent;
}

async function sent(
  user: TestUser,
  conversationId: string,
  text: string,
): Promise<AcceptedMessage> {
  const answer = await post(user, conversationId, text);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body as AcceptedMessage;
}

async function conversationsOf(user: TestUser): Promise<ConversationSummary[]> {
  const answer = await api(user, 'GET', 'conversations');
  expect(answer.status).toBe(200);
  return (answer.body as ConversationList).conversations;
}

/** Sends to #general and waits until every tab has it: all that was sent before has arrived. */
async function barrier(): Promise<void> {
  const marker = await sent(alice, 'general', `barrier ${randomUUID()}`);
  await Promise.all(tabs.map((tab) => tab.inbox.waitFor((m) => m.id === marker.id)));
}

let aliceTab: Tab;
let bobTab1: Tab;
let bobTab2: Tab;
let carolTab: Tab;
let daveTab: Tab;

beforeAll(async () => {
  stack = await startStack({ ChatRateLimitCount: '1000' });
  // Negotiating puts each person in the directory of people.
  [aliceTab, bobTab1, bobTab2, carolTab, daveTab] = await Promise.all([
    open(alice),
    open(bob),
    open(bob),
    open(carol),
    open(dave),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(tabs.map((tab) => tab.inbox.connection.stop()));
  await stack?.close();
});

describe('a private room', () => {
  it('reaches, lists and counts for its members only, whatever carol tries', async () => {
    const room = await createRoom(alice, `secret-${run}`, 'private');
    expect(room).toMatchObject({ visibility: 'private', memberCount: 1, isMember: true });
    await aliceTab.updates.waitFor((u) => u.id === room.id, 'alice sees her room');

    const added = await api(alice, 'PUT', `rooms/${room.id}/members/${bob.userId}`);
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ memberCount: 2 });
    for (const tab of [bobTab1, bobTab2]) {
      await tab.updates.waitFor((u) => u.id === room.id, 'bob sees the room appear');
    }

    const secret = await sent(alice, room.id, 'only for members');
    expect(secret.conversationId).toBe(room.id);
    await bobTab1.inbox.waitFor((m) => m.id === secret.id);
    await bobTab2.inbox.waitFor((m) => m.id === secret.id);
    await barrier();
    for (const tab of [carolTab, daveTab]) expect(tab.inbox.withId(secret.id)).toEqual([]);
    expect(carolTab.updates.items.map((u) => u.id)).not.toContain(room.id);

    const bobs = await conversationsOf(bob);
    expect(bobs.find((c) => c.id === room.id)).toMatchObject({ unread: 1, visibility: 'private' });
    const carols = await conversationsOf(carol);
    expect(carols.map((c) => c.id)).not.toContain(room.id);
    const directory = (await api(carol, 'GET', 'rooms')).body as RoomDirectory;
    expect(directory.rooms.map((r) => r.id)).not.toContain(room.id);
    expect(
      ((await api(bob, 'GET', 'rooms')).body as RoomDirectory).rooms.map((r) => r.id),
    ).toContain(room.id);

    // Everything carol can try answers 404, as for a room that does not exist, and changes nothing.
    const page = (await getMessages(stack.host, alice, { limit: '1' }, room.id)).body as {
      olderCursor?: string;
      newerCursor?: string;
    };
    const attempts: [string, string, unknown?][] = [
      ['GET', `conversations/${room.id}/messages`],
      ['GET', `conversations/${room.id}/messages?after=${page.newerCursor ?? ''}`],
      ['POST', `conversations/${room.id}/messages`, { id: randomUUID(), text: 'let me in' }],
      ['PUT', `conversations/${room.id}/read`, { upTo: secret.id }],
      ['PUT', `conversations/${room.id}/mute`, { muted: true }],
      ['GET', `rooms/${room.id}/members`],
      ['PUT', `rooms/${room.id}/members/${carol.userId}`],
      ['PUT', `rooms/${room.id}/members/${dave.userId}`],
      ['DELETE', `rooms/${room.id}/members/${carol.userId}`],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await api(carol, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    const members = await api(bob, 'GET', `rooms/${room.id}/members`);
    expect(members.body).toEqual({
      members: [
        { id: alice.userId, name: 'alice' },
        { id: bob.userId, name: 'bob' },
      ],
    });
    const history = await getMessages(stack.host, bob, {}, room.id);
    expect((history.body as { messages: ChatMessage[] }).messages.map((m) => m.id)).toEqual([
      secret.id,
    ]);
  });
});

describe('a direct conversation', () => {
  it("is alice and bob's only: carol never receives, reads or counts it", async () => {
    const opened = await api(alice, 'POST', `direct/${bob.userId}`);
    expect(opened.status).toBe(200);
    const conversation = opened.body as ConversationSummary;
    expect(conversation).toMatchObject({
      id: directConversationId(alice.userId, bob.userId),
      kind: 'direct',
      with: { id: bob.userId, name: 'bob' },
      unread: 0,
    });
    const same = await api(bob, 'POST', `direct/${alice.userId}`);
    expect((same.body as ConversationSummary).id).toBe(conversation.id);

    const message = await sent(alice, conversation.id, 'just between us');
    expect(message).toMatchObject({ isPrivate: true, recipient: { id: bob.userId } });
    await bobTab1.inbox.waitFor((m) => m.id === message.id);
    await barrier();
    expect(carolTab.inbox.withId(message.id)).toEqual([]);
    expect(daveTab.inbox.withId(message.id)).toEqual([]);
    expect((await conversationsOf(bob)).find((c) => c.id === conversation.id)).toMatchObject({
      unread: 1,
      lastMessage: { id: message.id, text: 'just between us' },
    });
    // Alice's own message is not news to her.
    expect((await conversationsOf(alice)).find((c) => c.id === conversation.id)?.unread).toBe(0);

    const alicePage = (await getMessages(stack.host, alice, {}, conversation.id)).body as {
      newerCursor: string;
      olderCursor?: string;
    };
    for (const path of [
      `conversations/${conversation.id}/messages`,
      `conversations/${conversation.id}/messages?after=${alicePage.newerCursor}`,
      `conversations/${directConversationId(carol.userId, alice.userId)}x/messages`,
    ]) {
      expect((await api(carol, 'GET', path)).status, path).toBe(404);
    }
    const intrusion = await post(carol, conversation.id, 'hello?');
    expect(intrusion.status).toBe(404);
    expect((await conversationsOf(carol)).map((c) => c.id)).not.toContain(conversation.id);
  });

  it('lets a person keep notes in a conversation with themselves', async () => {
    const notes = (await api(carol, 'POST', `direct/${carol.userId}`)).body as ConversationSummary;
    expect(notes).toMatchObject({ kind: 'direct', with: { id: carol.userId } });
    const note = await sent(carol, notes.id, 'remember the milk');
    await carolTab.inbox.waitFor((m) => m.id === note.id);
    expect(carolTab.inbox.withId(note.id)).toHaveLength(1);
    expect((await api(bob, 'GET', `conversations/${notes.id}/messages`)).status).toBe(404);
  });
});

describe('public rooms', () => {
  it('can be read before joining, posted in after, and leaving stops delivery', async () => {
    const room = await createRoom(alice, `town-square-${run}`, 'public');
    const early = await sent(alice, room.id, 'before dave came');
    const notYet = await post(dave, room.id, 'can I?');
    expect(notYet.status).toBe(403);
    expect(notYet.body).toMatchObject({ error: { code: 'not_a_member' } });
    const history = await getMessages(stack.host, dave, {}, room.id);
    expect(history.status).toBe(200);

    const joined = await api(dave, 'PUT', `rooms/${room.id}/members/${dave.userId}`);
    expect(joined.body).toMatchObject({ isMember: true, memberCount: 2 });
    const joinedSummary = await daveTab.updates.waitFor(
      (u) => u.id === room.id,
      'dave sees the joined room',
    );
    // Joining counts as having read what was there.
    expect(joinedSummary.unread).toBe(0);
    expect(joinedSummary.readPosition?.messageId).toBe(early.id);

    const hello = await sent(alice, room.id, 'welcome dave');
    await daveTab.inbox.waitFor((m) => m.id === hello.id);
    expect(await sent(dave, room.id, 'thanks')).toMatchObject({ conversationId: room.id });

    const left = await api(dave, 'DELETE', `rooms/${room.id}/members/${dave.userId}`);
    expect(left.status).toBe(204);
    await daveTab.removals.waitFor((id) => id === room.id, 'dave sees the room go');
    const afterLeaving = await sent(alice, room.id, 'dave is gone');
    await barrier();
    expect(daveTab.inbox.withId(afterLeaving.id)).toEqual([]);
    expect((await conversationsOf(dave)).map((c) => c.id)).not.toContain(room.id);
    // Another person cannot make dave leave, nor add him to a public room.
    expect((await api(alice, 'DELETE', `rooms/${room.id}/members/${dave.userId}`)).status).toBe(
      403,
    );
    expect((await api(alice, 'PUT', `rooms/${room.id}/members/${dave.userId}`)).status).toBe(403);
  });

  it('have names unique ignoring case, and #general is taken', async () => {
    await createRoom(alice, `Design-${run}`, 'public');
    for (const name of [`design-${run}`, `DESIGN-${run}`, 'General', '#general']) {
      const again = await api(bob, 'POST', 'rooms', { name, visibility: 'private' });
      expect(again.status, name).toBe(409);
      expect(again.body).toMatchObject({ error: { code: 'name_taken', field: 'name' } });
    }
  });
});

describe('read positions and mute', () => {
  it("follow bob across his two connections, forward only, and survive in the server's list", async () => {
    const room = await createRoom(alice, `reading-${run}`, 'public');
    await api(bob, 'PUT', `rooms/${room.id}/members/${bob.userId}`);
    const messages: AcceptedMessage[] = [];
    for (const text of ['one', 'two', 'three']) messages.push(await sent(alice, room.id, text));
    expect((await conversationsOf(bob)).find((c) => c.id === room.id)?.unread).toBe(3);

    const [first, , last] = messages as [AcceptedMessage, AcceptedMessage, AcceptedMessage];
    bobTab1.updates.items = [];
    bobTab2.updates.items = [];
    const read = await api(bob, 'PUT', `conversations/${room.id}/read`, { upTo: last.id });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ unread: 0, readPosition: { messageId: last.id } });
    for (const tab of [bobTab1, bobTab2]) {
      const update = await tab.updates.waitFor(
        (u) => u.id === room.id,
        'both of bob tabs hear of the read',
      );
      expect(update).toMatchObject({ unread: 0, readPosition: { messageId: last.id } });
    }
    // Backwards changes nothing.
    const back = await api(bob, 'PUT', `conversations/${room.id}/read`, { upTo: first.id });
    expect(back.body).toMatchObject({ readPosition: { messageId: last.id }, unread: 0 });

    const muted = await api(bob, 'PUT', `conversations/${room.id}/mute`, { muted: true });
    expect(muted.body).toMatchObject({ muted: true });
    await bobTab2.updates.waitFor(
      (u) => u.id === room.id && u.muted === true,
      'the mute reaches the other tab',
    );
    const more = await sent(alice, room.id, 'four');
    const listed = (await conversationsOf(bob)).find((c) => c.id === room.id);
    expect(listed).toMatchObject({ unread: 1, muted: true, lastMessage: { id: more.id } });

    // A message of another conversation is not a read position here.
    const elsewhere = await sent(alice, 'general', 'not in the room');
    const wrong = await api(bob, 'PUT', `conversations/${room.id}/read`, { upTo: elsewhere.id });
    expect(wrong.status).toBe(404);
    expect(wrong.body).toMatchObject({ error: { field: 'upTo' } });
  });
});

describe('after the SignalR Service restarts', () => {
  it('members still receive their rooms once they have reconnected', async () => {
    const room = await createRoom(alice, `restart-${run}`, 'private');
    await api(alice, 'PUT', `rooms/${room.id}/members/${bob.userId}`);
    const reconnected = tabs.map(
      (tab) => new Promise<void>((resolve) => tab.inbox.connection.onreconnected(() => resolve())),
    );
    const { port } = stack.emulator;
    await stack.emulator.close();
    stack.emulator = await startEmulator({ port });
    await Promise.all(reconnected);

    const after = await sent(alice, room.id, 'still here?');
    await bobTab1.inbox.waitFor((m) => m.id === after.id);
    await bobTab2.inbox.waitFor((m) => m.id === after.id);
    await barrier();
    expect(carolTab.inbox.withId(after.id)).toEqual([]);
  });
});

describe("the seed's routes", () => {
  it('send to #general without a recipient and to the direct conversation with one', async () => {
    const publicOne = await api(carol, 'POST', 'messages', { text: 'hello all' });
    expect(publicOne.body).toMatchObject({ conversationId: 'general', isPrivate: false });
    const privateOne = await api(carol, 'POST', 'messages', {
      text: 'hello dave',
      recipient: dave.userId,
    });
    const direct = directConversationId(carol.userId, dave.userId);
    expect(privateOne.body).toMatchObject({
      conversationId: direct,
      isPrivate: true,
      recipient: { id: dave.userId, name: 'dave' },
    });
    // Dave had never talked to carol: the conversation appears for him with its news.
    const appeared = await daveTab.updates.waitFor(
      (u) => u.id === direct,
      'dave sees the new direct conversation',
    );
    expect(appeared).toMatchObject({ unread: 1, with: { id: carol.userId, name: 'carol' } });
    const general = await getMessages(stack.host, dave, { limit: '5' });
    const ids = (general.body as { messages: ChatMessage[] }).messages.map((m) => m.id);
    expect(ids).toContain((publicOne.body as ChatMessage).id);
    expect(ids).not.toContain((privateOne.body as ChatMessage).id);
  });
});

describe('bad input', () => {
  it('answers every new route with a 4xx naming what is wrong, and changes nothing', async () => {
    const room = await createRoom(alice, `inputs-${run}`, 'private');
    const cases: [string, string, unknown, number, string?][] = [
      ['POST', 'rooms', { visibility: 'public' }, 422, 'name'],
      ['POST', 'rooms', { name: '', visibility: 'public' }, 422, 'name'],
      ['POST', 'rooms', { name: 'x'.repeat(41), visibility: 'public' }, 422, 'name'],
      ['POST', 'rooms', { name: 'two\nlines', visibility: 'public' }, 422, 'name'],
      ['POST', 'rooms', { name: 42, visibility: 'public' }, 422, 'name'],
      ['POST', 'rooms', { name: 'ok', visibility: 'secret' }, 422, 'visibility'],
      ['POST', 'rooms', { name: 'ok' }, 422, 'visibility'],
      ['POST', 'rooms', { name: 'ok', visibility: 'public', topic: 't'.repeat(251) }, 422, 'topic'],
      ['POST', 'rooms', [], 400, 'body'],
      ['PUT', `rooms/${room.id}/members/not%20a%20user`, undefined, 422, 'userId'],
      ['PUT', `rooms/${room.id}/members/nobody-${run}`, undefined, 404, 'userId'],
      ['PUT', `rooms/not-a-room/members/${bob.userId}`, undefined, 404],
      ['PUT', 'rooms/general/members/' + bob.userId, undefined, 400],
      ['DELETE', 'rooms/general/members/' + alice.userId, undefined, 400],
      ['POST', `direct/nobody-${run}`, undefined, 404, 'userId'],
      ['POST', 'direct/has%20space', undefined, 422, 'userId'],
      ['GET', 'conversations/not-one/messages', undefined, 404],
      ['GET', `conversations/${room.id}/messages?limit=0`, undefined, 400, 'limit'],
      ['POST', `conversations/${room.id}/messages`, { text: '' }, 422, 'text'],
      ['POST', `conversations/${room.id}/messages`, { text: 'hi', id: 'nope' }, 422, 'id'],
      ['PUT', `conversations/${room.id}/read`, {}, 422, 'upTo'],
      ['PUT', `conversations/${room.id}/read`, { upTo: randomUUID() }, 404, 'upTo'],
      ['PUT', `conversations/${room.id}/read`, { upTo: 7 }, 422, 'upTo'],
      ['PUT', `conversations/${room.id}/mute`, { muted: 'yes' }, 422, 'muted'],
      ['GET', `people?q=${'x'.repeat(101)}`, undefined, 400, 'q'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const answer = await api(alice, method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(answer.body, `${method} ${path}`).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
      if (field) expect((answer.body as { error: { field?: string } }).error.field).toBe(field);
    }
    const rawBody = await callApi(stack.host, alice, 'POST', 'rooms', undefined, {
      'content-type': 'application/json',
    });
    expect(rawBody.status).toBe(400);
    expect((await api(alice, 'GET', `rooms/${room.id}/members`)).body).toEqual({
      members: [{ id: alice.userId, name: 'alice' }],
    });
    for (const [method, path] of [
      ['GET', 'conversations'],
      ['GET', 'rooms'],
      ['POST', `direct/${bob.userId}`],
      ['GET', 'people'],
      ['PUT', `conversations/general/read`],
    ] as const) {
      expect((await callApi(stack.host, undefined, method, path)).status, path).toBe(401);
    }
  });

  it('finds people by the start of their name', async () => {
    const found = await api(alice, 'GET', 'people?q=CAR');
    expect((found.body as { people: { id: string }[] }).people.map((p) => p.id)).toContain(
      carol.userId,
    );
    const none = await api(alice, 'GET', `people?q=zz${run}`);
    expect(none.body).toEqual({ people: [] });
  });
});
