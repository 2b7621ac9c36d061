// @vitest-environment node
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net';
import { LogLevel } from '@microsoft/signalr';
import { startEmulator, type RunningEmulator } from 'signalr-emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@chat/message';
import { chatMessage } from '../test/messages.js';
import { signToken } from '../test/signalr-stack.js';
import type { ChatConnection, ConnectionStatus } from './chat-connection.js';
import { createSignalRConnection } from './signalr-connection.js';

/**
 * A short network drop, for real: the official client talks to the emulator through a TCP
 * proxy that cuts every socket and holds the client's next attempt for a moment, as a network
 * that comes back does. With stateful reconnect the connection resumes and nothing is lost.
 */
class DroppingNetwork {
  private readonly open = new Set<Socket>();
  private held: Socket[] = [];
  private down = false;
  private readonly server = createTcpServer((client) => {
    client.on('error', () => undefined);
    if (this.down) {
      this.held.push(client);
      this.onHeld?.();
    } else {
      this.forward(client);
    }
  });
  private onHeld: (() => void) | undefined;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Cuts every socket; resolves once the client tries to come back (its attempt waits). */
  async drop(): Promise<void> {
    this.down = true;
    const attempted = new Promise<void>((resolve) => (this.onHeld = resolve));
    for (const socket of this.open) socket.destroy();
    await attempted;
  }

  restore(): void {
    this.down = false;
    for (const client of this.held.splice(0)) this.forward(client);
  }

  async stop(): Promise<void> {
    for (const socket of [...this.open, ...this.held]) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(client: Socket): void {
    const service = connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, service]) {
      this.open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.open.delete(socket);
        client.destroy();
        service.destroy();
      });
    }
    client.pipe(service);
    service.pipe(client);
  }
}

const browser = Object.assign(new EventTarget(), { navigator: { onLine: true } });

let emulator: RunningEmulator;
let network: DroppingNetwork;
let negotiate: Server;
let negotiations: number;
let connection: ChatConnection;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  network = new DroppingNetwork(emulator.port);
  const serviceOrigin = await network.start();
  negotiations = 0;
  negotiate = createServer((request, response) => {
    negotiations += 1;
    const url = `${serviceOrigin}/client/?hub=chat`;
    // The audience names the service as the server SDKs do, without a port (not the proxy's).
    const aud = 'http://127.0.0.1/client/?hub=chat';
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({ url, accessToken: signToken({ aud, 'asrs.s.uid': 'alice-id' }) }),
    );
  });
  await new Promise<void>((resolve) => negotiate.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(negotiate.address() as AddressInfo).port}/api`;
  connection = createSignalRConnection({ url: apiUrl, browser, logLevel: LogLevel.None });
});

afterEach(async () => {
  await connection.stop();
  await network.stop();
  await emulator.close();
  await new Promise((resolve) => negotiate.close(resolve));
});

async function broadcast(message: ChatMessage): Promise<void> {
  const url = `${emulator.endpoint}/api/hubs/chat/:send`;
  const response = await fetch(`${url}?api-version=2022-06-01`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${signToken({ aud: url })}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ target: 'newMessage', arguments: [message] }),
  });
  expect(response.status).toBe(202);
}

describe('SignalR connection across a short network drop', () => {
  it('resumes without a new negotiate or a reconnected event, and loses no message', async () => {
    const statuses: ConnectionStatus[] = [];
    const received: string[] = [];
    let reconnectedEvents = 0;
    connection.on('status', (status) => statuses.push(status));
    connection.on('message', (message) => received.push(message.text));
    connection.on('reconnected', () => (reconnectedEvents += 1));
    const connected = new Promise<void>((resolve) =>
      connection.on('status', (status) => status === 'connected' && resolve()),
    );
    connection.start();
    await connected;

    const texts = Array.from({ length: 30 }, (_, index) => `message ${index + 1}`);
    for (const text of texts.slice(0, 10)) await broadcast(chatMessage({ text }));
    await network.drop();
    for (const text of texts.slice(10, 20)) await broadcast(chatMessage({ text })); // while away
    network.restore();
    for (const text of texts.slice(20)) await broadcast(chatMessage({ text }));

    const deadline = Date.now() + 10_000;
    while (received.length < texts.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received).toEqual(texts);
    expect(negotiations).toBe(1);
    // The app saw nothing of the drop: no reconnect, so no catch-up of the timeline either.
    expect(reconnectedEvents).toBe(0);
    expect(statuses).toEqual(['connecting', 'connected']);
    expect(emulator.connectionCount()).toBe(1);
  }, 20_000);
});
