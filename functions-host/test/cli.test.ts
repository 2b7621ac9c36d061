import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, waitFor } from './helpers.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const started: ChildProcess[] = [];

function runCli(...args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
} {
  const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

describe('cli', () => {
  it('prints the ready line and the functions, serves, and exits 0 on SIGTERM', async () => {
    const run = runCli('--app-dir', fixture('unprefixed'), '--port', '0', '--no-watch');
    const url = await waitFor(
      () => /Functions host listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1],
      'the ready line',
    );
    await waitFor(
      () => (run.stdout().includes('version: [GET]') ? true : undefined),
      'the function list',
    );
    expect(run.stdout()).toContain(`ping: [GET] ${url}/ping`);
    expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    const exited = once(run.child, 'exit');
    run.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
  });

  it('exits 1 naming the port when the port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = runCli('--app-dir', fixture('unprefixed'), '--port', String(port), '--no-watch');
      const [code] = (await once(run.child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(run.stderr()).toContain(`Port ${port}`);
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad --port with a usage message', async () => {
    const run = runCli('--port', 'seventy');
    const [code] = (await once(run.child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(run.stderr()).toContain('Usage: npm run api');
  });
});
