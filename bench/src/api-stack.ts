// What the API benchmarks share: the local stack (in-memory Azurite, the emulator, the local
// Functions host serving the built API), timing many calls, and writing the results.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFunctionsHost, type RunningFunctionsHost } from 'functions-host';
import { startEmulator, type RunningEmulator } from 'signalr-emulator';
import { startAzurite, type AzuriteTables } from '../../api/test/support/azurite.js';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const API_DIR = join(BENCH_DIR, '..', 'api');
const RESULTS_DIR = join(BENCH_DIR, 'results');

export interface Measurement {
  count: number;
  failures: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** What the first failure said, when there were failures. */
  firstError?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A Measurement of latencies already taken (ms), over `seconds` of wall time. */
export function summarize(latencies: number[], failures: number, seconds: number): Measurement {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length + failures,
    failures,
    seconds: round(seconds),
    perSecond: round(sorted.length / seconds),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? NaN),
    },
  };
}

/** Runs `count` calls of `task`, `concurrency` at a time, timing each; a throw is a failure. */
export async function measure(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<Measurement> {
  const latencies: number[] = [];
  let failures = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        const t0 = performance.now();
        try {
          await task(index);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const measured = summarize(latencies, failures, (performance.now() - started) / 1000);
  return firstError === undefined ? measured : { ...measured, firstError };
}

export interface BenchPerson {
  userId: string;
  userDetails: string;
}

/** The x-ms-client-principal header SWA sets for a signed-in person. */
export function principal(person: BenchPerson): string {
  return Buffer.from(
    JSON.stringify({
      identityProvider: 'github',
      ...person,
      userRoles: ['anonymous', 'authenticated'],
    }),
  ).toString('base64');
}

export async function expectStatus(response: Response, status: number): Promise<string> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${text.slice(0, 300)}`);
  }
  return text;
}

export interface ApiStack {
  /** `<host>/api` */
  api: string;
  azurite: AzuriteTables;
  emulator: RunningEmulator;
  host: RunningFunctionsHost;
  /** The API's app settings for this stack. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Something a bench puts between the API and a service (a counting proxy): its address. */
export interface Interposers {
  signalREndpoint?: (emulator: RunningEmulator) => Promise<string>;
  storageConnectionString?: (azurite: AzuriteTables) => Promise<string>;
}

/** Builds the API, then starts Azurite, the emulator and the host. */
export async function startApiStack(
  settings: Record<string, string> = {},
  interposers: Interposers = {},
): Promise<ApiStack> {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: API_DIR, stdio: 'inherit' });
  const [azurite, emulator] = await Promise.all([startAzurite(), startEmulator({ port: 0 })]);
  const signalR = interposers.signalREndpoint
    ? `${emulator.connectionString.replace(/Endpoint=[^;]+;(Port=[^;]+;)?/, `Endpoint=${await interposers.signalREndpoint(emulator)};`)}ClientEndpoint=${emulator.endpoint};`
    : emulator.connectionString;
  const env = {
    AzureSignalRConnectionString: signalR,
    ChatStorageConnectionString: interposers.storageConnectionString
      ? await interposers.storageConnectionString(azurite)
      : azurite.connectionString,
    ...settings,
  };
  const host = await startFunctionsHost({ appDir: API_DIR, port: 0, env, log: () => undefined });
  return {
    api: `${host.url}/api`,
    azurite,
    emulator,
    host,
    env,
    close: async () => {
      await host.close();
      await emulator.close();
      await azurite.stop();
    },
  };
}

/** Writes `results` (with the machine it ran on) to bench/results/<name>-<time>.json. */
export async function writeResults(
  name: string,
  startedAt: number,
  results: Record<string, unknown>,
): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(
    RESULTS_DIR,
    `${name}-${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}.json`,
  );
  const machine = {
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((n) => Math.round(n * 10) / 10),
    node: process.version,
  };
  await writeFile(
    file,
    `${JSON.stringify({ startedAt: new Date(startedAt).toISOString(), machine, ...results }, null, 2)}\n`,
  );
  return file;
}

/** Markdown table rows of measurements. */
export function printMeasurements(rows: [string, Measurement][]): void {
  const width = Math.max(44, ...rows.map(([name]) => name.length));
  const row = (name: string, m: Measurement) =>
    `| ${name.padEnd(width)} | ${String(m.perSecond).padStart(7)} | ${String(m.latencyMs.p50).padStart(7)} | ${String(m.latencyMs.p99).padStart(7)} | ${String(m.failures).padStart(4)} |`;
  console.log('');
  console.log(
    `| ${'operation'.padEnd(width)} | ${'per s'.padStart(7)} | ${'p50 ms'.padStart(7)} | ${'p99 ms'.padStart(7)} | fail |`,
  );
  console.log(
    `|${'-'.repeat(width + 2)}|${'-'.repeat(9)}|${'-'.repeat(9)}|${'-'.repeat(9)}|------|`,
  );
  for (const [name, m] of rows) console.log(row(name, m));
  console.log('');
}
