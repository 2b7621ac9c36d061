/**
 * A real HTTP upstream for the tests: records every request and answers with whatever the
 * test's handler says (including never answering), on a free port of 127.0.0.1.
 */
import { type IncomingHttpHeaders, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as signalR from '@microsoft/signalr';
import { afterEach } from 'vitest';
import { clientToken } from './helpers.js';
import type { RunningEmulator } from '../src/index.js';

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> | undefined;
}

/** Answers one request; returning without ending the response leaves the request hanging. */
export type UpstreamHandler = (request: UpstreamRequest, response: ServerResponse) => void;

export const answerOk: UpstreamHandler = (_request, response) => response.writeHead(200).end();

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.();
});

export interface TestUpstream {
  url: string;
  requests: UpstreamRequest[];
  handler: UpstreamHandler;
  /** Waits until `count` requests matched `filter` (all requests without one). */
  waitFor(
    count: number,
    filter?: (request: UpstreamRequest) => boolean,
    timeoutMs?: number,
  ): Promise<UpstreamRequest[]>;
}

export async function upstreamServer(handler: UpstreamHandler = answerOk): Promise<TestUpstream> {
  let wake: (() => void)[] = [];
  const upstream: TestUpstream = {
    url: '',
    requests: [],
    handler,
    async waitFor(count, filter = () => true, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = upstream.requests.filter(filter);
        if (matching.length >= count) return matching;
        const left = deadline - Date.now();
        if (left <= 0) {
          const seen = upstream.requests.map((r) => r.path).join(', ');
          throw new Error(`timed out waiting for ${count} upstream requests; saw: ${seen}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const recorded: UpstreamRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        json,
      };
      upstream.requests.push(recorded);
      const waiters = wake;
      wake = [];
      for (const resolve of waiters) resolve();
      upstream.handler(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return upstream;
}

/**
 * An official client straight to the emulator with a token carrying `claims` (as the API's
 * negotiate would mint it); stopped after the test by the caller's cleanup.
 */
export async function clientWithClaims(
  running: RunningEmulator,
  user: string | undefined,
  claims: Record<string, unknown> = {},
  query = '',
): Promise<signalR.HubConnection> {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${running.endpoint}/client/?hub=chat${query}`, {
      transport: signalR.HttpTransportType.WebSockets,
      accessTokenFactory: () => clientToken('chat', user, claims),
    })
    .configureLogging(signalR.LogLevel.None)
    .build();
  await connection.start();
  servers.push(() => connection.stop());
  return connection;
}

/** The URL of a port on 127.0.0.1 that was just free: connections to it are refused. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
