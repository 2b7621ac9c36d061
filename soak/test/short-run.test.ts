// The short soak in `npm test`: the real script, the whole stack, every fault once. It asserts
// what the soak is for (nothing accepted is lost or shown twice, every client is back at the
// end, every fault healed), never how fast: the machine may be busy with other tests.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Report {
  options: { clients: number };
  sends: { offered: number; accepted: number; abandoned: number };
  totals: {
    lost: number;
    unverified: number;
    doubled: number;
    receivedLive: number;
    caughtUp: number;
    notConnectedAtEnd: number;
  };
  audit: { messages: number; doubled: number[] };
  faults: {
    kind: string;
    error?: string;
    healedAcceptSeconds?: number;
    healedLiveSeconds?: number;
  }[];
  crashes: string[];
  verdict: { ok: boolean; problems: string[] };
}

function runSoak(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'soak/soak.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('the short soak (30 clients, 36 s, every fault once)', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'loses nothing, doubles nothing, and every client and fault recovers',
    { timeout: 600_000 },
    async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'soak-test-'));
      const json = path.join(dir, 'report.json');
      // Each fault at its own second, the network cut first: a client that lost its network
      // backs off up to 15 s between attempts, and must be back while messages are still sent.
      const { code, output } = await runSoak([
        ...['--clients', '30', '--senders', '15', '--rate', '10', '--seconds', '36'],
        ...['--network-cut-at', '2', '--emulator-kill-at', '12'],
        ...['--storage-freeze-at', '18', '--worker-kill-at', '25'],
        ...['--json', json],
      ]);
      const report = JSON.parse(await readFile(json, 'utf8')) as Report;

      expect(report.verdict.problems, output).toEqual([]);
      expect(code, output).toBe(0);
      expect(report.sends.accepted).toBeGreaterThan(0);
      expect(report.sends.abandoned).toBe(0);
      expect(report.totals.lost).toBe(0);
      expect(report.totals.unverified).toBe(0);
      expect(report.totals.doubled).toBe(0);
      expect(report.audit.doubled).toEqual([]);
      expect(report.audit.messages).toBe(report.sends.accepted);
      // Every delivery is accounted for: live or caught up (or found at the end).
      expect(report.totals.receivedLive).toBeGreaterThan(0);
      expect(report.totals.notConnectedAtEnd).toBe(0);
      expect(report.crashes).toEqual([]);
      expect(report.faults.map((fault) => fault.kind).sort()).toEqual([
        'emulator-kill',
        'network-cut',
        'storage-freeze',
        'worker-kill',
      ]);
      for (const fault of report.faults) {
        expect(fault.error, fault.kind).toBeUndefined();
        expect(fault.healedAcceptSeconds, fault.kind).toBeTypeOf('number');
        expect(fault.healedLiveSeconds, fault.kind).toBeTypeOf('number');
      }
    },
  );
});
