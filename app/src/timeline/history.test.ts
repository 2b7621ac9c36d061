import type { ChatMessage, MessagePage } from '@chat/message';
import { describe, expect, it } from 'vitest';
import { HistoryServer } from '../test/history-server.js';
import { chatMessage } from '../test/messages.js';
import {
  CATCH_UP_PAGE_SIZE,
  HistorySync,
  MAX_CATCH_UP_PAGES,
  PAGE_SIZE,
  type HistoryState,
} from './history.js';
import { emptyTimeline, timelineReducer, type TimelineState } from './timeline.js';

/** A HistorySync over the real reducer and an in-memory API, as the app wires it. */
function setup(server: HistoryServer, pageSize = 3) {
  let timeline: TimelineState = emptyTimeline;
  const states: HistoryState[] = [];
  let failNext = 0;
  const receive = (messages: readonly ChatMessage[]) => {
    timeline = timelineReducer(timeline, { type: 'received', messages });
  };
  const receiveChanged = (messages: readonly ChatMessage[]) => {
    timeline = timelineReducer(timeline, { type: 'changed', messages });
  };
  const sync = new HistorySync({
    fetchPage: async (query): Promise<MessagePage> => {
      await Promise.resolve();
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('offline');
      }
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) params.set(key, String(value));
      return server.page(params);
    },
    receive,
    receiveChanged,
    newestConfirmed: () => timeline.entries.at(-1)?.message,
    onChange: (state) => states.push(state),
    describeFailure: (error) => (error instanceof Error ? error.message : 'unknown'),
    pageSize,
    catchUpPageSize: pageSize,
  });
  return {
    sync,
    states,
    receive,
    failNext: (count = 1) => void (failNext = count),
    texts: () => timeline.entries.map((entry) => entry.message.text),
    entries: () => timeline.entries,
    ids: () => timeline.entries.map((entry) => entry.message.id),
  };
}

/** Messages a second apart from a fixed start, with texts m0, m1, ... */
function conversation(count: number, startSecond = 0): ChatMessage[] {
  return Array.from({ length: count }, (_, i) =>
    chatMessage({
      text: `m${startSecond + i}`,
      sentAt: new Date(Date.UTC(2026, 1, 1, 12, 0, 0) + (startSecond + i) * 1000).toISOString(),
    }),
  );
}

