import type { FanoutScenario, HoldScenario } from './scenarios.js';

// The printed table and the comparison the aims are judged on (emulator against baseline).

export const AIMS = {
  minThroughputRatio: 0.7,
  maxP99Ratio: 1.5,
  holdClients: 5000,
} as const;

export interface Comparison {
  throughputRatio: number;
  p99Ratio: number;
  p50Ratio: number;
  connectRatio: number;
  memoryPerConnectionRatio: number;
  throughputAimMet: boolean;
  p99AimMet: boolean;
}

export function compare(plain: FanoutScenario, emulator: FanoutScenario): Comparison {
  const throughputRatio = emulator.fanout.messagesPerSecond / plain.fanout.messagesPerSecond;
  const p99Ratio = emulator.fanout.latencyMs.p99 / plain.fanout.latencyMs.p99;
  return {
    throughputRatio,
    p99Ratio,
    p50Ratio: emulator.fanout.latencyMs.p50 / plain.fanout.latencyMs.p50,
    connectRatio: emulator.connect.totalMs / plain.connect.totalMs,
    memoryPerConnectionRatio: emulator.memory.rssPerConnection / plain.memory.rssPerConnection,
    throughputAimMet: throughputRatio >= AIMS.minThroughputRatio,
    p99AimMet: p99Ratio <= AIMS.maxP99Ratio,
  };
}

type Row = [label: string, plain: string, emulator: string, ratio: string, aim: string];

export function renderTable(
  fanout: Partial<Record<'plain' | 'emulator', FanoutScenario>>,
  hold: Partial<Record<'plain' | 'emulator', HoldScenario>>,
  comparison: Comparison | undefined,
): string {
  const { plain, emulator } = fanout;
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
        ratio(comparison?.connectRatio),
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
        ratio(comparison?.memoryPerConnectionRatio),
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
        ratio(comparison?.throughputRatio),
        verdict(comparison?.throughputAimMet, `>= ${AIMS.minThroughputRatio}x`),
      ],
      [
        'delivery latency p50 (ms)',
        ...both((s: FanoutScenario) => ms(s.fanout.latencyMs.p50), plain, emulator),
        ratio(comparison?.p50Ratio),
        '',
      ],
      [
        'delivery latency p99 (ms)',
        ...both((s: FanoutScenario) => ms(s.fanout.latencyMs.p99), plain, emulator),
        ratio(comparison?.p99Ratio),
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
  const header: Row = ['metric', 'plain ws', 'emulator', 'ratio', 'aim'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: Row): string =>
    row
      .map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-');
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
