import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RECORD_SEPARATOR, messagePackInvocation } from './protocol.js';

// The baseline: the least a server must do to deliver the same frames to the same clients.
// It answers negotiate and the handshake (JSON or MessagePack) so that the bench clients are
// byte-for-byte the ones used against the emulator, skips token checks and keeps no
// per-connection state beyond the socket and its protocol, and serialises each broadcast once
// per protocol before writing that one buffer to every socket of the protocol (ws.send(string)
// would encode it again for every client).

export interface PlainServer {
  port: number;
  connectionCount(): number;
  close(): Promise<void>;
}

const BROADCAST_ROUTE = /^\/api\/hubs\/[^/]+\/:send$/;
const HANDSHAKE_RESPONSE = `{}${RECORD_SEPARATOR}`;
const TEXT_FRAME = { binary: false } as const;
const BINARY_FRAME = { binary: true } as const;

/** The connected clients, by the protocol their handshake asked for. */
interface Clients {
  json: Set<WebSocket>;
  messagepack: Set<WebSocket>;
}

export async function startPlainServer(host = '127.0.0.1'): Promise<PlainServer> {
  const clients: Clients = { json: new Set(), messagepack: new Set() };
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
    connectionCount: () => clients.json.size + clients.messagepack.size,
    close: async () => {
      for (const ws of [...clients.json, ...clients.messagepack]) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function acceptClient(ws: WebSocket, clients: Clients): void {
  // The first message is the handshake; the client only counts once it has been answered.
  ws.once('message', (data: Buffer) => {
    const set = data.includes('"messagepack"') ? clients.messagepack : clients.json;
    ws.send(HANDSHAKE_RESPONSE);
    set.add(ws);
  });
  ws.on('close', () => {
    clients.json.delete(ws);
    clients.messagepack.delete(ws);
  });
  ws.on('error', () => ws.terminate());
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  clients: Clients,
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
    for (const ws of clients.json) ws.send(frame, TEXT_FRAME);
    if (clients.messagepack.size > 0) {
      const binary = messagePackInvocation(body.target, body.arguments);
      for (const ws of clients.messagepack) ws.send(binary, BINARY_FRAME);
    }
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
