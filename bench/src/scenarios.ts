import { setTimeout as delay } from 'node:timers/promises';
import { Broadcaster } from './broadcaster.js';
import { ClientPool, type ConnectReport } from './client-pool.js';
import { runFanout, type FanoutResult } from './fanout.js';
import type { BenchOptions } from './options.js';
import type { MemorySnapshot, ServerKind } from './server-messages.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { describeTarget } from './target.js';

const CONNECT_TIMEOUT_MS = 15_000;

export interface MemoryReport {
  idle: MemorySnapshot;
  loaded: MemorySnapshot;
  /** Growth of the server process per connected client, in bytes, after a forced GC. */
  rssPerConnection: number;
  heapPerConnection: number;
}

export interface FanoutScenario {
  kind: ServerKind;
  connect: ConnectReport;
  serverConnections: number;
  memory: MemoryReport;
  fanout: FanoutResult;
  /** CPU time over the measured fan-out as a share of one core: is a side saturated? */
  cpuShare: { server: number; clients: number };
}

export interface HoldScenario {
  kind: ServerKind;
  connect: ConnectReport;
  heldSeconds: number;
  /** Open on the client side after the hold, as counted by the server, and closed meanwhile. */
  openAfterHold: number;
  serverConnections: number;
  closedByServer: number;
  allHeld: boolean;
  /** One broadcast to everybody after the hold, to prove the connections still carry traffic. */
  broadcastCheck: FanoutResult;
  memory: MemoryReport;
}

/** N clients connect, then broadcasts fan out to all of them. */
export async function fanoutScenario(
  kind: ServerKind,
  options: BenchOptions,
): Promise<FanoutScenario> {
  return withServer(kind, async (server, pool, broadcaster) => {
    const idle = await server.memory();
    const connect = await pool.connect(
      options.clients,
      options.connectConcurrency,
      CONNECT_TIMEOUT_MS,
    );
    const loaded = await server.memory();
    const fanoutOptions = {
      inFlight: options.inFlight,
      payloadBytes: options.payloadBytes,
      timeoutMs: options.timeoutSeconds * 1000,
    };
    if (options.warmupBroadcasts > 0) {
      await runFanout(pool, broadcaster, connect.connected, {
        ...fanoutOptions,
        broadcasts: options.warmupBroadcasts,
      });
    }
    const serverBefore = await server.memory();
    const clientsBefore = process.cpuUsage();
    const fanout = await runFanout(pool, broadcaster, connect.connected, {
      ...fanoutOptions,
      broadcasts: options.broadcasts,
    });
    const clientsCpu = process.cpuUsage(clientsBefore);
    const serverAfter = await server.memory();
    const share = (micros: number): number => micros / 1000 / fanout.durationMs;
    return {
      kind,
      connect,
      serverConnections: loaded.connections,
      memory: memoryReport(idle.memory, loaded.memory, connect.connected),
      fanout,
      cpuShare: {
        server: share(serverAfter.cpuMicros - serverBefore.cpuMicros),
        clients: share(clientsCpu.user + clientsCpu.system),
      },
    };
  });
}

/** Many clients connect and stay; afterwards, are they all still there and what do they cost? */
export async function holdScenario(kind: ServerKind, options: BenchOptions): Promise<HoldScenario> {
  return withServer(kind, async (server, pool, broadcaster) => {
    const idle = await server.memory();
    const connect = await pool.connect(
      options.holdClients,
      options.connectConcurrency,
      CONNECT_TIMEOUT_MS,
    );
    // Holding for a while is the point of this phase, so a plain delay is what is wanted.
    await delay(options.holdSeconds * 1000);
    const loaded = await server.memory();
    const openAfterHold = pool.openCount();
    const broadcastCheck = await runFanout(pool, broadcaster, openAfterHold, {
      broadcasts: 1,
      inFlight: 1,
      payloadBytes: options.payloadBytes,
      timeoutMs: options.timeoutSeconds * 1000,
    });
    return {
      kind,
      connect,
      heldSeconds: options.holdSeconds,
      openAfterHold,
      serverConnections: loaded.connections,
      closedByServer: pool.serverCloses(),
      allHeld:
        openAfterHold === options.holdClients &&
        loaded.connections === options.holdClients &&
        broadcastCheck.delivered === options.holdClients,
      broadcastCheck,
      memory: memoryReport(idle.memory, loaded.memory, openAfterHold),
    };
  });
}

async function withServer<T>(
  kind: ServerKind,
  body: (server: ServerProcess, pool: ClientPool, broadcaster: Broadcaster) => Promise<T>,
): Promise<T> {
  const server = await startServerProcess(kind);
  const target = describeTarget(server.port);
  const pool = new ClientPool(target);
  const broadcaster = new Broadcaster(target);
  try {
    return await body(server, pool, broadcaster);
  } finally {
    await pool.close();
    broadcaster.close();
    await server.stop();
  }
}

function memoryReport(
  idle: MemorySnapshot,
  loaded: MemorySnapshot,
  connections: number,
): MemoryReport {
  const perConnection = (bytes: number): number => (connections > 0 ? bytes / connections : 0);
  return {
    idle,
    loaded,
    rssPerConnection: perConnection(loaded.rss - idle.rss),
    heapPerConnection: perConnection(
      loaded.heapUsed + loaded.external - (idle.heapUsed + idle.external),
    ),
  };
}
