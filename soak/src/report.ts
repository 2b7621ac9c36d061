// The verdict, the printed table and the JSON shape of a soak run.
import os from 'node:os';
import type { LatencySummary } from './histogram.js';
import { LatencyHistogram } from './histogram.js';
import type { RunRecord } from './run.js';

/** A step is steady when nearly every offered send was accepted within STEADY_WAIT_MS. */
const STEADY_SHARE = 0.95;
const P99_TARGET_MS = 1_000;

export interface Totals {
  lost: number;
  peopleWithLoss: number;
  unverified: number;
  doubled: number;
  outOfOrderLive: number;
  repeats: number;
  receivedLive: number;
  caughtUp: number;
  foundAtEnd: number;
  reconnects: number;
  restarts: number;
  catchUps: number;
  catchUpFailures: number;
  catchUpsCapped: number;
  notConnectedAtEnd: number;
  timelineErrors: number;
}

export interface Verdict {
  ok: boolean;
  problems: string[];
}

export function totals(record: RunRecord): Totals {
  const sum = (pick: (p: RunRecord['people'][number]) => number): number =>
    record.people.reduce((total, person) => total + pick(person), 0);
  return {
    lost: sum((p) => p.lost.length),
    peopleWithLoss: record.people.filter((p) => p.lost.length > 0).length,
    unverified: sum((p) => p.unverified.length),
    doubled: sum((p) => p.doubled.length),
    outOfOrderLive: sum((p) => p.outOfOrderLive),
    repeats: sum((p) => p.repeats),
    receivedLive: sum((p) => p.receivedLive),
    caughtUp: sum((p) => p.caughtUp),
    foundAtEnd: sum((p) => p.foundAtEnd),
    reconnects: sum((p) => p.reconnects),
    restarts: sum((p) => p.restarts),
    catchUps: sum((p) => p.catchUps),
    catchUpFailures: sum((p) => p.catchUpFailures),
    catchUpsCapped: sum((p) => p.catchUpsCapped),
    notConnectedAtEnd: record.people.filter((p) => !p.connectedAtEnd).length,
    timelineErrors: sum((p) => p.timelineErrors.length),
  };
}

export function verdict(record: RunRecord, sums: Totals = totals(record)): Verdict {
  const problems: string[] = [];
  if (record.connect.connected < record.options.clients) {
    problems.push(`${record.options.clients - record.connect.connected} clients never connected`);
  }
  if (sums.lost > 0) {
    const first = record.people.find((p) => p.lost.length > 0)!;
    problems.push(
      `${sums.lost} deliveries lost (${sums.peopleWithLoss} people; person ${first.index} lost #${first.lost.slice(0, 5).join(', #')})`,
    );
  }
  if (sums.doubled > 0) problems.push(`${sums.doubled} messages seen under two ids`);
  if (record.audit?.doubled.length) {
    problems.push(`${record.audit.doubled.length} sends stored under two ids`);
  }
  if (record.audit?.error) problems.push(`timeline audit failed: ${record.audit.error}`);
  if (record.sends.abandoned > 0) {
    problems.push(`${record.sends.abandoned} sends stuck (never accepted or refused)`);
  }
  if (sums.notConnectedAtEnd > 0) {
    problems.push(`${sums.notConnectedAtEnd} clients not connected at the end`);
  }
  if (sums.timelineErrors > 0) {
    problems.push(
      `${sums.timelineErrors} timeline reads failed (${sums.unverified} deliveries not received live could not be checked)`,
    );
  }
  for (const crash of record.crashes) problems.push(`crash: ${crash}`);
  for (const fault of record.faults) {
    if (fault.error) problems.push(`fault ${fault.kind} at ${fault.at} s failed: ${fault.error}`);
  }
  return { ok: problems.length === 0, problems };
}

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : '-');
const latencyCell = (s: LatencySummary): string =>
  s.count === 0 ? '-' : `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)} (${s.count})`;
const mb = (bytes: number | undefined): string =>
  bytes === undefined ? '-' : (bytes / 1024 / 1024).toFixed(0);
const byStatus = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ') || 'none';
const seconds = (value: number | undefined): string =>
  value === undefined ? 'never' : `${value.toFixed(1)} s`;

export function overall(record: RunRecord): {
  outside: LatencyHistogram;
  inside: LatencyHistogram;
} {
  const outside = new LatencyHistogram();
  const inside = new LatencyHistogram();
  for (const step of record.steps) {
    outside.merge(step.outside);
    inside.merge(step.inside);
  }
  return { outside, inside };
}

/** The highest step rate that was steady with p99 under 1 s outside faults. */
export function highestSteadyRate(record: RunRecord): number | undefined {
  const good = record.steps.filter(
    (step) =>
      step.acceptedInTimePerSecond * record.options.seconds >= STEADY_SHARE * step.offered &&
      step.outside.count > 0 &&
      step.outside.percentile(99) < P99_TARGET_MS,
  );
  return good.length === 0 ? undefined : Math.max(...good.map((step) => step.rate));
}

