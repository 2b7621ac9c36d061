// The REST calls presence and typing added, checked on the wire against a raw HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../src/signalr/connection-string.js';
import { createHubClient, SignalRError } from '../../src/signalr/rest-client.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(status: (url: string) => number): Promise<{ seen: string[]; url: string }> {
  const seen: string[] = [];
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => response.writeHead(status(request.url ?? '')).end());
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, url: `Endpoint=http://127.0.0.1;Port=${port};AccessKey=k;Version=1.0;` };
}

describe('hub REST client: presence calls', () => {
  it('broadcasts with each excluded connection as its own query parameter', async () => {
    const service = await serve(() => 202);
    const hub = createHubClient(parseConnectionString(service.url), 'chat');
    await hub.sendToAll('typing', [{}], ['a/1', 'b+2']);
    await hub.sendToAll('typing', [{}]);
    expect(service.seen).toEqual([
      'POST /api/hubs/chat/:send?excluded=a%2F1&excluded=b%2B2&api-version=2022-06-01',
      'POST /api/hubs/chat/:send?api-version=2022-06-01',
    ]);
  });

  it('asks whether a connection exists with HEAD: 200 yes, 404 no, anything else fails', async () => {
    const service = await serve((url) =>
      url.includes('/live?') ? 200 : url.includes('/gone?') ? 404 : 500,
    );
    const hub = createHubClient(parseConnectionString(service.url), 'Chat');
    await expect(hub.connectionExists('live')).resolves.toBe(true);
    await expect(hub.connectionExists('gone')).resolves.toBe(false);
    await expect(hub.connectionExists('broken')).rejects.toBeInstanceOf(SignalRError);
    expect(service.seen[0]).toBe('HEAD /api/hubs/chat/connections/live?api-version=2022-06-01');
  });
});
