import { setTimeout as delay } from 'node:timers/promises';
import { Broadcaster } from './broadcaster.js';
import { ClientPool, type Clients, type ConnectReport } from './client-pool.js';
import { runFanout, type FanoutOptions, type FanoutResult } from './fanout.js';
import type { BenchOptions } from './options.js';
import type { MemorySnapshot, ServerKind } from './server-messages.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { describeTarget } from './target.js';
import { ThreadedClients } from './threaded-clients.js';

const CONNECT_TIMEOUT_MS = 15_000;

export interface MemoryReport {
  idle: MemorySnapshot;
  loaded: MemorySnapshot;
  /** Growth of the server process per connected client, in bytes, after a forced GC. */
  rssPerConnection: number;
  heapPerConnection: number;
}

/** A server with its clients connected, before any measured broadcast. */
export interface TargetSetup {
  kind: ServerKind;
  connect: ConnectReport;
  /** Connections as counted by the server itself. */
  serverConnections: number;
  memory: MemoryReport;
}

export interface FanoutMeasurement {
  kind: ServerKind;
  round: number;
  fanout: FanoutResult;
  /** Broadcasts one at a time after the fan-out: delivery latency without queueing. */
  unloaded?: FanoutResult;
  /** CPU time over the measured fan-out as a share of one core: is a side saturated? */
  cpuShare: { server: number; clients: number };
  /** Server CPU time per delivered message: cost that background load barely changes. */
  serverCpuMicrosPerDelivery: number;
  /** The bench process's CPU time (all its threads) per delivered message. */
  clientCpuMicrosPerDelivery: number;
}

export interface ConnectedTarget {
  setup: TargetSetup;
  measure(round: number): Promise<FanoutMeasurement>;
  close(): Promise<void>;
}

/**
 * Starts a server, connects the fan-out clients and warms it up. The caller then measures it
 * round after round, alternating with the other server while both keep their clients.
 */
export async function connectTarget(
  kind: ServerKind,
  options: BenchOptions,
): Promise<ConnectedTarget> {
  const { server, pool, broadcaster, close } = await openTarget(kind, options);
  try {
    const idle = await server.memory();
    const connect = await pool.connect(
      options.clients,
      options.connectConcurrency,
      CONNECT_TIMEOUT_MS,
    );
    const loaded = await server.memory();
    const fanoutOptions = (broadcasts: number, inFlight = options.inFlight): FanoutOptions => ({
      broadcasts,
      inFlight,
      payloadBytes: options.payloadBytes,
      timeoutMs: options.timeoutSeconds * 1000,
    });
    if (options.warmupBroadcasts > 0) {
      await runFanout(
        pool,
        broadcaster,
        connect.connected,
        fanoutOptions(options.warmupBroadcasts),
      );
    }
    return {
      setup: {
        kind,
        connect,
        serverConnections: loaded.connections,
        memory: memoryReport(idle.memory, loaded.memory, connect.connected),
      },
      measure: async (round) => {
        const serverBefore = await server.memory();
        const clientsBefore = process.cpuUsage();
        const fanout = await runFanout(
          pool,
          broadcaster,
          connect.connected,
          fanoutOptions(options.broadcasts),
        );
        const clientsCpu = process.cpuUsage(clientsBefore);
        const serverAfter = await server.memory();
        const serverMicros = serverAfter.cpuMicros - serverBefore.cpuMicros;
        const share = (micros: number): number => micros / 1000 / fanout.durationMs;
        const perDelivery = (micros: number): number =>
          fanout.delivered > 0 ? micros / fanout.delivered : Number.NaN;
        const unloaded =
          options.unloadedBroadcasts > 0
            ? await runFanout(
                pool,
                broadcaster,
                connect.connected,
                fanoutOptions(options.unloadedBroadcasts, 1),
              )
            : undefined;
        return {
          kind,
          round,
          fanout,
          ...(unloaded ? { unloaded } : {}),
          cpuShare: {
            server: share(serverMicros),
            clients: share(clientsCpu.user + clientsCpu.system),
          },
          serverCpuMicrosPerDelivery: perDelivery(serverMicros),
          clientCpuMicrosPerDelivery: perDelivery(clientsCpu.user + clientsCpu.system),
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
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

/** Many clients connect and stay; afterwards, are they all still there and what do they cost? */
export async function holdScenario(kind: ServerKind, options: BenchOptions): Promise<HoldScenario> {
  const { server, pool, broadcaster, close } = await openTarget(kind, options);
  try {
    const idle = await server.memory();
    const connect = await pool.connect(
      options.holdClients,
      options.connectConcurrency,
      CONNECT_TIMEOUT_MS,
    );
    // Holding for a while is the point of this phase, so a plain delay is what is wanted.
    await delay(options.holdSeconds * 1000);
    const loaded = await server.memory();
    const openAfterHold = await pool.openCount();
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
      closedByServer: await pool.serverCloses(),
      allHeld:
        openAfterHold === options.holdClients &&
        loaded.connections === options.holdClients &&
        broadcastCheck.delivered === options.holdClients,
      broadcastCheck,
      memory: memoryReport(idle.memory, loaded.memory, openAfterHold),
    };
  } finally {
    await close();
  }
}

async function openTarget(
  kind: ServerKind,
  { clientThreads, messagePackShare }: BenchOptions,
): Promise<{
  server: ServerProcess;
  pool: Clients;
  broadcaster: Broadcaster;
  close: () => Promise<void>;
}> {
  const server = await startServerProcess(kind);
  const target = describeTarget(server.port);
  const pool: Clients =
    clientThreads > 0
      ? new ThreadedClients(server.port, clientThreads, messagePackShare)
      : new ClientPool(target, messagePackShare);
  const broadcaster = new Broadcaster(target);
  return {
    server,
    pool,
    broadcaster,
    close: async () => {
      await pool.close();
      broadcaster.close();
      await server.stop();
    },
  };
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
