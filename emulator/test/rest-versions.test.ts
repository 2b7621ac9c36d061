import * as signalR from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { connect, emulator, message, negotiateApp, rest, restToken } from './helpers.js';
import { RS, handshaken } from './raw-client.js';

const VERSIONS = ['2022-06-01', '2023-07-01', '2024-12-01'] as const;
const WS = signalR.HttpTransportType.WebSockets;

/** Every REST error: the swagger's ErrorDetail body and the same code in x-ms-error-code. */
async function expectError(
  response: Response,
  status: number,
  code: string | RegExp,
  reason?: RegExp,
) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { code: string; message: string };
  expect(body.code).toMatch(code);
  expect(response.headers.get('x-ms-error-code')).toBe(body.code);
  if (reason) expect(body.message).toMatch(reason);
}

describe('REST API versions', () => {
  it.each(VERSIONS)(
    '%s: every 2022-06-01 operation answers with the swagger status',
    async (version) => {
      const running = await emulator();
      const app = await negotiateApp(running);
      const alice = await connect(app, WS, 'alice');
      const id = alice.connection.connectionId ?? '';
      const q = `?api-version=${version}`;
      const call = async (method: string, path: string, body?: unknown) =>
        (
          await rest(
            running,
            method,
            `/api/hubs/chat${path}${q}`,
            body === undefined ? {} : { body },
          )
        ).status;
      const payload = message('newMessage', version);
      expect(await call('POST', '/:send', payload)).toBe(202);
      expect(await call('POST', '/users/alice/:send', payload)).toBe(202);
      expect(await call('POST', `/connections/${id}/:send`, payload)).toBe(202);
      expect(await call('POST', '/groups/room/:send', payload)).toBe(202);
      expect(await call('PUT', `/groups/room/connections/${id}`)).toBe(200);
      expect(await call('PUT', `/groups/room/connections/nobody`)).toBe(404);
      expect(await call('HEAD', '/groups/room')).toBe(200);
      expect(await call('DELETE', `/groups/room/connections/${id}`)).toBe(200);
      expect(await call('HEAD', '/groups/room')).toBe(404);
      expect(await call('PUT', '/users/alice/groups/room')).toBe(200);
      expect(await call('HEAD', '/users/alice/groups/room')).toBe(200);
      expect(await call('DELETE', '/users/alice/groups/room')).toBe(204);
      expect(await call('HEAD', '/users/alice/groups/room')).toBe(404);
      expect(await call('DELETE', '/users/alice/groups')).toBe(204);
      expect(await call('DELETE', `/connections/${id}/groups`)).toBe(200);
      expect(await call('HEAD', `/connections/${id}`)).toBe(200);
      expect(await call('HEAD', '/users/alice')).toBe(200);
      expect(await call('POST', '/groups/room/:closeConnections')).toBe(204);
      expect(await call('POST', '/users/nobody/:closeConnections')).toBe(204);
      expect(await call('DELETE', `/connections/${id}`)).toBe(200);
      await alice.closed;
      expect(await call('HEAD', `/connections/${id}`)).toBe(404);
      expect(await call('POST', '/:closeConnections')).toBe(204);
      // The broadcast, the user send and the connection send (the group send came before it joined).
      expect(alice.inbox.messages.length).toBe(3);
    },
  );

  it('requires a known api-version on /api/hubs, and one that has the operation', async () => {
    const running = await emulator();
    const send = { body: message('newMessage', 'x') };
    await expectError(
      await rest(running, 'POST', '/api/hubs/chat/:send', send),
      400,
      'Error.Request.MissingApiVersion',
      /api-version/,
    );
    await expectError(
      await rest(running, 'POST', '/api/hubs/chat/:send?api-version=2021-01-01', send),
      400,
      'Error.Request.UnsupportedApiVersion',
      /2021-01-01/,
    );
    await expectError(
      await rest(running, 'POST', '/api/hubs/chat/:generateToken?api-version=2022-06-01'),
      400,
      'Error.Request.UnsupportedApiVersion',
      /2023-07-01 or later/,
    );
    for (const path of ['/groups/room/connections', '/connections/c/:invoke']) {
      const method = path.endsWith(':invoke') ? 'POST' : 'GET';
      await expectError(
        await rest(
          running,
          method,
          `/api/hubs/chat${path}?api-version=2023-07-01`,
          method === 'POST' ? send : {},
        ),
        400,
        'Error.Request.UnsupportedApiVersion',
        /2024-12-01 or later/,
      );
    }
    // The v1 forms and the health check take none.
    expect((await rest(running, 'POST', '/api/v1/hubs/chat', send)).status).toBe(202);
    expect((await fetch(`${running.endpoint}/api/health`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers every REST failure with an ErrorDetail body and x-ms-error-code', async () => {
    const running = await emulator();
    const q = '?api-version=2024-12-01';
    await expectError(
      await rest(running, 'POST', `/api/hubs/chat/:send${q}`, { body: '{' }),
      400,
      'Error.Request.Invalid',
      /not valid JSON/,
    );
    await expectError(
      await rest(running, 'POST', `/api/hubs/chat/:send${q}`, { token: null, body: message('x') }),
      401,
      'Error.Request.Unauthorized',
      /no access token/,
    );
    await expectError(
      await rest(running, 'GET', `/api/nothing${q}`),
      404,
      'Error.Request.NotFound',
    );
    const wrongMethod = await rest(running, 'GET', `/api/hubs/chat/:send${q}`);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    await expectError(wrongMethod, 405, 'Error.Request.MethodNotAllowed');
    await expectError(
      await rest(running, 'POST', `/api/hubs/chat/:send${q}`, {
        body: 'x'.repeat(1024 * 1024 + 1),
      }),
      413,
      'Error.Request.TooLarge',
    );
    // HEAD answers carry the code in the header only.
    const head = await rest(running, 'HEAD', `/api/hubs/chat/users/nobody${q}`);
    expect([head.status, head.headers.get('x-ms-error-code')]).toEqual([
      404,
      'Warning.User.NotExisted',
    ]);
    const notExisted = await rest(running, 'PUT', `/api/hubs/chat/groups/g/connections/nope${q}`);
    await expectError(notExisted, 404, 'Warning.Connection.NotExisted', /nope/);
    for (const [method, path] of [
      ['POST', '/api/hubs/chat/:execute'],
      ['POST', '/api/hubs/chat/connections/c/streams/s/:send'],
      ['POST', '/api/hubs/chat/connections/c/streams/s/:complete'],
      ['GET', '/api/auth/accessKey'],
    ] as const) {
      await expectError(
        await rest(running, method, `${path}${q}`, method === 'POST' ? { body: [] } : {}),
        501,
        'Error.Request.NotImplemented',
        /not implemented/,
      );
    }
  });
});

describe('REST 2023-07-01: generateToken', () => {
  const generate = (running: RunningEmulator, query: string) =>
    rest(running, 'POST', `/api/hubs/Chat/:generateToken?api-version=2023-07-01${query}`);

  it('mints a client token that negotiate accepts, for the user, until it expires', async () => {
    let now = Date.now();
    const running = await emulator({ clock: () => now });
    const response = await generate(running, '&userId=alice&minutesToExpire=1');
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const claims = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({
      'asrs.s.uid': 'alice',
      aud: `http://localhost:${running.port}/client/?hub=chat`,
    });
    expect(claims.exp).toBe(Math.floor(now / 1000) + 60);

    const client = new signalR.HubConnectionBuilder()
      .withUrl(`${running.endpoint}/client/?hub=chat`, { accessTokenFactory: () => token })
      .withHubProtocol(new MessagePackHubProtocol())
      .configureLogging(signalR.LogLevel.None)
      .build();
    await client.start();
    const exists = await rest(running, 'HEAD', '/api/hubs/chat/users/alice?api-version=2023-07-01');
    expect(exists.status).toBe(200);
    await client.stop();

    now += 61 * 60 * 1000; // past exp and the 5 s clock skew
    const refused = await fetch(
      `${running.endpoint}/client/negotiate?hub=chat&negotiateVersion=1`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/expired/);
  });

  it('defaults to an anonymous token for an hour, and refuses bad parameters', async () => {
    const running = await emulator();
    const response = await generate(running, '');
    const { token } = (await response.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims).not.toHaveProperty('asrs.s.uid');
    for (const bad of ['&minutesToExpire=0', '&minutesToExpire=abc', '&userId=']) {
      await expectError(await generate(running, bad), 400, 'Error.Request.Invalid');
    }
  });
});

describe('REST 2024-12-01: group listing and client invocation', () => {
  it('lists a group of 250 connections in pages, following nextLink; top bounds the whole listing', async () => {
    const running = await emulator({ keepAliveIntervalMs: 60_000 });
    const q = 'api-version=2024-12-01';
    // 200 connections of one member user, 50 users with one connection each, 10 outsiders.
    const users = [
      ...Array.from({ length: 200 }, () => 'member'),
      ...Array.from({ length: 50 }, (_, i) => `single-${i}`),
      ...Array.from({ length: 10 }, (_, i) => `outsider-${i}`),
    ];
    for (let i = 0; i < users.length; i += 50) {
      await Promise.all(users.slice(i, i + 50).map((user) => handshaken(running, user)));
    }
    for (const user of ['member', ...users.slice(200, 250)]) {
      expect(
        (await rest(running, 'PUT', `/api/hubs/chat/users/${user}/groups/room?${q}`)).status,
      ).toBe(200);
    }

    const list = async (url: string) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${restToken(url)}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as {
        value: Array<{ connectionId: string; userId?: string }>;
        nextLink?: string;
      };
    };
    const pages: number[] = [];
    const seen: Array<{ connectionId: string; userId?: string }> = [];
    let next: string | undefined =
      `${running.endpoint}/api/hubs/chat/groups/room/connections?${q}&maxpagesize=100`;
    while (next !== undefined) {
      const page = await list(next);
      pages.push(page.value.length);
      seen.push(...page.value);
      next = page.nextLink;
      if (next !== undefined) expect(new URL(next).searchParams.get('maxpagesize')).toBe('100');
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(new Set(seen.map((member) => member.connectionId)).size).toBe(250);
    expect(seen.filter((member) => member.userId === 'member')).toHaveLength(200);
    expect(new Set(seen.map((member) => member.userId)).size).toBe(51);

    const topPages: number[] = [];
    next = `${running.endpoint}/api/hubs/chat/groups/room/connections?${q}&maxpagesize=50&top=120`;
    while (next !== undefined) {
      const page = await list(next);
      topPages.push(page.value.length);
      next = page.nextLink;
    }
    expect(topPages).toEqual([50, 50, 20]);

    expect(
      (await list(`${running.endpoint}/api/hubs/chat/groups/empty/connections?${q}`)).value,
    ).toEqual([]);
    for (const bad of ['maxpagesize=0', 'maxpagesize=201', 'top=-1', 'continuationToken=%25%25']) {
      await expectError(
        await rest(running, 'GET', `/api/hubs/chat/groups/room/connections?${q}&${bad}`),
        400,
        'Error.Request.Invalid',
      );
    }
  });

  it('invokes a client method and answers with its result, for JSON and MessagePack clients', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const json = await connect(app, WS, 'alice');
    const packed = await connect(app, WS, 'bob', 'newMessage', { messagePack: true });
    json.connection.on('double', (value: number) => value * 2);
    packed.connection.on('double', (value: number) => ({ doubled: value * 2 }));
    json.connection.on('fail', () => {
      throw new Error('no can do');
    });
    const invoke = (id: string | null, body: unknown) =>
      rest(
        running,
        'POST',
        `/api/hubs/chat/connections/${id ?? ''}/:invoke?api-version=2024-12-01`,
        {
          body,
        },
      );
    const fromJson = await invoke(json.connection.connectionId, message('double', 21));
    expect([fromJson.status, await fromJson.json()]).toEqual([200, { result: 42 }]);
    const fromPacked = await invoke(packed.connection.connectionId, message('double', 4));
    expect([fromPacked.status, await fromPacked.json()]).toEqual([200, { result: { doubled: 8 } }]);
    await expectError(
      await invoke(json.connection.connectionId, message('fail')),
      400,
      'Error.Connection.InvocationFailed',
      /no can do/,
    );
    await expectError(
      await invoke(json.connection.connectionId, message('nobodyListens')),
      400,
      'Error.Connection.InvocationFailed',
    );
    await expectError(
      await invoke('gone', message('double', 1)),
      404,
      'Warning.Connection.NotExisted',
    );
    await expectError(
      await invoke(json.connection.connectionId, { arguments: [] }),
      400,
      'Error.Request.Invalid',
      /target/,
    );
    expect(json.connection.state).toBe(signalR.HubConnectionState.Connected);
  });

  it('gives up on a client that does not answer, and on one that leaves', async () => {
    const running = await emulator({ clientInvocationTimeoutMs: 300 });
    const silent = await handshaken(running, 'silent');
    // The raw socket's connection id, from the listing.
    await rest(running, 'PUT', '/api/hubs/chat/users/silent/groups/g?api-version=2024-12-01');
    const listed = await rest(
      running,
      'GET',
      '/api/hubs/chat/groups/g/connections?api-version=2024-12-01',
    );
    const [member] = ((await listed.json()) as { value: Array<{ connectionId: string }> }).value;
    const path = `/api/hubs/chat/connections/${member?.connectionId ?? ''}/:invoke?api-version=2024-12-01`;
    await expectError(
      await rest(running, 'POST', path, { body: message('ask') }),
      504,
      'Error.Connection.InvocationTimeout',
    );
    // The invocation reached the client, with an id to answer to.
    const invocation = silent.received
      .map((frame) => JSON.parse(frame.replace(RS, '')) as Record<string, unknown>)
      .find((m) => m.type === 1);
    expect(invocation).toMatchObject({ target: 'ask', invocationId: expect.any(String) });

    const pending = rest(running, 'POST', path, { body: message('ask') });
    await silent.nextFrame();
    silent.socket.terminate();
    await expectError(
      await pending,
      404,
      'Warning.Connection.NotExisted',
      /ended before it answered/,
    );
  });
});
