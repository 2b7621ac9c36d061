// The whole app with history: fetch faked at the network boundary (GET of #general's messages
// served by an in-memory API with the real contract) and a connection driven by the test.
import type { ChatMessage } from '@chat/message';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../app.js';
import { FakeConnection } from '../test/fake-connection.js';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { HistoryServer } from '../test/history-server.js';
import { alice, bob, chatMessage } from '../test/messages.js';

let server: HistoryServer;
let network: FakeFetch;
let historyFailures: number;
let connections: FakeConnection[];

const principal = {
  identityProvider: 'github',
  userId: alice.id,
  userDetails: alice.name,
  userRoles: ['anonymous', 'authenticated'],
};

const HISTORY = '/api/conversations/general/messages';

/** GET #general's messages go to the history server (with its query); the rest to FakeFetch. */
const fetchWithHistory: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : String(input), 'http://app.test');
  if (url.pathname === HISTORY && (init?.method ?? 'GET') === 'GET') {
    if (historyFailures > 0) {
      historyFailures -= 1;
      return json({ error: { code: 'storage_unavailable', message: 'Try again.' } }, 503);
    }
    return json(server.page(url.searchParams));
  }
  return network.fetch(input, init);
};

function renderApp() {
  render(
    <App
      services={{
        fetch: fetchWithHistory,
        createConnection: () => {
          const connection = new FakeConnection();
          connections.push(connection);
          return connection;
        },
        navigate: () => undefined,
      }}
    />,
  );
}

async function liveConnection(): Promise<FakeConnection> {
  return waitFor(() => {
    const live = connections.filter((c) => c.started && !c.stopped);
    expect(live).toHaveLength(1);
    return live[0]!;
  });
}

const log = () => screen.getByRole('log', { name: 'Messages' });
const texts = () =>
  within(log())
    .queryAllByRole('listitem')
    .map((item) => item.querySelector('.message__text')?.textContent);

function conversation(count: number, startSecond: number): ChatMessage[] {
  return Array.from({ length: count }, (_, i) =>
    chatMessage({
      sender: bob,
      text: `m${startSecond + i}`,
      sentAt: new Date(Date.UTC(2026, 1, 1, 12, 0, 0) + (startSecond + i) * 1000).toISOString(),
    }),
  );
}

beforeEach(() => {
  server = new HistoryServer();
  historyFailures = 0;
  connections = [];
  network = new FakeFetch()
    .route('GET', '/.auth/me', () => json({ clientPrincipal: principal }))
    .route('GET', '/api/presence', () => json({ people: [] }))
    .route('GET', '/api/conversations', () =>
      json({ conversations: [{ id: 'general', kind: 'room', name: 'general', unread: 0 }] }),
    );
  window.history.replaceState(null, '', '/');
});

describe('history in the app', () => {
  it('shows the latest page on arrival and loads earlier pages in order', async () => {
    server.add(...conversation(120, 0));
    const user = userEvent.setup();
    renderApp();
    expect(await screen.findByText('Loading messages…')).toBeTruthy();
    await waitFor(() => expect(texts()).toHaveLength(50));
    expect(texts()[0]).toBe('m70');
    expect(texts().at(-1)).toBe('m119');

    await user.click(screen.getByRole('button', { name: 'Load earlier messages' }));
    await waitFor(() => expect(texts()).toHaveLength(100));
    await user.click(screen.getByRole('button', { name: 'Load earlier messages' }));
    await waitFor(() => expect(texts()).toHaveLength(120));
    expect(texts()).toEqual(server.messages.map((m) => m.text));
    expect(screen.queryByRole('button', { name: 'Load earlier messages' })).toBeNull();
  });

  it('offers to try again when the first page fails', async () => {
    server.add(...conversation(2, 0));
    historyFailures = 1;
    const user = userEvent.setup();
    renderApp();
    await screen.findByText(/Messages could not be loaded/);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(texts()).toEqual(['m0', 'm1']));
    expect(screen.queryByText(/could not be loaded/)).toBeNull();
  });

  it('after a reconnect shows what was missed once and in order, live duplicates merged', async () => {
    server.add(...conversation(3, 0));
    renderApp();
    const connection = await liveConnection();
    act(() => connection.setStatus('connected'));
    await waitFor(() => expect(texts()).toEqual(['m0', 'm1', 'm2']));
    const live = conversation(1, 10)[0]!;
    server.add(live);
    act(() => connection.deliver(live));

    act(() => connection.setStatus('reconnecting'));
    const missed = conversation(60, 100); // more than one page
    server.add(...missed);
    const queriesBefore = server.queries.length;
    act(() => connection.reconnect());

    const expected = ['m0', 'm1', 'm2', 'm10', ...missed.map((m) => m.text)];
    await waitFor(() => expect(texts()).toEqual(expected));
    // The same message live again, after the catch-up brought it: still once.
    act(() => connection.deliver(missed[59]!));
    expect(texts()).toEqual(expected);
    // One catch-up for the status change and the reconnected event together, from m10.
    const catchUp = server.queries.slice(queriesBefore);
    expect(catchUp.filter((query) => query.has('since'))).toHaveLength(1);
    expect(catchUp[0]?.get('since')).toBe(live.sentAt);
  });

  it('shows a send that was stored but not delivered live as sent', async () => {
    network.route('POST', HISTORY, ({ body }) => {
      const { id, text } = body as { id: string; text: string };
      return json(
        {
          id,
          text,
          sender: alice,
          conversationId: 'general',
          isPrivate: false,
          sentAt: new Date().toISOString(),
          delivered: false,
        },
        202,
      );
    });
    renderApp();
    const connection = await liveConnection();
    act(() => connection.setStatus('connected'));
    await screen.findByText('No messages yet. Say hello!');
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'stored only{Enter}');
    await waitFor(() => expect(texts()).toEqual(['stored only']));
    await waitFor(() => expect(within(log()).queryByText('Sending…')).toBeNull());
  });
});
