import type { FanoutScenario, HoldScenario } from './scenarios.js';

// The printed table and the comparison the aims are judged on (emulator against baseline).

export const AIMS = {
  minThroughputRatio: 0.7,
  maxP99Ratio: 1.5,
  holdClients: 5000,
} as const;

export interface RoundRatios {
  throughput: number;
  p50: number;
  p99: number;
  connect: number;
  memoryPerConnection: number;
}

export interface Comparison extends RoundRatios {
  /** Each ratio above is the median of the per-round ratios listed here. */
  rounds: RoundRatios[];
  throughputAimMet: boolean;
  p99AimMet: boolean;
}

export type FanoutRound = Partial<Record<'plain' | 'emulator', FanoutScenario>>;

/**
 * Ratios emulator / baseline, taken within each round (the two ran back to back, under the same
 * background load) and then the median over rounds, so that a noisy moment skews neither side.
 */
export function compareRounds(rounds: FanoutRound[]): Comparison | undefined {
  const pairs = rounds.flatMap(({ plain, emulator }) =>
    plain && emulator ? [roundRatios(plain, emulator)] : [],
  );
  if (pairs.length === 0) return undefined;
  const pick = (key: keyof RoundRatios): number => median(pairs.map((pair) => pair[key]));
  const throughput = pick('throughput');
  const p99 = pick('p99');
  return {
    throughput,
    p50: pick('p50'),
    p99,
    connect: pick('connect'),
    memoryPerConnection: pick('memoryPerConnection'),
    rounds: pairs,
    throughputAimMet: throughput >= AIMS.minThroughputRatio,
    p99AimMet: p99 <= AIMS.maxP99Ratio,
  };
}

/** The round whose throughput is the median one for this server: a real, consistent sample. */
export function representative(
  rounds: FanoutRound[],
  kind: 'plain' | 'emulator',
): FanoutScenario | undefined {
  const runs = rounds.flatMap((round) => (round[kind] ? [round[kind]] : []));
  runs.sort((a, b) => a.fanout.messagesPerSecond - b.fanout.messagesPerSecond);
  return runs[Math.floor((runs.length - 1) / 2)];
}

