// Storage-level benchmark against a real, in-memory Azurite:
//   npx tsx api/test/storage/bench.ts [--messages 10000] [--saves 1000] [--concurrency 16] [--reads 300]
// Loads `messages` with importMessages, then measures saveMessage (throughput, latency),
// listTimeline latency (latest page, `before` and `after` pages) with that many stored, edits
// (changeMessage), 50 people reacting to one message at once, and a catch-up page that returns
// changes. Azurite is not Azure: treat the figures as a comparison between code versions on one
// machine, not as a capacity promise.
import { parseArgs } from 'node:util';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import {
  createChatStorage,
  readStorageSettings,
  type ChatStorage,
} from '../../src/storage/index.js';
import { startAzurite } from '../support/azurite.js';
import { ALICE, BOB, CAROL, privateMessage, publicMessage } from './seed.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    saves: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    reads: { type: 'string', default: '300' },
  },
});
const messageCount = Number(values.messages);
const saves = Number(values.saves);
const concurrency = Number(values.concurrency);
const reads = Number(values.reads);

function percentile(sorted: number[], p: number): number {
  const at = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, at)] ?? NaN) * 10) / 10;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function timed(count: number, parallel: number, call: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: Math.round(count / seconds), ms: summary(latencies) };
}

async function main(): Promise<void> {
  const azurite = await startAzurite();
  try {
    const storage: ChatStorage = createChatStorage(
      readStorageSettings({ ChatStorageConnectionString: azurite.connectionString }),
    );
    const base = Date.now() - 86_400_000;
    // 4 in 5 public, 1 in 5 private alice -> bob, like a busy room.
    const messages: ChatMessage[] = Array.from({ length: messageCount }, (_, i) =>
      i % 5 === 4
        ? privateMessage(ALICE, BOB, new Date(base + i * 10))
        : publicMessage(i % 2 ? BOB : CAROL, new Date(base + i * 10), `message ${i}`),
    );
    const loadStarted = performance.now();
    await storage.importMessages(messages);
    const importMs = Math.round(performance.now() - loadStarted);
    const fresh = Array.from({ length: saves }, (_, i) =>
      i % 5 === 4
        ? privateMessage(CAROL, ALICE, new Date(Date.now() - 60_000 + i))
        : publicMessage(ALICE, new Date(Date.now() - 60_000 + i), `fresh ${i}`),
    );
    const save = await timed(saves, concurrency, (i) =>
      storage.saveMessage(fresh[i] as ChatMessage),
    );

    const latest = await timed(reads, 4, () => storage.listTimeline('general'));
    const page = await storage.listTimeline('general', { limit: 200 });
    const before = await timed(reads, 4, () =>
      storage.listTimeline('general', { before: page.olderCursor }),
    );
    const midpoint = await storage.listTimeline('general', { before: page.olderCursor });
    const after = await timed(reads, 4, () =>
      storage.listTimeline('general', { after: midpoint.olderCursor }),
    );

    // Edits of old messages, each a change-feed row for the catch-up below.
    const edits = Math.min(saves, 200);
    const edit = await timed(edits, concurrency, (i) =>
      storage.changeMessage((messages[i * 5] as ChatMessage).id, (current) => ({
        ...current,
        text: `${current.text} (edited)`,
        editedAt: new Date().toISOString(),
      })),
    );
    const catchUp = await timed(reads, 4, () =>
      storage.listTimeline('general', { after: midpoint.olderCursor, limit: 200 }),
    );
    const catchUpPage = await storage.listTimeline('general', {
      after: midpoint.olderCursor,
      limit: 200,
    });

    // 50 people react to one message at once, five times over (five messages).
    const rounds = [];
    for (let round = 0; round < 5; round += 1) {
      const target = fresh[round] as ChatMessage;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          storage.setReaction(target.id, '👍', { id: `reactor-${i}`, name: `r${i}` }, true),
        ),
      );
      const stored = await storage.getMessage(target.id);
      rounds.push({
        ms: Math.round(performance.now() - started),
        count: stored?.reactions?.[0]?.count,
        versions: stored?.version,
      });
    }
    console.log(
      JSON.stringify(
        {
          storedMessages: messageCount + saves,
          importMs,
          saveMessage: { n: saves, concurrency, ...save },
          listTimeline: { concurrency: 4, latest, before, after },
          changeMessage: { n: edits, concurrency, ...edit },
          catchUpWithChanges: {
            changedPerPage: catchUpPage.changed?.length,
            concurrency: 4,
            ...catchUp,
          },
          fiftyReactionsAtOnce: rounds,
          node: process.version,
        },
        null,
        2,
      ),
    );
  } finally {
    await azurite.stop();
  }
}

await main();
