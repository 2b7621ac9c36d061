// The emulator benchmark: `npm run bench -- --help`. Method and how to read it: bench/README.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEnvironment } from './src/environment.js';
import { parseOptions, USAGE, type BenchOptions } from './src/options.js';
import {
  AIMS,
  compare,
  listProblems,
  renderTable,
  type FanoutRound,
  type PerTarget,
} from './src/report.js';
import {
  connectTarget,
  holdScenario,
  type ConnectedTarget,
  type HoldScenario,
  type TargetSetup,
} from './src/scenarios.js';

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
const environment = describeEnvironment();
const neededDescriptors = Math.max(options.clients, options.holdClients) + 100;
if (environment.openFilesLimit !== undefined && environment.openFilesLimit < neededDescriptors) {
  console.warn(
    `warning: this process may open ${environment.openFilesLimit} files, the run needs about ` +
      `${neededDescriptors}; raise the hard limit (ulimit -Hn) before running`,
  );
}

const startedAt = new Date();
const log = (text: string): void =>
  console.log(`[${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s] ${text}`);

// Both servers keep their clients for the whole fan-out phase, and the rounds alternate the
// order (A B, B A, ...) so that neither side always runs first or last.
const setups: PerTarget<TargetSetup> = {};
const rounds: FanoutRound[] = [];
const hold: PerTarget<HoldScenario> = {};
// A phase that throws (a server that does not start, say) is reported; the others still run.
const errors: string[] = [];
const attempt = async (phase: string, body: () => Promise<void>): Promise<void> => {
  try {
    await body();
  } catch (error) {
    errors.push(`${phase} failed: ${error instanceof Error ? error.message : String(error)}`);
    log(errors.at(-1) ?? '');
  }
};

const connected: ConnectedTarget[] = [];
try {
  for (const kind of options.targets) {
    log(
      `${kind}: connecting ${options.clients} clients, ${options.warmupBroadcasts} warm-up broadcasts`,
    );
    await attempt(`${kind} set-up`, async () => {
      const target = await connectTarget(kind, options);
      connected.push(target);
      setups[kind] = target.setup;
    });
  }
  for (let round = 1; round <= options.rounds && connected.length > 0; round++) {
    const results: FanoutRound = {};
    const order = round % 2 === 1 ? connected : [...connected].reverse();
    for (const target of order) {
      const { kind } = target.setup;
      log(
        `round ${round}/${options.rounds}, ${kind}: ${options.broadcasts} broadcasts of ${options.payloadBytes} B`,
      );
      await attempt(`${kind} round ${round}`, async () => {
        results[kind] = await target.measure(round);
      });
    }
    rounds.push(results);
  }
} finally {
  for (const target of connected) await target.close();
}

if (options.holdClients > 0) {
  for (const kind of options.targets) {
    log(`${kind}: holding ${options.holdClients} clients for ${options.holdSeconds} s`);
    await attempt(`${kind} hold`, async () => {
      hold[kind] = await holdScenario(kind, options);
    });
  }
}
log('done');

const comparison = compare(setups, rounds);
console.log(`\n${renderTable({ setups, rounds, hold, comparison })}\n`);

const report = {
  benchmark: 'emulator-fanout',
  startedAt: startedAt.toISOString(),
  durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
  environment,
  options,
  aims: AIMS,
  comparison,
  setups,
  rounds,
  hold,
  errors,
};
await mkdir(options.outDir, { recursive: true });
const file = join(
  options.outDir,
  `emulator-fanout-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
);
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`JSON report: ${file}`);

// What went wrong, so that a bad run says why without opening the JSON, and fails.
const problems = [...errors, ...listProblems({ setups, rounds, hold, comparison })];
for (const problem of problems) console.log(problem);
if (problems.length > 0) process.exitCode = 1;
