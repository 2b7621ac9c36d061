import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ConversationSummary } from '@chat/conversation';
import { TYPING_THROTTLE_MS, type OnlinePerson } from '@chat/message';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app.js';
import { FakeConnection } from '../test/fake-connection.js';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { alice, bob, carol, chatMessage } from '../test/messages.js';

// The whole chat view with the network faked at fetch and a hand-driven connection: what the
// Online list and the typing line do with GET /api/presence and the presence/typing events.

const principal = {
  identityProvider: 'github',
  userId: alice.id,
  userDetails: alice.name,
  userRoles: ['anonymous', 'authenticated'],
};

const online = (person: { id: string; name: string }): OnlinePerson => ({
  ...person,
  since: '2026-01-01T12:00:00.000Z',
});

const withBob: ConversationSummary = {
  id: 'dm.alice-id.bob-id',
  kind: 'direct',
  name: 'bob',
  with: bob,
  unread: 0,
};

let network: FakeFetch;
let presenceAnswer: OnlinePerson[];
let connection: FakeConnection | undefined;

async function signedInAndConnected(): Promise<FakeConnection> {
  render(
    <App
      services={{
        fetch: network.fetch,
        createConnection: () => {
          connection = new FakeConnection();
          return connection;
        },
        navigate: () => undefined,
      }}
    />,
  );
  await screen.findByRole('log', { name: 'Messages' });
  const live = await waitFor(() => {
    expect(connection?.started).toBe(true);
    return connection!;
  });
  act(() => live.setStatus('connected'));
  return live;
}

const onlineList = () => screen.getByRole('list', { name: 'Online' });
const onlineNames = () =>
  within(onlineList())
    .queryAllByRole('listitem')
    .map((item) => item.textContent);
const typingLine = () => document.querySelector('[aria-live="polite"].typing-indicator');

