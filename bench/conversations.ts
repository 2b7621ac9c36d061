// The conversations benchmark: `npx tsx bench/conversations.ts [--messages N] [--members N]
// [--reads N] [--sends N]` (npm run bench:conversations). Starts Azurite (in memory), the
// emulator and the local Functions host serving the built API, with a counting proxy between the
// API and the emulator's REST API, then measures, each beside today's single-room figure:
//  (a) GET /api/conversations for a person in 200 conversations (#general, 149 rooms, 50 direct
//      conversations; 20 of them with news) with 100,000 stored messages. Baselines: the same
//      request for a person who is only in #general, and GET /api/messages (the page the
//      single-room app loads), on the same stored data.
//  (b) a send to a room of 1,000 members, each connected with an official client: REST calls
//      to the service per message, POST latency, and the time until all 1,000 have it. Baseline:
//      the same through #general (the whole hub), to the same 1,000 clients.
// Prints a table and writes JSON to bench/results/conversations-<time>.json.
import { randomUUID } from 'node:crypto';
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { directConversationId } from '../api/src/conversations/conversation-id.js';
import { roomGroup } from '../api/src/conversations/delivery.js';
import { loadConfig } from '../api/src/config.js';
import type { ChatMessage } from '../api/src/shared/chat-message.js';
import type { RoomSummary } from '../api/src/shared/conversation.js';
import { createHubClient } from '../api/src/signalr/rest-client.js';
import { parseConnectionString } from '../api/src/signalr/connection-string.js';
import { createClientAccess } from '../api/src/signalr/tokens.js';
import { createChatStorage, readStorageSettings } from '../api/src/storage/index.js';
import {
  expectStatus,
  measure,
  principal,
  printMeasurements,
  summarize,
  writeResults,
  type BenchPerson,
  type Measurement,
} from './src/api-stack.js';
import { startCountedApiStack, type CountedApiStack } from './src/counted-api-stack.js';

interface Options {
  messages: number;
  members: number;
  reads: number;
  sends: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { messages: 100_000, members: 1000, reads: 30, sends: 30 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '') as keyof Options;
    const value = Number(argv[i + 1]);
    if (!(key in options) || !Number.isInteger(value) || value < 1) {
      throw new Error(
        'Usage: tsx bench/conversations.ts [--messages N] [--members N] [--reads N] [--sends N]',
      );
    }
    options[key] = value;
  }
  return options;
}

