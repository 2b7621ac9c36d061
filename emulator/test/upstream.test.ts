import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KEY, TRANSPORTS, connect, emulator, message, negotiateApp, rest } from './helpers.js';
import { RS, handshaken, openRaw } from './raw-client.js';
import { answerOk, clientWithClaims, refusingUrl, upstreamServer } from './upstream-server.js';

const TEMPLATE = '/upstream/{hub}/{category}/{event}';

/** The signature the service must send, computed here independently of the emulator. */
function expectSignature(header: string | string[] | undefined, connectionId: string) {
  expect(typeof header).toBe('string');
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header as string);
  expect(match).not.toBeNull();
  const expected = createHmac('sha256', Buffer.from(KEY, 'utf8')).update(connectionId).digest();
  expect(timingSafeEqual(Buffer.from(match?.[1] ?? '', 'hex'), expected)).toBe(true);
}

describe('upstream connection events', () => {
  it('POSTs connections/connected after the handshake with the service headers and body', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const client = await clientWithClaims(
      running,
      'alice',
      { name: 'Alice Liddell', role: ['reader', 'writer'] },
      '&room=lobby',
    );
    const [connected] = await upstream.waitFor(1);
    expect(connected?.method).toBe('POST');
    expect(connected?.path).toBe('/upstream/chat/connections/connected');
    expect(connected?.json).toEqual({ type: 10 });
    const headers = connected?.headers ?? {};
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-asrs-connection-id']).toBe(client.connectionId);
    expect(headers['x-asrs-hub']).toBe('chat');
    expect(headers['x-asrs-category']).toBe('connections');
    expect(headers['x-asrs-event']).toBe('connected');
    expect(headers['x-asrs-user-id']).toBe('alice');
    expectSignature(headers['x-asrs-signature'], client.connectionId ?? '');
    // `type: value` entries joined by ", "; an array claim is one entry per value.
    const claims = String(headers['x-asrs-user-claims']).split(', ');
    expect(claims).toEqual(
      expect.arrayContaining([
        'asrs.s.uid: alice',
        'name: Alice Liddell',
        'role: reader',
        'role: writer',
        'aud: http://localhost/client/?hub=chat',
      ]),
    );
    expect(claims.some((claim) => /^exp: \d+$/.test(claim))).toBe(true);
    const query = new URLSearchParams(String(headers['x-asrs-client-query']));
    expect(query.get('hub')).toBe('chat');
    expect(query.get('room')).toBe('lobby');
    expect(query.has('access_token')).toBe(false);
  });

  it('leaves out the user headers of an anonymous connection', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const client = await clientWithClaims(running, undefined);
    const [connected] = await upstream.waitFor(1);
    expect(connected?.headers['x-asrs-user-id']).toBeUndefined();
    expectSignature(connected?.headers['x-asrs-signature'], client.connectionId ?? '');
    expect(String(connected?.headers['x-asrs-user-claims'])).not.toContain('asrs.s.uid');
  });

  it('sends claims with non-ASCII text as UTF-8 bytes', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    await clientWithClaims(running, 'zoe', { name: 'Zoë 李' });
    const [connected] = await upstream.waitFor(1);
    // Node reads header bytes as Latin-1; the UTF-8 text comes back by re-decoding them.
    const raw = Buffer.from(String(connected?.headers['x-asrs-user-claims']), 'latin1');
    expect(raw.toString('utf8')).toContain('name: Zoë 李');
  });

  it('POSTs connections/disconnected without an error when the client stops', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const client = await clientWithClaims(running, 'alice');
    const id = client.connectionId ?? '';
    await client.stop();
    const [, disconnected] = await upstream.waitFor(2);
    expect(disconnected?.path).toBe('/upstream/chat/connections/disconnected');
    expect(disconnected?.json).toEqual({ type: 11 });
    expect(disconnected?.headers['x-asrs-event']).toBe('disconnected');
    expect(disconnected?.headers['x-asrs-connection-id']).toBe(id);
    expect(disconnected?.headers['x-asrs-user-id']).toBe('alice');
    expectSignature(disconnected?.headers['x-asrs-signature'], id);
  });

  it('reports an abrupt drop and a REST close with their error', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const dropped = await handshaken(running, 'bob');
    const kept = await clientWithClaims(running, 'carol');
    await upstream.waitFor(2);
    dropped.socket.terminate(); // no close frame, as when a browser's process dies
    const response = await rest(
      running,
      'DELETE',
      `/api/hubs/chat/connections/${kept.connectionId}?api-version=2022-06-01&reason=${encodeURIComponent('kicked out')}`,
    );
    expect(response.status).toBe(200);
    const disconnects = await upstream.waitFor(2, (r) => r.path.endsWith('/disconnected'));
    const errors = disconnects.map((r) => r.json?.error);
    expect(errors).toContain('kicked out');
    expect(errors).toContain(
      'The remote party closed the WebSocket connection without completing the close handshake.',
    );
  });

  it('reports nothing for a connection that never completed the handshake', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const raw = await handshaken(running, 'first');
    const never = await openRaw(running, 'never');
    never.socket.close();
    await never.closed;
    raw.socket.close();
    await upstream.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 100)); // nothing else may follow
    expect(upstream.requests.map((r) => r.headers['x-asrs-user-id'])).toEqual(['first', 'first']);
  });

  it('sends the disconnects of a shutdown with its reason', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    await clientWithClaims(running, 'alice');
    await upstream.waitFor(1);
    await running.close();
    const [disconnected] = await upstream.waitFor(1, (r) => r.path.endsWith('/disconnected'));
    expect(disconnected?.json).toEqual({
      type: 11,
      error: 'The SignalR emulator is shutting down.',
    });
  });
});

