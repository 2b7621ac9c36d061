// Starts a real Azurite table service for one test file: in memory, on a free port, as a child
// process this file owns (stopped by pid). Azurite accepts port 0 but does not report the port
// it got, so we pick a free one first and retry if another process grabs it in between.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort } from './free-port.js';

/** Azurite's well-known development account key (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteTables {
  port: number;
  connectionString: string;
  process: ChildProcess;
  /** Freezes the process (SIGSTOP): connections open but nothing answers. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

function azuriteTableScript(): string {
  // The package's `bin` entry for azurite-table; resolved from its package.json so no shell
  // wrapper sits between us and the process we stop.
  const packageJson = require.resolve('azurite/package.json');
  return packageJson.replace(/package\.json$/, 'dist/src/table/main.js');
}

export function connectionStringFor(port: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`
  );
}

function startOnce(port: number, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      azuriteTableScript(),
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/successfully started/i.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // keep draining so the child never blocks on a full pipe
        resolve(child);
      } else if (/EADDRINUSE|error/i.test(output)) {
        fail(new Error(`Azurite failed to start: ${output.trim().slice(0, 300)}`));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      fail(new Error(`Azurite exited early (${code}): ${output.trim()}`)),
    );
  });
}

export interface StartOptions {
  /** A fixed port (no retry on another one); by default a free port is chosen. */
  port?: number;
  timeoutMs?: number;
}

export async function startAzurite(options: StartOptions = {}): Promise<AzuriteTables> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt += 1) {
    const port = options.port ?? (await freePort());
    try {
      const child = await startOnce(port, timeoutMs);
      child.removeAllListeners('exit');
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      return {
        port,
        connectionString: connectionStringFor(port),
        process: child,
        pause: () => void child.kill('SIGSTOP'),
        resume: () => void child.kill('SIGCONT'),
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGCONT'); // a paused process cannot act on SIGTERM
          child.kill('SIGKILL');
          await exited;
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
