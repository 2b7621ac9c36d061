import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts, PortInUseError, startStack } from '../stack.js';

describe('the local stack', () => {
  let blocker: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  });

  it('fails fast, naming the port, when one is already in use', async () => {
    const ports = await freePorts();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(ports.api, '127.0.0.1', resolve));

    const started = Date.now();
    const error = await startStack({ ports }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(
      `Port ${ports.api} (Functions host) is already in use`,
    );
    // Nothing was started: every other port is still free.
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const port of [ports.storage, ports.signalr, ports.app, ports.swa]) {
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
      });
    }
  });
});
