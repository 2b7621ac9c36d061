// Typing reaches the others in the conversation only. Absence is asserted after a marker sent
// later has arrived at the same client (the emulator keeps per-connection order), never after a sleep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPING_EVENT, type TypingNotice } from '../../src/shared/chat-message.js';
import { randomUUID } from 'node:crypto';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import { createRoom, putMember } from '../../src/conversations/rooms.js';
import { getConversationServices } from '../../src/http/services.js';
import { typingInvocation } from '../upstream/service-requests.js';
import { serviceUser, startStack, uniqueUser, type Recorder, type Stack } from './stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

const EVENTS = [TYPING_EVENT];

async function online(user: ReturnType<typeof uniqueUser>): Promise<Recorder> {
  const recorder = await stack.connect(user, EVENTS);
  expect((await stack.connected(recorder)).status).toBe(200);
  return recorder;
}

function typeFrom(tab: Recorder, request?: unknown): ReturnType<Stack['send']> {
  return stack.send('messages', 'typing', {
    connectionId: tab.id,
    user: serviceUser(tab.user),
    body: typingInvocation(request),
  });
}

const notices = (recorder: Recorder): TypingNotice[] => recorder.of<TypingNotice>(TYPING_EVENT);

describe('typing', () => {
  it('goes to everyone in the room but the typist (all of their tabs)', async () => {
    stack.configure();
    const alice = uniqueUser('alice');
    const [alice1, alice2, bob1, bob2, carol1] = await Promise.all([
      online(alice),
      online(alice),
      online(uniqueUser('bob')),
      online(uniqueUser('carol')),
      online(uniqueUser('carol')),
    ]);
    const everyone = [alice1, alice2, bob1, bob2, carol1];

    expect((await typeFrom(alice1)).status).toBe(200);
    const expected: TypingNotice = {
      user: { id: alice.userId, name: 'alice' },
      conversationId: 'general',
    };
    for (const other of [bob1, bob2, carol1]) {
      await other.waitForEvent<TypingNotice>(TYPING_EVENT, (n) => n.user.id === alice.userId);
      expect(notices(other)).toEqual([expected]);
    }
    await stack.barrier(everyone);
    expect(notices(alice1)).toEqual([]);
    expect(notices(alice2)).toEqual([]);

    // `{}`, `{ recipient: null }` and the conversation id mean the room too.
    await typeFrom(alice2, {});
    await typeFrom(alice2, { recipient: null });
    await typeFrom(alice1, { conversationId: 'general' });
    await stack.barrier(everyone);
    expect(notices(bob1)).toHaveLength(4);
    expect(notices(alice1)).toEqual([]);
    expect(notices(alice2)).toEqual([]);
  });

  it('goes only to the recipient (every tab) when composing a private message', async () => {
    stack.configure();
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    const [alice1, alice2, bob1, bob2, carol1] = await Promise.all([
      online(alice),
      online(alice),
      online(bob),
      online(bob),
      online(uniqueUser('carol')),
    ]);

    expect((await typeFrom(alice1, { recipient: bob.userId })).status).toBe(200);
    const expected: TypingNotice = {
      user: { id: alice.userId, name: 'alice' },
      conversationId: directConversationId(alice.userId, bob.userId),
      recipient: bob.userId,
    };
    await bob1.waitForEvent(TYPING_EVENT);
    await bob2.waitForEvent(TYPING_EVENT);
    await stack.barrier([alice1, alice2, bob1, bob2, carol1]);
    expect(notices(bob1)).toEqual([expected]);
    expect(notices(bob2)).toEqual([expected]);
    expect(notices(carol1)).toEqual([]);
    expect(notices(alice1)).toEqual([]);
    expect(notices(alice2)).toEqual([]);
  });

  it('never goes back to the typist, and bad arguments reach nobody', async () => {
    stack.configure();
    const alice = uniqueUser('alice');
    const [alice1, alice2, bob1] = await Promise.all([
      online(alice),
      online(alice),
      online(uniqueUser('bob')),
    ]);
    // A draft to oneself has nobody else in the conversation.
    expect((await typeFrom(alice1, { recipient: alice.userId })).status).toBe(200);
    for (const bad of [
      'bob',
      42,
      [],
      { recipient: 7 },
      { recipient: 'no spaces allowed' },
      { conversationId: 'not-a-conversation' },
      { conversationId: 7 },
    ]) {
      expect((await typeFrom(alice1, bad)).status).toBe(400);
    }
    const tooMany = await stack.send('messages', 'typing', {
      connectionId: alice1.id,
      user: serviceUser(alice),
      body: { type: 1, target: 'typing', arguments: [{}, {}] },
    });
    expect(tooMany.status).toBe(400);
    await stack.barrier([alice1, alice2, bob1]);
    for (const tab of [alice1, alice2, bob1]) expect(notices(tab)).toEqual([]);
  });

  it('excludes at least the sending connection when presence does not know it', async () => {
    stack.configure();
    const gwen = uniqueUser('gwen');
    // Connected to the service, but its connected event never reached presence.
    const unknownTab = await stack.connect(gwen, EVENTS);
    const bob1 = await online(uniqueUser('bob'));
    await typeFrom(unknownTab);
    await bob1.waitForEvent<TypingNotice>(TYPING_EVENT, (n) => n.user.id === gwen.userId);
    await stack.barrier([unknownTab, bob1]);
    expect(notices(unknownTab)).toEqual([]);
  });

  it('reaches only the members of a private room, and nobody when the typist is not one', async () => {
    stack.configure();
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    const [alice1, bob1, carol1] = await Promise.all([
      online(alice),
      online(bob),
      online(uniqueUser('carol')),
    ]);
    const services = getConversationServices();
    const created = await createRoom(
      services,
      { id: alice.userId, name: 'alice' },
      { name: `typing-${randomUUID().slice(0, 8)}`, visibility: 'private' },
    );
    if (!created.ok) throw new Error(created.message);
    const roomId = created.room.id;
    const added = await putMember(
      services,
      { id: alice.userId, name: 'alice' },
      roomId,
      bob.userId,
    );
    expect(added.ok).toBe(true);

    expect((await typeFrom(alice1, { conversationId: roomId })).status).toBe(200);
    await bob1.waitForEvent<TypingNotice>(TYPING_EVENT, (n) => n.conversationId === roomId);
    // Carol is not a member: her typing there is dropped (200, as for any hint), reaching nobody.
    expect((await typeFrom(carol1, { conversationId: roomId })).status).toBe(200);
    await stack.barrier([alice1, bob1, carol1]);
    expect(notices(carol1)).toEqual([]);
    expect(notices(bob1)).toEqual([
      { user: { id: alice.userId, name: 'alice' }, conversationId: roomId },
    ]);
    expect(notices(alice1)).toEqual([]);
  });

  it("drops a person's typing beyond four per 3 s (two tabs of the app send one each), answering 200", async () => {
    stack.configure();
    const alice = uniqueUser('alice');
    const [alice1, alice2, bob1] = await Promise.all([
      online(alice),
      online(alice),
      online(uniqueUser('bob')),
    ]);
    const answers = [];
    // The limit is the person's, whichever tab (and whichever function instance) it comes from.
    for (let i = 0; i < 3; i += 1) answers.push((await typeFrom(alice1)).status);
    for (let i = 0; i < 3; i += 1) answers.push((await typeFrom(alice2)).status);
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
    await stack.barrier([alice1, bob1]);
    expect(notices(bob1)).toHaveLength(4);
  });
});
