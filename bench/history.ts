// The history benchmark: `npx tsx bench/history.ts [--sends N] [--reads N] [--seed N]`.
//
// Starts Azurite (in memory), the SignalR emulator and the local Functions host serving the
// built API, then measures, each beside a run without storage:
//  (a) send throughput: POST /api/messages through the host, storage and SignalR in the path,
//      from 20 signed-in people (ChatRateLimitCount raised for the run). Baseline: the SignalR
//      push alone (the API's own hub client, sendToAll, same concurrency): there is no product
//      mode that sends without storing, and a switch to skip storage would be product code that
//      exists only to be measured, so the bench times the part that remains without it. The
//      storage save alone (saveMessage, same concurrency) is printed too, to show where the
//      time goes.
//  (b) GET /api/messages latency with 10,000 stored messages (seeded through the storage module
//      in batches): the latest page, a `before` page and a `since` catch-up page. Baseline: the
//      same request through the same host and function answered before storage is touched
//      (`since=x` is refused with a 400 by the query parser), i.e. HTTP, host and principal.
//
// Prints a table and writes JSON to bench/results/history-<time>.json. One run: about 1-2 min.
import { randomUUID } from 'node:crypto';
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { directConversationId } from '../api/src/conversations/conversation-id.js';
import { loadConfig } from '../api/src/config.js';
import type { ChatMessage, MessagePage } from '../api/src/shared/chat-message.js';
import { createHubClient } from '../api/src/signalr/rest-client.js';
import { createChatStorage, readStorageSettings } from '../api/src/storage/index.js';
import {
  expectStatus,
  measure,
  principal,
  printMeasurements,
  startApiStack,
  writeResults,
  type ApiStack,
} from './src/api-stack.js';

interface Options {
  sends: number;
  reads: number;
  seed: number;
  concurrency: number;
  readConcurrency: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    sends: 600,
    reads: 200,
    seed: 10_000,
    concurrency: 16,
    readConcurrency: 4,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    const key = {
      '--sends': 'sends',
      '--reads': 'reads',
      '--seed': 'seed',
      '--concurrency': 'concurrency',
    }[flag ?? ''] as keyof Options | undefined;
    if (!key || !Number.isInteger(value) || value < 1) {
      throw new Error(
        `Usage: tsx bench/history.ts [--sends N] [--reads N] [--seed N] [--concurrency N] (got ${flag})`,
      );
    }
    options[key] = value;
  }
  return options;
}

const PEOPLE = Array.from({ length: 20 }, (_, i) => ({
  userId: `bench-${i}`,
  userDetails: `bench person ${i}`,
}));

/** 10,000 messages over the last days: mostly public, every tenth private between two people. */
function seedMessages(count: number): ChatMessage[] {
  const start = Date.now() - count * 5000;
  return Array.from({ length: count }, (_, i) => {
    const sender = PEOPLE[i % PEOPLE.length]!;
    const recipient = PEOPLE[(i + 1) % PEOPLE.length]!;
    const isPrivate = i % 10 === 0;
    return {
      id: randomUUID(),
      text: `seeded message ${i} `.repeat(4).trim(),
      sender: { id: sender.userId, name: sender.userDetails },
      conversationId: isPrivate ? directConversationId(sender.userId, recipient.userId) : 'general',
      ...(isPrivate ? { recipient: { id: recipient.userId, name: recipient.userDetails } } : {}),
      isPrivate,
      sentAt: new Date(start + i * 5000).toISOString(),
    };
  });
}

