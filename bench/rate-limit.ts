// The cost of the shared rate limit: `npx tsx bench/rate-limit.ts [--takes N] [--concurrency N]`
// (`npm run bench:rate-limit`).
//
// Against Azurite (in memory), measures take() of the Table Storage limiter that the API runs
// (api/src/limits/) beside the in-memory limiter it replaced, each for 20 people in turn:
//  - warm: the instance already knows each person (the steady state of a send);
//  - cold: every take on a new instance (the first send of a person on an instance);
//  - contended: two instances alternating on the same people (each write finds the other's);
// with storage calls per take, and for reference the storage save of a message (saveMessage),
// the work a send does anyway. Prints a table, writes JSON to bench/results/rate-limit-<time>.json.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createMemoryRateLimiter,
  createTableRateLimiter,
  type RateLimiter,
  type TableRateLimiter,
} from '../api/src/limits/index.js';
import { createChatStorage, readStorageSettings } from '../api/src/storage/index.js';
import { startAzurite } from '../api/test/support/azurite.js';
import { measure as measureCalls } from './src/api-stack.js';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`Usage: tsx bench/rate-limit.ts [--takes N] [--concurrency N]`);
    process.exit(2);
  }
  return value;
}

const takes = option('takes', 2000);
const concurrency = option('concurrency', 8);
const people = Array.from({ length: 20 }, (_, i) => `bench-${randomUUID()}-${i}`);

interface Measurement {
  perSecond: number;
  p50: number;
  p99: number;
  storageCallsPerTake?: number;
}

/** Times `count` calls, `parallel` at a time (api-stack's measure); any failure fails the run. */
async function measure(
  count: number,
  parallel: number,
  task: (i: number) => Promise<unknown>,
): Promise<Omit<Measurement, 'storageCallsPerTake'>> {
  const measured = await measureCalls(count, parallel, async (i) => {
    await task(i);
  });
  if (measured.failures > 0)
    throw new Error(`${measured.failures} calls failed: ${measured.firstError}`);
  return {
    perSecond: Math.round(measured.perSecond),
    p50: measured.latencyMs.p50,
    p99: measured.latencyMs.p99,
  };
}

const azurite = await startAzurite();
try {
  const env = { ChatStorageConnectionString: azurite.connectionString };
  const settings = () => readStorageSettings(env);
  // A limit no run reaches: every take writes, which is what an accepted send costs.
  const shared = (): TableRateLimiter =>
    createTableRateLimiter({ scope: 'send', limit: 1e9, windowMs: 10_000, settings });
  const storage = createChatStorage(readStorageSettings(env));

  const calls = async (
    limiters: TableRateLimiter[],
    run: () => Promise<Omit<Measurement, 'storageCallsPerTake'>>,
  ): Promise<Measurement> => {
    const before = limiters.reduce((sum, l) => sum + l.storageCalls, 0);
    const result = await run();
    const after = limiters.reduce((sum, l) => sum + l.storageCalls, 0);
    return { ...result, storageCallsPerTake: Math.round(((after - before) / takes) * 100) / 100 };
  };
  const takeAll = (limiter: RateLimiter, parallel: number) =>
    measure(takes, parallel, (i) => limiter.take(people[i % people.length]!));

  // Warm-up: the table exists, connections are pooled, code is compiled.
  const warm = shared();
  await takeAll(warm, concurrency);
  await measure(100, 4, (i) =>
    storage.saveMessage({
      id: randomUUID(),
      text: `warm-up ${i}`,
      sender: { id: people[0]!, name: 'bench' },
      conversationId: 'general',
      isPrivate: false,
      sentAt: new Date().toISOString(),
    }),
  );

  const memory = createMemoryRateLimiter(1e9, 10_000);
  const results = {
    memory1: await takeAll(memory, 1),
    memoryN: await takeAll(memory, concurrency),
    warm1: await calls([warm], () => takeAll(warm, 1)),
    warmN: await calls([warm], () => takeAll(warm, concurrency)),
    cold1: await (async () => {
      const fresh: TableRateLimiter[] = [];
      return calls(fresh, () =>
        measure(takes, 1, (i) => {
          const limiter = shared();
          fresh.push(limiter);
          return limiter.take(people[i % people.length]!);
        }),
      );
    })(),
    contended1: await (async () => {
      const pair = [shared(), shared()];
      for (const limiter of pair) for (const person of people) await limiter.take(person);
      return calls(pair, () =>
        measure(takes, 1, (i) => pair[i % 2]!.take(people[Math.floor(i / 2) % people.length]!)),
      );
    })(),
    save1: await measure(takes, 1, (i) =>
      storage.saveMessage({
        id: randomUUID(),
        text: `bench ${i}`,
        sender: { id: people[i % people.length]!, name: 'bench' },
        conversationId: 'general',
        isPrivate: false,
        sentAt: new Date().toISOString(),
      }),
    ),
  };

  const rows: [string, Measurement][] = [
    ['in-memory limiter (the old one), 1 at a time', results.memory1],
    [`in-memory limiter, ${concurrency} at a time`, results.memoryN],
    ['table limiter, warm, 1 at a time', results.warm1],
    [`table limiter, warm, ${concurrency} at a time`, results.warmN],
    ['table limiter, cold (new instance each take)', results.cold1],
    ['table limiter, two instances alternating', results.contended1],
    ['reference: saveMessage (a send stores anyway)', results.save1],
  ];
  const cell = (value: number | undefined, width: number): string =>
    (value === undefined ? '-' : String(value)).padStart(width);
  console.log('');
  console.log(
    `${'operation'.padEnd(48)} ${'per s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'calls/take'.padStart(10)}`,
  );
  for (const [name, m] of rows) {
    console.log(
      `${name.padEnd(48)} ${cell(m.perSecond, 7)} ${cell(m.p50, 7)} ${cell(m.p99, 7)} ${cell(m.storageCallsPerTake, 10)}`,
    );
  }
  console.log('');
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(
    RESULTS_DIR,
    `rate-limit-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  const machine = { cpus: os.cpus().length, loadAverage: os.loadavg(), node: process.version };
  await writeFile(file, `${JSON.stringify({ takes, concurrency, machine, results }, null, 2)}\n`);
  console.log(`results: ${file}`);
} finally {
  await azurite.stop();
}
