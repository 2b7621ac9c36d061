// `npm run soak -- [options]` (see src/options.ts or --help): the whole chat under a steady load
// while its parts fail, counted by every client. Prints a table, writes the report as JSON (and
// the services' logs beside it) under bench/results/, exits 1 when anything was lost or doubled.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE, UsageError, type SoakOptions } from './src/options.js';
import { jsonReport, renderTable, totals, verdict } from './src/report.js';
import { runSoak } from './src/run.js';

const RESULTS_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'bench',
  'results',
);

let options: SoakOptions;
try {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  options = parsed;
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}

const startedAt = Date.now();
const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
const jsonFile = options.json ?? path.join(RESULTS_DIR, `soak-${stamp}.json`);
const logFile = jsonFile.replace(/\.json$/, '') + '.log';
const log = (line: string): void =>
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${line}`);

const record = await runSoak(options, log, async (lines) => {
  await mkdir(path.dirname(logFile), { recursive: true });
  await writeFile(logFile, `${lines.join('\n')}\n`);
});
const sums = totals(record);
const result = verdict(record, sums);
console.log(`\n${renderTable(record, sums, result)}\n`);
await mkdir(path.dirname(jsonFile), { recursive: true });
await writeFile(jsonFile, `${JSON.stringify(jsonReport(record, sums, result), null, 2)}\n`);
log(`report: ${jsonFile}; service logs: ${logFile}`);
process.exit(result.ok ? 0 : 1);
