// The upstream function's gate and its answers, against a real Azurite and emulator: only
// requests signed with our access key change presence; everything else is a 4xx JSON answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_JOINED_EVENT, type OnlinePerson } from '../../src/shared/chat-message.js';
import { serviceUser, startStack, uniqueUser, type Stack } from '../presence/stack.js';
import { EMULATOR_KEY, errorOf } from '../support/requests.js';
import { claimsHeader, OTHER_KEY, signatureFor, typingInvocation } from './service-requests.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

const ids = (people: OnlinePerson[]): string[] => people.map((person) => person.id);

describe('upstream signature gate', () => {
  it('answers 401 to missing, malformed and other-key signatures, and changes nothing', async () => {
    stack.configure();
    const mallory = uniqueUser('mallory');
    const observer = uniqueUser('observer');
    const watcher = await stack.connect(observer, [USER_JOINED_EVENT]);
    const connectionId = `fake-${mallory.userId}`;
    const user = serviceUser(mallory);
    const attempts = [
      { signature: null },
      { signature: '' },
      { signature: 'sha256=' },
      { signature: 'garbage' },
      { keys: [OTHER_KEY] },
      { keys: [OTHER_KEY, OTHER_KEY] },
      // Signed for another connection id, replayed on this one.
      { signature: signatureFor('some-other-connection', EMULATOR_KEY) },
    ];
    for (const attempt of attempts) {
      const response = await stack.send('connections', 'connected', {
        connectionId,
        user,
        ...attempt,
      });
      expect(response.status, JSON.stringify(attempt)).toBe(401);
      expect(errorOf(response).code).toBe('invalid_signature');
    }
    // Without the connection id header nothing can be verified either.
    const noId = await stack.send('connections', 'connected', {
      connectionId: '',
      user,
    });
    expect(noId.status).toBe(401);

    expect(ids(await stack.online(observer))).not.toContain(mallory.userId);
    // A properly signed event afterwards does arrive: the barrier proves the earlier ones
    // pushed nothing (they would have arrived first).
    await stack.barrier([watcher]);
    expect(watcher.of<OnlinePerson>(USER_JOINED_EVENT).map((p) => p.id)).not.toContain(
      mallory.userId,
    );
  });

  it('accepts our key in a both-keys comma list, in either position', async () => {
    stack.configure();
    const dana = uniqueUser('dana');
    for (const [index, keys] of [
      [EMULATOR_KEY, OTHER_KEY],
      [OTHER_KEY, EMULATOR_KEY],
    ].entries()) {
      const response = await stack.send('connections', 'connected', {
        connectionId: `two-keys-${index}-${dana.userId}`,
        user: serviceUser(dana),
        keys,
      });
      expect(response.status).toBe(200);
    }
    expect(ids(await stack.online(dana))).toContain(dana.userId);
  });

  it('serves only our hub, and answers bad bodies and unknown methods with JSON 4xx', async () => {
    stack.configure();
    const erin = uniqueUser('erin');
    const base = { connectionId: `c-${erin.userId}`, user: serviceUser(erin) };

    const otherHub = await stack.send('connections', 'connected', { ...base, hub: 'lobby' });
    expect(otherHub.status).toBe(404);
    expect(errorOf(otherHub).code).toBe('unknown_hub');
    expect(ids(await stack.online(erin))).not.toContain(erin.userId);

    const notInvocation = await stack.send('messages', 'typing', { ...base, body: { type: 6 } });
    expect(notInvocation.status).toBe(400);
    expect(errorOf(notInvocation).code).toBe('invalid_event');

    const wrongTarget = await stack.send('messages', 'typing', {
      ...base,
      body: { type: 1, target: 'other', arguments: [] },
    });
    expect(wrongTarget.status).toBe(400);

    const notJson = await stack.send('messages', 'typing', {
      ...base,
      headers: { 'content-type': 'application/x-msgpack' },
    });
    expect(notJson.status).toBe(415);

    const badRecipient = await stack.send('messages', 'typing', {
      ...base,
      body: typingInvocation({ recipient: 'not a user id!' }),
    });
    expect(badRecipient.status).toBe(400);
    expect(errorOf(badRecipient)).toMatchObject({ code: 'invalid_request', field: 'arguments' });

    const unknownMethod = await stack.send('messages', 'shout', {
      ...base,
      body: { type: 1, target: 'shout', arguments: [], invocationId: '1' },
    });
    expect(unknownMethod.status).toBe(404);
    expect(errorOf(unknownMethod).code).toBe('unknown_method');

    const badConnectionId = await stack.send('connections', 'connected', {
      ...base,
      connectionId: 'bad id with spaces',
    });
    expect(badConnectionId.status).toBe(400);

    // Connection events the chat does not use are acknowledged, so the service logs no failure.
    const future = await stack.send('connections', 'reconnected', base);
    expect(future.status).toBe(200);
  });

  it('acknowledges a typing invocation with an id with 200 and an empty body', async () => {
    stack.configure();
    const fay = uniqueUser('fay');
    const response = await stack.send('messages', 'typing', {
      connectionId: `c-${fay.userId}`,
      user: serviceUser(fay),
      body: typingInvocation({}, 'inv-1'),
    });
    expect(response.status).toBe(200);
    expect(response.body ?? response.jsonBody).toBeUndefined();
  });

  it('answers GET /api/presence only to signed-in callers', async () => {
    stack.configure();
    const response = await stack.readPresence();
    expect(response.status).toBe(401);
    expect(errorOf(response).code).toBe('unauthenticated');
  });

  it('names the setting when presence is misconfigured', async () => {
    stack.configure({ PresenceVerifyAfterSeconds: 'soon' });
    const response = await stack.readPresence(uniqueUser('gus'));
    expect(response.status).toBe(500);
    expect(errorOf(response).code).toBe('server_misconfigured');
    expect(JSON.stringify(response.jsonBody)).toContain('PresenceVerifyAfterSeconds');
    stack.configure();
  });

  it('reads names sent as UTF-8 header bytes, and falls back to the user id without one', async () => {
    stack.configure();
    const zoe = { userId: uniqueUser('zoe').userId, userDetails: 'Zoë 🦊' };
    const asBytes = Buffer.from(
      claimsHeader({ id: zoe.userId, name: zoe.userDetails }),
      'utf8',
    ).toString('latin1');
    await stack.send('connections', 'connected', {
      connectionId: `utf8-${zoe.userId}`,
      user: serviceUser(zoe),
      headers: { 'x-asrs-user-claims': asBytes },
    });
    const nameless = uniqueUser('nameless');
    await stack.send('connections', 'connected', {
      connectionId: `nameless-${nameless.userId}`,
      user: serviceUser(nameless),
      headers: { 'x-asrs-user-claims': 'asrs.s.uid: whatever' },
    });
    const people = await stack.online(zoe);
    expect(people.find((p) => p.id === zoe.userId)?.name).toBe('Zoë 🦊');
    expect(people.find((p) => p.id === nameless.userId)?.name).toBe(nameless.userId);
  });
});
