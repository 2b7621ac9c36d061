// The local stack: Azurite (table storage), the SignalR emulator, the local Functions host
// (serving api/), the Vite dev server (app/) and the real SWA CLI in front of them, each in its own process group so that
// stopping a service frees its port (the SWA CLI starts its server through a shell).
// `npm start` uses it with the default ports; the browser tests start one on free ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The official emulator's well-known key: not a secret, and the only key allowed in the repo. */
export const EMULATOR_ACCESS_KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';

/** Azurite's well-known development account key: public, documented by Microsoft. */
const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export type ServiceName = 'storage' | 'signalr' | 'api' | 'app' | 'swa';
export type StackPorts = Record<ServiceName, number>;

export const DEFAULT_PORTS: StackPorts = {
  storage: 10002,
  signalr: 8888,
  api: 7071,
  app: 5173,
  swa: 4280,
};

const SERVICE_TITLES: Record<ServiceName, string> = {
  storage: 'Azurite table storage',
  signalr: 'SignalR emulator',
  api: 'Functions host',
  app: 'Vite dev server',
  swa: 'SWA CLI',
};

/** Start order: each service only needs the ones before it. */
const START_ORDER: ServiceName[] = ['storage', 'signalr', 'api', 'app', 'swa'];

export interface StackOptions {
  ports?: Partial<StackPorts>;
  /** Where Azurite keeps its data; default `.azurite/` at the root (git-ignored). */
  storageDir?: string;
  /** Every output line of every service. Default: none. */
  log?: (service: ServiceName, line: string) => void;
  /** Called when a service exits while it was meant to be running. */
  onUnexpectedExit?: (service: ServiceName, code: number | null) => void;
  /** How long one service may take to become ready. */
  readyTimeoutMs?: number;
  /**
   * Which services to start (in start order); default all. Without the SWA CLI the emulator's
   * upstream events go straight to the Functions host, which is what SWA forwards them to.
   */
  services?: ServiceName[];
  /** Reload the API on changes (default true); a soak or benchmark turns it off. */
  watchApi?: boolean;
  /** App settings for the API on top of the stack's own (e.g. a raised rate limit). */
  apiSettings?: Record<string, string>;
}

export interface RunningStack {
  /** The address people open: the SWA CLI. */
  url: string;
  ports: StackPorts;
  /** The API's storage (Azurite), for tests that seed what took place long ago. */
  storageConnectionString: string;
  /** Stops a service's process group with its clean-stop signal, or with `signal` (a fault). */
  stopService(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  /** The pid of a running service's process (its group leader); undefined when not running. */
  pid(name: ServiceName): number | undefined;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {}

interface ServiceSpec {
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** Resolves when the service answers. */
  ready: (child: ChildProcess, lines: AsyncIterable<string>) => Promise<void>;
  /** The signal that makes it shut down cleanly; default SIGTERM. */
  stopSignal?: NodeJS.Signals;
}

function localNodeScript(relative: string): string {
  return path.join(ROOT, relative);
}

function storageConnectionString(port: number): string {
  // The short form means exactly Azurite's default port; any other needs the long form.
  return port === DEFAULT_PORTS.storage
    ? 'UseDevelopmentStorage=true'
    : `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_ACCOUNT_KEY};` +
        `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
}

interface SpecOptions {
  storageDir: string;
  /** The base URL that receives the emulator's upstream events. */
  upstreamBase: string;
  watchApi: boolean;
  apiSettings: Record<string, string>;
}

function serviceSpec(name: ServiceName, ports: StackPorts, options: SpecOptions): ServiceSpec {
  const tsx = ['--import', 'tsx'];
  const { storageDir } = options;
  switch (name) {
    case 'storage':
      return {
        args: [
          localNodeScript('node_modules/azurite/dist/src/table/main.js'),
          '--tableHost',
          '127.0.0.1',
          '--tablePort',
          String(ports.storage),
          '--location',
          storageDir,
          '--skipApiVersionCheck',
          '--disableTelemetry',
        ],
        cwd: ROOT,
        ready: (_child, lines) => waitForLine(lines, (line) => /successfully started/i.test(line)),
        // Azurite saves its data on SIGINT only; on SIGTERM it loses the last few seconds.
        stopSignal: 'SIGINT',
      };
    case 'signalr':
      return {
        args: [
          ...tsx,
          'emulator/src/cli.ts',
          '--port',
          String(ports.signalr),
          '--host',
          '127.0.0.1',
          // Events reach the API the way they do in Azure: through the Static Web App's public
          // route, which lets this one signed (not signed-in) route through.
          '--upstream',
          `${options.upstreamBase}/api/signalr/upstream/{hub}/{category}/{event}`,
        ],
        cwd: ROOT,
        ready: (_child, lines) => waitForLine(lines, (line) => line.startsWith('Endpoint=')),
      };
    case 'api':
      return {
        args: [
          ...tsx,
          'functions-host/src/cli.ts',
          '--port',
          String(ports.api),
          ...(options.watchApi ? [] : ['--no-watch']),
        ],
        cwd: ROOT,
        env: {
          AzureSignalRConnectionString: `Endpoint=http://localhost;Port=${ports.signalr};AccessKey=${EMULATOR_ACCESS_KEY};Version=1.0;`,
          ChatStorageConnectionString: storageConnectionString(ports.storage),
          ...options.apiSettings,
        },
        ready: () => waitForHttp(`http://127.0.0.1:${ports.api}/admin/functions`),
      };
    case 'app':
      return {
        args: [
          localNodeScript('node_modules/vite/bin/vite.js'),
          '--port',
          String(ports.app),
          '--strictPort',
          '--host',
          '127.0.0.1',
        ],
        cwd: path.join(ROOT, 'app'),
        ready: () => waitForHttp(`http://127.0.0.1:${ports.app}/`),
      };
    case 'swa':
      return {
        args: [
          localNodeScript('node_modules/@azure/static-web-apps-cli/dist/cli/bin.js'),
          'start',
          'chat',
          '--app-devserver-url',
          `http://127.0.0.1:${ports.app}`,
          '--api-devserver-url',
          `http://127.0.0.1:${ports.api}`,
          '--host',
          '127.0.0.1',
          '--port',
          String(ports.swa),
        ],
        cwd: ROOT,
        ready: () => waitForHttp(`http://127.0.0.1:${ports.swa}/.auth/me`),
      };
  }
}

