#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { DEFAULT_ACCESS_KEY, type UpstreamTemplate, startEmulator } from './index.js';
import { loadUpstreamSettings } from './upstream/settings-file.js';
import { compileTemplate } from './upstream/templates.js';

const USAGE =
  'usage: signalr-emulator [--port 8888] [--host 127.0.0.1] [--access-key KEY]\n' +
  '                        [--upstream URL_TEMPLATE]... [--upstream-settings FILE.json] [--upstream-timeout MS]';
/** The process must be gone within 2 s of a signal even if a socket will not close. */
const EXIT_DEADLINE_MS = 1_500;

function fail(message: string): never {
  process.stderr.write(`signalr-emulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '8888' },
        host: { type: 'string', default: '127.0.0.1' },
        'access-key': { type: 'string', default: DEFAULT_ACCESS_KEY },
        upstream: { type: 'string', multiple: true, default: [] },
        'upstream-settings': { type: 'string' },
        'upstream-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const values = parseCommandLine();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
  fail(`--port must be a number from 0 to 65535, got '${values.port}'`);
}
if (values['access-key'] === '') fail('--access-key must not be empty');
const upstreamTimeout = values['upstream-timeout'];
if (
  upstreamTimeout !== undefined &&
  (!/^\d{1,9}$/.test(upstreamTimeout) || Number(upstreamTimeout) === 0)
) {
  fail(`--upstream-timeout must be a positive number of milliseconds, got '${upstreamTimeout}'`);
}

/** The settings file's templates first, then each --upstream (matching every event). */
async function upstreamTemplates(): Promise<UpstreamTemplate[]> {
  const templates: UpstreamTemplate[] = [];
  const file = values['upstream-settings'];
  if (file !== undefined) {
    try {
      templates.push(...(await loadUpstreamSettings(file)));
    } catch (error) {
      fail(`--upstream-settings: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const urlTemplate of values.upstream) {
    try {
      compileTemplate({ urlTemplate });
    } catch {
      fail(`--upstream must be an absolute http(s) URL template, got '${urlTemplate}'`);
    }
    templates.push({ urlTemplate });
  }
  return templates;
}
const upstream = await upstreamTemplates();

const log = (line: string) => process.stderr.write(`[signalr-emulator] ${line}\n`);

try {
  const emulator = await startEmulator({
    port: Number(values.port),
    host: values.host,
    accessKey: values['access-key'],
    upstream,
    ...(upstreamTimeout === undefined ? {} : { upstreamTimeoutMs: Number(upstreamTimeout) }),
    log,
  });
  // The connection string contains the key; it goes to stdout only, as the official emulator does.
  process.stdout.write(`${emulator.connectionString}\n`);
  for (const template of upstream) {
    // Origin and path only: a template's query may hold a function key.
    const url = new URL(template.urlTemplate);
    log(
      `upstream ${url.origin}${decodeURI(url.pathname)} for hub=${template.hubPattern ?? '*'} category=${template.categoryPattern ?? '*'} event=${template.eventPattern ?? '*'}`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing clients`);
    setTimeout(() => process.exit(0), EXIT_DEADLINE_MS).unref();
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EADDRINUSE' ? `port ${values.port} is already in use` : String(error);
  process.stderr.write(`signalr-emulator: cannot start: ${reason}\n`);
  process.exit(1);
}
