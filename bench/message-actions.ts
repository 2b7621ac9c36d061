// The benchmark of acting on messages (issue 10): `npx tsx bench/message-actions.ts [options]`
// (npm run bench:message-actions; `--help` lists the options). Starts Azurite (in memory), the
// emulator and the local Functions host serving the built API, with two counting proxies: one
// between the API and Azurite (storage calls per request) and one between the API and the
// emulator's REST API (REST calls per action). Then measures, each beside its baseline:
//  (a) PATCH (edit), DELETE, PUT reaction and DELETE reaction of messages in a room, `--actions`
//      of each, `--concurrency` at a time: latency through the host, REST calls to the service
//      and storage calls per action. Baseline: POST of the same messages.
//  (b) the edit of a message with `--replies` replies (each reply's quote is refreshed, stored
//      and pushed), one at a time. Baseline: the edit of a message without replies.
//  (c) `--crowd` people reacting to one message at once: wall time until all answered, the final
//      count (must be `--crowd`) and the message's final version. Baseline: the same people each
//      sending a message at once.
//  (d) catch-up: a page with `after` (the app's page size, 200) read after `--actions` edits of
//      older messages, so `changed` is full. Baseline: the same page of a room with the same
//      messages and no changes.
//  (e) a reaction pushed to a room of `--clients` connected official clients: time until all
//      have `messageChanged`. Baseline: a send's `newMessage` to the same clients.
// Prints tables and writes JSON to bench/results/message-actions-<time>.json. Exit code 1 when
// a measurement had failures or a crowd's count was wrong, 2 for bad options.
import { randomUUID } from 'node:crypto';
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { loadConfig } from '../api/src/config.js';
import {
  MESSAGE_CHANGED_EVENT,
  NEW_MESSAGE_EVENT,
  type ChatMessage,
  type MessagePage,
} from '../api/src/shared/chat-message.js';
import type { RoomSummary } from '../api/src/shared/conversation.js';
import { parseConnectionString } from '../api/src/signalr/connection-string.js';
import { createClientAccess } from '../api/src/signalr/tokens.js';
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
  actions: number;
  concurrency: number;
  replies: number;
  cascades: number;
  crowd: number;
  crowdRounds: number;
  reads: number;
  clients: number;
  pushes: number;
}

const FLAGS: Record<string, [keyof Options, string]> = {
  '--actions': ['actions', 'messages posted, edited, reacted to, unreacted and deleted (200)'],
  '--concurrency': ['concurrency', 'requests at a time for those (4)'],
  '--replies': ['replies', 'replies of each message whose edit refreshes their quotes (10)'],
  '--cascades': ['cascades', 'edits of such messages, and of messages without replies (20)'],
  '--crowd': ['crowd', 'people reacting to one message at once (50)'],
  '--crowd-rounds': ['crowdRounds', 'crowds, each on a new message (3)'],
  '--reads': ['reads', 'catch-up pages read, of each kind (100)'],
  '--clients': ['clients', 'official clients connected to the room for (e); 0 skips (e) (200)'],
  '--pushes': ['pushes', 'sends and reactions pushed to them, one at a time (20)'],
};

function usage(): string {
  return [
    'Usage: tsx bench/message-actions.ts [options]',
    ...Object.entries(FLAGS).map(([flag, [, what]]) => `  ${`${flag} N`.padEnd(18)} ${what}`),
  ].join('\n');
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    actions: 200,
    concurrency: 4,
    replies: 10,
    cascades: 20,
    crowd: 50,
    crowdRounds: 3,
    reads: 100,
    clients: 200,
    pushes: 20,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    if (flag === '--help') {
      console.log(usage());
      process.exit(0);
    }
    const key = FLAGS[flag]?.[0];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isInteger(value) || value < (key === 'clients' ? 0 : 1)) {
      console.error(`${usage()}\n(got ${flag} ${argv[i + 1] ?? ''})`);
      process.exit(2);
    }
    options[key] = value;
  }
  return options;
}

