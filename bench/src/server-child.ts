// Runs the server under test in its own process, so that its CPU is not shared with the
// clients' event loop and its memory can be read from its own process.memoryUsage().
// Started by server-process.ts with --expose-gc; talks to the parent over the IPC channel.
import { startPlainServer } from './plain-server.js';
import type { ChildReply, ParentRequest, ServerKind } from './server-messages.js';
import { BENCH_ACCESS_KEY } from './target.js';

interface RunningServer {
  port: number;
  connectionCount(): number;
  close(): Promise<void>;
}

async function start(kind: ServerKind): Promise<RunningServer> {
  if (kind === 'plain') return startPlainServer();
  const { startEmulator } = await import('signalr-emulator');
  return startEmulator({ port: 0, host: '127.0.0.1', accessKey: BENCH_ACCESS_KEY });
}

function send(message: ChildReply): void {
  if (process.connected) process.send?.(message);
}

const kind = process.argv[2];
if (kind !== 'plain' && kind !== 'emulator') {
  console.error(`server-child: unknown server kind ${String(kind)}`);
  process.exit(2);
}

const server = await start(kind);
send({ type: 'ready', port: server.port });

let stopping: Promise<void> | undefined;
function shutdown(): Promise<void> {
  stopping ??= server.close().finally(() => send({ type: 'closed' }));
  return stopping;
}

// The parent going away (crash, Ctrl-C) closes the IPC channel: never outlive it.
process.on('disconnect', () => void shutdown().finally(() => process.exit(0)));

process.on('message', (raw: ParentRequest) => {
  if (raw.type === 'memory') {
    // Two collections: the first may only schedule finalisers that free more.
    globalThis.gc?.();
    globalThis.gc?.();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const cpu = process.cpuUsage();
    send({
      type: 'memory',
      id: raw.id,
      memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
      connections: server.connectionCount(),
      cpuMicros: cpu.user + cpu.system,
    });
  } else if (raw.type === 'close') {
    void shutdown().finally(() => process.exit(0));
  }
});
