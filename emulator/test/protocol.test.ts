import { describe, expect, it } from 'vitest';
import { emulator, message, rest } from './helpers.js';
import { RS, handshaken, openRaw } from './raw-client.js';

describe('hub protocol over a raw WebSocket', () => {
  it.each([
    ['another protocol', `{"protocol":"xml","version":1}${RS}`, /protocol 'xml' is not supported/],
    ['an unsupported version', `{"protocol":"json","version":7}${RS}`, /version 7/],
    ['invalid JSON', `{"protocol":${RS}`, /not valid JSON/],
    ['not an object', `[1,2]${RS}`, /JSON object/],
    ['missing fields', `{}${RS}`, /"protocol"/],
  ])('answers a handshake with %s with an error, then closes', async (_name, handshake, reason) => {
    const running = await emulator();
    const raw = await openRaw(running);
    raw.socket.send(handshake);
    const reply = JSON.parse((await raw.nextFrame()).replace(RS, '')) as { error: string };
    expect(reply.error).toMatch(reason);
    expect(await raw.closed).toBe(1000);
    expect(running.connectionCount()).toBe(0);
  });

  it('closes a connection that never handshakes', async () => {
    const running = await emulator({ handshakeTimeoutMs: 200 });
    const raw = await openRaw(running);
    expect(await raw.closed).toBe(1000);
  });

  it('pings at the keep-alive interval and drops a silent client', async () => {
    const running = await emulator({ keepAliveIntervalMs: 100, clientTimeoutMs: 600 });
    const raw = await handshaken(running);
    expect(running.connectionCount()).toBe(1);
    expect(await raw.nextFrame()).toBe(`{"type":6}${RS}`);
    expect(await raw.nextFrame()).toBe(`{"type":6}${RS}`);
    await raw.closed;
    const close = raw.received.at(-1) ?? '';
    expect(JSON.parse(close.replace(RS, ''))).toMatchObject({
      type: 7,
      error: expect.stringMatching(/timeout/i),
    });
    expect(running.connectionCount()).toBe(0);
  });

  it('pings one keep-alive interval after the last message it sent, not two', async () => {
    const interval = 400;
    const running = await emulator({ keepAliveIntervalMs: interval, clientTimeoutMs: 10_000 });
    const raw = await handshaken(running);
    // Sent right after the handshake: a ping timer that only checks "anything sent since my
    // last tick?" would stay quiet at its first tick and ping almost two intervals later.
    const sent = await rest(running, 'POST', '/api/hubs/chat/:send?api-version=2022-06-01', {
      body: message('newMessage', 'only one'),
    });
    expect(sent.status).toBe(202);
    expect(await raw.nextFrame()).toContain('only one');
    const messageAt = performance.now();
    expect(await raw.nextFrame(3 * interval)).toBe(`{"type":6}${RS}`);
    const pingAfter = performance.now() - messageAt;
    expect(pingAfter).toBeGreaterThanOrEqual(interval - 50);
    expect(pingAfter).toBeLessThan(1.5 * interval);
    // Then one ping per interval while nothing else is sent.
    expect(await raw.nextFrame(3 * interval)).toBe(`{"type":6}${RS}`);
  });

  it('keeps a client that pings alive past the client timeout', async () => {
    const running = await emulator({ keepAliveIntervalMs: 100, clientTimeoutMs: 400 });
    const raw = await handshaken(running);
    const pinger = setInterval(() => raw.socket.send(`{"type":6}${RS}`), 100);
    await new Promise((resolve) => setTimeout(resolve, 900));
    clearInterval(pinger);
    expect(running.connectionCount()).toBe(1);
  });

  it.each([
    ['invalid JSON', `{"type":${RS}`, /not valid JSON/],
    ['a message without type', `{"target":"x"}${RS}`, /type/],
    ['an unknown message type', `{"type":42}${RS}`, /Unknown message type 42/],
    [
      'an invocation',
      `{"type":1,"target":"send","arguments":[]}${RS}`,
      /'send' is not supported.*serverless/,
    ],
    [
      'a stream invocation',
      `{"type":4,"target":"s","arguments":[],"invocationId":"1"}${RS}`,
      /serverless/,
    ],
    ['an unexpected completion', `{"type":3,"invocationId":"1"}${RS}`, /did not make/],
    ['an oversize message', `{"type":6,"pad":"${'x'.repeat(3000)}"}${RS}`, /maximum size/],
    ['an unterminated oversize message', `{"type":6,"pad":"${'x'.repeat(3000)}`, /maximum size/],
  ])('closes only the connection that sends %s, with the reason', async (_name, frame, reason) => {
    const running = await emulator({ maxMessageSize: 2048 });
    const bystander = await handshaken(running, 'bystander');
    const raw = await handshaken(running);
    raw.socket.send(frame);
    await raw.closed;
    const close = JSON.parse((raw.received.at(-1) ?? '').replace(RS, '')) as {
      type: number;
      error: string;
    };
    expect(close.type).toBe(7);
    expect(close.error).toMatch(reason);
    expect(close).not.toHaveProperty('allowReconnect');
    expect(running.connectionCount()).toBe(1);
    expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
  });

  it('on close, sends every client a Close that allows reconnecting', async () => {
    const running = await emulator();
    const raw = await handshaken(running);
    await running.close();
    await raw.closed;
    expect(JSON.parse((raw.received.at(-1) ?? '').replace(RS, ''))).toEqual({
      type: 7,
      error: 'The SignalR emulator is shutting down.',
      allowReconnect: true,
    });
  });

  it('accepts several messages in one frame and a handshake split across frames', async () => {
    const running = await emulator();
    const raw = await openRaw(running);
    raw.socket.send('{"protocol":"js');
    raw.socket.send(`on","version":1}${RS}{"type":6}${RS}{"type":6}${RS}`);
    expect(await raw.nextFrame()).toBe(`{}${RS}`);
    expect(running.connectionCount()).toBe(1);
    raw.socket.send(`{"type":7}${RS}`);
    await raw.closed;
    expect(running.connectionCount()).toBe(0);
  });

  it('refuses upgrades without a valid token or on other paths', async () => {
    const running = await emulator();
    const { default: WebSocket } = await import('ws');
    const status = (url: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url);
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('error', () => undefined);
        socket.on('open', () => resolve(101));
      });
    expect(await status(`ws://127.0.0.1:${running.port}/client/?hub=chat`)).toBe(401);
    expect(
      await status(`ws://127.0.0.1:${running.port}/client/?hub=chat&id=unknown&access_token=x`),
    ).toBe(401);
    expect(await status(`ws://127.0.0.1:${running.port}/elsewhere`)).toBe(404);
  });
});
