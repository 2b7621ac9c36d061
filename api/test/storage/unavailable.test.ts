import { afterEach, describe, expect, it } from 'vitest';
import {
  createChatStorage,
  readStorageSettings,
  StorageUnavailableError,
  type ChatStorage,
} from '../../src/storage/index.js';
import { connectionStringFor, startAzurite, type AzuriteTables } from '../support/azurite.js';
import { ALICE, publicMessage } from './seed.js';

let azurite: AzuriteTables | undefined;

afterEach(async () => {
  await azurite?.stop();
  azurite = undefined;
});

function storageFor(connectionString: string, timeoutMs = 2000): ChatStorage {
  return createChatStorage(readStorageSettings({ ChatStorageConnectionString: connectionString }), {
    timeoutMs,
  });
}

async function failureOf(call: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

describe('storage unavailable', () => {
  it('fails fast with StorageUnavailableError once Azurite is stopped', async () => {
    azurite = await startAzurite();
    const storage = storageFor(azurite.connectionString);
    await storage.saveMessage(publicMessage(ALICE, new Date()));
    await storage.upsertPerson({
      id: ALICE.id,
      name: 'alice',
      provider: 'github',
      lastSeen: new Date(),
    });
    await azurite.stop();

    for (const call of [
      () => storage.saveMessage(publicMessage(ALICE, new Date())),
      () => storage.listTimeline('general'),
      () => storage.getPerson(ALICE.id),
      () => storage.upsertPerson({ id: 'x', name: 'x', provider: 'github', lastSeen: new Date() }),
    ]) {
      const { error, ms } = await failureOf(call());
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect(error).toMatchObject({ failure: 'unreachable' });
      expect(ms).toBeLessThan(1500);
    }
  });

  it('times out instead of hanging when storage accepts connections but never answers', async () => {
    azurite = await startAzurite();
    const storage = storageFor(azurite.connectionString, 400);
    await storage.listTimeline('general'); // tables exist, connection is warm
    azurite.pause();
    const { error, ms } = await failureOf(storage.saveMessage(publicMessage(ALICE, new Date())));
    expect(error).toMatchObject({ name: 'StorageUnavailableError', failure: 'timeout' });
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(1500);
    azurite.resume();
  });

  it('reports an unreachable account on first use and recovers once it is up', async () => {
    // Start Azurite to learn a port that is free, then stop it: nothing listens there now.
    azurite = await startAzurite();
    const { port } = azurite;
    await azurite.stop();
    const storage = storageFor(connectionStringFor(port));
    const { error, ms } = await failureOf(storage.listTimeline('general'));
    expect(error).toMatchObject({ name: 'StorageUnavailableError', failure: 'unreachable' });
    expect(ms).toBeLessThan(1500);

    // The failed table creation is not remembered: the same instance works once storage is up.
    azurite = await startAzurite({ port });
    await expect(storage.listTimeline('general')).resolves.toMatchObject({ messages: [] });
  });

  it('says the account refused us when the key is wrong', async () => {
    azurite = await startAzurite();
    const wrongKey = azurite.connectionString.replace(
      /AccountKey=[^;]+/,
      `AccountKey=${Buffer.from('not the key').toString('base64')}`,
    );
    const { error } = await failureOf(storageFor(wrongKey).listTimeline('general'));
    expect(error).toMatchObject({
      name: 'StorageUnavailableError',
      failure: 'rejected',
      status: 403,
    });
  });
});
