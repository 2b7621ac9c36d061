import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startFunctionsHost,
  type FunctionsHostOptions,
  type RunningFunctionsHost,
} from '../src/index.js';

export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixture(name: string): string {
  return path.join(fixturesDir, name);
}

export interface TestHost extends RunningFunctionsHost {
  logs: string[];
}

const running = new Set<RunningFunctionsHost>();

/** Starts a host on a free port, collecting its log lines instead of printing them. */
export async function startTestHost(
  appDir: string,
  options: Partial<FunctionsHostOptions> = {},
): Promise<TestHost> {
  const logs: string[] = [];
  const host = await startFunctionsHost({
    appDir,
    port: 0,
    log: (line) => logs.push(line),
    ...options,
  });
  running.add(host);
  return Object.assign(host, { logs });
}

export async function closeAllHosts(): Promise<void> {
  await Promise.all([...running].map((host) => host.close()));
  running.clear();
}

const tempDirs: string[] = [];

/**
 * A private copy of a fixture in a temp folder (for tests that edit files), with the repository's
 * `@azure/functions` linked in as its dependency.
 */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `functions-host-${name}-`));
  tempDirs.push(dir);
  cpSync(fixture(name), dir, { recursive: true });
  const library = path.dirname(
    createRequire(import.meta.url).resolve('@azure/functions/package.json'),
  );
  mkdirSync(path.join(dir, 'node_modules', '@azure'), { recursive: true });
  symlinkSync(library, path.join(dir, 'node_modules', '@azure', 'functions'), 'dir');
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** x-ms-client-principal as Static Web Apps sends it. */
export function principalHeader(userId: string, userDetails: string): string {
  return Buffer.from(
    JSON.stringify({
      identityProvider: 'github',
      userId,
      userDetails,
      userRoles: ['anonymous', 'authenticated'],
    }),
  ).toString('base64');
}
