// The part of the local stack the soak needs (Azurite, the SignalR emulator, the Functions host
// serving api/), started by scripts/stack.ts on free ports, and the faults it can inflict on it.
// The API is reached directly on the Functions host with the principal header SWA would add.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  EMULATOR_ACCESS_KEY,
  freePorts,
  startStack,
  type RunningStack,
  type ServiceName,
} from '../../scripts/stack.js';

export type ProcessName = 'soak' | 'storage' | 'signalr' | 'api' | 'worker';

export interface SoakStack {
  /** http://127.0.0.1:<port>/api on the Functions host. */
  apiUrl: string;
  /** For the baseline: REST sends straight to the emulator. */
  signalRConnectionString: string;
  /** SIGKILL to the emulator, then a new one on the same port; resolves once it answers. */
  killEmulator(): Promise<void>;
  /** SIGSTOP to Azurite for `ms`, then SIGCONT; resolves once resumed. */
  freezeStorage(ms: number): Promise<void>;
  /** SIGKILL to the Functions host's worker; resolves once the host has loaded a new one. */
  killWorker(): Promise<void>;
  /** Resident memory of each process, in bytes. */
  memory(): Partial<Record<ProcessName, number>>;
  /** Services that exited without being asked to, with their exit codes. */
  readonly crashes: string[];
  /** The last lines each service printed (for the log file). */
  logLines(): string[];
  stop(): Promise<void>;
}

const WORKER_PID_LINE = /\(worker pid (\d+)\)/;
const MAX_LOG_LINES = 20_000;

function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export async function startSoakStack(apiSettings: Record<string, string>): Promise<SoakStack> {
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'soak-azurite-'));
  const ports = await freePorts();
  const crashes: string[] = [];
  const lines: string[] = [];
  let workerPid: number | undefined;
  let onWorker: (() => void) | undefined;
  let stack: RunningStack;
  try {
    stack = await startStack({
      ports,
      storageDir,
      services: ['storage', 'signalr', 'api'],
      watchApi: false,
      apiSettings,
      log: (service, line) => {
        if (lines.length >= MAX_LOG_LINES) lines.shift();
        lines.push(`[${new Date().toISOString()}] [${service}] ${line}`);
        const pid = service === 'api' ? WORKER_PID_LINE.exec(line)?.[1] : undefined;
        if (pid !== undefined) {
          workerPid = Number(pid);
          onWorker?.();
        }
      },
      onUnexpectedExit: (service: ServiceName, code) => {
        crashes.push(`${service} exited with code ${code}`);
      },
    });
  } catch (error) {
    await rm(storageDir, { recursive: true, force: true });
    throw error;
  }
  let frozen = false;
  const signalStorage = (signal: NodeJS.Signals): void => {
    const pid = stack.pid('storage');
    if (pid !== undefined) process.kill(-pid, signal);
  };

  return {
    apiUrl: `http://127.0.0.1:${ports.api}/api`,
    signalRConnectionString: `Endpoint=http://127.0.0.1;Port=${ports.signalr};AccessKey=${EMULATOR_ACCESS_KEY};Version=1.0;`,
    crashes,
    async killEmulator() {
      await stack.stopService('signalr', 'SIGKILL');
      await stack.startService('signalr');
    },
    async freezeStorage(ms) {
      signalStorage('SIGSTOP');
      frozen = true;
      await new Promise((resolve) => setTimeout(resolve, ms));
      signalStorage('SIGCONT');
      frozen = false;
    },
    async killWorker() {
      const pid = workerPid;
      if (pid === undefined) throw new Error('the Functions host has not reported its worker');
      const replaced = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no new worker within 120 s')), 120_000);
        onWorker = () => {
          if (workerPid === pid) return;
          clearTimeout(timer);
          onWorker = undefined;
          resolve();
        };
      });
      process.kill(pid, 'SIGKILL');
      await replaced;
    },
    memory: () => ({
      soak: process.memoryUsage().rss,
      storage: residentBytes(stack.pid('storage')),
      signalr: residentBytes(stack.pid('signalr')),
      api: residentBytes(stack.pid('api')),
      worker: residentBytes(workerPid),
    }),
    logLines: () => [...lines],
    async stop() {
      if (frozen) signalStorage('SIGCONT'); // a stopped process cannot act on its stop signal
      await stack.stop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
