// The design's promises about work per call, checked on the wire: a timeline page reads exactly
// one partition with a bounded page size (never a scan), a save takes a fixed number of calls,
// and listing someone's conversations reads one partition plus a point read per conversation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createChatStorage,
  readStorageSettings,
  type ChatStorage,
} from '../../src/storage/index.js';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import { listConversations } from '../../src/conversations/summaries.js';
import { timelinePartition } from '../../src/storage/keys.js';
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

const ALICE_BOB = directConversationId(ALICE.id, BOB.id);
const partitionsQueried = () =>
  queries().map((q) =>
    decodeURIComponent(/PartitionKey eq '([^']+)'/.exec(decodeURIComponent(q.url))?.[1] ?? ''),
  );

describe('work per call', () => {
  it("reads a page with one bounded range query on the conversation's partition", async () => {
    const first = await storage.listTimeline('general', { limit: 20 });
    await storage.listTimeline('general', { limit: 20, before: first.olderCursor });
    expect(log.requests).toHaveLength(2);
    // A catch-up page: the messages after the cursor and the change feed after its change
    // position, two bounded range queries, no point reads.
    await storage.listTimeline('general', { limit: 20, after: first.olderCursor });
    expect(log.requests).toHaveLength(4);
    for (const query of queries()) {
      expect(query.url).toMatch(/\$top=21\b/);
      expect(decodeURIComponent(query.url)).toMatch(/RowKey gt '[^']+' and RowKey lt '[^']+'/);
    }
    const ranges = queries().map((q) => /RowKey lt '([^']+)'/.exec(decodeURIComponent(q.url))?.[1]);
    expect(ranges.slice(2).sort()).toEqual(['a`', 'f`']);
    expect(partitionsQueried()).toEqual(Array(4).fill('room'));
  });

  it('reads the same partition whatever other conversation a cursor came from', async () => {
    const directPage = await storage.listTimeline(ALICE_BOB, { limit: 10 });
    log.requests.length = 0;
    await storage.listTimeline('general', { limit: 10, before: directPage.olderCursor });
    expect(partitionsQueried()).toEqual(['room']);
  });

  it('saves any message in three calls', async () => {
    for (const message of [
      publicMessage(ALICE, new Date()),
      privateMessage(ALICE, BOB, new Date()),
    ]) {
      log.requests.length = 0;
      await storage.saveMessage(message);
      // claim + marker (one transaction), the conversation's rows (one transaction), marker removal
      expect(log.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'DELETE']);
    }
  });

  it('changes a message in six calls, and a repeated change in two reads', async () => {
    const message = publicMessage(ALICE, new Date(Date.now() - 60_000));
    await storage.saveMessage(message);
    log.requests.length = 0;
    await storage.changeMessage(message.id, (current) => ({ ...current, text: 'edited' }));
    // claim read; claim + marker (one transaction); the message row and `last`, read in
    // parallel; their rewrite with the feed rows (one transaction); marker removal
    expect(log.requests.map((r) => r.method)).toEqual([
      'GET',
      'POST',
      'GET',
      'GET',
      'POST',
      'DELETE',
    ]);
    log.requests.length = 0;
    await storage.changeMessage(message.id, () => undefined);
    // the claim, then the message row (already at the claim's version) and `last`: no write
    expect(log.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('reacts in nine calls, and repeats a reaction in six without writing the message', async () => {
    const message = publicMessage(ALICE, new Date(Date.now() - 59_000));
    await storage.saveMessage(message);
    log.requests.length = 0;
    await storage.setReaction(message.id, '👍', BOB, true);
    // claim read, the reaction row; then the change: claim read, the reactions range, claim +
    // marker, the two point reads, the rows, marker removal
    expect(log.requests.map((r) => r.method)).toEqual([
      'GET',
      'POST',
      'GET',
      'GET',
      'POST',
      'GET',
      'GET',
      'POST',
      'DELETE',
    ]);
    log.requests.length = 0;
    await storage.setReaction(message.id, '👍', BOB, true);
    expect(log.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'GET', 'GET', 'GET']);
  });

  it('lists conversations with one query, a point read each, and counts only where news may be', async () => {
    const summaries = { settleMs: 0, now: () => new Date() };
    await listConversations(storage, CAROL.id, summaries); // makes carol's #general row
    // Carol has read #general to its end, and has two direct conversations: with bob (read) and
    // with alice (not read).
    const withAlice = directConversationId(CAROL.id, ALICE.id);
    const withBob = directConversationId(CAROL.id, BOB.id);
    const fromAlice = privateMessage(ALICE, CAROL, new Date(Date.now() - 1000));
    const fromBob = privateMessage(BOB, CAROL, new Date());
    await storage.saveMessage(fromAlice);
    await storage.saveMessage(fromBob);
    const label = (other: typeof ALICE) => ({
      kind: 'direct' as const,
      name: other.name,
      with: other,
    });
    await storage.memberships.putMembership(CAROL.id, withAlice, label(ALICE), { at: new Date() });
    await storage.memberships.putMembership(CAROL.id, withBob, label(BOB), { at: new Date() });
    await storage.memberships.moveReadPosition(
      CAROL.id,
      withBob,
      { ms: Date.parse(fromBob.sentAt), id: fromBob.id },
      label(BOB),
      new Date(),
    );
    log.requests.length = 0;

    const list = await listConversations(storage, CAROL.id, summaries);
    expect(list.map((c) => [c.id, c.unread])).toEqual([
      ['general', 0],
      [withBob, 0],
      [withAlice, 1],
    ]);
    const gets = log.requests.filter((r) => r.method === 'GET');
    const pointReads = gets.filter((r) => /RowKey='last'/.test(decodeURIComponent(r.url)));
    expect(pointReads).toHaveLength(3);
    const counted = partitionsQueried().filter((p) => p.startsWith('c_'));
    expect(counted).toEqual([timelinePartition(withAlice)]);
    expect(partitionsQueried().filter((p) => p.startsWith('u_'))).toHaveLength(1);
    expect(gets).toHaveLength(3 + 2);

    // The count is kept on carol's row: listing again counts nothing again...
    log.requests.length = 0;
    const again = await listConversations(storage, CAROL.id, summaries);
    expect(again.map((c) => c.unread)).toEqual([0, 0, 1]);
    expect(partitionsQueried().filter((p) => p.startsWith('c_'))).toEqual([]);
    // ...until something new comes: then only what came after the last count is read.
    const more = privateMessage(ALICE, CAROL, new Date(Date.now() + 5));
    await storage.saveMessage(more);
    log.requests.length = 0;
    const third = await listConversations(storage, CAROL.id, summaries);
    expect(third.find((c) => c.id === withAlice)?.unread).toBe(2);
    const counts = queries().filter((q) => decodeURIComponent(q.url).includes('c_'));
    expect(counts).toHaveLength(1);
    expect(decodeURIComponent(counts[0]!.url)).not.toContain(`RowKey gt 'a_'`);
    // Reading moves the position: the old count no longer applies.
    await storage.memberships.moveReadPosition(
      CAROL.id,
      withAlice,
      { ms: Date.parse(fromAlice.sentAt), id: fromAlice.id },
      label(ALICE),
      new Date(),
    );
    const afterReading = await listConversations(storage, CAROL.id, summaries);
    expect(afterReading.find((c) => c.id === withAlice)?.unread).toBe(1);
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