const options = parseOptions(process.argv.slice(2));
const startedAt = Date.now();
const log = (text: string): void =>
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${text}`);

const alice: BenchPerson = { userId: 'alice', userDetails: 'alice' };
const bob: BenchPerson = { userId: 'bob', userDetails: 'bob' };
const crowdSize = Math.max(options.crowd, options.clients);
const crowd: BenchPerson[] = Array.from({ length: crowdSize }, (_, i) => ({
  userId: `person-${i}`,
  userDetails: `person ${i}`,
}));
/** The app's catch-up page size (app/src/timeline/history.ts, CATCH_UP_PAGE_SIZE). */
const CATCH_UP_LIMIT = 200;
/** How far behind the present a catch-up cursor stays (the storage's settle window). */
const SETTLE_MS = 30_000;
const EMOJI = '👍';
const problems: string[] = [];

interface StorageCalls {
  total: number;
  queries: number;
  pointReads: number;
  writes: number;
}

/** What requests asked of storage, by kind, per operation (the figure Azurite does not set). */
function storageCallsOf(requests: { method: string; url: string }[], operations: number) {
  const per = (n: number) => Math.round((n / operations) * 100) / 100;
  return {
    total: per(requests.length),
    queries: per(requests.filter((r) => r.method === 'GET' && r.url.includes('$filter')).length),
    pointReads: per(
      requests.filter((r) => r.method === 'GET' && /\(PartitionKey='/.test(r.url)).length,
    ),
    writes: per(requests.filter((r) => r.method !== 'GET').length),
  } satisfies StorageCalls;
}

interface Counted {
  measurement: Measurement;
  restCalls: number;
  storageCalls: StorageCalls;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

let stack: CountedApiStack | undefined;
const clients: HubConnection[] = [];
try {
  log('building the API and starting the stack (counting proxies in front of REST and storage)');
  stack = await startCountedApiStack({ ChatRateLimitCount: '100000' });

  const { api, env, emulator } = stack;
  const { restCalls: rest, storageRequests: storage } = stack;

  const headers = (person: BenchPerson) => ({
    'content-type': 'application/json',
    'x-ms-client-principal': principal(person),
  });
  const call = async (
    person: BenchPerson,
    method: string,
    path: string,
    status: number,
    body?: unknown,
  ): Promise<string> =>
    expectStatus(
      await fetch(`${api}/${path}`, {
        method,
        headers: headers(person),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
      status,
    );
  const messagesOf = (room: string) => `conversations/${room}/messages`;
  const post = async (person: BenchPerson, room: string, text: string, replyTo?: string) =>
    JSON.parse(
      await call(person, 'POST', messagesOf(room), 202, {
        id: randomUUID(),
        text,
        ...(replyTo ? { replyTo } : {}),
      }),
    ) as ChatMessage;
  const edit = async (room: string, id: string, text: string) =>
    JSON.parse(
      await call(alice, 'PATCH', `${messagesOf(room)}/${id}`, 200, { text }),
    ) as ChatMessage;
  const reactionPath = (room: string, id: string) =>
    `${messagesOf(room)}/${id}/reactions/${encodeURIComponent(EMOJI)}`;

  /** Runs `measure` and counts the REST and storage calls it caused, per call. */
  async function counted(
    count: number,
    concurrency: number,
    task: (index: number) => Promise<void>,
  ): Promise<Counted> {
    const restBefore = rest.count();
    storage.requests.length = 0;
    const measurement = await measure(count, concurrency, task);
    if (measurement.failures > 0) {
      problems.push(`${measurement.failures} of ${count} failed: ${measurement.firstError}`);
    }
    return {
      measurement,
      restCalls: Math.round(((rest.count() - restBefore) / count) * 100) / 100,
      storageCalls: storageCallsOf(storage.requests, count),
    };
  }

  /** Work that is not measured but must succeed. */
  async function setUp(
    what: string,
    count: number,
    concurrency: number,
    task: (index: number) => Promise<void>,
  ): Promise<void> {
    const done = await measure(count, concurrency, task);
    if (done.failures > 0) throw new Error(`${what}: ${done.firstError}`);
  }

  // ---- set-up: people, rooms, members ----
  log(`signing in ${crowd.length + 2} people, creating the rooms, joining them`);
  await setUp('signing in', crowd.length + 2, 8, async (i) => {
    await call([alice, bob, ...crowd][i]!, 'POST', 'negotiate', 200);
  });
  const createRoom = async (name: string) =>
    (
      JSON.parse(
        await call(alice, 'POST', 'rooms', 201, { name, visibility: 'public' }),
      ) as RoomSummary
    ).id;
  const actionsRoom = await createRoom('actions');
  const quietRoom = await createRoom('quiet');
  const threadsRoom = await createRoom('threads');
  const crowdRoom = await createRoom('crowd');
  for (const room of [actionsRoom, quietRoom, threadsRoom, crowdRoom]) {
    await call(bob, 'PUT', `rooms/${room}/members/${bob.userId}`, 200);
  }
  await setUp('joining the crowd room', crowd.length, 8, async (i) => {
    await call(crowd[i]!, 'PUT', `rooms/${crowdRoom}/members/${crowd[i]!.userId}`, 200);
  });

  // ---- (a) the baseline: POST; the same messages in a quiet room for (d) ----
  log(`(a) baseline: ${options.actions} POSTs to a room, ${options.concurrency} at a time`);
  const posted: ChatMessage[] = [];
  const postRun = await counted(options.actions, options.concurrency, async (i) => {
    posted[i] = await post(alice, actionsRoom, `message ${i} of the actions room`);
  });
  await setUp('posting to the quiet room', options.actions, options.concurrency, async (i) => {
    await post(alice, quietRoom, `message ${i} of the quiet room`);
  });
  const postedAt = Date.now();

  // ---- (b) the quote refresh cascade ----
  log(`(b) ${options.cascades} messages with ${options.replies} replies each, and as many without`);
  const lonely: string[] = [];
  const threaded: string[] = [];
  for (let i = 0; i < options.cascades; i += 1) {
    lonely.push((await post(alice, threadsRoom, `a message without replies ${i}`)).id);
    const original = await post(alice, threadsRoom, `a message with replies ${i}`);
    threaded.push(original.id);
    await setUp('posting replies', options.replies, 4, async (r) => {
      await post(bob, threadsRoom, `reply ${r} to ${i}`, original.id);
    });
  }
  log(`(b) ${options.cascades} edits of each kind, one at a time`);
  const editLonely = await counted(options.cascades, 1, async (i) => {
    await edit(threadsRoom, lonely[i]!, `a message without replies ${i}, edited`);
  });
  const editThreaded = await counted(options.cascades, 1, async (i) => {
    await edit(threadsRoom, threaded[i]!, `a message with replies ${i}, edited`);
  });

  // ---- (c) a crowd reacting at once ----
  log(
    `(c) ${options.crowdRounds} rounds of ${options.crowd} people reacting to one message at once`,
  );
  const everyoneAtOnce = async (task: (person: BenchPerson) => Promise<unknown>) => {
    const t0 = performance.now();
    const outcomes = await Promise.allSettled(crowd.slice(0, options.crowd).map(task));
    const failed = outcomes.filter((o) => o.status === 'rejected');
    if (failed.length > 0) {
      problems.push(`${failed.length} of a crowd failed: ${String(failed[0]!.reason)}`);
    }
    return Math.round(performance.now() - t0);
  };
  const crowdRounds = [];
  for (let round = 0; round < options.crowdRounds; round += 1) {
    const target = await post(alice, crowdRoom, `react to this, round ${round}`);
    storage.requests.length = 0;
    const restBefore = rest.count();
    // Clients keep the copy with the higher version, so one version must be one state: each
    // answer's version and count are kept to check that no version came with two counts.
    const answered: ChatMessage[] = [];
    const reactMs = await everyoneAtOnce(async (person) => {
      answered.push(
        JSON.parse(
          await call(person, 'PUT', reactionPath(crowdRoom, target.id), 200),
        ) as ChatMessage,
      );
    });
    const countOf = (message: ChatMessage | undefined) =>
      message?.reactions?.find((r) => r.emoji === EMOJI)?.count ?? 0;
    const countsByVersion = new Map<number, Set<number>>();
    for (const message of answered) {
      const counts = countsByVersion.get(message.version ?? 0) ?? new Set();
      countsByVersion.set(message.version ?? 0, counts.add(countOf(message)));
    }
    const versionsWithTwoStates = [...countsByVersion].filter(([, c]) => c.size > 1).length;
    if (versionsWithTwoStates > 0) {
      problems.push(`round ${round}: ${versionsWithTwoStates} versions answered with two counts`);
    }
    const reactRest = rest.count() - restBefore;
    const reactStorage = storageCallsOf(storage.requests, options.crowd);
    const page = JSON.parse(
      await call(alice, 'GET', `${messagesOf(crowdRoom)}?limit=${CATCH_UP_LIMIT}`, 200),
    ) as MessagePage;
    const now = page.messages.find((m) => m.id === target.id);
    const count = countOf(now);
    if (count !== options.crowd) {
      problems.push(`round ${round}: ${count} reactions counted of ${options.crowd}`);
    }
    storage.requests.length = 0;
    const postMs = await everyoneAtOnce((person) =>
      post(person, crowdRoom, `${person.userDetails} says hello, round ${round}`),
    );
    const postStorage = storageCallsOf(storage.requests, options.crowd);
    crowdRounds.push({
      reactAllAnsweredMs: reactMs,
      finalCount: count,
      finalVersion: now?.version ?? 0,
      versionsAnswered: countsByVersion.size,
      versionsWithTwoStates,
      restCallsPerReaction: Math.round((reactRest / options.crowd) * 100) / 100,
      storageCallsPerReaction: reactStorage,
      baselinePostAllAnsweredMs: postMs,
      baselineStorageCallsPerPost: postStorage,
    });
    log(
      `    round ${round}: ${options.crowd} reactions answered in ${reactMs} ms (count ${count}, version ${now?.version ?? 0}); ${options.crowd} posts in ${postMs} ms`,
    );
  }

  // ---- (a) edits, which are also (d)'s changes ----
  // A catch-up cursor's change position stays SETTLE_MS behind the present, so the cursors are
  // taken once the posts are older than that: the catch-up page then holds no messages, and
  // `changed` exactly the edits made after the cursor.
  const settled = postedAt + SETTLE_MS + 1000 - Date.now();
  if (settled > 0) {
    log(
      `(d) waiting ${Math.round(settled / 1000)} s until the posts are older than the settle window`,
    );
    await new Promise((resolve) => setTimeout(resolve, settled));
  }
  const cursorOf = async (room: string) => {
    const page = JSON.parse(
      await call(alice, 'GET', `${messagesOf(room)}?limit=${CATCH_UP_LIMIT}`, 200),
    ) as MessagePage;
    if (!page.newerCursor) throw new Error('the latest page has no newerCursor');
    return page.newerCursor;
  };
  const changedCursor = await cursorOf(actionsRoom);
  const quietCursor = await cursorOf(quietRoom);
  log(`(a) ${options.actions} PATCHes (edits), ${options.concurrency} at a time`);
  const editRun = await counted(options.actions, options.concurrency, async (i) => {
    await edit(actionsRoom, posted[i]!.id, `message ${i} of the actions room, edited`);
  });

  // ---- (d) catch-up ----
  const catchUp = async (room: string, cursor: string) =>
    JSON.parse(
      await call(
        alice,
        'GET',
        `${messagesOf(room)}?limit=${CATCH_UP_LIMIT}&after=${encodeURIComponent(cursor)}`,
        200,
      ),
    ) as MessagePage;
  const changedPage = await catchUp(actionsRoom, changedCursor);
  const quietPage = await catchUp(quietRoom, quietCursor);
  const pageShape = (page: MessagePage) => ({
    messages: page.messages.length,
    changed: page.changed?.length ?? 0,
    hasNewer: page.hasNewer,
  });
  log(
    `(d) ${options.reads} catch-up pages of each kind, one at a time: after the edits ${JSON.stringify(pageShape(changedPage))}, quiet ${JSON.stringify(pageShape(quietPage))}`,
  );
  if ((changedPage.changed?.length ?? 0) !== Math.min(options.actions, CATCH_UP_LIMIT)) {
    problems.push(`the catch-up page after the edits has ${changedPage.changed?.length} changed`);
  }
  const catchUpChanged = await counted(options.reads, 1, async () => {
    await catchUp(actionsRoom, changedCursor);
  });
  const catchUpQuiet = await counted(options.reads, 1, async () => {
    await catchUp(quietRoom, quietCursor);
  });

  // ---- (a) reactions, then deletes ----
  log(
    `(a) ${options.actions} PUT reaction, DELETE reaction, DELETE message, ${options.concurrency} at a time`,
  );
  const reactRun = await counted(options.actions, options.concurrency, async (i) => {
    await call(bob, 'PUT', reactionPath(actionsRoom, posted[i]!.id), 200);
  });
  const unreactRun = await counted(options.actions, options.concurrency, async (i) => {
    await call(bob, 'DELETE', reactionPath(actionsRoom, posted[i]!.id), 200);
  });
  const deleteRun = await counted(options.actions, options.concurrency, async (i) => {
    await call(alice, 'DELETE', `${messagesOf(actionsRoom)}/${posted[i]!.id}`, 200);
  });

  // ---- (e) pushes to connected official clients ----
  let fanOut: Record<string, unknown> | undefined;
  const fanOutRows: [string, Measurement][] = [];
  if (options.clients > 0) {
    log(`(e) connecting ${options.clients} official clients, members of the room`);
    const direct = parseConnectionString(emulator.connectionString);
    const hubName = loadConfig(env).hubName;
    /** Per event and message id: which clients have it, and when the last one got it. */
    const arrivals = new Map<string, { seen: Set<number>; last: number; done: () => void }>();
    const arrive = (key: string, client: number) => {
      const arrival = arrivals.get(key);
      if (!arrival || arrival.seen.has(client)) return;
      arrival.seen.add(client);
      arrival.last = performance.now();
      if (arrival.seen.size === options.clients) arrival.done();
    };
    const connected = await measure(options.clients, 25, async (i) => {
      const person = crowd[i]!;
      const access = createClientAccess(
        direct,
        hubName,
        { userId: person.userId, name: person.userDetails },
        3600,
      );
      const connection = new HubConnectionBuilder()
        .withUrl(access.url, { accessTokenFactory: () => access.accessToken })
        .configureLogging(LogLevel.None)
        .build();
      connection.on(NEW_MESSAGE_EVENT, (message: ChatMessage) =>
        arrive(`${NEW_MESSAGE_EVENT}:${message.id}`, i),
      );
      connection.on(MESSAGE_CHANGED_EVENT, (message: ChatMessage) => {
        if (message.reactions?.length) arrive(`${MESSAGE_CHANGED_EVENT}:${message.id}`, i);
      });
      await connection.start();
      clients.push(connection);
    });
    if (connected.failures > 0) throw new Error(`connecting clients: ${connected.firstError}`);

    /** One request, then waits until every client has `event` for `id` (at most 30 s). */
    const untilAll = async (event: string, id: string, request: () => Promise<unknown>) => {
      const everyone = new Promise<void>((resolve) =>
        arrivals.set(`${event}:${id}`, { seen: new Set(), last: 0, done: resolve }),
      );
      const t0 = performance.now();
      await request();
      const requestMs = performance.now() - t0;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        everyone.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 30_000))),
      ]);
      clearTimeout(timer);
      const arrival = arrivals.get(`${event}:${id}`)!;
      arrivals.delete(`${event}:${id}`);
      if (timedOut) {
        throw new Error(`${event}: ${arrival.seen.size} of ${options.clients} clients had it`);
      }
      return { requestMs, allMs: arrival.last - t0 };
    };
    const sends = { requestMs: [] as number[], allMs: [] as number[] };
    const reactions = { requestMs: [] as number[], allMs: [] as number[] };
    let failures = 0;
    const fanOutStarted = performance.now();
    log(`(e) ${options.pushes} sends and reactions, one at a time`);
    for (let i = 0; i < options.pushes + 1; i += 1) {
      const id = randomUUID();
      try {
        // The first round warms up and is not counted.
        const sent = await untilAll(NEW_MESSAGE_EVENT, id, () =>
          call(alice, 'POST', messagesOf(crowdRoom), 202, { id, text: `push ${i}` }),
        );
        const reacted = await untilAll(MESSAGE_CHANGED_EVENT, id, () =>
          call(bob, 'PUT', reactionPath(crowdRoom, id), 200),
        );
        if (i === 0) continue;
        sends.requestMs.push(sent.requestMs);
        sends.allMs.push(sent.allMs);
        reactions.requestMs.push(reacted.requestMs);
        reactions.allMs.push(reacted.allMs);
      } catch (error) {
        failures += 1;
        problems.push(`(e) push ${i}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const seconds = (performance.now() - fanOutStarted) / 1000;
    fanOut = {
      clients: options.clients,
      reaction: summarize(reactions.requestMs, failures, seconds),
      reactionToAll: summarize(reactions.allMs, failures, seconds),
      baselineSend: summarize(sends.requestMs, failures, seconds),
      baselineSendToAll: summarize(sends.allMs, failures, seconds),
    };
    fanOutRows.push(
      ['(e) PUT reaction', fanOut.reaction as Measurement],
      [
        `(e) ... until all ${options.clients} have messageChanged`,
        fanOut.reactionToAll as Measurement,
      ],
      ['(e) baseline: POST', fanOut.baselineSend as Measurement],
      [
        `(e) baseline: ... until all ${options.clients} have newMessage`,
        fanOut.baselineSendToAll as Measurement,
      ],
    );
  }

  // ---- report ----
  const perAction: [string, Counted][] = [
    ['(a) baseline: POST a message', postRun],
    ['(a) PATCH (edit)', editRun],
    ['(a) DELETE', deleteRun],
    [`(a) PUT reaction`, reactRun],
    [`(a) DELETE reaction`, unreactRun],
    ['(b) baseline: PATCH, no replies, one at a time', editLonely],
    [`(b) PATCH, ${options.replies} replies, one at a time`, editThreaded],
    [`(d) GET after, ${changedPage.changed?.length ?? 0} changed`, catchUpChanged],
    ['(d) baseline: GET after, nothing changed', catchUpQuiet],
  ];
  printMeasurements([
    ...perAction.map(([name, c]): [string, Measurement] => [name, c.measurement]),
    ...fanOutRows,
  ]);
  const width = Math.max(...perAction.map(([name]) => name.length));
  console.log(
    `| ${'per request'.padEnd(width)} | REST calls | storage calls (queries / point reads / writes) |`,
  );
  console.log(
    `|${'-'.repeat(width + 2)}|------------|------------------------------------------------|`,
  );
  for (const [name, c] of perAction) {
    const s = c.storageCalls;
    console.log(
      `| ${name.padEnd(width)} | ${String(c.restCalls).padStart(10)} | ${`${s.total} (${s.queries} / ${s.pointReads} / ${s.writes})`.padEnd(46)} |`,
    );
  }
  console.log('');
  console.log(
    `(c) ${options.crowd} reactions at once, all answered (ms): ${crowdRounds.map((r) => r.reactAllAnsweredMs).join(', ')} (median ${median(crowdRounds.map((r) => r.reactAllAnsweredMs))}); baseline ${options.crowd} posts at once: ${crowdRounds.map((r) => r.baselinePostAllAnsweredMs).join(', ')} (median ${median(crowdRounds.map((r) => r.baselinePostAllAnsweredMs))})`,
  );
  console.log(
    `(c) final count ${crowdRounds.map((r) => r.finalCount).join(', ')}; final version ${crowdRounds.map((r) => r.finalVersion).join(', ')}; versions answered with two counts ${crowdRounds.map((r) => r.versionsWithTwoStates).join(', ')}; storage calls per reaction ${crowdRounds.map((r) => r.storageCallsPerReaction.total).join(', ')} (per post ${crowdRounds.map((r) => r.baselineStorageCallsPerPost.total).join(', ')})`,
  );

  const results = {
    options,
    actions: Object.fromEntries(perAction.map(([name, c]) => [name, c])),
    catchUpPages: { afterChanges: pageShape(changedPage), quiet: pageShape(quietPage) },
    crowd: crowdRounds,
    fanOut,
    problems,
  };
  log(`results: ${await writeResults('message-actions', startedAt, results)}`);
  for (const problem of problems) console.error(`problem: ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
} finally {
  await Promise.all(clients.map((connection) => connection.stop().catch(() => undefined)));
  await stack?.close();
}