function roundRatios(plain: FanoutScenario, emulator: FanoutScenario): RoundRatios {
  return {
    throughput: emulator.fanout.messagesPerSecond / plain.fanout.messagesPerSecond,
    p50: emulator.fanout.latencyMs.p50 / plain.fanout.latencyMs.p50,
    p99: emulator.fanout.latencyMs.p99 / plain.fanout.latencyMs.p99,
    connect: emulator.connect.totalMs / plain.connect.totalMs,
    memoryPerConnection: emulator.memory.rssPerConnection / plain.memory.rssPerConnection,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Row = [label: string, plain: string, emulator: string, ratio: string, aim: string];

export function renderTable(
  rounds: FanoutRound[],
  hold: Partial<Record<'plain' | 'emulator', HoldScenario>>,
  comparison: Comparison | undefined,
): string {
  const plain = representative(rounds, 'plain');
  const emulator = representative(rounds, 'emulator');
  const cell = <T>(scenario: T | undefined, show: (s: T) => string): string =>
    scenario === undefined ? '-' : show(scenario);
  const both = <T>(
    show: (s: T) => string,
    p: T | undefined,
    e: T | undefined,
  ): [string, string] => [cell(p, show), cell(e, show)];
  const ratio = (value: number | undefined): string =>
    value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(2)}x`;
  const verdict = (met: boolean | undefined, aim: string): string =>
    met === undefined ? aim : `${aim} ${met ? 'MET' : 'MISSED'}`;

  const any = plain ?? emulator;
  const rows: Row[] = [];
  if (any) {
    const n = any.connect.requested;
    rows.push(
      [
        `clients connected (of ${n})`,
        ...both((s: FanoutScenario) => `${s.connect.connected}`, plain, emulator),
        '',
        '',
      ],
      [
        `connect all, ${any.connect.concurrency} at a time (ms)`,
        ...both((s: FanoutScenario) => ms(s.connect.totalMs), plain, emulator),
        ratio(comparison?.connect),
        '',
      ],
      [
        'connect per client p50 / p99 (ms)',
        ...both(
          (s: FanoutScenario) =>
            `${ms(s.connect.perClientMs.p50)} / ${ms(s.connect.perClientMs.p99)}`,
          plain,
          emulator,
        ),
        '',
        '',
      ],
      [
        'server memory per connection, RSS (KB)',
        ...both((s: FanoutScenario) => kb(s.memory.rssPerConnection), plain, emulator),
        ratio(comparison?.memoryPerConnection),
        '',
      ],
      [
        'server memory per connection, JS heap (KB)',
        ...both((s: FanoutScenario) => kb(s.memory.heapPerConnection), plain, emulator),
        '',
        '',
      ],
      [
        `delivered (${any.fanout.broadcasts} broadcasts x clients)`,
        ...both(
          (s: FanoutScenario) => `${s.fanout.delivered}/${s.fanout.expected}`,
          plain,
          emulator,
        ),
        '',
        '',
      ],
      [
        'fan-out throughput (msg/s)',
        ...both(
          (s: FanoutScenario) => Math.round(s.fanout.messagesPerSecond).toString(),
          plain,
          emulator,
        ),
        ratio(comparison?.throughput),
        verdict(comparison?.throughputAimMet, `>= ${AIMS.minThroughputRatio}x`),
      ],
      [
        'CPU during fan-out, server / clients (% of a core)',
        ...both(
          (s: FanoutScenario) => `${pct(s.cpuShare.server)} / ${pct(s.cpuShare.clients)}`,
          plain,
          emulator,
        ),
        '',
        '',
      ],
      [
        'delivery latency p50 (ms)',
        ...both((s: FanoutScenario) => ms(s.fanout.latencyMs.p50), plain, emulator),
        ratio(comparison?.p50),
        '',
      ],
      [
        'delivery latency p99 (ms)',
        ...both((s: FanoutScenario) => ms(s.fanout.latencyMs.p99), plain, emulator),
        ratio(comparison?.p99),
        verdict(comparison?.p99AimMet, `<= ${AIMS.maxP99Ratio}x`),
      ],
      [
        'delivery latency max (ms)',
        ...both((s: FanoutScenario) => ms(s.fanout.latencyMs.max), plain, emulator),
        '',
        '',
      ],
    );
  }
  const anyHold = hold.plain ?? hold.emulator;
  if (anyHold) {
    const n = anyHold.connect.requested;
    rows.push(
      [
        `hold: ${n} connected after ${anyHold.heldSeconds} s (client / server)`,
        ...both(
          (s: HoldScenario) => `${s.openAfterHold} / ${s.serverConnections}`,
          hold.plain,
          hold.emulator,
        ),
        '',
        hold.emulator === undefined ? `all ${n}` : verdict(hold.emulator.allHeld, `all ${n}`),
      ],
      [
        `hold: broadcast reached (of ${n})`,
        ...both((s: HoldScenario) => `${s.broadcastCheck.delivered}`, hold.plain, hold.emulator),
        '',
        '',
      ],
      [
        'hold: connect all (ms)',
        ...both((s: HoldScenario) => ms(s.connect.totalMs), hold.plain, hold.emulator),
        '',
        '',
      ],
      [
        'hold: server RSS total / per connection',
        ...both(
          (s: HoldScenario) =>
            `${mb(s.memory.loaded.rss)} MB / ${kb(s.memory.rssPerConnection)} KB`,
          hold.plain,
          hold.emulator,
        ),
        '',
        '',
      ],
    );
  }
  const roundLines =
    comparison && comparison.rounds.length > 1
      ? [
          '',
          `per round (emulator / plain): throughput ${comparison.rounds.map((r) => r.throughput.toFixed(2)).join(', ')}` +
            `; p99 ${comparison.rounds.map((r) => r.p99.toFixed(2)).join(', ')}`,
        ]
      : [];
  const header: Row = ['metric', 'plain ws', 'emulator', 'ratio', 'aim'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: Row): string =>
    row
      .map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!)))
      .join('  ');
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...roundLines,
  ].join('\n');
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-');
const pct = (share: number): string => (share * 100).toFixed(0);
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
