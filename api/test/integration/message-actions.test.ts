// Acting on messages (issue 10) through the local host with Azurite and the emulator, with
// official clients: edits, deletes and reactions reach exactly the readers; a person who was
// offline catches up to the state of one who never left; 50 concurrent reactions all count;
// every forbidden action is refused and changes nothing; retries change nothing twice; reply
// quotes follow their original; mentions count for the person mentioned.
// "Never received" is asserted after a later message to everyone has arrived at the same client
// (the emulator keeps per-connection order), never after a sleep.
import { randomUUID } from 'node:crypto';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import {
  MAX_QUOTE_LENGTH,
  MAX_REACTION_KINDS,
  MAX_REACTORS_LISTED,
  MESSAGE_CHANGED_EVENT,
  NEW_MESSAGE_EVENT,
  type ChatMessage,
  type MessagePage,
} from '../../src/shared/chat-message.js';
import type { ConversationList, ConversationSummary } from '../../src/shared/conversation.js';
import type { Inbox } from '../support/inbox.js';
import { Received } from '../support/received.js';
import type { TestUser } from '../support/requests.js';
import { callApi, connectPerson, startStack, type ApiAnswer, type Stack } from './stack.js';

let stack: Stack;
const run = randomUUID().slice(0, 8);
const person = (name: string): TestUser => ({ userId: `${name}-${run}`, userDetails: name });
const alice = person('alice');
const bob = person('bob');
const carol = person('carol');
const dave = person('dave');

/** Keeps the copy with the higher version, as the contract tells clients to. */
function keep(state: Map<string, ChatMessage>, message: ChatMessage): void {
  const held = state.get(message.id);
  if (!held || (message.version ?? 0) > (held.version ?? 0)) state.set(message.id, message);
}

/** A connected app: what it received, and the messages as it holds them. */
interface Tab {
  inbox: Inbox;
  /** `messageChanged` events only. */
  changes: Received<ChatMessage>;
  /** Both events, in arrival order. */
  seen: Received<ChatMessage>;
  state: Map<string, ChatMessage>;
}

const tabs: Tab[] = [];

async function open(user: TestUser): Promise<Tab> {
  const inbox = await connectPerson(stack.host, user);
  const tab: Tab = { inbox, changes: new Received(), seen: new Received(), state: new Map() };
  inbox.connection.on(NEW_MESSAGE_EVENT, (message: ChatMessage) => {
    keep(tab.state, message);
    tab.seen.add(message);
  });
  inbox.connection.on(MESSAGE_CHANGED_EVENT, (message: ChatMessage) => {
    keep(tab.state, message);
    tab.changes.add(message);
    tab.seen.add(message);
  });
  tabs.push(tab);
  return tab;
}

const api = (user: TestUser | undefined, method: string, path: string, body?: unknown) =>
  callApi(stack.host, user, method, path, body);

const messagesPath = (conversationId: string) =>
  `conversations/${encodeURIComponent(conversationId)}/messages`;
const messagePath = (conversationId: string, messageId: string) =>
  `${messagesPath(conversationId)}/${encodeURIComponent(messageId)}`;
const reactionPath = (conversationId: string, messageId: string, emoji: string) =>
  `${messagePath(conversationId, messageId)}/reactions/${encodeURIComponent(emoji)}`;