const options = parseOptions(process.argv.slice(2));
const startedAt = Date.now();
const log = (text: string): void =>
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${text}`);

const CONVERSATIONS = 200;
const WITH_NEWS = 20;
const reader: BenchPerson = { userId: 'reader', userDetails: 'reader' };
const loner: BenchPerson = { userId: 'loner', userDetails: 'loner' };
const speaker: BenchPerson = { userId: 'speaker', userDetails: 'speaker' };
const others = Array.from({ length: 50 }, (_, i) => ({ id: `other-${i}`, name: `other ${i}` }));

/** What a request asked of storage, by kind (the figure that does not depend on Azurite). */
function callsOf(requests: { method: string; url: string }[]) {
  return {
    total: requests.length,
    rangeQueries: requests.filter((r) => r.method === 'GET' && r.url.includes('$filter')).length,
    pointReads: requests.filter((r) => r.method === 'GET' && /\(PartitionKey='/.test(r.url)).length,
    writes: requests.filter((r) => r.method !== 'GET').length,
  };
}

let stack: CountedApiStack | undefined;
const clients: HubConnection[] = [];
try {
  log('building the API and starting the stack (a counting proxy in front of the REST API)');
  stack = await startCountedApiStack({ ChatRateLimitCount: '100000' });
  const { api, env, emulator, restCalls: proxy, storageRequests: storageLog } = stack;
  const storage = createChatStorage(readStorageSettings(env), { timeoutMs: 120_000 });
  const headers = (person: BenchPerson) => ({
    'content-type': 'application/json',
    'x-ms-client-principal': principal(person),
  });
  for (const person of [reader, loner, speaker]) {
    await expectStatus(
      await fetch(`${api}/negotiate`, { method: 'POST', headers: headers(person) }),
      200,
    );
  }

  // ---- (a) a person in 200 conversations, 100,000 messages ----
  const roomIds = Array.from({ length: 149 }, () => randomUUID());
  const directIds = others.map((other) => directConversationId(reader.userId, other.id));
  const conversationIds = ['general', ...roomIds, ...directIds];
  const perConversation = Math.floor(options.messages / conversationIds.length);
  log(
    `(a) storing ${perConversation * conversationIds.length} messages in ${CONVERSATIONS} conversations`,
  );
  const base = Date.now() - options.messages * 1000;
  const newest = new Map<string, ChatMessage[]>();
  const seedStarted = performance.now();
  for (let round = 0; round < perConversation; round += 10) {
    const batch: ChatMessage[] = [];
    for (const [c, conversationId] of conversationIds.entries()) {
      for (let k = round; k < Math.min(round + 10, perConversation); k += 1) {
        const direct = c > roomIds.length;
        const sender = direct ? others[c - roomIds.length - 1]! : others[(c + k) % others.length]!;
        const message: ChatMessage = {
          id: randomUUID(),
          text: `message ${k} of ${conversationId}`,
          sender,
          conversationId,
          ...(direct ? { recipient: { id: reader.userId, name: reader.userDetails } } : {}),
          isPrivate: direct,
          sentAt: new Date(base + (k * conversationIds.length + c) * 10).toISOString(),
        };
        batch.push(message);
        const kept = newest.get(conversationId) ?? [];
        kept.push(message);
        newest.set(conversationId, kept.slice(-200));
      }
    }
    await storage.importMessages(batch);
    if (round % 100 === 0) log(`    ${batch.length * (round / 10 + 1)} stored`);
  }
  const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
  const seedFinishedAt = Date.now();
  log(`    stored in ${seedSeconds} s`);

  // The reader's memberships: read to the end everywhere but in WITH_NEWS conversations.
  const at = new Date();
  for (const [c, conversationId] of conversationIds.entries()) {
    const kept = newest.get(conversationId)!;
    const unread = c % (CONVERSATIONS / WITH_NEWS) === 1 ? 5 + ((c * 7) % 150) : 0;
    const readTo = kept[Math.max(0, kept.length - 1 - unread)]!;
    const readPosition = { ms: Date.parse(readTo.sentAt), id: readTo.id };
    const direct = c > roomIds.length;
    const other = direct ? others[c - roomIds.length - 1]! : undefined;
    const label = other
      ? { kind: 'direct' as const, name: other.name, with: other }
      : {
          kind: 'room' as const,
          name: c === 0 ? 'general' : `room ${c}`,
          visibility: 'public' as const,
        };
    await storage.memberships.putMembership(reader.userId, conversationId, label, {
      at,
      readPosition,
    });
  }
  // A person usually opens the chat long after most of their conversations' last messages: a
  // "last message" row younger than the settle window (30 s) is always counted (see the storage
  // README), so the listing is measured once the seeded rows are older than that.
  const settled = seedFinishedAt + 31_000 - Date.now();
  if (settled > 0) {
    log(`    waiting ${Math.round(settled / 1000)} s until the seeded rows are settled`);
    await new Promise((resolve) => setTimeout(resolve, settled));
  }
  const listOf = async (person: BenchPerson) =>
    JSON.parse(
      await expectStatus(await fetch(`${api}/conversations`, { headers: headers(person) }), 200),
    ) as { conversations: { unread: number }[] };
  // The first listing counts what is unread in the 20 conversations with news; later ones find
  // those counts kept on the reader's rows (the tally) and read only what came since.
  storageLog.requests.length = 0;
  const firstStarted = performance.now();
  const first = await listOf(reader);
  const firstMs = Math.round(performance.now() - firstStarted);
  const firstCalls = callsOf(storageLog.requests);
  const withNews = first.conversations.filter((c) => c.unread > 0).length;
  log(
    `    the first listing: ${first.conversations.length} conversations, ${withNews} with news, ${firstMs} ms, ${JSON.stringify(firstCalls)}`,
  );
  await listOf(loner);
  storageLog.requests.length = 0;
  await listOf(reader);
  const storageCalls = callsOf(storageLog.requests);
  log(`    a later listing: ${JSON.stringify(storageCalls)}`);

  // One request at a time: the figure is what a person waits for when they open the chat.
  log(`(a) ${options.reads} GET /api/conversations of each kind, one at a time`);
  const listMany = await measure(options.reads, 1, async () => void (await listOf(reader)));
  const listOne = await measure(options.reads, 1, async () => void (await listOf(loner)));
  const latestPage = await measure(options.reads, 1, async () => {
    await expectStatus(await fetch(`${api}/messages?limit=50`, { headers: headers(loner) }), 200);
  });

  // ---- (b) a room of 1,000 members ----
  log(`(b) a room of ${options.members} members, each connected with an official client`);
  const created = JSON.parse(
    await expectStatus(
      await fetch(`${api}/rooms`, {
        method: 'POST',
        headers: headers(speaker),
        body: JSON.stringify({ name: 'all hands', visibility: 'public' }),
      }),
      201,
    ),
  ) as RoomSummary;
  const direct = parseConnectionString(emulator.connectionString);
  const hub = createHubClient(direct, loadConfig(env).hubName);
  const members = Array.from({ length: options.members }, (_, i) => ({
    id: `member-${i}`,
    name: `m${i}`,
  }));
  await measure(members.length, 16, async (i) => {
    const member = members[i]!;
    await storage.memberships.addRoomMember(created.id, member, at);
    await storage.memberships.putMembership(
      member.id,
      created.id,
      { kind: 'room', name: created.name, visibility: 'public' },
      { at },
    );
    await hub.addUserToGroup(roomGroup(created.id), member.id);
  });

  const arrivals = new Map<string, { count: number; last: number; done?: () => void }>();
  const connectStarted = performance.now();
  await measure(members.length, 50, async (i) => {
    const access = createClientAccess(
      direct,
      'chat',
      { userId: members[i]!.id, name: members[i]!.name },
      3600,
    );
    const connection = new HubConnectionBuilder()
      .withUrl(access.url, { accessTokenFactory: () => access.accessToken })
      .configureLogging(LogLevel.None)
      .build();
    connection.on('newMessage', (message: ChatMessage) => {
      const arrival = arrivals.get(message.id);
      if (!arrival) return;
      arrival.count += 1;
      arrival.last = performance.now();
      if (arrival.count === members.length) arrival.done?.();
    });
    await connection.start();
    clients.push(connection);
  });
  log(
    `    ${clients.length} clients connected in ${Math.round(performance.now() - connectStarted)} ms`,
  );

  /** Sends one message at a time and times its delivery to every member. */
  async function deliveries(path: string, label: string) {
    const postMs: number[] = [];
    const allMs: number[] = [];
    let calls = 0;
    let failures = 0;
    const started = performance.now();
    for (let i = 0; i < options.sends; i += 1) {
      const id = randomUUID();
      const everyone = new Promise<void>((resolve) =>
        arrivals.set(id, { count: 0, last: 0, done: resolve }),
      );
      const before = proxy.count();
      const t0 = performance.now();
      const answer = await fetch(`${api}/${path}`, {
        method: 'POST',
        headers: headers(speaker),
        body: JSON.stringify({ id, text: `${label} ${i}` }),
      });
      postMs.push(performance.now() - t0);
      await answer.text();
      const timedOut = await Promise.race([
        everyone.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30_000)),
      ]);
      if (timedOut || answer.status !== 202) failures += 1;
      else allMs.push(arrivals.get(id)!.last - t0);
      calls += proxy.count() - before;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      restCallsPerMessage: Math.round((calls / options.sends) * 100) / 100,
      post: summarize(postMs, 0, seconds),
      deliveredToAll: summarize(allMs, failures, seconds),
    };
  }
  // Warm-up, then the measurements.
  await deliveries(`conversations/${created.id}/messages`, 'warm-up');
  log(`(b) ${options.sends} sends to the room, one at a time`);
  const room = await deliveries(`conversations/${created.id}/messages`, 'to the room');
  log(`(b) baseline: ${options.sends} sends to #general (the whole hub)`);
  const general = await deliveries('messages', 'to everyone');

  const results = {
    options,
    list: {
      storedMessages: perConversation * conversationIds.length,
      seedSeconds,
      conversations: first.conversations.length,
      withNews,
      firstListing: { ms: firstMs, storageCalls: firstCalls },
      storageCallsPerListing: storageCalls,
      inTwoHundred: listMany,
      baselineOnlyGeneral: listOne,
      baselineSeedLatestPage: latestPage,
    },
    roomSend: { members: members.length, room, baselineGeneral: general },
  };
  const rows: [string, Measurement][] = [
    [`(a) GET /api/conversations, ${first.conversations.length} conversations`, listMany],
    ['(a) baseline: GET /api/conversations, #general only', listOne],
    ['(a) baseline: GET /api/messages (the seed app opening)', latestPage],
    [`(b) POST to a room of ${members.length}`, room.post],
    [`(b) ... until all ${members.length} have it`, room.deliveredToAll],
    ['(b) baseline: POST to #general', general.post],
    [`(b) baseline: ... until all ${members.length} have it`, general.deliveredToAll],
  ];
  printMeasurements(rows);
  console.log(
    `Storage calls for the first listing of ${first.conversations.length} conversations (${firstMs} ms): ${firstCalls.rangeQueries} range queries, ${firstCalls.pointReads} point reads, ${firstCalls.writes} writes (tallies)`,
  );
  console.log(
    `Storage calls for each later listing: ${storageCalls.rangeQueries} range queries, ${storageCalls.pointReads} point reads, ${storageCalls.writes} writes`,
  );
  console.log(
    `REST calls to the service per message: room ${room.restCallsPerMessage}, #general ${general.restCallsPerMessage}`,
  );
  log(`results: ${await writeResults('conversations', startedAt, results)}`);
} finally {
  await Promise.all(clients.map((connection) => connection.stop().catch(() => undefined)));
  await stack?.close();
}
