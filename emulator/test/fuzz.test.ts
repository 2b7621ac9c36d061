import * as signalR from '@microsoft/signalr';
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import {
  clientToken,
  connect,
  emulator,
  message,
  negotiateApp,
  rest,
  restToken,
} from './helpers.js';
import { RS, openRaw } from './raw-client.js';

/** Small seeded PRNG (mulberry32) so a failing run can be replayed with its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

const VALID = [
  `{"protocol":"json","version":1}${RS}`,
  `{"type":6}${RS}`,
  `{"type":1,"target":"send","arguments":["x"]}${RS}`,
  `{"type":7}${RS}`,
  `{"type":3,"invocationId":"1","result":1}${RS}`,
  `{"type":5,"invocationId":"1"}${RS}`,
  `{"type":8,"sequenceId":1}${RS}`,
];

const MESSAGEPACK_HANDSHAKE = `{"protocol":"messagepack","version":1}${RS}`;

/** Valid MessagePack hub messages, each with its one-byte length prefix (all are short). */
const VALID_MESSAGEPACK = [
  [6],
  [1, {}, null, 'send', ['x']],
  [3, {}, '1', 3, 1],
  [5, {}, '1'],
  [8, 1],
  [7, null],
].map((message) => {
  const payload = encode(message);
  return Buffer.concat([Buffer.from([payload.length]), Buffer.from(payload)]);
});

function fuzzFrame(rng: ReturnType<typeof random>): string | Buffer {
  switch (rng.int(9)) {
    case 7: {
      // MessagePack: valid, mutated, truncated, or an overlong length prefix
      const frame = Buffer.from(rng.pick(VALID_MESSAGEPACK));
      const variant = rng.int(4);
      if (variant === 1)
        for (let i = 0; i < 1 + rng.int(3); i++) frame[rng.int(frame.length)] = rng.int(256);
      if (variant === 2) return frame.subarray(0, rng.int(frame.length));
      if (variant === 3) return Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
      return frame;
    }
    case 0: // random bytes, as a binary frame
      return Buffer.from(Array.from({ length: rng.int(200) }, () => rng.int(256)));
    case 1: // random printable text with separators
      return Array.from({ length: rng.int(120) }, () =>
        rng.next() < 0.1 ? RS : String.fromCharCode(32 + rng.int(95)),
      ).join('');
    case 2: {
      // a valid message with bytes flipped
      const chars = [...rng.pick(VALID)];
      for (let i = 0; i < 1 + rng.int(4); i++)
        chars[rng.int(chars.length)] = String.fromCharCode(rng.int(128));
      return chars.join('');
    }
    case 3: // a truncated valid message
      return rng.pick(VALID).slice(0, rng.int(30));
    case 4: // deep nesting and odd values
      return rng.pick([
        '['.repeat(5000) + RS,
        `{"type":${'9'.repeat(400)}}${RS}`,
        `{"type":1e400}${RS}`,
        `{"type":-1}${RS}`,
        `{"type":null}${RS}`,
        `{"type":"6"}${RS}`,
        `\u0000\u0000${RS}`,
        `\ud800${RS}`,
        `{"__proto__":{"type":6},"type":2}${RS}`,
      ]);
    case 5: // a message well past the cap
      return `{"type":6,"x":"${'y'.repeat(5000)}"}${RS}`;
    default: // a valid message (keeps some connections past the handshake)
      return rng.pick(VALID.slice(1, 3));
  }
}

