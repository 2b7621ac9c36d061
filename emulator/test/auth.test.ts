import * as signalR from '@microsoft/signalr';
import { describe, expect, it } from 'vitest';
import { KEY, clientToken, emulator, mintToken, rest, restToken } from './helpers.js';

const now = () => Math.floor(Date.now() / 1000);

async function negotiate(
  endpoint: string,
  token: string | undefined,
  via: 'header' | 'query' = 'header',
) {
  const query = via === 'query' && token ? `&access_token=${token}` : '';
  const headers: Record<string, string> =
    via === 'header' && token ? { authorization: `Bearer ${token}` } : {};
  return fetch(`${endpoint}/client/negotiate?hub=chat&negotiateVersion=1${query}`, {
    method: 'POST',
    headers,
  });
}

async function expectUnauthorized(response: Response, reason: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  const body = await response.text();
  expect(body.trim().split('\n')).toHaveLength(1);
  expect(body).toMatch(reason);
}

describe('client tokens', () => {
  it('accepts a valid token from the header or the query, with or without the port in aud', async () => {
    const running = await emulator();
    for (const via of ['header', 'query'] as const) {
      const response = await negotiate(running.endpoint, clientToken('chat', 'alice'), via);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        negotiateVersion: 1,
        connectionId: expect.any(String),
        connectionToken: expect.any(String),
      });
      expect(body.availableTransports).toHaveLength(3);
    }
    const withPort = mintToken({
      aud: `http://127.0.0.1:${running.port}/client/?hub=CHAT`,
      exp: now() + 60,
    });
    expect((await negotiate(running.endpoint, withPort)).status).toBe(200);
  });

  it.each([
    [
      'bad signature',
      () => mintToken({ aud: 'http://localhost/client/?hub=chat', exp: now() + 60 }, 'another-key'),
      /signature/,
    ],
    ['expired', () => clientToken('chat', 'a', { exp: now() - 60 }), /expired/],
    ['nbf in the future', () => clientToken('chat', 'a', { nbf: now() + 600 }), /not valid yet/],
    [
      'wrong audience',
      () => clientToken('chat', 'a', { aud: 'http://example.com/client/?hub=chat' }),
      /audience/,
    ],
    ['wrong hub', () => clientToken('other', 'a'), /another hub/],
    ['no exp', () => mintToken({ aud: 'http://localhost/client/?hub=chat' }), /exp/],
    [
      'alg none',
      () =>
        mintToken({ aud: 'http://localhost/client/?hub=chat', exp: now() + 60 }, KEY, {
          alg: 'none',
        }),
      /HS256/,
    ],
    ['not a JWT', () => 'garbage', /JWT/],
    ['missing', () => undefined, /no access token/],
  ])('rejects a token: %s', async (_name, token, reason) => {
    const running = await emulator();
    await expectUnauthorized(await negotiate(running.endpoint, token()), reason);
    expect(running.connectionCount()).toBe(0);
  });

  it('answers tokens with hostile contents with a clean 401', async () => {
    const running = await emulator();
    const { default: WebSocket } = await import('ws');
    for (const alg of ['HS256\r\nX-Injected: 1', 'ü', '"quoted"', 'x'.repeat(5000)]) {
      const token = mintToken({ aud: 'http://localhost/client/?hub=chat', exp: now() + 60 }, KEY, {
        alg,
      });
      const response = await negotiate(running.endpoint, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('x-injected')).toBeNull();
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      const restResponse = await rest(running, 'POST', '/api/hubs/chat/:send', {
        token,
        body: { target: 'x' },
      });
      expect(restResponse.status).toBe(401);
      const upgrade = await new Promise<number>((resolve) => {
        const socket = new WebSocket(
          `ws://127.0.0.1:${running.port}/client/?hub=chat&access_token=${token}`,
        );
        socket.on('unexpected-response', (_request, reply) => resolve(reply.statusCode ?? 0));
        socket.on('error', () => resolve(-1));
      });
      expect(upgrade).toBe(401);
    }
  });

  it('the official client reports a 401 from the service', async () => {
    const running = await emulator();
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`${running.endpoint}/client/?hub=chat`, {
        accessTokenFactory: () => clientToken('chat', 'a', { exp: now() - 60 }),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    await expect(connection.start()).rejects.toThrow(/401/);
  });

  it('checks the token on every transport request, for the user that negotiated', async () => {
    const running = await emulator();
    const body = (await (
      await negotiate(running.endpoint, clientToken('chat', 'alice'))
    ).json()) as { connectionToken: string };
    const poll = (token?: string) =>
      fetch(`${running.endpoint}/client/?hub=chat&id=${body.connectionToken}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    await expectUnauthorized(await poll(), /no access token/);
    expect((await poll(clientToken('chat', 'mallory'))).status).toBe(403);
    expect((await poll(clientToken('chat', 'alice'))).status).toBe(200);
    const unknown = await fetch(`${running.endpoint}/client/?hub=chat&id=nope`, {
      headers: { authorization: `Bearer ${clientToken('chat', 'alice')}` },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('REST tokens', () => {
  const path = '/api/hubs/chat/:send?api-version=2022-06-01';
  const body = { target: 'newMessage', arguments: [] };

  it('accepts aud with or without the port and refuses everything else', async () => {
    const running = await emulator();
    const withoutPort = mintToken({ aud: 'http://localhost/api/hubs/chat/:send', exp: now() + 60 });
    expect((await rest(running, 'POST', path, { body })).status).toBe(202);
    expect((await rest(running, 'POST', path, { body, token: withoutPort })).status).toBe(202);

    const url = `${running.endpoint}/api/hubs/chat/:send`;
    const failures: Array<[string | null, RegExp]> = [
      [null, /no access token/],
      [mintToken({ aud: url, exp: now() + 60 }, 'wrong-key'), /signature/],
      [restToken(url, { exp: now() - 60 }), /expired/],
      [restToken(`${running.endpoint}/api/hubs/other/:send`), /audience/],
      [clientToken('chat', 'alice'), /audience/],
    ];
    for (const [token, reason] of failures) {
      await expectUnauthorized(await rest(running, 'POST', path, { body, token }), reason);
    }
    const basic = await rest(running, 'POST', path, {
      body,
      token: null,
      headers: { authorization: 'Basic abc' },
    });
    await expectUnauthorized(basic, /Bearer/);
  });

  it('health needs no token', async () => {
    const running = await emulator();
    expect(
      (await rest(running, 'HEAD', '/api/health?api-version=2022-06-01', { token: null })).status,
    ).toBe(200);
  });
});
