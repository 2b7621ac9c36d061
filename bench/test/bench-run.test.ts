import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// A small real run of the benchmark script against both servers: it keeps the script working
// as the emulator changes (tokens, routes, handshake), without the minutes a full run takes.

const script = fileURLToPath(new URL('../emulator-fanout.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Report {
  comparison?: { throughput: number; messagePackP99: number; rounds: unknown[] };
  setups: Record<string, { connect: { connected: number }; serverConnections: number }>;
  rounds: Array<
    Record<
      string,
      {
        fanout: {
          delivered: number;
          expected: number;
          byProtocol: Record<string, { delivered: number }>;
        };
      }
    >
  >;
  hold: Record<string, { allHeld: boolean; broadcastCheck: { delivered: number } }>;
}

describe('npm run bench (small)', () => {
  it('connects, broadcasts to every client of both servers and writes the JSON report', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bench-'));
    dirs.push(out);
    const args = [script, '--clients', '20', '--broadcasts', '5', '--warmup', '1', '--rounds', '2'];
    args.push('--hold-clients', '30', '--hold-seconds', '0', '--out', out);
    const { stdout } = await promisify(execFile)(tsx, args, { timeout: 50_000 });

    expect(stdout).toMatch(/fan-out throughput \(msg\/s\)/);
    const [file] = await readdir(out);
    expect(file).toMatch(/^emulator-fanout-.*\.json$/);
    const report = JSON.parse(await readFile(join(out, file!), 'utf8')) as Report;

    for (const kind of ['plain', 'emulator']) {
      expect(report.setups[kind]).toMatchObject({
        connect: { connected: 20 },
        serverConnections: 20,
      });
      expect(report.hold[kind]).toMatchObject({ allHeld: true, broadcastCheck: { delivered: 30 } });
    }
    expect(report.rounds).toHaveLength(2);
    for (const round of report.rounds) {
      // By default half the clients speak MessagePack: 10 of each, 5 broadcasts.
      const split = { json: { delivered: 50 }, messagepack: { delivered: 50 } };
      expect(round.plain?.fanout).toMatchObject({
        delivered: 100,
        expected: 100,
        byProtocol: split,
      });
      expect(round.emulator?.fanout).toMatchObject({
        delivered: 100,
        expected: 100,
        byProtocol: split,
      });
    }
    expect(stdout).toMatch(/MessagePack clients: delivered; latency/);
    expect(report.comparison?.messagePackP99).toBeGreaterThan(0);
    expect(report.comparison?.rounds).toHaveLength(2);
    expect(report.comparison?.throughput).toBeGreaterThan(0);
  });

  it('delivers every broadcast when the clients live in worker threads', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bench-'));
    dirs.push(out);
    const args = [script, '--targets', 'emulator', '--client-threads', '2', '--clients', '21'];
    args.push('--messagepack', '0.3');
    args.push('--broadcasts', '5', '--warmup', '1', '--rounds', '1', '--hold-clients', '0');
    await promisify(execFile)(tsx, [...args, '--out', out], { timeout: 50_000 });

    const [file] = await readdir(out);
    const report = JSON.parse(await readFile(join(out, file!), 'utf8')) as Report;
    expect(report.setups.emulator).toMatchObject({
      connect: { connected: 21 },
      serverConnections: 21,
    });
    // 6 of the 21 clients (30 %, spread over both threads) speak MessagePack.
    expect(report.rounds[0]?.emulator?.fanout).toMatchObject({
      delivered: 105,
      expected: 105,
      byProtocol: { json: { delivered: 75 }, messagepack: { delivered: 30 } },
    });
  });
});