describe('robustness', () => {
  it('survives thousands of random and mutated frames; a healthy client still works', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const rng = random(seed);
    const running = await emulator({ maxMessageSize: 4096 });
    const app = await negotiateApp(running);
    const healthy = await connect(app, signalR.HttpTransportType.WebSockets, 'healthy');

    const FRAMES = 3000;
    const WORKERS = 8;
    let sent = 0;
    const worker = async () => {
      while (sent < FRAMES) {
        const raw = await openRaw(running, `fuzz-${rng.int(5)}`);
        const handshake = rng.next();
        if (handshake < 0.5) raw.socket.send(VALID[0] as string);
        else if (handshake < 0.75) raw.socket.send(MESSAGEPACK_HANDSHAKE);
        const burst = 1 + rng.int(60);
        for (let i = 0; i < burst && raw.socket.readyState === raw.socket.OPEN; i++) {
          raw.socket.send(fuzzFrame(rng));
          sent++;
        }
        if (rng.next() < 0.5)
          raw.socket.terminate(); // an abrupt disconnect
        else raw.socket.close();
        await raw.closed;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expect(sent, `seed ${seed}`).toBeGreaterThanOrEqual(FRAMES);

    // Only the healthy client is left, and it still receives.
    const deadline = Date.now() + 5000;
    while (running.connectionCount() !== 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(running.connectionCount(), `seed ${seed}`).toBe(1);
    await rest(running, 'POST', '/api/hubs/chat/:send?api-version=2022-06-01', {
      body: message('newMessage', 'still-here'),
    });
    await healthy.inbox.waitFor('still-here');
    const later = await connect(app, signalR.HttpTransportType.LongPolling, 'later');
    await rest(running, 'POST', '/api/hubs/chat/users/later/:send?api-version=2022-06-01', {
      body: message('newMessage', 'hi'),
    });
    await later.inbox.waitFor('hi');
  });

  it('answers malformed HTTP requests with 4xx, never 5xx', async () => {
    const rng = random(Number(process.env.FUZZ_SEED ?? 7));
    const running = await emulator();
    const paths = [
      '/client/negotiate?hub=chat',
      '/client/?hub=chat&id=x',
      '/client/?hub=',
      '/client/negotiate',
      '/api/hubs/chat/:send',
      '/api/hubs//users//:send',
      '/api/hubs/chat/groups/%ZZ',
      '/api/v1/hubs/chat',
      '/api/health',
      '/%%%',
      '/api/hubs/chat/connections/x/groups/y',
    ];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];
    const tokens = [undefined, 'x.y.z', clientToken('chat', 'u'), 'a'.repeat(5000)];
    for (let i = 0; i < 300; i++) {
      const method = rng.pick(methods);
      const token = rng.pick(tokens);
      const response = await fetch(`${running.endpoint}${rng.pick(paths)}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(rng.next() < 0.3 ? { 'content-type': 'application/json' } : {}),
        },
        body:
          method === 'GET' || method === 'HEAD'
            ? undefined
            : rng.pick(['', '{', '{"target":1}', 'null', '\u0000']),
      });
      expect(response.status, `${method} ${response.url}`).toBeLessThan(500);
      await response.arrayBuffer();
    }
  });
});

describe('abrupt disconnects', () => {
  it('survives aborted SSE streams, polls and half-sent bodies', async () => {
    const running = await emulator();
    const token = clientToken('chat', 'u');
    const negotiate = async () => {
      const response = await fetch(
        `${running.endpoint}/client/negotiate?hub=chat&negotiateVersion=1`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        },
      );
      return ((await response.json()) as { connectionToken: string }).connectionToken;
    };
    const { request } = await import('node:http');
    const abortAfterHeaders = (
      path: string,
      method: string,
      headers: Record<string, string>,
      body?: string,
    ) =>
      new Promise<void>((resolve) => {
        const req = request(`${running.endpoint}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...headers },
        });
        req.on('error', () => resolve());
        req.on('response', () => {
          req.destroy();
          resolve();
        });
        if (body !== undefined) {
          req.write(body);
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 50);
        } else req.end();
      });
    for (let i = 0; i < 20; i++) {
      const sse = await negotiate();
      await abortAfterHeaders(`/client/?hub=chat&id=${sse}`, 'GET', {
        accept: 'text/event-stream',
      });
      const lp = await negotiate();
      await abortAfterHeaders(`/client/?hub=chat&id=${lp}`, 'GET', {}); // the immediate first poll
      // A poll that waits, cut off while waiting.
      const waiting = request(`${running.endpoint}/client/?hub=chat&id=${lp}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      waiting.on('error', () => undefined);
      waiting.end();
      setTimeout(() => waiting.destroy(), 20);
      await abortAfterHeaders(
        `/client/?hub=chat&id=${lp}`,
        'POST',
        { 'content-length': '1000' },
        '{"protocol":"js',
      );
      await abortAfterHeaders(
        '/api/hubs/chat/:send',
        'POST',
        {
          'content-length': '1000',
          authorization: `Bearer ${restToken(`${running.endpoint}/api/hubs/chat/:send`)}`,
        },
        '{"target":',
      );
    }
    const app = await negotiateApp(running);
    const healthy = await connect(app, signalR.HttpTransportType.ServerSentEvents, 'healthy');
    await rest(running, 'POST', '/api/hubs/chat/:send?api-version=2022-06-01', {
      body: message('newMessage', 'alive'),
    });
    await healthy.inbox.waitFor('alive');
  });
});
