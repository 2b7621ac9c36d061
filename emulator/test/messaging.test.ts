import { describe, expect, it } from 'vitest';
import { TRANSPORTS, connect, emulator, message, negotiateApp, rest } from './helpers.js';

const API = '?api-version=2022-06-01';

describe.each(TRANSPORTS)('official client over %s', (_name, transport) => {
  it('negotiates through the app and receives a broadcast', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, transport, 'alice');
    const anonymous = await connect(app, transport);
    expect(running.connectionCount()).toBe(2);
    const response = await rest(running, 'POST', `/api/hubs/chat/:send${API}`, {
      body: message('newMessage', { text: 'hello' }, 2),
    });
    expect(response.status).toBe(202);
    for (const client of [alice, anonymous]) {
      await expectEventually(() =>
        client.inbox.messages.some((args) => JSON.stringify(args) === '[{"text":"hello"},2]'),
      );
    }
  });

  it("sends to a user: all of that user's connections and nobody else", async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice1 = await connect(app, transport, 'alice');
    const alice2 = await connect(app, transport, 'alice');
    const bob = await connect(app, transport, 'bob');
    expect(
      (
        await rest(running, 'POST', `/api/hubs/chat/users/alice/:send${API}`, {
          body: message('newMessage', 'for-alice'),
        })
      ).status,
    ).toBe(202);
    await alice1.inbox.waitFor('for-alice');
    await alice2.inbox.waitFor('for-alice');
    // Messages arrive in order: once bob has the later broadcast, the user message would be there.
    await rest(running, 'POST', `/api/hubs/chat/:send${API}`, {
      body: message('newMessage', 'marker'),
    });
    await bob.inbox.waitFor('marker');
    expect(bob.inbox.has('for-alice')).toBe(false);
  });

  it('sends to a connection, to groups of connections and of users, with excluded', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, transport, 'alice');
    const bob = await connect(app, transport, 'bob');
    const carol = await connect(app, transport, 'carol');
    const aliceId = alice.connection.connectionId ?? '';
    const bobId = bob.connection.connectionId ?? '';

    expect(
      (await rest(running, 'PUT', `/api/hubs/chat/groups/room/connections/${bobId}${API}`)).status,
    ).toBe(200);
    expect(
      (await rest(running, 'PUT', `/api/hubs/chat/users/alice/groups/room${API}&ttl=60`)).status,
    ).toBe(200);
    await rest(running, 'POST', `/api/hubs/chat/groups/room/:send${API}`, {
      body: message('newMessage', 'room-1'),
    });
    await rest(running, 'POST', `/api/hubs/chat/groups/room/:send${API}&excluded=${aliceId}`, {
      body: message('newMessage', 'room-2'),
    });
    await rest(running, 'POST', `/api/hubs/chat/connections/${aliceId}/:send${API}`, {
      body: message('newMessage', 'direct'),
    });
    await rest(running, 'POST', `/api/hubs/chat/:send${API}&excluded=${bobId}`, {
      body: message('newMessage', 'all-but-bob'),
    });
    await rest(running, 'POST', `/api/hubs/chat/:send${API}`, {
      body: message('newMessage', 'marker'),
    });

    for (const client of [alice, bob, carol]) await client.inbox.waitFor('marker');
    const seen = (client: typeof alice) => client.inbox.messages.map((args) => args[0]);
    expect(seen(alice)).toEqual(['room-1', 'direct', 'all-but-bob', 'marker']);
    expect(seen(bob)).toEqual(['room-1', 'room-2', 'marker']);
    expect(seen(carol)).toEqual(['all-but-bob', 'marker']);

    // Leaving: the connection and the user are no longer reached through the group.
    expect(
      (await rest(running, 'DELETE', `/api/hubs/chat/groups/room/connections/${bobId}${API}`))
        .status,
    ).toBe(200);
    expect(
      (await rest(running, 'DELETE', `/api/hubs/chat/users/alice/groups/room${API}`)).status,
    ).toBe(204);
    expect((await rest(running, 'HEAD', `/api/hubs/chat/groups/room${API}`)).status).toBe(404);
  });

  it('closes a connection; the client sees the close and its reason', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, transport, 'alice');
    const id = alice.connection.connectionId ?? '';
    expect(
      (await rest(running, 'DELETE', `/api/hubs/chat/connections/${id}${API}&reason=kicked%20out`))
        .status,
    ).toBe(200);
    const error = await alice.closed;
    expect(error?.message).toContain('kicked out');
    await expectEventually(() => running.connectionCount() === 0);
  });

  it('closing the emulator closes the client with a reason', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, transport, 'alice');
    await running.close();
    expect((await alice.closed)?.message).toMatch(/shutting down/);
  });

  it('closes a client that invokes a hub method, saying why', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, transport, 'alice');
    await alice.connection.send('sendMessage', 'hi').catch(() => undefined);
    const error = await alice.closed;
    expect(error?.message).toMatch(/serverless/);
  });
});

async function expectEventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
