// The shared rate limit against a real Azurite: what one instance allows, every instance sees.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableRateLimiter, type TableRateLimiter } from '../../src/limits/index.js';
import { readStorageSettings } from '../../src/storage/settings.js';
import { StorageUnavailableError } from '../../src/storage/index.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';

let azurite: AzuriteTables;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

/** One function instance's limiter (each instance has its own memory, all share the table). */
function instance(limit: number, windowMs = 60_000, now?: () => number): TableRateLimiter {
  return createTableRateLimiter({
    scope: 'send',
    limit,
    windowMs,
    settings: () => readStorageSettings({ ChatStorageConnectionString: azurite.connectionString }),
    timeoutMs: 2_000,
    ...(now ? { now } : {}),
  });
}

const person = (): string => `person-${randomUUID()}`;

describe('the shared rate limiter', () => {
  it('allows the limit, then refuses with Retry-After, per person', async () => {
    const limiter = instance(3, 30_000);
    const dave = person();
    for (let i = 0; i < 3; i += 1) expect(await limiter.take(dave)).toEqual({ allowed: true });
    const refused = await limiter.take(dave);
    expect(refused.allowed).toBe(false);
    if (refused.allowed) return;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(32);
    expect((await limiter.take(person())).allowed).toBe(true);
  });

  it('is one limit for two instances', async () => {
    const [a, b] = [instance(3), instance(3)];
    const erin = person();
    expect((await a.take(erin)).allowed).toBe(true);
    expect((await b.take(erin)).allowed).toBe(true);
    expect((await a.take(erin)).allowed).toBe(true);
    // Both know it is used up, whichever took the last place.
    expect((await b.take(erin)).allowed).toBe(false);
    expect((await a.take(erin)).allowed).toBe(false);
  });

  it('never allows more than the limit to concurrent takes on several instances', async () => {
    const instances = [instance(7), instance(7), instance(7)];
    const frank = person();
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, i) => instances[i % instances.length]!.take(frank)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(7);
    expect((await instance(7).take(frank)).allowed).toBe(false);
  });

  it('costs one storage round trip per send once the instance knows the person', async () => {
    const limiter = instance(5);
    const grace = person();
    await limiter.take(grace); // the first: read the row, then write it
    expect(limiter.storageCalls).toBe(2);
    for (let i = 0; i < 4; i += 1) await limiter.take(grace);
    expect(limiter.storageCalls).toBe(6);
    // A refusal the known row already decides costs nothing.
    expect((await limiter.take(grace)).allowed).toBe(false);
    expect(limiter.storageCalls).toBe(6);
  });

  it('lets a person send again once the window has moved on', async () => {
    let clock = 1_000_000;
    const limiter = instance(2, 10_000, () => clock);
    const heidi = person();
    await limiter.take(heidi);
    await limiter.take(heidi);
    expect((await limiter.take(heidi)).allowed).toBe(false);
    clock += 10_500;
    expect((await limiter.take(heidi)).allowed).toBe(true);
    // And another instance, reading the row, agrees.
    expect((await instance(2, 10_000, () => clock).take(heidi)).allowed).toBe(true);
    expect((await instance(2, 10_000, () => clock).take(heidi)).allowed).toBe(false);
  });

  it('fails with StorageUnavailableError, within its deadline, when storage stalls', async () => {
    const limiter = instance(5);
    azurite.pause();
    try {
      const started = performance.now();
      const error = await limiter.take(person()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      azurite.resume();
    }
  });
});
