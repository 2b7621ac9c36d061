// The local stack the way a person runs it: Azurite (tables), the SignalR emulator, the local
// Functions host serving this app, and official @microsoft/signalr clients signed in through
// the SWA header.
import { fileURLToPath } from 'node:url';
import { startFunctionsHost, type RunningFunctionsHost } from 'functions-host';
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { startEmulator, type RunningEmulator } from 'signalr-emulator';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { Inbox } from '../support/inbox.js';
import { principalHeader, type TestUser } from '../support/requests.js';

export const API_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface Stack {
  /** Replaceable: a test may stop it and start another on the same port. */
  azurite: AzuriteTables;
  emulator: RunningEmulator;
  host: RunningFunctionsHost;
  /** Every line the host logged (one per invocation). */
  hostLog: string[];
  close(): Promise<void>;
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const [azurite, emulator] = await Promise.all([startAzurite(), startEmulator({ port: 0 })]);
  const hostLog: string[] = [];
  const host = await startFunctionsHost({
    appDir: API_DIR,
    port: 0,
    env: {
      AzureSignalRConnectionString: emulator.connectionString,
      ChatStorageConnectionString: azurite.connectionString,
      ...env,
    },
    log: (line) => hostLog.push(line),
  });
  const stack: Stack = {
    azurite,
    emulator,
    host,
    hostLog,
    close: async () => {
      await host.close();
      await stack.emulator.close();
      await stack.azurite.stop();
    },
  };
  return stack;
}

/** A signed-in person's app: negotiates through `<host>/api`, as the React app does. */
export async function connectPerson(
  host: RunningFunctionsHost,
  user: TestUser,
  retryDelayMs = 200,
): Promise<Inbox> {
  const connection = new HubConnectionBuilder()
    .withUrl(`${host.url}/api`, { headers: { 'x-ms-client-principal': principalHeader(user) } })
    .withAutomaticReconnect({
      nextRetryDelayInMilliseconds: (context) =>
        context.previousRetryCount < 100 ? retryDelayMs : null,
    })
    .configureLogging(LogLevel.None)
    .build();
  const inbox = new Inbox(connection);
  await connection.start();
  return inbox;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Any API route as `user` (or anonymously): `path` is after `/api/`, `body` sent as JSON. */
export async function callApi(
  host: RunningFunctionsHost,
  user: TestUser | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const response = await fetch(`${host.url}/api/${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(user ? { 'x-ms-client-principal': principalHeader(user) } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

/** POST /api/messages as `user` (or anonymously), returning status and JSON body. */
export function postMessage(
  host: RunningFunctionsHost,
  user: TestUser | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  return callApi(host, user, 'POST', 'messages', body, headers);
}

/** GET /api/messages (or a conversation's messages) as `user`, returning status and JSON body. */
export function getMessages(
  host: RunningFunctionsHost,
  user: TestUser | undefined,
  query: Record<string, string> | string = {},
  conversationId?: string,
): Promise<ApiAnswer> {
  const search = typeof query === 'string' ? query : new URLSearchParams(query).toString();
  const path = conversationId
    ? `conversations/${encodeURIComponent(conversationId)}/messages`
    : 'messages';
  return callApi(host, user, 'GET', `${path}${search ? `?${search}` : ''}`);
}
