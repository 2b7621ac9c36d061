import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as signalR from '@microsoft/signalr';
import { afterEach, describe, expect, it } from 'vitest';
import { clientToken, emulator } from './helpers.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const connectionString = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('Endpoint='));
      if (line !== undefined && stdout.includes(`${line}\n`)) resolve(line);
    });
    void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
  });
  // Tests that expect an early exit never await the connection string.
  connectionString.catch(() => undefined);
  return { child, exited, connectionString, output: () => ({ stdout, stderr }) };
}

describe('CLI', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints the connection string; on %s closes clients and exits 0 within 2 s',
    async (signal) => {
      const cli = run('--port', '0', '--host', '127.0.0.1');
      const line = await cli.connectionString;
      expect(line).toMatch(
        /^Endpoint=http:\/\/localhost;Port=\d+;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1\.0;$/,
      );
      const port = /Port=(\d+)/.exec(line)?.[1];

      const connection = new signalR.HubConnectionBuilder()
        .withUrl(`http://localhost:${port}/client/?hub=chat`, {
          transport: signalR.HttpTransportType.WebSockets,
          accessTokenFactory: () => clientToken('chat', 'alice'),
        })
        .configureLogging(signalR.LogLevel.None)
        .build();
      const closed = new Promise<Error | undefined>((resolve) => connection.onclose(resolve));
      await connection.start();

      const started = Date.now();
      cli.child.kill(signal);
      const [code, error] = await Promise.all([cli.exited, closed]);
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error?.message).toMatch(/shutting down/);
      expect(cli.output().stderr).toContain(signal);
    },
  );

  it('says so and exits 1 when the port is taken', async () => {
    const taken = await emulator();
    const cli = run('--port', String(taken.port));
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toMatch(/already in use/);
  });

  it('rejects unknown flags and bad values with exit code 2', async () => {
    const unknown = run('--bogus');
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toMatch(/Unknown option '--bogus'/);
    const badPort = run('--port', 'eighty');
    expect(await badPort.exited).toBe(2);
    expect(badPort.output().stderr).toMatch(/--port/);
  });
});
