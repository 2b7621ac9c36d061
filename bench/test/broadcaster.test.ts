import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Broadcaster } from '../src/broadcaster.js';
import { describeTarget } from '../src/target.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** A server that drops a kept-alive socket when a second request arrives on it. */
async function serverDroppingReusedSockets(): Promise<{ port: number; served: string[] }> {
  const served: string[] = [];
  const requestsPerSocket = new Map<Socket, number>();
  server = createServer((request, response) => {
    const count = (requestsPerSocket.get(request.socket) ?? 0) + 1;
    requestsPerSocket.set(request.socket, count);
    if (count > 1) {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      served.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, served };
}

describe('Broadcaster', () => {
  it('sends again, once, when a kept-alive socket is closed under the request', async () => {
    const { port, served } = await serverDroppingReusedSockets();
    const broadcaster = new Broadcaster(describeTarget(port));
    try {
      expect(await broadcaster.send('{"n":1}')).toEqual({ status: 202, retried: false });
      expect(await broadcaster.send('{"n":2}')).toEqual({ status: 202, retried: true });
      expect(served).toEqual(['{"n":1}', '{"n":2}']);
    } finally {
      broadcaster.close();
    }
  });

  it('does not hide a server that refuses connections', async () => {
    const { port } = await serverDroppingReusedSockets();
    server?.close();
    server?.closeAllConnections();
    const broadcaster = new Broadcaster(describeTarget(port));
    try {
      await expect(broadcaster.send('{}')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      broadcaster.close();
    }
  });
});
