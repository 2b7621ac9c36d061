import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ServerKind } from './server-messages.js';

export interface BenchOptions {
  targets: ServerKind[];
  rounds: number;
  clientThreads: number;
  clients: number;
  connectConcurrency: number;
  broadcasts: number;
  warmupBroadcasts: number;
  inFlight: number;
  unloadedBroadcasts: number;
  payloadBytes: number;
  holdClients: number;
  /** Share of the clients (fan-out and hold) that speak MessagePack instead of JSON. */
  messagePackShare: number;
  holdSeconds: number;
  timeoutSeconds: number;
  outDir: string;
}

export const USAGE = `Usage: npm run bench -- [options]
  --targets plain,emulator   servers to measure, in this order (default: both)
  --rounds 4                 fan-out rounds; each measures every target, order alternating
  --client-threads 0         worker threads for the clients (0: the main thread holds them)
  --clients 1000             concurrent WebSocket clients for the fan-out phase
  --connect-concurrency 50   clients connecting at the same time
  --broadcasts 200           measured broadcasts (after --warmup 20 unmeasured ones)
  --in-flight 4              broadcasts sent but not yet delivered to every client, at most
  --unloaded-broadcasts 50   then broadcasts one at a time, for latency without queueing (0: skip)
  --payload-bytes 1024       size of the JSON argument of each broadcast
  --messagepack 0.5          share of the clients speaking MessagePack (0: all JSON, 1: all MessagePack)
  --hold-clients 10000       clients of the hold phase (0 skips it)
  --hold-seconds 10          how long the hold phase keeps them before checking
  --timeout-seconds 60       upper bound for each fan-out
  --out <dir>                where the JSON report goes (default: bench/results)`;

/** bench/results, wherever the script is started from. */
const DEFAULT_OUT_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      targets: { type: 'string', default: 'plain,emulator' },
      rounds: { type: 'string', default: '4' },
      'client-threads': { type: 'string', default: '0' },
      clients: { type: 'string', default: '1000' },
      'connect-concurrency': { type: 'string', default: '50' },
      broadcasts: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '20' },
      'in-flight': { type: 'string', default: '4' },
      'unloaded-broadcasts': { type: 'string', default: '50' },
      'payload-bytes': { type: 'string', default: '1024' },
      messagepack: { type: 'string', default: '0.5' },
      'hold-clients': { type: 'string', default: '10000' },
      'hold-seconds': { type: 'string', default: '10' },
      'timeout-seconds': { type: 'string', default: '60' },
      out: { type: 'string', default: DEFAULT_OUT_DIR },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const targets = values.targets.split(',').map((t) => t.trim());
  for (const target of targets) {
    if (target !== 'plain' && target !== 'emulator') throw new Error(`unknown target ${target}`);
  }
  return {
    targets: targets as ServerKind[],
    rounds: count('rounds', values.rounds, 1),
    clientThreads: count('client-threads', values['client-threads'], 0),
    clients: count('clients', values.clients, 1),
    connectConcurrency: count('connect-concurrency', values['connect-concurrency'], 1),
    broadcasts: count('broadcasts', values.broadcasts, 1),
    warmupBroadcasts: count('warmup', values.warmup, 0),
    inFlight: count('in-flight', values['in-flight'], 1),
    unloadedBroadcasts: count('unloaded-broadcasts', values['unloaded-broadcasts'], 0),
    payloadBytes: count('payload-bytes', values['payload-bytes'], 0),
    holdClients: count('hold-clients', values['hold-clients'], 0),
    messagePackShare: share('messagepack', values.messagepack),
    holdSeconds: count('hold-seconds', values['hold-seconds'], 0),
    timeoutSeconds: count('timeout-seconds', values['timeout-seconds'], 1),
    outDir: values.out,
  };
}

function share(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`--${name} must be a number from 0 to 1, got ${text}`);
  }
  return value;
}

function count(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}, got ${text}`);
  }
  return value;
}
