import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RECORD_SEPARATOR } from './protocol.js';

// The baseline: the least a server must do to deliver the same frames to the same clients.
// It answers negotiate and the JSON handshake so that the bench clients are byte-for-byte the
// ones used against the emulator, skips token checks and keeps no per-connection state beyond
// the socket, and serialises and UTF-8-encodes each broadcast once before writing that one buffer
// to every socket as a text frame (ws.send(string) would encode it again for every client).

export interface PlainServer {
  port: number;
  connectionCount(): number;
  close(): Promise<void>;
}

const BROADCAST_ROUTE = /^\/api\/hubs\/[^/]+\/:send$/;
const HANDSHAKE_RESPONSE = `{}${RECORD_SEPARATOR}`;
const TEXT_FRAME = { binary: false } as const;

export async function startPlainServer(host = '127.0.0.1'): Promise<PlainServer> {
  const clients = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });

  const server = createServer((request, response) => {
    void route(request, response, clients).catch(() => reply(response, 400, 'bad request'));
  });

  server.on('upgrade', (request, socket, head) => {
    if (!request.url?.startsWith('/client/')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => acceptClient(ws, clients));
  });

  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    connectionCount: () => clients.size,
    close: async () => {
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function acceptClient(ws: WebSocket, clients: Set<WebSocket>): void {
  // The first message is the handshake; the client only counts once it has been answered.
  ws.once('message', () => {
    ws.send(HANDSHAKE_RESPONSE);
    clients.add(ws);
  });
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => ws.terminate());
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  clients: Set<WebSocket>,
): Promise<void> {
  const path = (request.url ?? '').split('?')[0] ?? '';
  if (request.method === 'POST' && path === '/client/negotiate') {
    await readBody(request);
    const id = randomUUID();
    reply(response, 200, {
      connectionId: id,
      connectionToken: id,
      negotiateVersion: 1,
      availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
    });
    return;
  }
  if (request.method === 'POST' && BROADCAST_ROUTE.test(path)) {
    const body = JSON.parse(await readBody(request)) as { target: string; arguments: unknown[] };
    const frame = Buffer.from(
      `${JSON.stringify({ type: 1, target: body.target, arguments: body.arguments })}${RECORD_SEPARATOR}`,
    );
    for (const ws of clients) ws.send(frame, TEXT_FRAME);
    response.writeHead(202).end();
    return;
  }
  reply(response, 404, 'not found');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
