// The emulator's CLI as a child process, for the tests that check what it prints and how it exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const children: ChildProcess[] = [];

export interface CliProcess {
  child: ChildProcess;
  /** The exit code (null after a signal). */
  exited: Promise<number | null>;
  /** The `Endpoint=...` line; rejects when the process exits before printing it. */
  connectionString: Promise<string>;
  output: () => { stdout: string; stderr: string };
}

export function startCli(...args: string[]): CliProcess {
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

/** The local endpoint a connection string names. */
export function endpointOf(connectionString: string): string {
  const port = /Port=(\d+);/.exec(connectionString)?.[1];
  if (!port) throw new Error(`no port in ${connectionString}`);
  return `http://localhost:${port}`;
}

/** For afterEach: kills every CLI a test started and left running. */
export function killCliProcesses(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}
