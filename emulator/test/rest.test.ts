import * as signalR from '@microsoft/signalr';
import { describe, expect, it } from 'vitest';
import { connect, emulator, message, negotiateApp, rest } from './helpers.js';

const API = '?api-version=2022-06-01';
const WS = signalR.HttpTransportType.WebSockets;

describe('REST API', () => {
  it('answers existence checks with 200 or 404 and x-ms-error-code', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, WS, 'alice');
    const id = alice.connection.connectionId ?? '';
    const head = async (path: string) => {
      const response = await rest(running, 'HEAD', `/api/hubs/chat${path}${API}`);
      return [response.status, response.headers.get('x-ms-error-code')];
    };
    expect(await head(`/connections/${id}`)).toEqual([200, null]);
    expect(await head('/connections/nope')).toEqual([404, 'Warning.Connection.NotExisted']);
    expect(await head('/users/alice')).toEqual([200, null]);
    expect(await head('/users/bob')).toEqual([404, 'Warning.User.NotExisted']);
    expect(await head('/groups/room')).toEqual([404, 'Warning.Group.NotExisted']);
    expect(await head('/users/alice/groups/room')).toEqual([404, 'Info.User.NotInGroup']);
    await rest(running, 'PUT', `/api/hubs/chat/users/alice/groups/room${API}`);
    expect(await head('/groups/room')).toEqual([200, null]);
    expect(await head('/users/alice/groups/room')).toEqual([200, null]);
    // Hub names are case-insensitive.
    expect((await rest(running, 'HEAD', `/api/hubs/CHAT/users/alice${API}`)).status).toBe(200);

    const put = await rest(running, 'PUT', `/api/hubs/chat/groups/room/connections/nope${API}`);
    expect(put.status).toBe(404);
    expect(put.headers.get('x-ms-error-code')).toBe('Warning.Connection.NotExisted');
    expect(await put.text()).toMatch(/nope/);

    expect((await rest(running, 'DELETE', `/api/hubs/chat/users/alice/groups${API}`)).status).toBe(
      204,
    );
    expect(await head('/users/alice/groups/room')).toEqual([404, 'Info.User.NotInGroup']);
  });

  it('expires a user group membership after its ttl', async () => {
    const running = await emulator();
    await rest(running, 'PUT', `/api/hubs/chat/users/alice/groups/room${API}&ttl=1`);
    await rest(running, 'PUT', `/api/hubs/chat/users/bob/groups/room${API}&ttl=0`);
    expect(
      (await rest(running, 'HEAD', `/api/hubs/chat/users/alice/groups/room${API}`)).status,
    ).toBe(200);
    expect((await rest(running, 'HEAD', `/api/hubs/chat/users/bob/groups/room${API}`)).status).toBe(
      404,
    );
    const deadline = Date.now() + 3000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await rest(running, 'HEAD', `/api/hubs/chat/users/alice/groups/room${API}`)).status;
    }
    expect(status).toBe(404);
  });

  it('a user group reaches connections the user opens later; removing a connection from all groups', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    await rest(running, 'PUT', `/api/hubs/chat/users/alice/groups/room${API}`);
    const alice = await connect(app, WS, 'alice');
    const bob = await connect(app, WS, 'bob');
    const bobId = bob.connection.connectionId ?? '';
    await rest(running, 'PUT', `/api/hubs/chat/connections/${bobId}/groups/room${API}`);
    await rest(running, 'POST', `/api/hubs/chat/groups/room/:send${API}`, {
      body: message('newMessage', 'one'),
    });
    await bob.inbox.waitFor('one');
    await alice.inbox.waitFor('one');
    expect(
      (await rest(running, 'DELETE', `/api/hubs/chat/connections/${bobId}/groups${API}`)).status,
    ).toBe(200);
    await rest(running, 'POST', `/api/hubs/chat/groups/room/:send${API}`, {
      body: message('newMessage', 'two'),
    });
    await rest(running, 'POST', `/api/hubs/chat/:send${API}`, {
      body: message('newMessage', 'marker'),
    });
    await bob.inbox.waitFor('marker');
    await alice.inbox.waitFor('two');
    expect(bob.inbox.has('two')).toBe(false);
  });

  it("ttl=0 adds only the user's current connections; application prefixes the hub", async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const first = await connect(app, WS, 'alice');
    expect(
      (await rest(running, 'PUT', `/api/hubs/chat/users/alice/groups/now${API}&ttl=0`)).status,
    ).toBe(200);
    expect(
      (await rest(running, 'HEAD', `/api/hubs/chat/users/alice/groups/now${API}`)).status,
    ).toBe(200);
    const later = await connect(app, WS, 'alice');
    await rest(running, 'POST', `/api/hubs/chat/groups/now/:send${API}`, {
      body: message('newMessage', 'now'),
    });
    await rest(running, 'POST', `/api/hubs/chat/users/alice/:send${API}`, {
      body: message('newMessage', 'marker'),
    });
    await first.inbox.waitFor('now');
    await later.inbox.waitFor('marker');
    expect(later.inbox.has('now')).toBe(false);
    expect(
      (await rest(running, 'DELETE', `/api/hubs/chat/users/alice/groups/now${API}`)).status,
    ).toBe(204);
    expect((await rest(running, 'HEAD', `/api/hubs/chat/groups/now${API}`)).status).toBe(404);

    const prefixed = await connect(await negotiateApp(running, 'shop_chat'), WS, 'bob');
    const send = await rest(running, 'POST', `/api/hubs/chat/:send${API}&application=shop`, {
      body: message('newMessage', 'shop'),
    });
    expect(send.status).toBe(202);
    await prefixed.inbox.waitFor('shop');
    expect(first.inbox.has('shop')).toBe(false);
    const bad = await rest(running, 'POST', `/api/hubs/chat/:send${API}&application=9x`, {
      body: message('x'),
    });
    expect([bad.status, await bad.text()]).toEqual([
      400,
      expect.stringMatching(/application name/),
    ]);
  });

  it('closes connections of a user, a group and the hub', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, WS, 'alice');
    const bob = await connect(app, WS, 'bob');
    const carol = await connect(app, WS, 'carol');
    await rest(running, 'PUT', `/api/hubs/chat/users/bob/groups/room${API}`);
    expect(
      (await rest(running, 'POST', `/api/hubs/chat/users/alice/:closeConnections${API}&reason=bye`))
        .status,
    ).toBe(204);
    expect((await alice.closed)?.message).toMatch(/bye/);
    expect(
      (await rest(running, 'POST', `/api/hubs/chat/groups/room/:closeConnections${API}`)).status,
    ).toBe(204);
    expect(await bob.closed).toBeUndefined();
    expect((await rest(running, 'POST', `/api/hubs/chat/:closeConnections${API}`)).status).toBe(
      204,
    );
    await carol.closed;
    expect(running.connectionCount()).toBe(0);
  });

  it('supports the /api/v1 broadcast and send-to-user routes', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const alice = await connect(app, WS, 'alice');
    const bob = await connect(app, WS, 'bob');
    expect(
      (
        await rest(running, 'POST', '/api/v1/hubs/chat', {
          body: { Target: 'newMessage', Arguments: ['v1-all'] },
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await rest(running, 'POST', '/api/v1/hubs/chat/users/alice', {
          body: message('newMessage', 'v1-alice'),
        })
      ).status,
    ).toBe(202);
    await alice.inbox.waitFor('v1-alice');
    await bob.inbox.waitFor('v1-all');
    await rest(running, 'POST', '/api/v1/hubs/chat', { body: message('newMessage', 'marker') });
    await bob.inbox.waitFor('marker');
    expect(bob.inbox.has('v1-alice')).toBe(false);
  });

  it('keeps hubs apart: a send to one hub never reaches another', async () => {
    const running = await emulator();
    const chat = await connect(await negotiateApp(running, 'chat'), WS, 'alice');
    const other = await connect(await negotiateApp(running, 'Other'), WS, 'alice');
    await rest(running, 'POST', `/api/hubs/chat/:send${API}`, {
      body: message('newMessage', 'chat-all'),
    });
    await rest(running, 'POST', `/api/hubs/chat/users/alice/:send${API}`, {
      body: message('newMessage', 'chat-alice'),
    });
    await rest(running, 'POST', `/api/hubs/other/:send${API}`, {
      body: message('newMessage', 'marker'),
    });
    await other.inbox.waitFor('marker');
    await chat.inbox.waitFor('chat-alice');
    expect(other.inbox.messages).toEqual([['marker']]);
    expect(chat.inbox.has('marker')).toBe(false);
  });

  it('validates requests with a 4xx and a reason', async () => {
    const running = await emulator();
    const send = `/api/hubs/chat/:send${API}`;
    const expectStatus = async (response: Response, status: number, reason: RegExp) => {
      expect(response.status).toBe(status);
      expect(await response.text()).toMatch(reason);
    };
    await expectStatus(
      await rest(running, 'POST', send, { body: { arguments: [1] } }),
      400,
      /target/,
    );
    await expectStatus(await rest(running, 'POST', send, { body: { target: '' } }), 400, /target/);
    await expectStatus(
      await rest(running, 'POST', send, { body: { target: 'x', arguments: 'no' } }),
      400,
      /arguments/,
    );
    await expectStatus(await rest(running, 'POST', send, { body: '{"target":' }), 400, /JSON/);
    await expectStatus(await rest(running, 'POST', send, { body: '[1]' }), 400, /object/);
    await expectStatus(await rest(running, 'POST', send), 400, /JSON/);
    const big = { target: 'newMessage', arguments: ['x'.repeat(1024 * 1024)] };
    await expectStatus(await rest(running, 'POST', send, { body: big }), 413, /limit/);
    await expectStatus(
      await rest(running, 'POST', `/api/hubs/1bad/:send${API}`, { body: message('x') }),
      400,
      /hub name/,
    );
    await expectStatus(
      await rest(running, 'POST', `/api/hubs/${'h'.repeat(200)}/:send${API}`, {
        body: message('x'),
      }),
      400,
      /hub name/,
    );
    await expectStatus(
      await rest(running, 'PUT', `/api/hubs/chat/users/alice/groups/room${API}&ttl=soon`),
      400,
      /ttl/,
    );
    await expectStatus(
      await rest(running, 'PUT', `/api/hubs/chat/users/alice/groups/${'g'.repeat(1100)}${API}`),
      400,
      /group name/,
    );
    await expectStatus(
      await rest(running, 'POST', `/api/hubs/chat/users/%0A/:send${API}`, { body: message('x') }),
      400,
      /user id/,
    );
    await expectStatus(
      await rest(running, 'POST', `/api/hubs/chat/users/%E0%A4%A/:send${API}`, {
        body: message('x'),
      }),
      400,
      /percent/,
    );
    await expectStatus(
      await rest(running, 'GET', `/api/hubs/chat/nothing${API}`),
      404,
      /No REST API operation/,
    );
    const wrongMethod = await rest(running, 'GET', `/api/hubs/chat/:send${API}`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('CORS', () => {
  it('answers preflights and echoes the origin with credentials', async () => {
    const running = await emulator();
    const preflight = await fetch(
      `${running.endpoint}/client/negotiate?hub=chat&negotiateVersion=1`,
      {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:4280',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, x-requested-with, x-signalr-user-agent',
        },
      },
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:4280');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'authorization, x-requested-with, x-signalr-user-agent',
    );

    const denied = await fetch(`${running.endpoint}/client/negotiate?hub=chat`, {
      method: 'POST',
      headers: { origin: 'http://localhost:4280' },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://localhost:4280');
    expect(denied.headers.get('access-control-allow-credentials')).toBe('true');
  });
});
