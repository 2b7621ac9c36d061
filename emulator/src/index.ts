import type { AddressInfo } from 'node:net';
import { ClientEndpoints } from './client/client-endpoints.js';
import { forwardToUpstream, rejectInServerlessMode } from './connection/client-invocations.js';
import { ConnectionStore } from './connection/connection-store.js';
import type { EmulatorContext } from './context.js';
import { createFront } from './http/front.js';
import { HubLifetimeManager } from './lifetime/hub-lifetime-manager.js';
import { type EmulatorOptions, resolveOptions } from './options.js';
import { compileTemplates } from './upstream/templates.js';
import { Upstream } from './upstream/upstream.js';

export type { EmulatorOptions } from './options.js';
export { DEFAULT_ACCESS_KEY } from './options.js';
export type { UpstreamTemplate } from './upstream/templates.js';
export { loadUpstreamSettings } from './upstream/settings-file.js';

export interface RunningEmulator {
  port: number;
  /** e.g. 'http://localhost:8888' */
  endpoint: string;
  /** 'Endpoint=http://localhost;Port=<port>;AccessKey=<key>;Version=1.0;' */
  connectionString: string;
  /** Connections that completed the handshake (for tests and benchmarks). */
  connectionCount(): number;
  /** Closes every client with a Close message allowing reconnect, then the server. */
  close(): Promise<void>;
}

const SHUTDOWN_REASON = 'The SignalR emulator is shutting down.';
/** How long close() waits for Close messages to reach clients before cutting their sockets. */
const SHUTDOWN_GRACE_MS = 1000;

/** Starts an emulator; resolves once it listens. */
export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  let port = resolved.port;
  const upstream =
    resolved.upstream.length > 0
      ? new Upstream({
          templates: compileTemplates(resolved.upstream),
          accessKey: resolved.accessKey,
          timeoutMs: resolved.upstreamTimeoutMs,
          limits: {
            perConnection: resolved.upstreamQueueLimit,
            total: 100 * resolved.upstreamQueueLimit,
          },
          log: resolved.log,
        })
      : undefined;
  const context: EmulatorContext = {
    options: resolved,
    lifetime: new HubLifetimeManager(resolved.clock),
    connections: new ConnectionStore(),
    policy: upstream ? forwardToUpstream(upstream) : rejectInServerlessMode,
    upstream,
    port: () => port,
  };
  const client = new ClientEndpoints(context);
  const server = createFront(context, client);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const endpoint = `http://localhost:${port}`;
  resolved.log(`SignalR emulator listening on http://${resolved.host}:${port}`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const open = context.connections.all();
      for (const connection of open) connection.close(SHUTDOWN_REASON, true);
      // Keep serving while the Close messages leave: a long-polling client must poll once more.
      // Meanwhile the upstream gets the disconnects, within the same grace period.
      await Promise.all([
        Promise.race([
          Promise.all(open.map((connection) => connection.drained())),
          new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()),
        ]),
        upstream?.close(SHUTDOWN_GRACE_MS),
      ]);
      client.close();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Whatever is still open (upgraded, streaming or idle keep-alive sockets) is cut now.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await serverClosed;
      resolved.log('SignalR emulator stopped');
    })();
    return closing;
  };

  return {
    port,
    endpoint,
    connectionString: `Endpoint=http://localhost;Port=${port};AccessKey=${resolved.accessKey};Version=1.0;`,
    connectionCount: () => context.lifetime.connectionCount(),
    close,
  };
}
