import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/histogram.js';
import { messageId, messageText, parseMessageText } from '../src/messages.js';
import { parseOptions, spreadFaults, UsageError } from '../src/options.js';
import { totals, verdict } from '../src/report.js';
import type { RunRecord } from '../src/run.js';
import type { PersonResult } from '../src/thread-protocol.js';

function person(index: number, change: Partial<PersonResult> = {}): PersonResult {
  return {
    index,
    lost: [],
    unverified: [],
    doubled: [],
    outOfOrderLive: 0,
    repeats: 0,
    receivedLive: 10,
    caughtUp: 0,
    foundAtEnd: 0,
    reconnects: 0,
    restarts: 0,
    catchUps: 0,
    catchUpFailures: 0,
    catchUpsCapped: 0,
    connectedAtEnd: true,
    timelinePages: 1,
    timelineErrors: [],
    ...change,
  };
}

function record(people: PersonResult[], change: Partial<RunRecord> = {}): RunRecord {
  const options = parseOptions(['--clients', String(people.length), '--faults', 'none']);
  if (options === 'help') throw new Error('unexpected');
  return {
    run: '00000000',
    startedAt: new Date(0).toISOString(),
    options,
    connect: { connected: people.length, failures: [], seconds: 1 },
    sends: {
      offered: 10,
      accepted: 10,
      acceptedNotDelivered: 0,
      refused: {},
      abandoned: 0,
      retried: {},
      sendsRetried: 0,
    },
    steps: [],
    faults: [],
    people,
    settle: { seconds: 0, missingAtVerify: 0 },
    memory: { start: {}, end: {} },
    crashes: [],
    durationSeconds: 1,
    ...change,
  };
}

describe('the verdict', () => {
  it('passes a run where everyone got everything', () => {
    expect(verdict(record([person(0), person(1)]))).toEqual({ ok: true, problems: [] });
  });

  it('fails on a lost delivery, naming the person and the message', () => {
    const result = verdict(record([person(0), person(1, { lost: [7] })]));
    expect(result.ok).toBe(false);
    expect(result.problems.join()).toContain('1 deliveries lost (1 people; person 1 lost #7)');
  });

  it('fails on a doubled message, a stuck send, a client that stayed away and a crash', () => {
    const result = verdict(
      record([person(0, { doubled: [3] }), person(1, { connectedAtEnd: false })], {
        sends: { ...record([person(9)]).sends, abandoned: 2 },
        crashes: ['signalr exited with code 1'],
      }),
    );
    expect(result.problems).toEqual([
      '1 messages seen under two ids',
      '2 sends stuck (never accepted or refused)',
      '1 clients not connected at the end',
      'crash: signalr exited with code 1',
    ]);
  });

  it('tells a delivery it could not check (the timeline read failed) from a lost one', () => {
    const result = verdict(
      record([person(0), person(1, { unverified: [4, 5], timelineErrors: ['503'] })]),
    );
    expect(result.problems).toEqual([
      '1 timeline reads failed (2 deliveries not received live could not be checked)',
    ]);
  });

  it('adds up the people', () => {
    const sums = totals(record([person(0, { lost: [1, 2] }), person(1, { lost: [2] })]));
    expect(sums.lost).toBe(3);
    expect(sums.peopleWithLoss).toBe(2);
    expect(sums.receivedLive).toBe(20);
  });
});

describe('soak messages', () => {
  it('carry the run and the number in a UUID, and the rest in the text', () => {
    expect(messageId('0a1b2c3d', 255)).toBe('0a1b2c3d-0000-4000-8000-0000000000ff');
    const send = { g: 12, step: 1, sender: 3, seq: 4 };
    expect(parseMessageText(messageText(send))).toEqual(send);
    expect(parseMessageText('hello')).toBeUndefined();
  });
});

describe('latency histogram', () => {
  it('gives percentiles at 1 ms resolution and the exact max', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 0; ms < 100; ms += 1) histogram.add(ms + 0.5);
    expect(histogram.percentile(50)).toBe(50);
    expect(histogram.percentile(99)).toBe(99);
    expect(histogram.summary()).toEqual({ count: 100, p50: 50, p99: 99, max: 99.5 });
  });
});

describe('soak options', () => {
  it('spreads every fault over the run, clear of its end', () => {
    const faults = spreadFaults(2, 600, 15);
    expect(faults).toHaveLength(8);
    expect(faults.filter((fault) => fault.kind === 'network-cut')).toHaveLength(2);
    expect(Math.max(...faults.map((fault) => fault.at))).toBeLessThan(600 - 15);
  });

  it('refuses a fault after the end of the run and unknown options', () => {
    expect(() => parseOptions(['--seconds', '10', '--worker-kill-at', '12'])).toThrow(UsageError);
    expect(() => parseOptions(['--frobnicate'])).toThrow(UsageError);
    expect(() => parseOptions(['--bypass-api', '--faults', 'once'])).toThrow(UsageError);
  });
});
