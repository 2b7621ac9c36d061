import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConnectionString } from '../src/signalr/connection-string.js';
import {
  createHubClient,
  SignalRError,
  statusForSignalRError,
} from '../src/signalr/rest-client.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(
  handler: (request: IncomingMessage, body: string) => { status: number } | 'hang',
): Promise<{ connectionString: string; connections: () => number }> {
  let connections = 0;
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const answer = handler(request, body);
      if (answer !== 'hang') response.writeHead(answer.status).end();
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString: `Endpoint=http://127.0.0.1;Port=${port};AccessKey=k;Version=1.0;`,
    connections: () => connections,
  };
}

describe('hub REST client', () => {
  it('posts the documented routes and bodies, reusing one kept-alive connection', async () => {
    const seen: { method?: string; url?: string; body: string; auth?: string }[] = [];
    const service = await serve((request, body) => {
      seen.push({
        method: request.method,
        url: request.url,
        body,
        auth: request.headers.authorization,
      });
      return { status: 202 };
    });
    const hub = createHubClient(parseConnectionString(service.connectionString), 'Chat');
    await hub.sendToAll('newMessage', [{ a: 1 }]);
    await hub.sendToUser('bob id/1', 'newMessage', ['x']);
    expect(seen.slice(0, 2).map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      {
        method: 'POST',
        url: '/api/hubs/chat/:send?api-version=2022-06-01',
        body: '{"target":"newMessage","arguments":[{"a":1}]}',
      },
      {
        method: 'POST',
        url: '/api/hubs/chat/users/bob%20id%2F1/:send?api-version=2022-06-01',
        body: '{"target":"newMessage","arguments":["x"]}',
      },
    ]);
    expect(seen.every((request) => request.auth?.startsWith('Bearer '))).toBe(true);
    // Kept-alive: more sends reuse the pooled sockets instead of opening one each. (undici may
    // open a second socket while the first is being released, hence "at most 2".)
    for (let i = 0; i < 8; i += 1) await hub.sendToAll('newMessage', [i]);
    expect(service.connections()).toBeLessThanOrEqual(2);
  });

  it('gives up after the timeout with a transient error (503)', async () => {
    const service = await serve(() => 'hang');
    const hub = createHubClient(parseConnectionString(service.connectionString), 'chat', {
      timeoutMs: 200,
    });
    const started = Date.now();
    const error = await hub.sendToAll('newMessage', []).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(SignalRError);
    expect((error as SignalRError).failure).toBe('timeout');
    expect(statusForSignalRError(error as SignalRError)).toBe(503);
  });

  it.each([
    [401, 502],
    [404, 502],
    [500, 502],
    [429, 503],
    [503, 503],
  ])('maps a service answer of %i to %i', async (status, expected) => {
    const service = await serve(() => ({ status }));
    const hub = createHubClient(parseConnectionString(service.connectionString), 'chat');
    const error = (await hub.sendToAll('newMessage', []).catch((e: unknown) => e)) as SignalRError;
    expect(error.failure).toBe('rejected');
    expect(error.status).toBe(status);
    expect(statusForSignalRError(error)).toBe(expected);
  });
});
