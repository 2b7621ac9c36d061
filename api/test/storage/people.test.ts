import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChatStorage,
  MAX_PEOPLE_PER_CALL,
  readStorageSettings,
  type ChatStorage,
} from '../../src/storage/index.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';

let azurite: AzuriteTables;
let storage: ChatStorage;

beforeAll(async () => {
  azurite = await startAzurite();
  storage = createChatStorage(
    readStorageSettings({ ChatStorageConnectionString: azurite.connectionString }),
    { timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await azurite?.stop();
});

describe('people directory', () => {
  it('keeps the latest name and last-seen time of each person', async () => {
    await storage.upsertPerson({
      id: 'dana-id',
      name: 'dana',
      provider: 'github',
      lastSeen: new Date('2026-01-01T10:00:00Z'),
    });
    const again = await storage.upsertPerson({
      id: 'dana-id',
      name: 'Dana S.',
      provider: 'github',
      lastSeen: '2026-01-02T10:00:00.000Z',
    });
    expect(again.lastSeen).toBe('2026-01-02T10:00:00.000Z');
    await expect(storage.getPerson('dana-id')).resolves.toEqual({
      id: 'dana-id',
      name: 'Dana S.',
      provider: 'github',
      lastSeen: '2026-01-02T10:00:00.000Z',
    });
  });

  it('answers undefined for someone who never signed in', async () => {
    await expect(storage.getPerson('nobody-id')).resolves.toBeUndefined();
  });

  it('looks up several people at once, leaving out unknown ids', async () => {
    const ids = ['p1@example.com', 'p2|aad', 'p3+x:y'];
    for (const [i, id] of ids.entries()) {
      await storage.upsertPerson({
        id,
        name: `person ${i}`,
        provider: 'aad',
        lastSeen: new Date(),
      });
    }
    const found = await storage.getPeople([...ids, 'p1@example.com', 'unknown-id']);
    expect([...found.keys()].sort()).toEqual([...ids].sort());
    expect(found.get('p2|aad')?.name).toBe('person 1');
  });

  it(`refuses more than ${MAX_PEOPLE_PER_CALL} ids per lookup`, async () => {
    const ids = Array.from({ length: MAX_PEOPLE_PER_CALL + 1 }, (_, i) => `id-${i}`);
    await expect(storage.getPeople(ids)).rejects.toMatchObject({
      name: 'StorageValidationError',
      field: 'ids',
    });
  });

  it.each([
    ['a bad id', { id: 'a/b', name: 'x', provider: 'github', lastSeen: new Date() }],
    ['a bad provider', { id: 'a', name: 'x', provider: 'git hub', lastSeen: new Date() }],
    ['a bad date', { id: 'a', name: 'x', provider: 'github', lastSeen: 'soon' }],
    [
      'a huge name',
      { id: 'a', name: 'x'.repeat(10_000), provider: 'github', lastSeen: new Date() },
    ],
  ])('rejects %s', async (_name, person) => {
    await expect(storage.upsertPerson(person)).rejects.toMatchObject({
      name: 'StorageValidationError',
      field: 'person',
    });
  });

  it('rejects a lookup id that cannot be a user id', async () => {
    await expect(storage.getPerson("x' or true")).rejects.toMatchObject({ field: 'ids' });
  });
});
