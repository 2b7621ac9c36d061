/**
 * A TCP proxy in front of the emulator that can cut every connection through it, as a network
 * drop does, and hold new connections until the network is "back": the client's sockets are
 * real, and so is what the server sees (an abrupt close without a close frame).
 */
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface CuttableProxy {
  /** e.g. 'http://127.0.0.1:41234' */
  endpoint: string;
  /** Destroys every connection through the proxy; new ones wait until restore(). */
  cut(): void;
  /** Resolves once a client has tried to connect while the proxy is cut. */
  waitForHeldConnection(timeoutMs?: number): Promise<void>;
  /** Forwards the waiting connections and every later one. */
  restore(): void;
}

const servers: Server[] = [];
afterEach(async () => {
  while (servers.length > 0) {
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
  }
});

export async function cuttableProxy(targetPort: number): Promise<CuttableProxy> {
  const open = new Set<Socket>();
  let held: Socket[] = [];
  let cut = false;
  let onHeld: (() => void) | undefined;

  const forward = (client: Socket): void => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server = createServer((client) => {
    client.on('error', () => undefined);
    if (!cut) return forward(client);
    held.push(client);
    onHeld?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  server.on('close', () => [...open, ...held].forEach((socket) => socket.destroy()));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    waitForHeldConnection(timeoutMs = 10_000) {
      if (held.length > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no connection attempt')), timeoutMs);
        onHeld = () => {
          clearTimeout(timer);
          onHeld = undefined;
          resolve();
        };
      });
    },
    restore() {
      cut = false;
      const waiting = held;
      held = [];
      waiting.forEach(forward);
    },
  };
}
