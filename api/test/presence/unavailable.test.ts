// Storage down: presence answers 503 in the API's error shape (never a 500 or a hang), and
// typing still reaches the others (it excludes the sending connection without presence).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPING_EVENT, type TypingNotice } from '../../src/shared/chat-message.js';
import { errorOf } from '../support/requests.js';
import { typingInvocation } from '../upstream/service-requests.js';
import { serviceUser, startStack, uniqueUser, type Stack } from './stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('presence without storage', () => {
  it('answers 503 storage_unavailable, and typing still goes out', async () => {
    stack.configure();
    const jo = uniqueUser('jo');
    const [typist, reader] = await Promise.all([
      stack.connect(jo, [TYPING_EVENT]),
      stack.connect(uniqueUser('kim'), [TYPING_EVENT]),
    ]);
    await stack.azurite.stop();

    const connected = await stack.connected(typist);
    expect(connected.status).toBe(503);
    expect(errorOf(connected).code).toBe('storage_unavailable');
    const list = await stack.readPresence(jo);
    expect(list.status).toBe(503);

    const typing = await stack.send('messages', 'typing', {
      connectionId: typist.id,
      user: serviceUser(jo),
      body: typingInvocation(),
    });
    expect(typing.status).toBe(200);
    await reader.waitForEvent<TypingNotice>(TYPING_EVENT, (n) => n.user.id === jo.userId);
    await stack.barrier([typist, reader]);
    expect(typist.of(TYPING_EVENT)).toEqual([]);
  });
});
