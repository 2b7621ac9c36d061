import type { FanoutMeasurement, HoldScenario, TargetSetup } from './scenarios.js';
import type { ServerKind } from './server-messages.js';

// The printed table and the comparison the aims are judged on (emulator against baseline).

export const AIMS = {
  minThroughputRatio: 0.7,
  maxP99Ratio: 1.5,
  holdClients: 10_000,
} as const;

export type PerTarget<T> = Partial<Record<ServerKind, T>>;
export type FanoutRound = PerTarget<FanoutMeasurement>;

export interface RoundRatios {
  throughput: number;
  p50: number;
  p99: number;
  serverCpuPerDelivery: number;
  unloadedP99: number;
  jsonP99: number;
  messagePackP99: number;
}

export interface Comparison extends RoundRatios {
  /** Each ratio above is the median of the per-round ratios listed here. */
  rounds: RoundRatios[];
  connect: number;
  memoryPerConnection: number;
  throughputAimMet: boolean;
  p99AimMet: boolean;
}

/**
 * Ratios emulator / baseline, taken within each round (the two ran back to back, under the same
 * background load) and then the median over rounds, so that a noisy moment skews neither side.
 */
export function compare(
  setups: PerTarget<TargetSetup>,
  rounds: FanoutRound[],
): Comparison | undefined {
  const { plain, emulator } = setups;
  if (!plain || !emulator) return undefined;
  const pairs = rounds.flatMap((round) =>
    round.plain && round.emulator ? [roundRatios(round.plain, round.emulator)] : [],
  );
  if (pairs.length === 0) return undefined;
  const pick = (key: keyof RoundRatios): number => median(pairs.map((pair) => pair[key]));
  const throughput = pick('throughput');
  const p99 = pick('p99');
  return {
    throughput,
    p50: pick('p50'),
    p99,
    serverCpuPerDelivery: pick('serverCpuPerDelivery'),
    unloadedP99: pick('unloadedP99'),
    rounds: pairs,
    connect: emulator.connect.totalMs / plain.connect.totalMs,
    memoryPerConnection: emulator.memory.rssPerConnection / plain.memory.rssPerConnection,
    throughputAimMet: throughput >= AIMS.minThroughputRatio,
    p99AimMet: p99 <= AIMS.maxP99Ratio,
    jsonP99: pick('jsonP99'),
    messagePackP99: pick('messagePackP99'),
  };
}

/** The round with this server's median throughput: a real, self-consistent sample. */
export function representative(
  rounds: FanoutRound[],
  kind: ServerKind,
): FanoutMeasurement | undefined {
  const runs = rounds.flatMap((round) => (round[kind] ? [round[kind]] : []));
  runs.sort((a, b) => a.fanout.messagesPerSecond - b.fanout.messagesPerSecond);
  return runs[Math.floor((runs.length - 1) / 2)];
}