/** Polls (there is no event for "all of them") until `done`, at most 15 s. */
async function waitUntil(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const options = parseOptions(process.argv.slice(2));
const startedAt = Date.now();
const log = (text: string): void =>
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${text}`);

let stack: ApiStack | undefined;
const stopReceiver: (() => Promise<void>)[] = [];
try {
  log('building the API (npm run build -w api) and starting the stack');
  stack = await startApiStack({ ChatRateLimitCount: '100000' });
  const { api, env, host, emulator, azurite } = stack;
  log(`stack up: host ${host.url}, emulator ${emulator.endpoint}, Azurite :${azurite.port}`);

  // Everyone negotiates once (the directory then has their names), and one official client
  // stays connected so pushes are really delivered to someone.
  for (const person of PEOPLE) {
    await expectStatus(
      await fetch(`${api}/negotiate`, {
        method: 'POST',
        headers: { 'x-ms-client-principal': principal(person) },
      }),
      200,
    );
  }
  let received = 0;
  const receiver = new HubConnectionBuilder()
    .withUrl(api, { headers: { 'x-ms-client-principal': principal(PEOPLE[0]!) } })
    .configureLogging(LogLevel.None)
    .build();
  receiver.on('newMessage', () => {
    received += 1;
  });
  await receiver.start();
  stopReceiver.push(() => receiver.stop());

  // Generous deadline: Azurite filters its whole table in memory, so big imports get slow.
  const storage = createChatStorage(readStorageSettings(env), { timeoutMs: 60_000 });
  const hub = createHubClient(loadConfig(env).signalR, 'chat');

  // Warm-up: tables created, connections pooled, the worker's code paths compiled.
  await measure(40, 4, async (i) => {
    const person = PEOPLE[i % PEOPLE.length]!;
    await expectStatus(
      await fetch(`${api}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ms-client-principal': principal(person) },
        body: JSON.stringify({ text: `warm-up ${i}` }),
      }),
      202,
    );
  });

  await waitUntil(() => received >= 40, 'the warm-up messages to arrive');

  // (a) Sends.
  log(`(a) ${options.sends} sends through the host, ${options.concurrency} at a time`);
  const receivedBefore = received;
  let notDelivered = 0;
  const sendFull = await measure(options.sends, options.concurrency, async (i) => {
    const person = PEOPLE[i % PEOPLE.length]!;
    const privateTo = i % 10 === 0 ? PEOPLE[(i + 1) % PEOPLE.length]!.userId : undefined;
    const body = await expectStatus(
      await fetch(`${api}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ms-client-principal': principal(person) },
        body: JSON.stringify({
          id: randomUUID(),
          text: `bench message ${i}`,
          recipient: privateTo,
        }),
      }),
      202,
    );
    if ((JSON.parse(body) as { delivered?: boolean }).delivered === false) notDelivered += 1;
  });
  // The receiver is bench-0: every public message, plus the private ones bench-0 sends or gets.
  const toReceiver = Array.from({ length: options.sends }, (_, i) => i).filter(
    (i) => i % 10 !== 0 || i % PEOPLE.length === 0 || (i + 1) % PEOPLE.length === 0,
  ).length;
  await waitUntil(() => received - receivedBefore >= toReceiver, 'every send to reach bench-0');
  log(
    `    ${sendFull.perSecond}/s; bench-0 received ${received - receivedBefore} of ${toReceiver}`,
  );

  log(`(a) baseline: ${options.sends} SignalR pushes alone (hub client, sendToAll)`);
  const pushOnly = await measure(options.sends, options.concurrency, async (i) => {
    await hub.sendToAll('benchNoop', [{ i }]);
  });
  log(`(a) for reference: ${options.sends} storage saves alone (saveMessage)`);
  const saveOnly = await measure(options.sends, options.concurrency, async (i) => {
    const person = PEOPLE[i % PEOPLE.length]!;
    await storage.saveMessage({
      id: randomUUID(),
      text: `direct save ${i}`,
      sender: { id: person.userId, name: person.userDetails },
      conversationId: 'general',
      isPrivate: false,
      sentAt: new Date().toISOString(),
    });
  });

  // (b) Reads with 10,000 stored messages.
  log(`(b) seeding ${options.seed} messages with importMessages (batches of 1,000)`);
  const seeded = seedMessages(options.seed);
  const seedStarted = performance.now();
  for (let i = 0; i < seeded.length; i += 1000)
    await storage.importMessages(seeded.slice(i, i + 1000));
  const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
  const storedTotal = options.seed + options.sends + 40 + options.sends; // seeded + sends + warm-up + direct saves
  log(`    seeded in ${seedSeconds} s; about ${storedTotal} messages stored`);

  const get = async (
    person: (typeof PEOPLE)[number],
    query: string,
    status = 200,
  ): Promise<string> =>
    expectStatus(
      await fetch(`${api}/messages?${query}`, {
        headers: { 'x-ms-client-principal': principal(person) },
      }),
      status,
    );
  const reader = PEOPLE[3]!;
  const latestPage = JSON.parse(await get(reader, 'limit=50')) as MessagePage;
  const middle = seeded[Math.floor(seeded.length / 2)]!;

  log(`(b) ${options.reads} GETs of each kind, ${options.readConcurrency} at a time`);
  const readLatest = await measure(options.reads, options.readConcurrency, async (i) => {
    await get(PEOPLE[i % PEOPLE.length]!, 'limit=50');
  });
  const readBefore = await measure(options.reads, options.readConcurrency, async () => {
    await get(reader, `limit=50&before=${latestPage.olderCursor ?? ''}`);
  });
  const readSince = await measure(options.reads, options.readConcurrency, async () => {
    await get(reader, `limit=50&since=${middle.sentAt}`);
  });
  const readBaseline = await measure(options.reads, options.readConcurrency, async () => {
    await get(reader, 'since=x', 400);
  });

  const results = {
    options,
    send: {
      full: { ...sendFull, notDelivered, receivedByOne: received - receivedBefore, toReceiver },
      baselinePushOnly: pushOnly,
      storageSaveOnly: saveOnly,
    },
    read: {
      storedMessages: storedTotal,
      seedSeconds,
      latest: readLatest,
      before: readBefore,
      since: readSince,
      baselineNoStorage: readBaseline,
    },
  };

  printMeasurements([
    ['(a) POST /api/messages (storage + SignalR)', sendFull],
    ['(a) baseline: SignalR push alone', pushOnly],
    ['(a) reference: saveMessage alone', saveOnly],
    [`(b) GET latest page (${storedTotal} stored)`, readLatest],
    ['(b) GET before= page', readBefore],
    ['(b) GET since= catch-up page', readSince],
    ['(b) baseline: GET answered before storage', readBaseline],
  ]);
  log(`results: ${await writeResults('history', startedAt, results)}`);
} finally {
  for (const stop of stopReceiver) await stop().catch(() => undefined);
  await stack?.close();
}