beforeEach(() => {
  presenceAnswer = [];
  connection = undefined;
  network = new FakeFetch()
    .route('GET', '/.auth/me', () => json({ clientPrincipal: principal }))
    .route('GET', '/api/conversations/general/messages', () =>
      json({ messages: [], hasNewer: false }),
    )
    .route('GET', '/api/conversations', () =>
      json({ conversations: [{ id: 'general', kind: 'room', name: 'general', unread: 0 }] }),
    )
    .route('GET', '/api/presence', () => json({ people: presenceAnswer }))
    .route('POST', '/api/direct/bob-id', () => json(withBob))
    .route('GET', `/api/conversations/${withBob.id}/messages`, () =>
      json({ messages: [], hasNewer: false }),
    );
  window.history.replaceState(null, '', '/');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Online list in the chat', () => {
  it('loads who is online once connected, me marked, sorted by name', async () => {
    presenceAnswer = [online(carol), online(alice), online(bob)];
    await signedInAndConnected();
    await waitFor(() => expect(onlineNames()).toEqual(['alice (you)', 'bob', 'carol']));
    expect(network.requestsTo('GET', '/api/presence')).toHaveLength(1);
  });

  it('follows joins and leaves, one entry per person whatever their tabs', async () => {
    presenceAnswer = [online(alice)];
    const live = await signedInAndConnected();
    await waitFor(() => expect(network.requestsTo('GET', '/api/presence')).toHaveLength(1));
    act(() => live.userJoined(online(carol)));
    act(() => live.userJoined(online(bob)));
    act(() => live.userJoined(online(bob))); // bob's second tab
    expect(onlineNames()).toEqual(['alice (you)', 'bob', 'carol']);
    act(() => live.userLeft(carol.id));
    expect(onlineNames()).toEqual(['alice (you)', 'bob']);
  });

  it('loads the list again after every reconnect (events may have been missed)', async () => {
    presenceAnswer = [online(alice), online(bob)];
    const live = await signedInAndConnected();
    await waitFor(() => expect(onlineNames()).toEqual(['alice (you)', 'bob']));
    act(() => live.setStatus('reconnecting'));
    expect(screen.getByText(/May be out of date/)).toBeTruthy();
    // Meanwhile bob left and carol came; the events were lost with the connection.
    presenceAnswer = [online(alice), online(carol)];
    act(() => live.setStatus('connected'));
    await waitFor(() => expect(onlineNames()).toEqual(['alice (you)', 'carol']));
    expect(network.requestsTo('GET', '/api/presence')).toHaveLength(2);
    expect(screen.queryByText(/May be out of date/)).toBeNull();
  });

  it('keeps working on the events when the list cannot be loaded', async () => {
    network.route('GET', '/api/presence', () =>
      json({ error: { code: 'storage_unavailable', message: 'Try later.' } }, 503),
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const live = await signedInAndConnected();
    await waitFor(() => expect(warn).toHaveBeenCalled());
    warn.mockRestore();
    act(() => live.userJoined(online(bob)));
    expect(onlineNames()).toEqual(['alice (you)', 'bob']);
  });

  it('opens the direct conversation with a person activated in the list, shown online', async () => {
    presenceAnswer = [online(alice), online(bob)];
    await signedInAndConnected();
    const user = userEvent.setup();
    await user.click(await within(onlineList()).findByRole('button', { name: 'bob' }));
    expect(window.location.pathname).toBe('/dm/bob-id');
    expect(network.requestsTo('POST', '/api/direct/bob-id')).toHaveLength(1);
    const conversations = screen.getByRole('navigation', { name: 'Conversations' });
    expect(await within(conversations).findByRole('link', { name: 'bob, online' })).toBeTruthy();
    act(() => connection!.userLeft(bob.id));
    expect(within(conversations).getByRole('link', { name: 'bob, offline' })).toBeTruthy();
  });
});

describe('Typing in the chat', () => {
  it('announces typing at most once per throttle interval, naming the conversation', async () => {
    const live = await signedInAndConnected();
    // Only the clock is faked: the throttle reads Date.now, everything else runs for real.
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = userEvent.setup();
    const textbox = screen.getByRole('textbox', { name: 'Message' });

    const inGeneral = { conversationId: 'general' };
    await user.type(textbox, 'hello');
    expect(live.typingSent).toEqual([inGeneral]);
    vi.setSystemTime(Date.now() + TYPING_THROTTLE_MS - 1);
    await user.type(textbox, ' there');
    expect(live.typingSent).toEqual([inGeneral]);
    vi.setSystemTime(Date.now() + 1);
    await user.clear(textbox); // emptying the box is not typing
    expect(live.typingSent).toEqual([inGeneral]);

    // Another conversation has its own throttle: announced at once.
    act(() => live.userJoined(online(bob)));
    await user.click(within(onlineList()).getByRole('button', { name: 'bob' }));
    await screen.findByRole('heading', { name: /^bob/ });
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'x');
    expect(live.typingSent).toEqual([inGeneral, { conversationId: withBob.id }]);
  });

  it('sends no typing while not connected', async () => {
    const live = await signedInAndConnected();
    act(() => live.setStatus('reconnecting'));
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'offline words');
    expect(live.typingSent).toEqual([]);
  });

  it('shows who is typing under the timeline until their message arrives', async () => {
    const live = await signedInAndConnected();
    expect(typingLine()?.textContent).toBe('');
    act(() => live.typing({ user: bob, conversationId: 'general' }));
    act(() => live.typing({ user: carol, conversationId: 'general' }));
    // Only notices of this conversation show here.
    act(() => live.typing({ user: { id: 'dave-id', name: 'dave' }, conversationId: 'r1' }));
    expect(typingLine()?.textContent).toBe('bob and carol are typing…');
    act(() => live.deliver(chatMessage({ sender: bob, text: 'done typing' })));
    expect(typingLine()?.textContent).toBe('carol is typing…');
    act(() => live.typing({ user: alice, conversationId: 'general' })); // my other tab
    expect(typingLine()?.textContent).toBe('carol is typing…');
  });
});