export function renderTable(record: RunRecord, sums: Totals, result: Verdict): string {
  const { options, sends } = record;
  const rows: [string, string][] = [];
  const add = (label: string, value: string): void => void rows.push([label, value]);
  const mode = options.bypassApi
    ? 'baseline: REST sends straight to the emulator'
    : 'through the API';
  add('run', `${record.run}, ${mode}`);
  add(
    'clients / senders / threads',
    `${options.clients} / ${options.senders} / ${options.threads} (connected ${record.connect.connected} in ${record.connect.seconds.toFixed(1)} s)`,
  );
  add('rate x seconds', `${options.rates.join(', ')} msg/s x ${options.seconds} s`);
  add('sends offered / accepted', `${sends.offered} / ${sends.accepted}`);
  add('  accepted but not pushed (delivered: false)', String(sends.acceptedNotDelivered));
  add('  refused, by status', byStatus(sends.refused));
  add('  stuck (abandoned)', String(sends.abandoned));
  add(
    '  sends retried / failed attempts by status',
    `${sends.sendsRetried} / ${byStatus(sends.retried)}`,
  );
  add('deliveries expected', String(sends.accepted * options.clients));
  add(
    '  received live / caught up / found at the end',
    `${sums.receivedLive} / ${sums.caughtUp} / ${sums.foundAtEnd}`,
  );
  add(
    '  LOST (accepted, never received nor in timeline)',
    `${sums.lost} (${sums.peopleWithLoss} people)`,
  );
  add('  unverified (not received; the timeline read failed)', String(sums.unverified));
  add(
    '  DOUBLED (one send under two ids)',
    String(sums.doubled + (record.audit?.doubled.length ?? 0)),
  );
  add(
    '  out of order per sender (live; timeline)',
    `${sums.outOfOrderLive}; ${record.audit?.outOfOrder ?? '-'}`,
  );
  add('  repeats merged by id (live)', String(sums.repeats));
  add(
    'reconnects / restarts / catch-ups (failed, capped)',
    `${sums.reconnects} / ${sums.restarts} / ${sums.catchUps} (${sums.catchUpFailures}, ${sums.catchUpsCapped})`,
  );
  add('clients not connected at the end', String(sums.notConnectedAtEnd));
  if (record.audit) {
    add('timeline audit: messages / pages', `${record.audit.messages} / ${record.audit.pages}`);
  }
  const { outside, inside } = overall(record);
  add(
    'latency 202-stamp -> arrival, outside faults (ms)',
    `p50 / p99 / max (n): ${latencyCell(outside.summary())}`,
  );
  add('latency inside fault windows (ms)', `p50 / p99 / max (n): ${latencyCell(inside.summary())}`);
  if (record.steps.length > 1) {
    for (const step of record.steps) {
      add(
        `  step ${step.rate} msg/s: accepted in 5 s /s; send wait p99; delivery p50/p99/max`,
        `${step.acceptedInTimePerSecond.toFixed(1)}; ${ms(step.sendWait.percentile(99))}; ${latencyCell(step.outside.summary())}`,
      );
    }
    const best = highestSteadyRate(record);
    add('highest steady rate with p99 < 1 s', best === undefined ? 'none' : `${best} msg/s`);
  }
  for (const fault of record.faults) {
    add(
      `fault ${fault.kind} at ${fault.at} s${fault.person === undefined ? '' : ` (person ${fault.person})`}`,
      fault.error
        ? `FAILED: ${fault.error}`
        : `over in ${seconds(fault.endedAt === undefined ? undefined : (fault.endedAt - fault.startedAt) / 1000)}; first accept ${seconds(fault.healedAcceptSeconds)}, first live delivery ${seconds(fault.healedLiveSeconds)}`,
    );
  }
  const names = ['soak', 'storage', 'signalr', 'api', 'worker'] as const;
  add(
    'memory RSS MB start -> end',
    names
      .map((name) => `${name} ${mb(record.memory.start[name])}->${mb(record.memory.end[name])}`)
      .join(', '),
  );
  add(
    'duration',
    `${record.durationSeconds.toFixed(0)} s (settle ${record.settle.seconds.toFixed(0)} s)`,
  );
  add(
    'verdict',
    result.ok ? 'OK: nothing lost or doubled' : `FAILED: ${result.problems.join('; ')}`,
  );
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

export function jsonReport(record: RunRecord, sums: Totals, result: Verdict): unknown {
  const { outside, inside } = overall(record);
  return {
    ...record,
    machine: {
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((n) => Math.round(n * 10) / 10),
      node: process.version,
    },
    totals: sums,
    latencyMs: { outsideFaults: outside.summary(), insideFaults: inside.summary() },
    steps: record.steps.map((step) => ({
      rate: step.rate,
      offered: step.offered,
      accepted: step.accepted,
      acceptedWithin5sPerSecond: step.acceptedInTimePerSecond,
      sendWaitMs: step.sendWait.summary(),
      outsideFaults: step.outside.summary(),
      insideFaults: step.inside.summary(),
    })),
    highestSteadyRateP99Under1s: highestSteadyRate(record) ?? null,
    // Only the people with something to look at; the totals above cover everyone.
    people: record.people.filter(
      (p) =>
        p.lost.length > 0 ||
        p.unverified.length > 0 ||
        p.doubled.length > 0 ||
        !p.connectedAtEnd ||
        p.timelineErrors.length > 0,
    ),
    verdict: result,
  };
}
