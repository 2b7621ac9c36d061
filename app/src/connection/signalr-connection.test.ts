// @vitest-environment node
import { LogLevel } from '@microsoft/signalr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatMessage } from '../test/messages.js';
import { SignalRStack } from '../test/signalr-stack.js';
import type { ChatConnection, ConnectionStatus } from './chat-connection.js';
import {
  createSignalRConnection,
  isUnauthorizedError,
  retryDelayMs,
} from './signalr-connection.js';

/** Stands in for `window`: the online/offline events and navigator.onLine. */
class FakeBrowser extends EventTarget {
  navigator = { onLine: true };

  goOffline(): void {
    this.navigator.onLine = false;
    this.dispatchEvent(new Event('offline'));
  }

  goOnline(): void {
    this.navigator.onLine = true;
    this.dispatchEvent(new Event('online'));
  }
}

/** Resolves when `connection` emits `event` and `accept` says it is the one awaited. */
function next<T>(
  connection: ChatConnection,
  event: 'status' | 'message' | 'reconnected' | 'unauthorized',
  accept: (value: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const off = connection.on(event, ((value: T) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    }) as never);
  });
}

const statusIs = (wanted: ConnectionStatus) => (status: ConnectionStatus) => status === wanted;

let stack: SignalRStack;
let browser: FakeBrowser;
let connection: ChatConnection;
let statuses: ConnectionStatus[];

beforeEach(async () => {
  stack = new SignalRStack();
  await stack.start();
  browser = new FakeBrowser();
  connection = createSignalRConnection({ url: stack.apiUrl, browser, logLevel: LogLevel.None });
  statuses = [];
  connection.on('status', (status) => statuses.push(status));
});

afterEach(async () => {
  await connection.stop();
  await stack.stop();
});

describe('SignalR connection', () => {
  it('connects through negotiate and passes on well-formed newMessage events only', async () => {
    const connected = next(connection, 'status', statusIs('connected'));
    connection.start();
    expect(connection.status).toBe('connecting');
    await connected;
    expect(statuses).toEqual(['connecting', 'connected']);

    const received = next(connection, 'message');
    const message = chatMessage({ text: 'over the wire' });
    await stack.broadcast('newMessage', { id: 'malformed' });
    const { conversationId: _dropped, ...withoutConversation } = chatMessage();
    await stack.broadcast('newMessage', withoutConversation); // which timeline? dropped
    await stack.broadcast('newMessage', message);
    // Events arrive in order, so the first one to come through shows the malformed one was dropped.
    expect(await received).toEqual(message);
  });

  it('shows reconnecting when the service goes away and reconnects with a fresh negotiate', async () => {
    const connected = next(connection, 'status', statusIs('connected'));
    connection.start();
    await connected;
    expect(stack.negotiations).toBe(1);

    const reconnecting = next(connection, 'status', statusIs('reconnecting'));
    await stack.stopEmulator();
    await reconnecting;

    const reconnected = next(connection, 'reconnected');
    await stack.startEmulator();
    await reconnected;
    expect(connection.status).toBe('connected');
    expect(stack.negotiations).toBeGreaterThanOrEqual(2);

    const received = next(connection, 'message');
    const message = chatMessage({ text: 'after the restart' });
    await stack.broadcast('newMessage', message);
    expect(await received).toEqual(message);
  }, 30_000);

  it('reports an ended session when negotiate answers 401 at start', async () => {
    stack.denyNegotiate = true;
    const unauthorized = next(connection, 'unauthorized');
    connection.start();
    await unauthorized;
    expect(connection.status).toBe('offline');
    expect(stack.negotiations).toBe(1);
  });

  it('reports an ended session when negotiate answers 401 while reconnecting', async () => {
    const connected = next(connection, 'status', statusIs('connected'));
    connection.start();
    await connected;

    stack.denyNegotiate = true;
    const unauthorized = next(connection, 'unauthorized');
    await stack.stopEmulator();
    await unauthorized;
    expect(connection.status).toBe('offline');
  }, 30_000);

  it('keeps retrying the first connection until the service is there', async () => {
    await stack.stopEmulator();
    const offline = next(connection, 'status', statusIs('offline'));
    connection.start();
    await offline;

    const connected = next(connection, 'status', statusIs('connected'));
    await stack.startEmulator();
    await connected;
    expect(stack.negotiations).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('shows offline while the browser is offline', async () => {
    const connected = next(connection, 'status', statusIs('connected'));
    connection.start();
    await connected;

    browser.goOffline();
    expect(connection.status).toBe('offline');
    browser.goOnline();
    expect(connection.status).toBe('connected');
    expect(statuses).toEqual(['connecting', 'connected', 'offline', 'connected']);
  });

  it('stops for good on stop()', async () => {
    const connected = next(connection, 'status', statusIs('connected'));
    connection.start();
    await connected;
    await connection.stop();
    expect(connection.status).toBe('offline');
    expect(stack.negotiations).toBe(1);
  });
});

describe('connection helpers', () => {
  it('backs off up to 10 s and never gives up', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((attempts) => retryDelayMs(attempts, () => 0))).toEqual([
      0, 1000, 2000, 5000, 10000, 10000, 10000,
    ]);
  });

  it('spreads the tabs that lost their connection together over up to half the delay', () => {
    expect([0, 1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, () => 1))).toEqual([
      1000, 2000, 3000, 7500, 15000,
    ]);
    const firstRetries = new Set(Array.from({ length: 50 }, () => retryDelayMs(0)));
    expect(firstRetries.size).toBeGreaterThan(10);
  });

  it('recognises a refused negotiate as unauthorized', () => {
    expect(
      isUnauthorizedError(
        new Error("Failed to complete negotiation with the server: Error: : Status code '401'"),
      ),
    ).toBe(true);
    expect(isUnauthorizedError(new Error("Status code '503'"))).toBe(false);
    expect(isUnauthorizedError(undefined)).toBe(false);
  });
});