describe('HistorySync', () => {
  it('loads the latest page, then earlier pages back to the start, in order', async () => {
    const server = new HistoryServer();
    server.add(...conversation(8));
    const { sync, texts } = setup(server);

    expect(sync.state.latest).toBe('loading');
    await sync.loadLatest();
    expect(texts()).toEqual(['m5', 'm6', 'm7']);
    expect(sync.state).toMatchObject({ latest: 'loaded', olderCursor: '5' });

    await sync.loadEarlier();
    expect(texts()).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    await sync.loadEarlier();
    expect(texts()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(sync.state.olderCursor).toBeUndefined();
    await sync.loadEarlier(); // nothing older: no request
    expect(server.queries).toHaveLength(3);
  });

  it('catches up from where the connection was lost, past live messages, each once', async () => {
    const server = new HistoryServer(2000);
    server.add(...conversation(4));
    const { sync, texts, ids, receive } = setup(server);
    await sync.loadLatest();
    await sync.catchUp(); // the first connect
    expect(texts()).toEqual(['m1', 'm2', 'm3']);

    sync.connectionLost();
    // Offline: seven messages go by, a long time after the last one held.
    const missed = conversation(7, 60);
    server.add(...missed);
    // Back online, one more arrives live before the catch-up runs.
    const live = conversation(1, 120);
    server.add(...live);
    receive(live);

    await sync.catchUp();
    expect(texts()).toEqual(['m1', 'm2', 'm3', ...missed.map((m) => m.text), 'm120']);
    expect(new Set(ids()).size).toBe(ids().length);
    // It started from m3 (the newest held when the connection dropped), not from m120.
    const sinceQueries = server.queries.filter((query) => query.has('since'));
    expect(sinceQueries.at(-1)?.get('since')).toBe(server.messages[3]!.sentAt);
    expect(server.queries.filter((query) => query.has('after')).length).toBeGreaterThan(1);
  });

  it('runs one catch-up for reconnect reports that come together', async () => {
    const server = new HistoryServer();
    server.add(...conversation(2));
    const { sync } = setup(server);
    await Promise.all([sync.loadLatest(), sync.catchUp(), sync.catchUp(), sync.catchUp()]);
    expect(server.queries.map((query) => query.has('since'))).toEqual([false, true]);
  });

  it('catches up with the latest page when nothing was held', async () => {
    const server = new HistoryServer();
    const { sync, texts } = setup(server);
    await sync.loadLatest();
    sync.connectionLost();
    server.add(...conversation(2));
    await sync.catchUp();
    expect(texts()).toEqual(['m0', 'm1']);
    expect(server.queries.every((query) => !query.has('since'))).toBe(true);
  });

  it('reports a failed first page and recovers on retry', async () => {
    const server = new HistoryServer();
    server.add(...conversation(2));
    const { sync, texts, failNext } = setup(server);
    failNext();
    await sync.loadLatest();
    expect(sync.state).toMatchObject({ latest: 'failed', failure: 'offline' });
    await sync.loadLatest();
    expect(sync.state.latest).toBe('loaded');
    expect(sync.state.failure).toBeUndefined();
    expect(texts()).toEqual(['m0', 'm1']);
  });

  it('closes a gap of many pages completely, leaving no hole before the live messages', async () => {
    const server = new HistoryServer(0);
    server.add(...conversation(1));
    const { sync, texts, receive } = setup(server);
    await sync.loadLatest();
    await sync.catchUp();
    sync.connectionLost();
    // 60 pages of 3 went by (a busy room: the soak saw catch-ups of more than 50 pages).
    const missed = conversation(180, 10);
    server.add(...missed);
    const live = conversation(1, 1000);
    server.add(...live);
    receive(live);
    await sync.catchUp();
    expect(texts()).toEqual(['m0', ...missed.map((m) => m.text), 'm1000']);
    expect(sync.state.catchUpFailed).toBe(false);
  });

  it("catches up in the API's largest pages, so a busy room costs few requests", async () => {
    const server = new HistoryServer(0);
    server.add(...conversation(2));
    const sync = new HistorySync({
      fetchPage: async (query) => {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(query)) params.set(key, String(value));
        return server.page(params);
      },
      receive: () => {},
      receiveChanged: () => {},
      newestConfirmed: () => server.messages[0],
      onChange: () => {},
      describeFailure: () => 'failed',
    });
    await sync.loadLatest();
    await sync.catchUp();
    expect(server.queries.at(0)?.get('limit')).toBe(String(PAGE_SIZE));
    expect(server.queries.at(-1)?.get('limit')).toBe(String(CATCH_UP_PAGE_SIZE));
  });

  it('says that messages may be missing when a catch-up reaches its bound', async () => {
    const server = new HistoryServer(0);
    server.add(...conversation(1));
    const { sync, receive } = setup(server, 1);
    await sync.loadLatest();
    await sync.catchUp();
    sync.connectionLost();
    server.add(...conversation(MAX_CATCH_UP_PAGES + 5, 10));
    const live = conversation(1, 5000);
    server.add(...live);
    receive(live);
    await sync.catchUp();
    expect(sync.state.catchUpFailed).toBe(true);
  });

  it('keeps the gap after a failed catch-up and closes it on the next', async () => {
    const server = new HistoryServer(0);
    server.add(...conversation(1));
    const { sync, texts, failNext, receive } = setup(server);
    await sync.loadLatest();
    await sync.catchUp();
    sync.connectionLost();
    const missed = conversation(2, 30);
    server.add(...missed);
    failNext();
    await sync.catchUp();
    expect(sync.state.catchUpFailed).toBe(true);
    const live = conversation(1, 90);
    server.add(...live);
    receive(live);
    await sync.catchUp();
    expect(sync.state.catchUpFailed).toBe(false);
    expect(texts()).toEqual(['m0', 'm30', 'm31', 'm90']);
  });

  it('reports a failed earlier page and lets it be tried again', async () => {
    const server = new HistoryServer();
    server.add(...conversation(5));
    const { sync, texts, failNext } = setup(server);
    await sync.loadLatest();
    failNext();
    await sync.loadEarlier();
    expect(sync.state).toMatchObject({ earlier: 'failed', olderCursor: '2' });
    await sync.loadEarlier();
    expect(sync.state.earlier).toBe('idle');
    expect(texts()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('applies the changes made while away to the messages held, and adds no others', async () => {
    const server = new HistoryServer(0);
    const messages = conversation(6);
    server.add(...messages);
    const { sync, texts, entries } = setup(server, 3);
    await sync.loadLatest(); // m3 m4 m5
    await sync.catchUp();
    sync.connectionLost();
    // Offline: m4 is edited, m5 deleted, m0 (not held) edited; then two new messages.
    const later = Date.now() + 1;
    server.change({ ...messages[4]!, text: 'm4 edited', version: 1 }, later);
    server.change({ ...messages[5]!, text: '', deleted: true, version: 1 }, later);
    server.change({ ...messages[0]!, text: 'm0 edited', version: 1 }, later);
    server.add(...conversation(2, 60));
    await sync.catchUp();
    expect(texts()).toEqual(['m3', 'm4 edited', '', 'm60', 'm61']);
    expect(entries()[2]?.message.deleted).toBe(true);
    expect(sync.state.catchUpFailed).toBe(false);
  });

  it('loads earlier pages until the replied-to message is among them, and stops there', async () => {
    const server = new HistoryServer();
    const messages = conversation(20);
    server.add(...messages);
    const { sync, ids } = setup(server, 3);
    await sync.loadLatest(); // m17..m19
    expect(await sync.loadEarlierUntil(messages[9]!.id)).toBe('found');
    expect(ids()).toContain(messages[9]!.id);
    // Pages [14..16], [11..13], [8..10]: three, no more.
    expect(server.queries).toHaveLength(4);
  });

  it('says not found at the start of the conversation or after its bound of pages', async () => {
    const server = new HistoryServer();
    server.add(...conversation(20));
    const { sync } = setup(server, 3);
    await sync.loadLatest();
    expect(await sync.loadEarlierUntil('not-in-this-conversation', 2)).toBe('not-found');
    expect(server.queries).toHaveLength(3);
    expect(await sync.loadEarlierUntil('not-in-this-conversation')).toBe('not-found');
    expect(sync.state.olderCursor).toBeUndefined();
    expect(server.queries).toHaveLength(7); // the start was reached: 20 messages in pages of 3
  });

  it('reports a failed page during the search (the button can try again)', async () => {
    const server = new HistoryServer();
    server.add(...conversation(20));
    const { sync, failNext } = setup(server, 3);
    await sync.loadLatest();
    failNext();
    expect(await sync.loadEarlierUntil('anything')).toBe('failed');
    expect(sync.state.earlier).toBe('failed');
  });
});