describe('upstream messages', () => {
  it('POSTs messages/<target> with the invocation as its body (fire and forget)', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const client = await clientWithClaims(running, 'alice');
    await client.send('Typing', 'room-1', { draft: true });
    const [invocation] = await upstream.waitFor(1, (r) => r.path.includes('/messages/'));
    // The event keeps the target's casing, as the service's docs say it is the target.
    expect(invocation?.path).toBe('/upstream/chat/messages/Typing');
    expect(invocation?.headers['x-asrs-category']).toBe('messages');
    expect(invocation?.headers['x-asrs-event']).toBe('Typing');
    expect(invocation?.headers['content-type']).toBe('application/json');
    expectSignature(invocation?.headers['x-asrs-signature'], client.connectionId ?? '');
    expect(invocation?.body.endsWith(RS)).toBe(false);
    expect(invocation?.json).toEqual({
      type: 1,
      target: 'Typing',
      arguments: ['room-1', { draft: true }],
    });
  });

  it('escapes the target in the URL', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const client = await clientWithClaims(running, 'alice');
    await client.send('a/b?c', 1);
    const [invocation] = await upstream.waitFor(1, (r) => r.path.includes('/messages/'));
    expect(invocation?.path).toBe('/upstream/chat/messages/a%2Fb%3Fc');
  });

  it('answers an invocation with the upstream Completion, and 200/204 without a body with an empty one', async () => {
    const upstream = await upstreamServer((request, response) => {
      const id = request.json?.invocationId;
      const target = request.json?.target;
      if (target === 'add') {
        const [a = 0, b = 0] = request.json?.arguments as number[];
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ type: 3, invocationId: id, result: { sum: a + b } }) + RS);
      } else if (target === 'nothing') {
        response.writeHead(204).end();
      } else {
        response.writeHead(200).end();
      }
    });
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const client = await clientWithClaims(running, 'alice');
    await expect(client.invoke('add', 2, 3)).resolves.toEqual({ sum: 5 });
    await expect(client.invoke('nothing')).resolves.toBeUndefined();
    await expect(client.invoke('empty')).resolves.toBeUndefined();
    const [add] = await upstream.waitFor(1, (r) => r.path.endsWith('/add'));
    expect(typeof add?.json?.invocationId).toBe('string');
  });

  it('turns upstream failures into error completions and keeps the connection', async () => {
    const upstream = await upstreamServer((request, response) => {
      if (request.json?.target === 'boom') response.writeHead(500).end('{"error":"internal"}');
      else if (request.json?.target === 'plain') response.writeHead(200).end('{"sum":5}');
      else answerOk(request, response);
    });
    const logs: string[] = [];
    const running = await emulator({
      upstream: [{ urlTemplate: upstream.url + TEMPLATE }],
      log: (line) => logs.push(line),
    });
    const client = await clientWithClaims(running, 'alice');
    await expect(client.invoke('boom')).rejects.toThrow('Invocation failed, status code 500');
    await expect(client.invoke('plain')).rejects.toThrow('not a hub protocol message');
    expect(client.state).toBe('Connected');
    await expect(client.invoke('fine')).resolves.toBeUndefined();
    expect(logs.some((line) => line.includes('messages/boom') && line.includes('500'))).toBe(true);
  });

  it('gives an error completion when the upstream refuses connections, and keeps serving', async () => {
    const url = await refusingUrl();
    const logs: string[] = [];
    const running = await emulator({
      upstream: [{ urlTemplate: `${url}${TEMPLATE}?code=secret-function-key` }],
      log: (line) => logs.push(line),
    });
    const client = await clientWithClaims(running, 'alice');
    const received = new Promise<unknown>((resolve) => client.on('newMessage', resolve));
    await expect(client.invoke('hello')).rejects.toThrow('Invocation failed, ECONNREFUSED');
    await rest(running, 'POST', '/api/hubs/chat/:send?api-version=2022-06-01', {
      body: message('newMessage', 'still'),
    });
    await expect(received).resolves.toBe('still');
    const failures = logs.filter((line) => line.includes('ECONNREFUSED'));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((line) => line.includes(url))).toBe(true);
    expect(logs.join('\n')).not.toContain('secret-function-key');
    expect(logs.join('\n')).not.toContain(KEY);
  });
});

describe('upstream over every transport', () => {
  it.each(TRANSPORTS)(
    '%s: completions arrive and a stop reports no error',
    async (_name, transport) => {
      const upstream = await upstreamServer((request, response) => {
        const id = request.json?.invocationId;
        if (typeof id !== 'string') return answerOk(request, response);
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ type: 3, invocationId: id, result: 'pong' }) + RS);
      });
      const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
      const appUrl = await negotiateApp(running);
      const { connection } = await connect(appUrl, transport, 'alice');
      await expect(connection.invoke('ping')).resolves.toBe('pong');
      await connection.stop();
      const [disconnected] = await upstream.waitFor(1, (r) => r.path.endsWith('/disconnected'));
      expect(disconnected?.json).toEqual({ type: 11 });
    },
  );
});

describe('malformed invocations with upstream', () => {
  it('closes the connection with the reason instead of forwarding them', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const raw = await handshaken(running, 'mallory');
    raw.socket.send(`{"type":1,"target":"x","arguments":"not-an-array"}${RS}`);
    const close = JSON.parse((await raw.nextFrame()).slice(0, -1)) as {
      type: number;
      error: string;
    };
    expect(close.type).toBe(7);
    expect(close.error).toContain('no "arguments" array');
    await raw.closed;
    expect(upstream.requests.some((r) => r.path.includes('/messages/'))).toBe(false);
  });
});