/** Fails fast, naming the port, when something else already listens there. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `Port ${port} (${what}) is already in use. Stop whatever uses it, then try again.`,
            )
          : error,
      );
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** A port that was free a moment ago (for tests that run their own stack). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function freePorts(): Promise<StackPorts> {
  const ports: Partial<StackPorts> = {};
  for (const name of START_ORDER) ports[name] = await freePort();
  return ports as StackPorts;
}

async function waitForLine(
  lines: AsyncIterable<string>,
  matches: (line: string) => boolean,
): Promise<void> {
  for await (const line of lines) if (matches(line)) return;
  throw new Error('the service exited before it was ready');
}

// Polling is the only readiness signal these servers offer over HTTP; 100 ms keeps start-up brisk.
async function waitForHttp(url: string): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A line reader that several consumers can follow: the readiness check and the logger. */
function lineStream(child: ChildProcess, onLine: (line: string) => void): AsyncIterable<string> {
  const pending: string[] = [];
  let wake: (() => void) | undefined;
  let ended = 0;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) {
      ended += 1;
      continue;
    }
    const reader = createInterface({ input: stream });
    reader.on('line', (line) => {
      onLine(line);
      pending.push(line);
      wake?.();
    });
    reader.on('close', () => {
      ended += 1;
      wake?.();
    });
  }
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const line = pending.shift();
        if (line !== undefined) {
          yield line;
          continue;
        }
        if (ended >= 2) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const ports: StackPorts = { ...DEFAULT_PORTS, ...options.ports };
  const storageDir = options.storageDir ?? path.join(ROOT, '.azurite');
  const log = options.log ?? (() => {});
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const services = START_ORDER.filter((name) => options.services?.includes(name) ?? true);
  const specOptions: SpecOptions = {
    storageDir,
    upstreamBase: services.includes('swa')
      ? `http://localhost:${ports.swa}`
      : `http://127.0.0.1:${ports.api}`,
    watchApi: options.watchApi ?? true,
    apiSettings: options.apiSettings ?? {},
  };
  const running = new Map<ServiceName, { child: ChildProcess; spec: ServiceSpec }>();
  const stopping = new Set<ServiceName>();

  // A crash of this process must not leave servers holding ports.
  const killAll = () => running.forEach(({ child }) => signalGroup(child, 'SIGKILL'));
  process.once('exit', killAll);

  async function startService(name: ServiceName): Promise<void> {
    if (running.has(name)) return;
    await assertPortFree(ports[name], SERVICE_TITLES[name]);
    const spec = serviceSpec(name, ports, specOptions);
    const child = spawn(process.execPath, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so that stopping it reaches its children too
    });
    running.set(name, { child, spec });
    const lines = lineStream(child, (line) => log(name, line));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => {
        running.delete(name);
        if (!stopping.has(name)) options.onUnexpectedExit?.(name, code);
        reject(new Error(`${SERVICE_TITLES[name]} exited with code ${code} before it was ready`));
      }),
    );
    exited.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`${SERVICE_TITLES[name]} was not ready within ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
    });
    try {
      await Promise.race([spec.ready(child, lines), exited, timeout]);
    } catch (error) {
      await stopService(name);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function stopService(name: ServiceName, signal?: NodeJS.Signals): Promise<void> {
    const service = running.get(name);
    if (!service) return;
    const { child, spec } = service;
    stopping.add(name);
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    signalGroup(child, signal ?? spec.stopSignal ?? 'SIGTERM');
    const killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(killTimer);
    // The group may hold more than the leader (the SWA CLI's server): make sure all of it is gone.
    signalGroup(child, 'SIGKILL');
    running.delete(name);
    stopping.delete(name);
  }

  async function stop(): Promise<void> {
    for (const name of [...START_ORDER].reverse()) await stopService(name);
    process.removeListener('exit', killAll);
  }

  for (const name of services) await assertPortFree(ports[name], SERVICE_TITLES[name]);
  try {
    for (const name of services) await startService(name);
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = (name: ServiceName): number | undefined => running.get(name)?.child.pid;
  return {
    url: `http://localhost:${ports.swa}`,
    ports,
    storageConnectionString: storageConnectionString(ports.storage),
    startService,
    stopService,
    pid,
    stop,
  };
}