function roundRatios(plain: FanoutMeasurement, emulator: FanoutMeasurement): RoundRatios {
  return {
    throughput: emulator.fanout.messagesPerSecond / plain.fanout.messagesPerSecond,
    p50: emulator.fanout.latencyMs.p50 / plain.fanout.latencyMs.p50,
    p99: emulator.fanout.latencyMs.p99 / plain.fanout.latencyMs.p99,
    serverCpuPerDelivery: emulator.serverCpuMicrosPerDelivery / plain.serverCpuMicrosPerDelivery,
    unloadedP99: (emulator.unloaded?.latencyMs.p99 ?? NaN) / (plain.unloaded?.latencyMs.p99 ?? NaN),
    jsonP99:
      emulator.fanout.byProtocol.json.latencyMs.p99 / plain.fanout.byProtocol.json.latencyMs.p99,
    messagePackP99:
      emulator.fanout.byProtocol.messagepack.latencyMs.p99 /
      plain.fanout.byProtocol.messagepack.latencyMs.p99,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Row = [label: string, plain: string, emulator: string, ratio: string, aim: string];

export interface TableInput {
  setups: PerTarget<TargetSetup>;
  rounds: FanoutRound[];
  hold: PerTarget<HoldScenario>;
  comparison: Comparison | undefined;
}

export function renderTable({ setups, rounds, hold, comparison }: TableInput): string {
  const rows: Row[] = [];
  const add = <T>(
    values: PerTarget<T>,
    label: string,
    show: (value: T) => string,
    ratio?: number,
    aim = '',
  ): void => {
    const cell = (value: T | undefined): string => (value === undefined ? '-' : show(value));
    rows.push([label, cell(values.plain), cell(values.emulator), formatRatio(ratio), aim]);
  };
  const verdict = (met: boolean | undefined, aim: string): string =>
    met === undefined ? aim : `${aim} ${met ? 'MET' : 'MISSED'}`;

  const anySetup = setups.plain ?? setups.emulator;
  if (anySetup) {
    const n = anySetup.connect.requested;
    add(
      setups,
      `clients connected (of ${n}; server count)`,
      (s) => `${s.connect.connected}; ${s.serverConnections}`,
    );
    add(
      setups,
      `connect all, ${anySetup.connect.concurrency} at a time (ms)`,
      (s) => ms(s.connect.totalMs),
      comparison?.connect,
    );
    add(
      setups,
      'connect per client p50 / p99 (ms)',
      (s) => `${ms(s.connect.perClientMs.p50)} / ${ms(s.connect.perClientMs.p99)}`,
    );
    add(
      setups,
      'server memory per connection, RSS (KB)',
      (s) => kb(s.memory.rssPerConnection),
      comparison?.memoryPerConnection,
    );
    add(setups, 'server memory per connection, JS heap (KB)', (s) =>
      kb(s.memory.heapPerConnection),
    );
  }
  const sample: PerTarget<FanoutMeasurement> = {
    plain: representative(rounds, 'plain'),
    emulator: representative(rounds, 'emulator'),
  };
  const anySample = sample.plain ?? sample.emulator;
  if (anySample) {
    add(
      sample,
      `delivered (${anySample.fanout.broadcasts} broadcasts x clients)`,
      (s) => `${s.fanout.delivered}/${s.fanout.expected}`,
    );
    add(
      sample,
      'fan-out throughput (msg/s)',
      (s) => Math.round(s.fanout.messagesPerSecond).toString(),
      comparison?.throughput,
      verdict(comparison?.throughputAimMet, `>= ${AIMS.minThroughputRatio}x`),
    );
    add(
      sample,
      'server CPU per delivery (us)',
      (s) => s.serverCpuMicrosPerDelivery.toFixed(2),
      comparison?.serverCpuPerDelivery,
    );
    add(sample, 'client (bench) CPU per delivery (us)', (s) =>
      s.clientCpuMicrosPerDelivery.toFixed(2),
    );
    add(
      sample,
      'CPU in fan-out, server / clients (% of core)',
      (s) => `${pct(s.cpuShare.server)} / ${pct(s.cpuShare.clients)}`,
    );
    add(sample, 'delivery latency p50 (ms)', (s) => ms(s.fanout.latencyMs.p50), comparison?.p50);
    add(
      sample,
      'delivery latency p99 (ms)',
      (s) => ms(s.fanout.latencyMs.p99),
      comparison?.p99,
      verdict(comparison?.p99AimMet, `<= ${AIMS.maxP99Ratio}x`),
    );
    add(sample, 'delivery latency max (ms)', (s) => ms(s.fanout.latencyMs.max));
    for (const [protocol, label, ratio] of [
      ['json', 'JSON', comparison?.jsonP99],
      ['messagepack', 'MessagePack', comparison?.messagePackP99],
    ] as const) {
      if (anySample.fanout.byProtocol[protocol].delivered === 0) continue;
      add(
        sample,
        `${label} clients: delivered; latency p50 / p99 (ms)`,
        (s) => {
          const part = s.fanout.byProtocol[protocol];
          return `${part.delivered}; ${ms(part.latencyMs.p50)} / ${ms(part.latencyMs.p99)}`;
        },
        ratio,
      );
    }
    if (anySample.unloaded) {
      add(
        sample,
        `1 in flight (${anySample.unloaded.broadcasts}): latency p50 / p99 (ms)`,
        (s) =>
          s.unloaded ? `${ms(s.unloaded.latencyMs.p50)} / ${ms(s.unloaded.latencyMs.p99)}` : '-',
        comparison?.unloadedP99,
      );
    }
  }
  const anyHold = hold.plain ?? hold.emulator;
  if (anyHold) {
    const n = anyHold.connect.requested;
    const aim =
      hold.emulator === undefined ? `all ${n}` : verdict(hold.emulator.allHeld, `all ${n}`);
    rows.push(['', '', '', '', '']);
    add(
      hold,
      `hold ${n}: open after ${anyHold.heldSeconds} s (client; server)`,
      (s) => `${s.openAfterHold}; ${s.serverConnections}`,
      undefined,
      aim,
    );
    add(hold, `hold ${n}: reached by a broadcast`, (s) => `${s.broadcastCheck.delivered}`);
    add(hold, `hold ${n}: connect all (ms)`, (s) => ms(s.connect.totalMs));
    add(
      hold,
      `hold ${n}: server RSS MB; per conn RSS / heap KB`,
      (s) =>
        `${mb(s.memory.loaded.rss)}; ${kb(s.memory.rssPerConnection)} / ${kb(s.memory.heapPerConnection)}`,
    );
  }

  const header: Row = ['metric', 'plain ws', 'emulator', 'ratio', 'aim'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: Row): string =>
    row
      .map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const perRound = comparison?.rounds ?? [];
  const roundLines =
    perRound.length > 1
      ? [
          '',
          'per round, emulator / plain:',
          `  throughput ${perRound.map((r) => r.throughput.toFixed(2)).join(', ')}`,
          `  p99        ${perRound.map((r) => r.p99.toFixed(2)).join(', ')}`,
          `  CPU/msg    ${perRound.map((r) => r.serverCpuPerDelivery.toFixed(2)).join(', ')}`,
        ]
      : [];
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...roundLines,
  ].join('\n');
}

const formatRatio = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '' : `${value.toFixed(2)}x`;
const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-');
const pct = (share: number): string => (share * 100).toFixed(0);
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

/** One line per failure: clients that did not connect, broadcasts that failed or never arrived. */
export function listProblems({ setups, rounds, hold }: TableInput): string[] {
  const problems: string[] = [];
  for (const { kind, connect } of [...Object.values(setups), ...Object.values(hold)]) {
    if (connect.failed > 0)
      problems.push(`${kind}: ${connect.failed} of ${connect.requested} clients did not connect`);
    for (const error of connect.firstErrors) problems.push(`${kind} connect error: ${error}`);
  }
  const fanouts = [
    ...rounds
      .flatMap((round) => Object.values(round))
      .flatMap(({ kind, fanout, unloaded }) =>
        [fanout, unloaded].flatMap((result) => (result ? [{ kind, result }] : [])),
      ),
    ...Object.values(hold).map(({ kind, broadcastCheck }) => ({ kind, result: broadcastCheck })),
  ];
  for (const { kind, result } of fanouts) {
    if (result.firstRestError)
      problems.push(`${kind} broadcast error (${result.restErrors}x): ${result.firstRestError}`);
    if (result.timedOut)
      problems.push(`${kind} fan-out timed out: ${result.delivered}/${result.expected} delivered`);
  }
  for (const scenario of Object.values(hold)) {
    if (!scenario.allHeld)
      problems.push(`${scenario.kind}: not every held connection survived the hold`);
  }
  return problems;
}
