// The design's promises about work per call, checked on the wire: a timeline page reads exactly
// two partitions with bounded page sizes (never a scan), and a save takes a fixed number of calls.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createChatStorage,
  readStorageSettings,
  type ChatStorage,
} from '../../src/storage/index.js';
import { userPartition } from '../../src/storage/keys.js';
import { connectionStringFor, startAzurite, type AzuriteTables } from '../support/azurite.js';
import { startRequestLog, type RequestLog } from './request-log.js';
import { ALICE, BOB, CAROL, privateMessage, publicMessage } from './seed.js';

let azurite: AzuriteTables;
let log: RequestLog;
let storage: ChatStorage;

beforeAll(async () => {
  azurite = await startAzurite();
  log = await startRequestLog(azurite.port);
  storage = createChatStorage(
    readStorageSettings({ ChatStorageConnectionString: connectionStringFor(log.port) }),
    { timeoutMs: 30_000 },
  );
  const base = Date.now() - 3_600_000;
  await storage.importMessages(
    Array.from({ length: 120 }, (_, i) =>
      i % 4 === 0
        ? privateMessage(ALICE, BOB, new Date(base + i))
        : publicMessage(CAROL, new Date(base + i)),
    ),
  );
});

afterAll(async () => {
  await log?.close();
  await azurite?.stop();
});

beforeEach(() => {
  log.requests.length = 0;
});

const queries = () => log.requests.filter((r) => r.method === 'GET' && r.url.includes('$filter'));

describe('work per call', () => {
  it('reads a page with two bounded range queries: the room and the caller', async () => {
    const first = await storage.listTimeline(CAROL.id, { limit: 20 });
    await storage.listTimeline(CAROL.id, { limit: 20, before: first.olderCursor });
    await storage.listTimeline(CAROL.id, { limit: 20, after: first.olderCursor });
    expect(log.requests).toHaveLength(6);
    for (const query of queries()) {
      expect(query.url).toMatch(/\$top=21\b/);
      expect(query.url).toMatch(/RowKey gt '[^']+' and RowKey lt '[^']+'/);
    }
    const partitions = queries().map((q) => /PartitionKey eq '([^']+)'/.exec(q.url)?.[1]);
    expect(partitions.sort()).toEqual(
      [...Array(3).fill('room'), ...Array(3).fill(userPartition(CAROL.id))].sort(),
    );
  });

  it('reads the same two partitions whoever else a cursor came from', async () => {
    const alicePage = await storage.listTimeline(ALICE.id, { limit: 10 });
    log.requests.length = 0;
    await storage.listTimeline(BOB.id, { limit: 10, before: alicePage.olderCursor });
    const partitions = queries().map((q) => /PartitionKey eq '([^']+)'/.exec(q.url)?.[1]);
    expect(partitions.sort()).toEqual(['room', userPartition(BOB.id)].sort());
  });

  it('saves a public message in three calls and a private one in four', async () => {
    await storage.saveMessage(publicMessage(ALICE, new Date()));
    // claim + marker (one transaction), the room's rows (one transaction), marker removal
    expect(log.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'DELETE']);
    log.requests.length = 0;
    await storage.saveMessage(privateMessage(ALICE, BOB, new Date()));
    expect(log.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'DELETE']);
  });

  it('looks people up by point reads only', async () => {
    await storage.getPeople(['alice-id', 'bob-id']); // the first call also creates the table
    const reads = log.requests.filter((r) => r.method === 'GET');
    expect(reads).toHaveLength(2);
    for (const read of reads) {
      expect(read.url).toMatch(/ChatPeople\(PartitionKey='[^']+',RowKey='person'\)/);
    }
  });
});
