// @vitest-environment node
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel } from '@microsoft/signalr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalRStack } from '../test/signalr-stack.js';
import type { ChatConnection, ChatConnectionEvents } from './chat-connection.js';
import { createSignalRConnection } from './signalr-connection.js';

// The presence and typing half of the connection module, with the official client against the
// project's emulator: events pushed through the REST API, and the `typing` invocation going
// out to the emulator's upstream (a small recording server here, the API in the real stack).

interface UpstreamCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** Answers 200 to every upstream call and keeps the `messages` ones. */
class RecordingUpstream {
  readonly invocations: UpstreamCall[] = [];
  private server: Server | undefined;
  private waiters: (() => void)[] = [];
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        if (path.includes('/messages/')) {
          const text = Buffer.concat(chunks).toString('utf8');
          this.invocations.push({ path, headers: request.headers, body: JSON.parse(text) });
          for (const wake of this.waiters.splice(0)) wake();
        }
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Resolves once `count` invocations have arrived. */
  async received(count: number, timeoutMs = 10_000): Promise<UpstreamCall[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.invocations.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.invocations.length} invocations`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, deadline - Date.now());
      });
    }
    return this.invocations;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

function next<E extends keyof ChatConnectionEvents>(
  connection: ChatConnection,
  event: E,
  timeoutMs = 10_000,
): Promise<Parameters<ChatConnectionEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const off = connection.on(event, ((value: Parameters<ChatConnectionEvents[E]>[0]) => {
      clearTimeout(timer);
      off();
      resolve(value);
    }) as ChatConnectionEvents[E]);
  });
}

const browser = Object.assign(new EventTarget(), { navigator: { onLine: true } });

let upstream: RecordingUpstream;
let stack: SignalRStack;
let connection: ChatConnection;

beforeEach(async () => {
  upstream = new RecordingUpstream();
  await upstream.start();
  stack = new SignalRStack({
    upstream: [
      { urlTemplate: `http://127.0.0.1:${upstream.port}/upstream/{hub}/{category}/{event}` },
    ],
  });
  await stack.start();
  connection = createSignalRConnection({ url: stack.apiUrl, browser, logLevel: LogLevel.None });
});

afterEach(async () => {
  await connection.stop();
  await stack.stop();
  await upstream.stop();
});

async function connect(): Promise<void> {
  const connected = new Promise<void>((resolve) => {
    const off = connection.on('status', (status) => {
      if (status !== 'connected') return;
      off();
      resolve();
    });
  });
  connection.start();
  await connected;
}

describe('SignalR connection: presence and typing', () => {
  it('passes on well-formed userJoined, userLeft and typing events only', async () => {
    await connect();
    const bob = { id: 'bob-id', name: 'bob', since: '2026-01-01T12:00:00.000Z' };

    const joined = next(connection, 'userJoined');
    await stack.broadcast('userJoined', { id: 'bob-id' }); // no name: dropped
    await stack.broadcast('userJoined', bob);
    expect(await joined).toEqual(bob);

    const left = next(connection, 'userLeft');
    await stack.broadcast('userLeft', {});
    await stack.broadcast('userLeft', { id: 'bob-id' });
    expect(await left).toBe('bob-id');

    const typing = next(connection, 'typing');
    await stack.broadcast('typing', { user: { id: 'bob-id' }, conversationId: 'general' });
    await stack.broadcast('typing', { user: { id: 'bob-id', name: 'bob' } }); // no conversation
    const notice = { user: { id: 'bob-id', name: 'bob' }, conversationId: 'dm.a.b' };
    await stack.broadcast('typing', notice);
    expect(await typing).toEqual(notice);
  });

  it('passes on well-formed conversationUpdated and conversationRemoved events only', async () => {
    await connect();
    const updated = next(connection, 'conversationUpdated');
    const summary = { id: 'r1', kind: 'room', name: 'ops', visibility: 'private', unread: 3 };
    await stack.broadcast('conversationUpdated', { id: 'r1', kind: 'room', name: 'ops' }); // no unread
    await stack.broadcast('conversationUpdated', { ...summary, kind: 'direct' }); // no partner
    await stack.broadcast('conversationUpdated', summary);
    expect(await updated).toEqual(summary);

    const removed = next(connection, 'conversationRemoved');
    await stack.broadcast('conversationRemoved', { id: '' });
    await stack.broadcast('conversationRemoved', { id: 'r1' });
    expect(await removed).toBe('r1');
  });

  it('sends the typing invocation, which the service hands to its upstream', async () => {
    expect(connection.sendTyping({ conversationId: 'general' })).toBe(false); // not connected yet
    await connect();
    expect(connection.sendTyping({ conversationId: 'general' })).toBe(true);
    expect(connection.sendTyping({ conversationId: 'dm.a.b' })).toBe(true);

    const calls = await upstream.received(2);
    expect(calls.map((call) => call.path)).toEqual([
      '/upstream/chat/messages/typing',
      '/upstream/chat/messages/typing',
    ]);
    expect(calls.map((call) => call.headers['x-asrs-user-id'])).toEqual(['alice-id', 'alice-id']);
    expect(calls.map((call) => call.body)).toEqual([
      { type: 1, target: 'typing', arguments: [{ conversationId: 'general' }] },
      { type: 1, target: 'typing', arguments: [{ conversationId: 'dm.a.b' }] },
    ]);
    // Fire and forget (no invocation id), and the connection stays up.
    expect(connection.status).toBe('connected');
  });
});
