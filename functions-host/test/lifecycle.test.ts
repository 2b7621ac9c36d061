import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PortInUseError, startFunctionsHost } from '../src/index.js';
import {
  closeAllHosts,
  copyFixture,
  fixture,
  removeTempDirs,
  startTestHost,
  waitFor,
} from './helpers.js';

afterEach(closeAllHosts);
afterAll(removeTempDirs);

async function text(url: string): Promise<[number, string]> {
  const response = await fetch(url);
  return [response.status, await response.text()];
}

function listenOn(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

describe('app settings', () => {
  it('loads local.settings.json Values unless already set; options win over both', async () => {
    process.env.OVERRIDDEN_BY_ENV = 'from the environment';
    try {
      const host = await startTestHost(fixture('basic'), {
        env: { OVERRIDDEN_BY_OPTIONS: 'from options' },
      });
      const response = await fetch(`${host.url}/api/settings`);
      expect(await response.json()).toEqual({
        fromLocalSettings: 'local',
        overriddenByEnv: 'from the environment',
        overriddenByOptions: 'from options',
      });
    } finally {
      delete process.env.OVERRIDDEN_BY_ENV;
    }
  });
});

describe('route prefixes', () => {
  it('serves routes without a prefix when host.json sets an empty one', async () => {
    const host = await startTestHost(fixture('unprefixed'));
    expect(await text(`${host.url}/ping`)).toEqual([200, 'pong']);
    expect(await text(`${host.url}/v/2`)).toEqual([200, 'v2']);
    expect((await fetch(`${host.url}/v/4`)).status).toBe(404);
    expect((await fetch(`${host.url}/api/ping`)).status).toBe(404);
  });

  it('uses the prefix host.json names', async () => {
    const dir = copyFixture('buildable');
    const host = await startTestHost(dir, { build: true });
    expect(await text(`${host.url}/v1/hello`)).toEqual([200, 'hello, built']);
    expect((await fetch(`${host.url}/api/hello`)).status).toBe(404);
  });
});

describe('building', () => {
  it('runs the build script when the main files are missing, and not when they are current', async () => {
    const dir = copyFixture('buildable');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
    const first = await startTestHost(dir, { build: true });
    expect(first.logs.some((line) => line.startsWith('Building the app'))).toBe(true);
    expect(first.functions).toEqual(['hello']);
    await first.close();

    const second = await startTestHost(dir, { build: true });
    expect(second.logs.some((line) => line.startsWith('Building the app'))).toBe(false);
  });

  it('fails to start, with the reason, when the main files do not exist and there is no build', async () => {
    const dir = copyFixture('buildable');
    await expect(startFunctionsHost({ appDir: dir, port: 0, log: () => {} })).rejects.toThrow(
      /matches no files/,
    );
  });
});

describe('reloading', () => {
  it('picks up a changed module while running, without dropping requests', async () => {
    const dir = copyFixture('lifecycle');
    const host = await startTestHost(dir, { watch: true });
    expect(await text(`${host.url}/api/version`)).toEqual([200, 'one']);

    // A request in flight on the old worker while the change lands.
    const inFlight = text(`${host.url}/api/slow?ms=1500`);
    writeFileSync(path.join(dir, 'src', 'version.js'), "export const version = 'two';\n");
    const statuses: number[] = [];
    await waitFor(async () => {
      const [status, body] = await text(`${host.url}/api/version`);
      statuses.push(status);
      return body === 'two' ? body : undefined;
    }, 'the reloaded module');
    expect(await inFlight).toEqual([200, 'one']);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(host.logs.some((line) => line.startsWith('Reloaded 3 function(s)'))).toBe(true);
  });

  it('keeps serving the old code when a change does not load, and recovers after a fix', async () => {
    const dir = copyFixture('lifecycle');
    const host = await startTestHost(dir, { watch: true });
    const file = path.join(dir, 'src', 'version.js');
    writeFileSync(file, 'export const version = ;\n');
    await waitFor(
      () => (host.logs.some((line) => line.startsWith('Failed to load')) ? true : undefined),
      'a load failure',
    );
    expect(await text(`${host.url}/api/version`)).toEqual([200, 'one']);
    writeFileSync(file, "export const version = 'fixed';\n");
    await waitFor(
      async () => ((await text(`${host.url}/api/version`))[1] === 'fixed' ? true : undefined),
      'the fix',
    );
  });

  it('rebuilds with the build script when sources change and there is no watch script', async () => {
    const dir = copyFixture('buildable');
    const host = await startTestHost(dir, { build: true, watch: true });
    expect(await text(`${host.url}/v1/hello`)).toEqual([200, 'hello, built']);
    const source = path.join(dir, 'src', 'hello.js');
    writeFileSync(source, readFileSync(source, 'utf8').replace('hello, built', 'hello, rebuilt'));
    await waitFor(
      async () => ((await text(`${host.url}/v1/hello`))[1] === 'hello, rebuilt' ? true : undefined),
      'the rebuilt function',
    );
  });

  it('runs the watch script and reloads from its output', async () => {
    const dir = copyFixture('buildable');
    const pkgFile = path.join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { scripts: Record<string, string> };
    pkg.scripts.watch = 'node build.mjs --watch';
    writeFileSync(pkgFile, JSON.stringify(pkg));
    const host = await startTestHost(dir, { build: true, watch: true });
    const source = path.join(dir, 'src', 'hello.js');
    writeFileSync(source, readFileSync(source, 'utf8').replace('hello, built', 'hello, watched'));
    await waitFor(
      async () => ((await text(`${host.url}/v1/hello`))[1] === 'hello, watched' ? true : undefined),
      'the output of the watch script',
    );
    await host.close();
  });
});

describe('worker failures', () => {
  it('answers 500 when the worker dies mid-invocation, then serves from a new worker', async () => {
    const host = await startTestHost(fixture('lifecycle'));
    const crash = await fetch(`${host.url}/api/crash`);
    expect(crash.status).toBe(500);
    expect(await crash.json()).toMatchObject({ error: 'Internal Server Error' });
    expect(await text(`${host.url}/api/version`)).toEqual([200, 'one']);
    expect(host.logs.some((line) => line.includes('stopped unexpectedly'))).toBe(true);
  });
});

describe('ports', () => {
  it('frees its port on close', async () => {
    const host = await startTestHost(fixture('unprefixed'));
    await host.close();
    await expect(listenOn(host.port)).resolves.toBeUndefined();
    await expect(fetch(`${host.url}/ping`)).rejects.toThrow();
  });

  it('fails fast with a message naming the port when it is in use', async () => {
    const host = await startTestHost(fixture('unprefixed'));
    const attempt = startFunctionsHost({
      appDir: fixture('unprefixed'),
      port: host.port,
      log: () => {},
    });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow(`Port ${host.port}`);
  });
});