async function send(
  user: TestUser,
  conversationId: string,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<ChatMessage> {
  const answer = await api(user, 'POST', messagesPath(conversationId), {
    id: randomUUID(),
    text,
    ...extra,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body as ChatMessage;
}

const edit = (user: TestUser, conversationId: string, id: string, body: unknown) =>
  api(user, 'PATCH', messagePath(conversationId, id), body);
const remove = (user: TestUser, conversationId: string, id: string) =>
  api(user, 'DELETE', messagePath(conversationId, id));
const react = (user: TestUser, conversationId: string, id: string, emoji: string, on = true) =>
  api(user, on ? 'PUT' : 'DELETE', reactionPath(conversationId, id, emoji));

function changed(answer: ApiAnswer): ChatMessage {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as ChatMessage;
}

/** The message as history shows it now (the newest 200 of its conversation). */
async function stored(user: TestUser, conversationId: string, id: string): Promise<ChatMessage> {
  const answer = await api(user, 'GET', `${messagesPath(conversationId)}?limit=200`);
  expect(answer.status).toBe(200);
  const found = (answer.body as MessagePage).messages.find((m) => m.id === id);
  if (!found) throw new Error(`message ${id} not in the newest page`);
  return found;
}

async function conversationOf(user: TestUser, id: string): Promise<ConversationSummary> {
  const answer = await api(user, 'GET', 'conversations');
  expect(answer.status).toBe(200);
  const found = (answer.body as ConversationList).conversations.find((c) => c.id === id);
  if (!found) throw new Error(`conversation ${id} not listed`);
  return found;
}

async function privateRoom(name: string, members: TestUser[]): Promise<string> {
  const created = await api(alice, 'POST', 'rooms', {
    name: `${name}-${run}`,
    visibility: 'private',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id } = created.body as { id: string };
  for (const member of members) {
    expect((await api(alice, 'PUT', `rooms/${id}/members/${member.userId}`)).status).toBe(200);
  }
  return id;
}

/** Sends to #general and waits until every open tab has it: all pushed before has arrived. */
async function barrier(): Promise<void> {
  const marker = await send(alice, 'general', `barrier ${randomUUID()}`);
  await Promise.all(
    tabs
      .filter((tab) => tab.inbox.connection.state === 'Connected')
      .map((tab) => tab.inbox.waitFor((m) => m.id === marker.id, 20_000)),
  );
}

/** Waits until the tab holds the message in a state that satisfies `match`. */
function until(tab: Tab, id: string, match: (m: ChatMessage) => boolean, what: string) {
  const now = tab.state.get(id);
  if (now && match(now)) return Promise.resolve(now);
  return tab.seen
    .waitFor((m) => m.id === id && match(tab.state.get(id) ?? m), what, 20_000)
    .then(() => tab.state.get(id) as ChatMessage);
}

let aliceTab: Tab;
let bobTab: Tab;
let carolTab: Tab;
let daveTab: Tab;

beforeAll(async () => {
  stack = await startStack({ ChatRateLimitCount: '1000' });
  // Negotiating puts each person in the directory of people.
  [aliceTab, bobTab, carolTab, daveTab] = await Promise.all([
    open(alice),
    open(bob),
    open(carol),
    open(dave),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(tabs.map((tab) => tab.inbox.connection.stop()));
  await stack?.close();
});

describe('edit, delete and reactions', () => {
  it('reach the readers of a private room and of a direct conversation, and nobody else', async () => {
    const room = await privateRoom('actions', [bob]);
    const direct = directConversationId(alice.userId, bob.userId);
    for (const conversationId of [room, direct]) {
      const message = await send(alice, conversationId, 'first try');
      await until(bobTab, message.id, () => true, 'bob has the message');

      const reacted = changed(await react(bob, conversationId, message.id, '👍'));
      expect(reacted).toMatchObject({
        version: 1,
        reactions: [{ emoji: '👍', count: 1, people: [{ id: bob.userId, name: 'bob' }] }],
      });
      const edited = changed(await edit(alice, conversationId, message.id, { text: 'second try' }));
      expect(edited).toMatchObject({ version: 2, text: 'second try' });
      expect(Date.parse(edited.editedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(message.sentAt));
      const deleted = changed(await remove(alice, conversationId, message.id));
      expect(deleted).toMatchObject({ version: 3, deleted: true, text: '' });
      expect(deleted.reactions).toBeUndefined();

      for (const tab of [aliceTab, bobTab]) {
        const last = await until(tab, message.id, (m) => m.version === 3, 'the delete');
        expect(last).toEqual(deleted);
        expect(tab.changes.items.filter((m) => m.id === message.id).map((m) => m.version)).toEqual([
          1, 2, 3,
        ]);
      }

      // Carol cannot act on it either: everything answers 404 as for a conversation that is not
      // there, and nothing changes.
      for (const answer of [
        await edit(carol, conversationId, message.id, { text: 'mine now' }),
        await remove(carol, conversationId, message.id),
        await react(carol, conversationId, message.id, '👍'),
        await react(carol, conversationId, message.id, '👍', false),
      ]) {
        expect(answer.status).toBe(404);
        expect(answer.body).toMatchObject({ error: { code: 'not_found' } });
      }
      expect(await stored(bob, conversationId, message.id)).toEqual(deleted);
    }
    await barrier();
    const seenByOutsiders = [...carolTab.changes.items, ...daveTab.changes.items].filter(
      (m) => m.conversationId === room || m.conversationId === direct,
    );
    expect(seenByOutsiders).toEqual([]);
  });

  it('leave no trace of a deleted text in any stored row', async () => {
    const secret = `burn after reading ${randomUUID()}`;
    const direct = directConversationId(alice.userId, bob.userId);
    const message = await send(alice, direct, secret, { mentions: [bob.userId] });
    const reply = await send(bob, direct, 'what?', { replyTo: message.id });
    expect(reply.replyTo?.quote).toBe(secret.slice(0, MAX_QUOTE_LENGTH));
    await react(bob, direct, message.id, '🔥');
    changed(await edit(alice, direct, message.id, { text: `${secret} (really)` }));
    changed(await remove(alice, direct, message.id));

    const service = TableServiceClient.fromConnectionString(stack.azurite.connectionString, {
      allowInsecureConnection: true,
    });
    let rows = 0;
    for await (const table of service.listTables()) {
      const client = TableClient.fromConnectionString(
        stack.azurite.connectionString,
        table.name ?? '',
        { allowInsecureConnection: true },
      );
      for await (const entity of client.listEntities()) {
        rows += 1;
        expect(
          JSON.stringify(entity),
          `${table.name} ${entity.partitionKey} ${entity.rowKey}`,
        ).not.toContain('burn after reading');
      }
    }
    expect(rows).toBeGreaterThan(10);
    expect((await stored(bob, direct, reply.id)).replyTo).toEqual({
      id: message.id,
      sender: { id: alice.userId, name: 'alice' },
      quote: '',
      deleted: true,
    });
  });
});

describe('catch-up after being offline', () => {
  it('brings bob to exactly the state of a reader who never left', async () => {
    const room = await privateRoom('catch-up', [bob, carol, dave]);
    const away = await open(bob);
    const first = await send(alice, room, 'one');
    const second = await send(alice, room, 'two');
    const third = await send(alice, room, 'three');
    const fourth = await send(alice, room, 'four');
    await until(away, fourth.id, () => true, 'bob has the fourth');

    // What bob holds when he goes: a catch-up page of three, so that the changes to them come
    // back as `changed` (older than his next page), not as that page's own messages.
    const since = new Date(Date.parse(first.sentAt) - 1).toISOString();
    const start = await api(bob, 'GET', `${messagesPath(room)}?since=${since}&limit=3`);
    const startPage = start.body as MessagePage;
    expect(startPage.messages.map((m) => m.id)).toEqual([first.id, second.id, third.id]);
    expect(startPage.hasNewer).toBe(true);
    const heldAtStart = new Map(startPage.messages.map((m) => [m.id, m]));
    await away.inbox.connection.stop();

    changed(await edit(alice, room, first.id, { text: 'one, fixed' }));
    changed(await remove(alice, room, second.id));
    changed(await react(alice, room, third.id, '👍'));
    changed(await react(carol, room, third.id, '👍'));
    changed(await react(dave, room, third.id, '🎉'));
    const fifth = await send(alice, room, 'five');
    await until(daveTab, third.id, (m) => m.reactions?.length === 2, 'the three reactions');
    await until(daveTab, fifth.id, () => true, 'the fifth');
    await until(daveTab, first.id, (m) => m.text === 'one, fixed', 'the edit');
    await until(daveTab, second.id, (m) => m.deleted === true, 'the delete');

    // In one page, and in pages of two (the feed then has more than a page: its stubs too).
    const caughtUp: Map<string, ChatMessage>[] = [];
    for (const limit of [200, 2]) {
      const held = new Map(heldAtStart);
      let cursor = startPage.newerCursor as string;
      const changedIds: string[] = [];
      for (let pages = 0; pages < 30; pages++) {
        const answer = await api(
          bob,
          'GET',
          `${messagesPath(room)}?after=${cursor}&limit=${limit}`,
        );
        expect(answer.status, `limit ${limit}: ${JSON.stringify(answer.body)}`).toBe(200);
        const page = answer.body as MessagePage;
        expect(page.messages.length + (page.changed?.length ?? 0)).toBeLessThanOrEqual(2 * limit);
        for (const message of [...page.messages, ...(page.changed ?? [])]) keep(held, message);
        changedIds.push(...(page.changed ?? []).map((m) => m.id));
        cursor = page.newerCursor as string;
        if (!page.hasNewer) break;
      }
      expect(changedIds).toEqual(expect.arrayContaining([first.id, second.id, third.id]));
      caughtUp.push(held);
    }
    const neverLeft = (state: Map<string, ChatMessage>) =>
      [...state.values()]
        .filter((m) => m.conversationId === room)
        .sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
    for (const held of caughtUp) expect(neverLeft(held)).toEqual(neverLeft(daveTab.state));
    const [held] = caughtUp as [Map<string, ChatMessage>];
    expect(neverLeft(held).map((m) => m.id)).toEqual(
      [first, second, third, fourth, fifth].map((m) => m.id),
    );
    expect(held.get(third.id)?.reactions).toEqual([
      {
        emoji: '👍',
        count: 2,
        people: [
          { id: alice.userId, name: 'alice' },
          { id: carol.userId, name: 'carol' },
        ],
      },
      { emoji: '🎉', count: 1, people: [{ id: dave.userId, name: 'dave' }] },
    ]);

    // From `since` (the newest message held) instead of a cursor: the same end state.
    const fromSince = new Map(heldAtStart);
    const answer = await api(bob, 'GET', `${messagesPath(room)}?since=${third.sentAt}&limit=200`);
    const page = answer.body as MessagePage;
    for (const message of [...page.messages, ...(page.changed ?? [])]) keep(fromSince, message);
    expect(neverLeft(fromSince)).toEqual(neverLeft(daveTab.state));
  });
});

describe('reactions', () => {
  it('counts 50 people reacting at once, each once', async () => {
    const message = await send(alice, 'general', 'react to me');
    const reactors = Array.from({ length: 50 }, (_, i) => person(`reactor-${i}`));
    const answers = await Promise.all(reactors.map((r) => react(r, 'general', message.id, '🎉')));
    expect(answers.map((a) => a.status)).toEqual(reactors.map(() => 200));

    const now = await stored(bob, 'general', message.id);
    expect(now.reactions).toHaveLength(1);
    const [reaction] = now.reactions ?? [];
    expect(reaction?.emoji).toBe('🎉');
    expect(reaction?.count).toBe(50);
    expect(reaction?.people).toHaveLength(MAX_REACTORS_LISTED);
    const ids = new Set(reactors.map((r) => r.userId));
    expect(new Set(reaction?.people.map((p) => p.id)).size).toBe(MAX_REACTORS_LISTED);
    for (const listed of reaction?.people ?? []) expect(ids.has(listed.id)).toBe(true);
    // The live copy ends where history is.
    expect(
      await until(bobTab, message.id, (m) => m.version === now.version, 'the last count'),
    ).toEqual(now);
  });

  it('accepts any single emoji and refuses anything else, naming the emoji', async () => {
    const message = await send(alice, 'general', 'emoji');
    for (const emoji of ['👍🏽', '🇫🇷', '❤️', '👨‍👩‍👧']) {
      expect((await react(bob, 'general', message.id, emoji)).status, emoji).toBe(200);
    }
    for (const emoji of ['a', '👍👍', ':+1:', '<b>', '%ZZ', '👍 ']) {
      const answer = await react(bob, 'general', message.id, emoji);
      expect(answer.status, emoji).toBe(422);
      expect(answer.body).toMatchObject({ error: { code: 'invalid_request', field: 'emoji' } });
    }
    expect((await stored(bob, 'general', message.id)).version).toBe(4);
  });

  it(`takes at most ${MAX_REACTION_KINDS} different emoji on one message`, async () => {
    const message = await send(alice, 'general', 'so many feelings');
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗🤩'];
    for (const one of emoji.slice(0, MAX_REACTION_KINDS)) {
      expect((await react(bob, 'general', message.id, one)).status).toBe(200);
    }
    const before = await stored(bob, 'general', message.id);
    const tooMany = await react(bob, 'general', message.id, emoji[MAX_REACTION_KINDS] as string);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ error: { field: 'emoji', rule: 'too-many' } });
    // One of the emoji already there still counts.
    expect(
      changed(await react(carol, 'general', message.id, emoji[0] as string)).reactions?.[0],
    ).toMatchObject({ count: 2 });
    expect((await stored(bob, 'general', message.id)).version).toBe((before.version ?? 0) + 1);
  });
});

describe('refusals', () => {
  it('refuses every forbidden action and changes nothing', async () => {
    const publicRoom = await api(alice, 'POST', 'rooms', {
      name: `open-${run}`,
      visibility: 'public',
    });
    const open = (publicRoom.body as { id: string }).id;
    const secretRoom = await privateRoom('refusals', [bob]);
    const mine = await send(alice, 'general', 'alice wrote this', { mentions: [bob.userId] });
    const inRoom = await send(alice, open, 'in the open room');
    const gone = await send(alice, 'general', 'soon gone');
    changed(await remove(alice, 'general', gone.id));
    const before = await stored(alice, 'general', mine.id);
    const goneBefore = await stored(alice, 'general', gone.id);

    const cases: [string, () => Promise<ApiAnswer>, number, Record<string, string>][] = [
      [
        'anonymous',
        () => api(undefined, 'PATCH', messagePath('general', mine.id), { text: 'x' }),
        401,
        { code: 'unauthenticated' },
      ],
      [
        "editing another's message",
        () => edit(bob, 'general', mine.id, { text: 'bob was here' }),
        403,
        { code: 'not_yours' },
      ],
      [
        "deleting another's message",
        () => remove(bob, 'general', mine.id),
        403,
        { code: 'not_yours' },
      ],
      [
        'through another conversation',
        () => edit(alice, open, mine.id, { text: 'x' }),
        404,
        { code: 'message_not_found' },
      ],
      [
        'reacting through another conversation',
        () => react(bob, secretRoom, mine.id, '👍'),
        404,
        { code: 'message_not_found' },
      ],
      [
        'an unknown id',
        () => edit(alice, 'general', randomUUID(), { text: 'x' }),
        404,
        { code: 'message_not_found' },
      ],
      [
        'an id that is not one',
        () => remove(alice, 'general', 'not-a-uuid'),
        404,
        { code: 'message_not_found' },
      ],
      [
        'a conversation that is not one',
        () => edit(alice, 'nowhere', mine.id, { text: 'x' }),
        404,
        { code: 'not_found' },
      ],
      [
        'a private room of others',
        () => react(carol, secretRoom, mine.id, '👍'),
        404,
        { code: 'not_found' },
      ],
      [
        'a public room not joined',
        () => react(dave, open, inRoom.id, '👍'),
        403,
        { code: 'not_a_member' },
      ],
      [
        'editing a deleted message',
        () => edit(alice, 'general', gone.id, { text: 'back' }),
        409,
        { code: 'message_deleted' },
      ],
      [
        'reacting to a deleted message',
        () => react(bob, 'general', gone.id, '👍'),
        409,
        { code: 'message_deleted' },
      ],
      [
        'unreacting on a deleted message',
        () => react(bob, 'general', gone.id, '👍', false),
        409,
        { code: 'message_deleted' },
      ],
      [
        'no body',
        () => api(alice, 'PATCH', messagePath('general', mine.id)),
        415,
        { field: 'body' },
      ],
      [
        'a body that is no object',
        () => edit(alice, 'general', mine.id, ['x']),
        400,
        { code: 'invalid_body' },
      ],
      [
        'empty text',
        () => edit(alice, 'general', mine.id, { text: '  ' }),
        422,
        { field: 'text', rule: 'min-length' },
      ],
      [
        'text too long',
        () => edit(alice, 'general', mine.id, { text: 'x'.repeat(2001) }),
        422,
        { field: 'text', rule: 'max-length' },
      ],
      [
        'control characters',
        () => edit(alice, 'general', mine.id, { text: 'a\u0007' }),
        422,
        { field: 'text', rule: 'control-characters' },
      ],
      [
        'mentions not a list',
        () => edit(alice, 'general', mine.id, { text: 'x', mentions: 'bob' }),
        422,
        { field: 'mentions', rule: 'type' },
      ],
      [
        'mentioning nobody known',
        () => edit(alice, 'general', mine.id, { text: 'x', mentions: ['nobody-at-all'] }),
        422,
        { field: 'mentions', rule: 'not-member' },
      ],
      ['a bad emoji', () => react(bob, 'general', mine.id, 'ok'), 422, { field: 'emoji' }],
    ];
    for (const [name, attempt, status, error] of cases) {
      const answer = await attempt();
      expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).toBe(status);
      expect(answer.body, name).toMatchObject({ error });
      expect(typeof (answer.body as { error: { message: unknown } }).error.message).toBe('string');
    }
    expect(await stored(alice, 'general', mine.id)).toEqual(before);
    expect(await stored(alice, 'general', gone.id)).toEqual(goneBefore);
    expect((await stored(alice, open, inRoom.id)).version).toBeUndefined();
  });

  it('refuses replies and mentions that do not fit the conversation', async () => {
    const secretRoom = await privateRoom('send-refusals', [bob]);
    const elsewhere = await send(alice, 'general', 'in general');
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['a reply id that is not one', { replyTo: 'abc' }, 'replyTo', 'format'],
      ['a reply to nothing', { replyTo: randomUUID() }, 'replyTo', 'not-found'],
      ['a reply to another conversation', { replyTo: elsewhere.id }, 'replyTo', 'not-found'],
      ['mentioning a non-member', { mentions: [carol.userId] }, 'mentions', 'not-member'],
      ['mentions not ids', { mentions: [{ id: bob.userId }] }, 'mentions', 'type'],
      [
        'too many mentions',
        { mentions: Array.from({ length: 21 }, (_, i) => `p-${i}`) },
        'mentions',
        'max-length',
      ],
    ];
    for (const [name, extra, field, rule] of cases) {
      const answer = await api(alice, 'POST', messagesPath(secretRoom), {
        id: randomUUID(),
        text: 'hello',
        ...extra,
      });
      expect(answer.status, name).toBe(422);
      expect(answer.body, name).toMatchObject({ error: { code: 'invalid_request', field, rule } });
    }
    const page = (await api(bob, 'GET', messagesPath(secretRoom))).body as MessagePage;
    expect(page.messages).toEqual([]);
    // In a direct conversation only its two people can be mentioned.
    const direct = directConversationId(alice.userId, bob.userId);
    const outsider = await api(alice, 'POST', messagesPath(direct), {
      text: 'hi @carol',
      mentions: [carol.userId],
    });
    expect(outsider.body).toMatchObject({ error: { field: 'mentions', rule: 'not-member' } });
  });

  it('changes nothing twice when a request is repeated', async () => {
    const message = await send(alice, 'general', 'typo hree');
    const edited = changed(await edit(alice, 'general', message.id, { text: 'typo here' }));
    const again = changed(await edit(alice, 'general', message.id, { text: ' typo here ' }));
    expect(again).toEqual(edited);
    const reacted = changed(await react(bob, 'general', message.id, '👀'));
    expect(changed(await react(bob, 'general', message.id, '👀'))).toEqual(reacted);
    expect(reacted.reactions).toEqual([
      { emoji: '👀', count: 1, people: [{ id: bob.userId, name: 'bob' }] },
    ]);
    const unreacted = changed(await react(bob, 'general', message.id, '👀', false));
    expect(unreacted.reactions).toBeUndefined();
    expect(changed(await react(bob, 'general', message.id, '👀', false))).toEqual(unreacted);
    const deleted = changed(await remove(alice, 'general', message.id));
    expect(changed(await remove(alice, 'general', message.id))).toEqual(deleted);
    expect(deleted.version).toBe(4);
    expect(await stored(carol, 'general', message.id)).toEqual(deleted);
  });
});

describe('replies', () => {
  it('quote their original, follow its edit and say when it was deleted', async () => {
    const long = `${'a'.repeat(MAX_QUOTE_LENGTH - 1)}😀 and more`;
    const original = await send(alice, 'general', long);
    const reply = await send(bob, 'general', 'I agree', { replyTo: original.id.toUpperCase() });
    const quote = { id: original.id, sender: { id: alice.userId, name: 'alice' } };
    expect(reply.replyTo).toEqual({ ...quote, quote: `${'a'.repeat(MAX_QUOTE_LENGTH - 1)}😀` });
    expect(await stored(carol, 'general', reply.id)).toEqual(reply);

    changed(await edit(alice, 'general', original.id, { text: 'changed my mind' }));
    const refreshed = await until(
      carolTab,
      reply.id,
      (m) => m.replyTo?.quote === 'changed my mind',
      'the refreshed quote',
    );
    expect(refreshed).toMatchObject({ version: 1, text: 'I agree' });
    expect(await stored(carol, 'general', reply.id)).toEqual(refreshed);

    changed(await remove(alice, 'general', original.id));
    const afterDelete = await until(
      carolTab,
      reply.id,
      (m) => m.version === 2,
      'the deleted quote',
    );
    expect(afterDelete.replyTo).toEqual({ ...quote, quote: '', deleted: true });
    expect(await stored(carol, 'general', reply.id)).toEqual(afterDelete);

    // Replying to a deleted message is allowed and says so.
    const late = await send(carol, 'general', 'what did it say?', { replyTo: original.id });
    expect(late.replyTo).toEqual({ ...quote, quote: '', deleted: true });
  });
});

describe('mentions', () => {
  it("count in the mentioned person's list until they read, and carry names", async () => {
    const room = await privateRoom('mentions', [bob, carol]);
    const hello = await send(alice, room, 'hello @bob and @carol', {
      mentions: [bob.userId, carol.userId, bob.userId],
    });
    expect(hello.mentions).toEqual([
      { id: bob.userId, name: 'bob' },
      { id: carol.userId, name: 'carol' },
    ]);
    await send(alice, room, 'no mention here');
    await send(carol, room, 'only @bob', { mentions: [bob.userId] });

    expect(await conversationOf(bob, room)).toMatchObject({ unread: 3, unreadMentions: 2 });
    expect(await conversationOf(carol, room)).toMatchObject({ unread: 2, unreadMentions: 1 });
    // Nobody is told of mentions in their own messages.
    expect((await conversationOf(alice, room)).unreadMentions).toBeUndefined();

    const last = await send(alice, room, 'are you there?');
    const read = await api(bob, 'PUT', `conversations/${room}/read`, { upTo: last.id });
    expect(read.status).toBe(200);
    expect((read.body as ConversationSummary).unreadMentions).toBeUndefined();
    expect(await conversationOf(bob, room)).toMatchObject({ unread: 0 });
    expect((await conversationOf(bob, room)).unreadMentions).toBeUndefined();

    // An edit may change who is mentioned; only members still.
    const edited = changed(
      await edit(alice, room, hello.id, { text: 'hello @carol', mentions: [carol.userId] }),
    );
    expect(edited.mentions).toEqual([{ id: carol.userId, name: 'carol' }]);
    const kept = changed(await edit(alice, room, hello.id, { text: 'hello again @carol' }));
    expect(kept.mentions).toEqual(edited.mentions);
    const outsider = await edit(alice, room, hello.id, { text: 'hi', mentions: [dave.userId] });
    expect(outsider.body).toMatchObject({ error: { field: 'mentions', rule: 'not-member' } });
  });
});
