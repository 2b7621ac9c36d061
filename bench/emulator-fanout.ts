// The emulator benchmark: `npm run bench -- --help`. Method and how to read it: bench/README.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEnvironment } from './src/environment.js';
import { parseOptions } from './src/options.js';
import { AIMS, compareRounds, renderTable, type FanoutRound } from './src/report.js';
import { fanoutScenario, holdScenario, type HoldScenario } from './src/scenarios.js';
import type { ServerKind } from './src/server-messages.js';

const options = parseOptions(process.argv.slice(2));
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

const fanout: FanoutRound[] = [];
const hold: Partial<Record<ServerKind, HoldScenario>> = {};
for (let round = 1; round <= options.rounds; round++) {
  const results: FanoutRound = {};
  for (const kind of options.targets) {
    log(
      `round ${round}/${options.rounds}, ${kind}: ${options.clients} clients, ` +
        `${options.broadcasts} broadcasts of ${options.payloadBytes} B`,
    );
    results[kind] = await fanoutScenario(kind, options);
  }
  fanout.push(results);
}
if (options.holdClients > 0) {
  for (const kind of options.targets) {
    log(`${kind}: holding ${options.holdClients} clients for ${options.holdSeconds} s`);
    hold[kind] = await holdScenario(kind, options);
  }
}
log('done');

const comparison = compareRounds(fanout);
console.log(`\n${renderTable(fanout, hold, comparison)}\n`);

const report = {
  benchmark: 'emulator-fanout',
  startedAt: startedAt.toISOString(),
  durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
  environment,
  options,
  aims: AIMS,
  comparison,
  fanout,
  hold,
};
await mkdir(options.outDir, { recursive: true });
const file = join(
  options.outDir,
  `emulator-fanout-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
);
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`JSON report: ${file}`);

for (const scenario of [
  ...fanout.flatMap((round) => Object.values(round)),
  ...Object.values(hold),
]) {
  for (const error of scenario.connect.firstErrors)
    console.log(`${scenario.kind} connect error: ${error}`);
  const firstRestError =
    'fanout' in scenario ? scenario.fanout.firstRestError : scenario.broadcastCheck.firstRestError;
  if (firstRestError) console.log(`${scenario.kind} broadcast error: ${firstRestError}`);
}
