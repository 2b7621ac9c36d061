import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, MemorySnapshot, ServerKind } from './server-messages.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;
const REPLY_TIMEOUT_MS = 10_000;

export interface ServerProcess {
  kind: ServerKind;
  port: number;
  pid: number;
  /** Memory of the server process after a forced GC, and its own count of live connections. */
  memory(): Promise<{ memory: MemorySnapshot; connections: number; cpuMicros: number }>;
  stop(): Promise<void>;
}

export async function startServerProcess(kind: ServerKind): Promise<ServerProcess> {
  const child = fork(CHILD_SCRIPT, [kind], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    // The server's own logs would drown the table; its errors still show.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await nextReply(child, (reply) => reply.type === 'ready', START_TIMEOUT_MS);
  if (ready.type !== 'ready') throw new Error('unreachable');
  let nextId = 0;

  return {
    kind,
    port: ready.port,
    pid: child.pid ?? -1,
    memory: async () => {
      const id = nextId++;
      const pending = nextReply(child, (r) => r.type === 'memory' && r.id === id, REPLY_TIMEOUT_MS);
      child.send({ type: 'memory', id });
      const reply = await pending;
      if (reply.type !== 'memory') throw new Error('unreachable');
      return { memory: reply.memory, connections: reply.connections, cpuMicros: reply.cpuMicros };
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), REPLY_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function nextReply(
  child: ChildProcess,
  matches: (reply: ChildReply) => boolean,
  timeoutMs: number,
): Promise<ChildReply> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (reply: ChildReply): void => {
      if (!matches(reply)) return;
      cleanup();
      resolve(reply);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`server process exited early (code ${String(code)})`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`server process did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
