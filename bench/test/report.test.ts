import { describe, expect, it } from 'vitest';
import { compare, listProblems, renderTable, type FanoutRound } from '../src/report.js';
import type { FanoutMeasurement, TargetSetup } from '../src/scenarios.js';
import type { ServerKind } from '../src/server-messages.js';

function measurement(
  kind: ServerKind,
  round: number,
  perSecond: number,
  p99: number,
): FanoutMeasurement {
  const latency = { count: 10, mean: p99 / 2, p50: p99 / 2, p90: p99, p99, max: p99 };
  return {
    kind,
    round,
    fanout: {
      broadcasts: 10,
      clients: 1,
      expected: 10,
      delivered: 10,
      restErrors: 0,
      restRetries: 0,
      timedOut: false,
      durationMs: 1000,
      messagesPerSecond: perSecond,
      latencyMs: latency,
      // Half the deliveries to each kind of client, the MessagePack ones a little slower.
      byProtocol: {
        json: { delivered: 5, latencyMs: latency },
        messagepack: { delivered: 5, latencyMs: { ...latency, p99: p99 * 1.1 } },
      },
    },
    cpuShare: { server: 1, clients: 1 },
    serverCpuMicrosPerDelivery: 1_000_000 / perSecond,
    clientCpuMicrosPerDelivery: 1_000_000 / perSecond,
  };
}

function setup(kind: ServerKind): TargetSetup {
  const memory = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const times = { count: 1, mean: 1, p50: 1, p90: 1, p99: 1, max: 1 };
  return {
    kind,
    connect: {
      requested: 1,
      connected: 1,
      failed: 0,
      totalMs: 100,
      concurrency: 1,
      perClientMs: times,
      firstErrors: [],
    },
    serverConnections: 1,
    memory: { idle: memory, loaded: memory, rssPerConnection: 1024, heapPerConnection: 512 },
  };
}

const setups = { plain: setup('plain'), emulator: setup('emulator') };

describe('compare', () => {
  it('takes the median of per-round ratios, so one noisy round does not decide', () => {
    const rounds: FanoutRound[] = [
      { plain: measurement('plain', 1, 1000, 10), emulator: measurement('emulator', 1, 800, 12) },
      { plain: measurement('plain', 2, 1000, 10), emulator: measurement('emulator', 2, 100, 90) },
      { plain: measurement('plain', 3, 500, 20), emulator: measurement('emulator', 3, 450, 22) },
    ];
    const comparison = compare(setups, rounds);
    expect(comparison?.throughput).toBeCloseTo(0.8);
    expect(comparison?.p99).toBeCloseTo(1.2);
    expect(comparison?.throughputAimMet).toBe(true);
    expect(comparison?.p99AimMet).toBe(true);
  });

  it('reports a missed aim in the table', () => {
    const rounds: FanoutRound[] = [
      { plain: measurement('plain', 1, 1000, 10), emulator: measurement('emulator', 1, 500, 20) },
    ];
    const comparison = compare(setups, rounds);
    expect(comparison?.throughputAimMet).toBe(false);
    const table = renderTable({ setups, rounds, hold: {}, comparison });
    expect(table).toMatch(/fan-out throughput.*0\.50x.*>= 0\.7x MISSED/);
    expect(table).toMatch(/delivery latency p99.*2\.00x.*<= 1\.5x MISSED/);
    // Each kind of client in its own row, with its own p99 ratio.
    expect(table).toMatch(
      /JSON clients: delivered; latency p50 \/ p99 \(ms\) +5; 5\.0 \/ 10\.0 +5; 10\.0 \/ 20\.0 +2\.00x/,
    );
    expect(table).toMatch(
      /MessagePack clients: delivered; latency p50 \/ p99 \(ms\) +5; 5\.0 \/ 11\.0/,
    );
  });

  it('has nothing to compare with one server only', () => {
    const rounds: FanoutRound[] = [{ emulator: measurement('emulator', 1, 500, 20) }];
    expect(compare({ emulator: setup('emulator') }, rounds)).toBeUndefined();
  });
});

describe('listProblems', () => {
  it('is empty for a clean run and names a fan-out that did not finish', () => {
    const clean: FanoutRound[] = [{ plain: measurement('plain', 1, 1000, 10) }];
    expect(listProblems({ setups, rounds: clean, hold: {}, comparison: undefined })).toEqual([]);

    const stalled = measurement('emulator', 1, 1000, 10);
    stalled.fanout = { ...stalled.fanout, delivered: 7, timedOut: true };
    const problems = listProblems({
      setups,
      rounds: [{ emulator: stalled }],
      hold: {},
      comparison: undefined,
    });
    expect(problems).toEqual(['emulator fan-out timed out: 7/10 delivered']);
  });
});
