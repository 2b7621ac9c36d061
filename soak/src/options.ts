// The soak's command line. Every fault is optional and can be given any number of times, each at
// a second of the run; `--faults once|twice` places every fault at evenly spread seconds.
import { parseArgs } from 'node:util';

export type FaultKind = 'emulator-kill' | 'storage-freeze' | 'worker-kill' | 'network-cut';
export const FAULT_KINDS: readonly FaultKind[] = [
  'emulator-kill',
  'storage-freeze',
  'worker-kill',
  'network-cut',
];

export interface ScheduledFault {
  kind: FaultKind;
  /** Second of the run (from the first send) at which it is injected. */
  at: number;
}

export interface SoakOptions {
  clients: number;
  senders: number;
  /** Messages per second, one entry per step; each step lasts `seconds`. */
  rates: number[];
  seconds: number;
  threads: number;
  faults: ScheduledFault[];
  freezeSeconds: number;
  cutSeconds: number;
  /** The person whose network is cut (a sender, so that its sends fail too). */
  cutClient: number;
  /** How long after a fault ends deliveries still count as "in the fault". */
  faultMarginSeconds: number;
  /** Sends go straight to the emulator's REST API: the baseline without the API. */
  bypassApi: boolean;
  /** ChatRateLimitCount for the run; the product's default when absent. */
  rateLimit?: number;
  connectConcurrency: number;
  /** How long to wait for unfinished sends after the last second, before calling them stuck. */
  drainSeconds: number;
  /** Where the JSON report goes; default bench/results/soak-<time>.json. */
  json?: string;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run soak -- [options]

  --clients N            people connected, each an official SignalR client (default 40)
  --senders N            how many of them send (default half the clients, at least 1)
  --rate R[,R...]        messages per second; several values run one step after another (default 20)
  --seconds S            length of the run, or of each step (default 60)
  --threads N            worker threads holding the clients (default 1, 2 above 100 clients)
  --faults none|once|twice   every fault at evenly spread seconds (default once; none with --bypass-api)
  --emulator-kill-at S[,S...]    SIGKILL the SignalR emulator at these seconds, then restart it
  --storage-freeze-at S[,S...]   SIGSTOP Azurite for --freeze-seconds (default 5), then SIGCONT
  --worker-kill-at S[,S...]      SIGKILL the Functions host's worker process
  --network-cut-at S[,S...]      cut --cut-client's network (default person 0) for --cut-seconds (default 10)
  --fault-margin-seconds S       deliveries up to S after a fault ended count as in it (default 10)
  --bypass-api           baseline: REST sends straight to the emulator (no API, storage or faults)
  --rate-limit N         ChatRateLimitCount for the run (default: the product's, 10 per 10 s)
  --connect-concurrency N    clients connecting at once per thread (default 10)
  --drain-seconds S      wait this long for unfinished sends after the end (default 120)
  --json FILE            where to write the report (default bench/results/soak-<time>.json)

Any --*-at option replaces --faults for all faults. Exit code 0: nothing lost or doubled, no send
stuck, every client connected at the end, no service crashed; 1 otherwise; 2 for bad options.`;

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a whole number of at least 1, got "${raw}"`);
  }
  return value;
}

function numberList(name: string, raw: string, min: number): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isFinite(value) || value < min)) {
    throw new UsageError(`--${name} must be numbers of at least ${min} separated by commas`);
  }
  return values;
}

/**
 * Every fault `times` times, evenly spread, leaving the last `tailSeconds` free so that the last
 * one (a network cut of 10 s, say) is over and healed while messages are still being sent.
 */
export function spreadFaults(
  times: number,
  runSeconds: number,
  tailSeconds: number,
): ScheduledFault[] {
  const slots = FAULT_KINDS.length * times;
  const usable = Math.max(runSeconds / 2, runSeconds - tailSeconds);
  return Array.from({ length: slots }, (_, i) => ({
    kind: FAULT_KINDS[i % FAULT_KINDS.length]!,
    at: Math.round(((i + 1) * usable) / (slots + 1)),
  }));
}

export function parseOptions(argv: string[]): SoakOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean' },
        clients: { type: 'string' },
        senders: { type: 'string' },
        rate: { type: 'string' },
        seconds: { type: 'string' },
        threads: { type: 'string' },
        faults: { type: 'string' },
        'emulator-kill-at': { type: 'string' },
        'storage-freeze-at': { type: 'string' },
        'worker-kill-at': { type: 'string' },
        'network-cut-at': { type: 'string' },
        'freeze-seconds': { type: 'string' },
        'cut-seconds': { type: 'string' },
        'cut-client': { type: 'string' },
        'fault-margin-seconds': { type: 'string' },
        'bypass-api': { type: 'boolean' },
        'rate-limit': { type: 'string' },
        'connect-concurrency': { type: 'string' },
        'drain-seconds': { type: 'string' },
        json: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';

  const clients = positiveInteger('clients', values.clients, 40);
  const senders = positiveInteger('senders', values.senders, Math.max(1, Math.floor(clients / 2)));
  if (senders > clients) throw new UsageError('--senders cannot exceed --clients');
  const rates = values.rate === undefined ? [20] : numberList('rate', values.rate, 0.1);
  const seconds = positiveInteger('seconds', values.seconds, 60);
  const bypassApi = values['bypass-api'] ?? false;
  const runSeconds = seconds * rates.length;

  const explicit = FAULT_KINDS.flatMap((kind) => {
    const raw = values[`${kind}-at`];
    return raw === undefined ? [] : numberList(`${kind}-at`, raw, 0).map((at) => ({ kind, at }));
  });
  const preset = values.faults ?? (bypassApi ? 'none' : 'once');
  if (!['none', 'once', 'twice'].includes(preset)) {
    throw new UsageError(`--faults must be none, once or twice, got "${preset}"`);
  }
  const cutSeconds = positiveInteger('cut-seconds', values['cut-seconds'], 10);
  const times = { none: 0, once: 1, twice: 2 }[preset as 'none' | 'once' | 'twice'];
  const faults = explicit.length > 0 ? explicit : spreadFaults(times, runSeconds, cutSeconds + 5);
  if (bypassApi && faults.length > 0) {
    throw new UsageError('--bypass-api measures the emulator alone: it takes no faults');
  }
  const late = faults.find((fault) => fault.at >= runSeconds);
  if (late) throw new UsageError(`${late.kind} at ${late.at} s is after the run's ${runSeconds} s`);

  const cutClient = values['cut-client'] === undefined ? 0 : Number(values['cut-client']);
  if (!Number.isInteger(cutClient) || cutClient < 0 || cutClient >= clients) {
    throw new UsageError(`--cut-client must be a person from 0 to ${clients - 1}`);
  }
  return {
    clients,
    senders,
    rates,
    seconds,
    threads: positiveInteger('threads', values.threads, clients > 100 ? 2 : 1),
    faults: faults.sort((a, b) => a.at - b.at),
    freezeSeconds: positiveInteger('freeze-seconds', values['freeze-seconds'], 5),
    cutSeconds,
    cutClient,
    faultMarginSeconds: Number(values['fault-margin-seconds'] ?? 10),
    bypassApi,
    ...(values['rate-limit'] === undefined
      ? {}
      : { rateLimit: positiveInteger('rate-limit', values['rate-limit'], 10) }),
    connectConcurrency: positiveInteger('connect-concurrency', values['connect-concurrency'], 10),
    drainSeconds: positiveInteger('drain-seconds', values['drain-seconds'], 120),
    ...(values.json === undefined ? {} : { json: values.json }),
  };
}
