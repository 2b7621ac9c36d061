/**
 * Shared test helpers: token minting (independent of the emulator's own JWT code, so a bug
 * there cannot hide itself), an emulator and a tiny negotiate app per test, and a client
 * factory for the official @microsoft/signalr client.
 */
import { createHmac } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as signalR from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { afterEach } from 'vitest';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../src/index.js';

export const KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
export const TRANSPORTS = [
  ['WebSockets', signalR.HttpTransportType.WebSockets],
  ['ServerSentEvents', signalR.HttpTransportType.ServerSentEvents],
  ['LongPolling', signalR.HttpTransportType.LongPolling],
] as const;

const now = () => Math.floor(Date.now() / 1000);

export function mintToken(
  claims: Record<string, unknown>,
  key = KEY,
  header: object = { alg: 'HS256', typ: 'JWT' },
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(claims)}`;
  const signature = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(unsigned)
    .digest('base64url');
  return `${unsigned}.${signature}`;
}

/** A client token as the service SDKs mint it: aud without the port. */
export function clientToken(
  hub: string,
  userId?: string,
  extra: Record<string, unknown> = {},
): string {
  return mintToken({
    aud: `http://localhost/client/?hub=${hub}`,
    iat: now(),
    nbf: now(),
    exp: now() + 3600,
    ...(userId === undefined ? {} : { 'asrs.s.uid': userId }),
    ...extra,
  });
}

export function restToken(url: string, extra: Record<string, unknown> = {}): string {
  const parsed = new URL(url);
  return mintToken({
    aud: `${parsed.origin}${parsed.pathname}`,
    iat: now(),
    nbf: now(),
    exp: now() + 3600,
    ...extra,
  });
}

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** An emulator on a free port with short timers; stopped after the test. */
export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const running = await startEmulator({
    port: 0,
    keepAliveIntervalMs: 1000,
    clientTimeoutMs: 5000,
    handshakeTimeoutMs: 2000,
    ...options,
  });
  cleanups.push(() => running.close());
  return running;
}

/**
 * The app's negotiate endpoint, as our API will answer it: POST <app>/negotiate?user=<id>
 * returns `{url, accessToken}` pointing the client at the emulator.
 */
export async function negotiateApp(
  running: RunningEmulator,
  hub = 'chat',
  /** Where clients are sent: the emulator itself, or a proxy in front of it. */
  serviceEndpoint = running.endpoint,
): Promise<string> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://app');
    if (request.method !== 'POST' || url.pathname !== '/api/negotiate') {
      response.writeHead(404).end();
      return;
    }
    const user = url.searchParams.get('user') ?? undefined;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({
        url: `${serviceEndpoint}/client/?hub=${hub}`,
        accessToken: clientToken(hub, user),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

/** Collects `newMessage` (or another target) invocations and waits for them. */
export class Inbox {
  readonly messages: unknown[][] = [];
  private waiters: Array<() => void> = [];

  push(args: unknown[]): void {
    this.messages.push(args);
    for (const wake of this.waiters.splice(0)) wake();
  }

  has(value: unknown): boolean {
    return this.messages.some((args) => args[0] === value);
  }

  async waitFor(value: unknown, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.has(value)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${JSON.stringify(value)}; got ${JSON.stringify(this.messages)}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface TestClient {
  connection: signalR.HubConnection;
  inbox: Inbox;
  closed: Promise<Error | undefined>;
}

export interface ClientOptions {
  /** The official MessagePack hub protocol instead of JSON. */
  messagePack?: boolean;
  statefulReconnect?: boolean;
}

/** Starts an official client through the app's negotiate endpoint. */
export async function connect(
  appUrl: string,
  transport: signalR.HttpTransportType,
  user?: string,
  target = 'newMessage',
  options: ClientOptions = {},
): Promise<TestClient> {
  const url = user === undefined ? appUrl : `${appUrl}?user=${encodeURIComponent(user)}`;
  let builder = new signalR.HubConnectionBuilder()
    .withUrl(url, { transport, skipNegotiation: false })
    .configureLogging(signalR.LogLevel.None);
  if (options.messagePack) builder = builder.withHubProtocol(new MessagePackHubProtocol());
  if (options.statefulReconnect) builder = builder.withStatefulReconnect();
  const connection = builder.build();
  const inbox = new Inbox();
  connection.on(target, (...args: unknown[]) => inbox.push(args));
  const closed = new Promise<Error | undefined>((resolve) => connection.onclose(resolve));
  await connection.start();
  cleanups.push(() => connection.stop());
  return { connection, inbox, closed };
}

/** Calls the REST API with a valid token for the exact URL unless `token` is given. */
export async function rest(
  running: RunningEmulator,
  method: string,
  pathAndQuery: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const url = `${running.endpoint}${pathAndQuery}`;
  const token = options.token === undefined ? restToken(url) : options.token;
  const headers: Record<string, string> = { ...options.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  return fetch(url, { method, headers, body });
}

export function message(target: string, ...args: unknown[]) {
  return { target, arguments: args };
}
