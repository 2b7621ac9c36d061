import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@chat/conversation';
import { App } from './app.js';
import { FakeConnection } from './test/fake-connection.js';
import { FakeFetch, json } from './test/fake-fetch.js';
import { alice, bob, carol, chatMessage } from './test/messages.js';

const principal = {
  identityProvider: 'github',
  userId: alice.id,
  userDetails: alice.name,
  userRoles: ['anonymous', 'authenticated'],
};

const general: ConversationSummary = { id: 'general', kind: 'room', name: 'general', unread: 0 };
const SEND = '/api/conversations/general/messages';

let network: FakeFetch;
let connections: FakeConnection[];
let navigations: string[];

function renderApp() {
  render(
    <App
      services={{
        fetch: network.fetch,
        createConnection: () => {
          const connection = new FakeConnection();
          connections.push(connection);
          return connection;
        },
        navigate: (url) => navigations.push(url),
      }}
    />,
  );
}

/** The connection the mounted chat view is using, once its effect has started it. */
async function liveConnection(): Promise<FakeConnection> {
  return waitFor(() => {
    const live = connections.filter((c) => c.started && !c.stopped);
    expect(live).toHaveLength(1);
    return live[0]!;
  });
}

async function signedInAndConnected() {
  renderApp();
  await screen.findByRole('log', { name: 'Messages' });
  const connection = await liveConnection();
  act(() => connection.setStatus('connected'));
  return connection;
}

/** The message list items, as the reader sees them. */
function messageItems() {
  return within(screen.getByRole('log', { name: 'Messages' })).queryAllByRole('listitem');
}

beforeEach(() => {
  // A signed-in person arriving in an empty room that nobody else is in.
  network = new FakeFetch()
    .route('GET', '/.auth/me', () => json({ clientPrincipal: principal }))
    .route('GET', '/api/conversations/general/messages', () =>
      json({ messages: [], hasNewer: false }),
    )
    .route('GET', '/api/conversations', () => json({ conversations: [general] }))
    .route('GET', '/api/presence', () => json({ people: [] }));
  window.history.replaceState(null, '', '/');
  connections = [];
  navigations = [];
});

describe('App', () => {
  it('welcomes a signed-out visitor with both sign-in links returning to this page', async () => {
    network.route('GET', '/.auth/me', () => json({ clientPrincipal: null }));
    window.history.replaceState(null, '', '/room?x=1');
    renderApp();
    const github = await screen.findByRole('link', { name: 'Sign in with GitHub' });
    const microsoft = screen.getByRole('link', { name: 'Sign in with Microsoft' });
    expect(github.getAttribute('href')).toBe(
      '/.auth/login/github?post_login_redirect_uri=%2Froom%3Fx%3D1',
    );
    expect(microsoft.getAttribute('href')).toBe(
      '/.auth/login/aad?post_login_redirect_uri=%2Froom%3Fx%3D1',
    );
    expect(connections).toHaveLength(0);
    window.history.replaceState(null, '', '/');
  });

  it('offers to try again when the sign-in service cannot be reached', async () => {
    let calls = 0;
    network.route('GET', '/.auth/me', () => {
      calls += 1;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return json({ clientPrincipal: null });
    });
    const user = userEvent.setup();
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Sign in with GitHub' })).toBeTruthy();
  });

  it('shows the signed-in name and the connection status in words', async () => {
    renderApp();
    expect(await screen.findByText('alice')).toBeTruthy();
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Connecting…');
    const connection = await liveConnection();
    act(() => connection.setStatus('connected'));
    expect(status.textContent).toBe('Connected');
    act(() => connection.setStatus('reconnecting'));
    expect(status.textContent).toBe('Reconnecting…');
    act(() => connection.setStatus('offline'));
    expect(status.textContent).toBe('Offline');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('signs out through the SWA logout route, back to the start page', async () => {
    const user = userEvent.setup();
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(navigations).toEqual(['/.auth/logout?post_logout_redirect_uri=/']);
  });

  it('shows live messages oldest first', async () => {
    const connection = await signedInAndConnected();
    const later = chatMessage({ sender: bob, text: 'second', sentAt: '2026-01-01T10:00:05Z' });
    const earlier = chatMessage({ sender: carol, text: 'first', sentAt: '2026-01-01T10:00:01Z' });
    act(() => connection.deliver(later));
    act(() => connection.deliver(earlier));
    expect(messageItems().map((item) => item.querySelector('.message__text')?.textContent)).toEqual(
      ['first', 'second'],
    );
  });

  it('shows a sent message at once as pending, then as sent when its own event arrives', async () => {
    const connection = await signedInAndConnected();
    network.route('POST', SEND, ({ body }) => {
      const { id, text } = body as { id: string; text: string };
      return json(
        {
          id,
          text,
          sender: alice,
          conversationId: 'general',
          isPrivate: false,
          sentAt: new Date().toISOString(),
        },
        202,
      );
    });
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'hello room{Enter}');

    const [item] = messageItems();
    expect(item!.textContent).toContain('hello room');
    expect(within(item!).getByText('Sending…')).toBeTruthy();

    await waitFor(() => expect(network.requestsTo('POST', SEND)).toHaveLength(1));
    const sentBody = network.requestsTo('POST', SEND)[0]!.body as Record<string, unknown>;
    expect(sentBody.text).toBe('hello room');
    expect(sentBody.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sentBody).not.toHaveProperty('recipient');

    act(() =>
      connection.deliver(
        chatMessage({ id: sentBody.id as string, text: 'hello room', sender: alice }),
      ),
    );
    expect(messageItems()).toHaveLength(1);
    expect(within(messageItems()[0]!).queryByText('Sending…')).toBeNull();
    expect(messageItems()[0]!.className).toContain('message--own');
  });

  it('shows a refused send as failed with when to try again, and retries it with the same id', async () => {
    await signedInAndConnected();
    let attempts = 0;
    network.route('POST', SEND, ({ body }) => {
      attempts += 1;
      if (attempts === 1) {
        return json({ error: { code: 'rate_limited', message: 'Slow down.' } }, 429, {
          'Retry-After': '1',
        });
      }
      const { id, text } = body as { id: string; text: string };
      return json(
        {
          id,
          text,
          sender: alice,
          conversationId: 'general',
          isPrivate: false,
          sentAt: new Date().toISOString(),
        },
        202,
      );
    });
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'too fast{Enter}');

    expect(await screen.findByText(/try again in 1 s/)).toBeTruthy();
    // Retry only becomes possible once the wait the API asked for is over.
    const retry = screen.getByRole('button', { name: 'Retry' }) as HTMLButtonElement;
    expect(retry.disabled).toBe(true);
    await waitFor(() => expect(retry.disabled).toBe(false), { timeout: 3_000 });
    await user.click(retry);

    await waitFor(() => expect(network.requestsTo('POST', SEND)).toHaveLength(2));
    const [first, second] = network.requestsTo('POST', SEND);
    expect(second!.body).toEqual(first!.body);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull());
    expect(messageItems()).toHaveLength(1);
    expect(within(messageItems()[0]!).getByText('Sending…')).toBeTruthy();
  });

  it("shows the API's reason for a rejected message", async () => {
    await signedInAndConnected();
    network.route('POST', SEND, () =>
      json({ error: { code: 'invalid', message: 'Text is too long.', field: 'text' } }, 400),
    );
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'x{Enter}');
    expect(await screen.findByText(/Text is too long\./)).toBeTruthy();
  });

  it('opens the direct conversation with a sender whose name is activated, and sends there', async () => {
    const connection = await signedInAndConnected();
    act(() => connection.deliver(chatMessage({ sender: bob, text: 'hi alice' })));
    const direct: ConversationSummary = {
      id: 'dm.alice-id.bob-id',
      kind: 'direct',
      name: 'bob',
      with: bob,
      unread: 0,
    };
    network
      .route('POST', '/api/direct/bob-id', () => json(direct))
      .route('GET', '/api/conversations/dm.alice-id.bob-id/messages', () =>
        json({ messages: [], hasNewer: false }),
      )
      .route(
        'POST',
        '/api/conversations/dm.alice-id.bob-id/messages',
        () => new Response(null, { status: 202 }),
      );
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'bob' }));
    expect(window.location.pathname).toBe('/dm/bob-id');
    expect(await screen.findByRole('heading', { name: /^bob/ })).toBeTruthy();
    const textbox = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    expect(textbox.placeholder).toBe('Message bob');
    await user.type(textbox, 'just for you{Enter}');
    await waitFor(() =>
      expect(
        network.requestsTo('POST', '/api/conversations/dm.alice-id.bob-id/messages'),
      ).toHaveLength(1),
    );
    expect(
      network.requestsTo('POST', '/api/conversations/dm.alice-id.bob-id/messages')[0]!.body,
    ).toEqual({ id: expect.any(String), text: 'just for you' });
    expect(network.requestsTo('POST', SEND)).toHaveLength(0);
    // The list now has it, and #general's timeline does not show the direct message.
    const conversations = screen.getByRole('navigation', { name: 'Conversations' });
    expect(within(conversations).getByRole('link', { name: /bob/ })).toBeTruthy();
    await user.click(within(conversations).getByRole('link', { name: /#general/ }));
    expect(window.location.pathname).toBe('/r/general');
    expect(messageItems().map((item) => item.textContent)).toEqual([
      expect.stringContaining('hi alice'),
    ]);
  });

  it('goes back to the welcome view when the API answers 401', async () => {
    const connection = await signedInAndConnected();
    network.route('POST', SEND, () =>
      json({ error: { code: 'unauthorized', message: 'Sign in first.' } }, 401),
    );
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'anyone?{Enter}');
    expect(await screen.findByRole('link', { name: 'Sign in with GitHub' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/session has ended/);
    expect(connection.stopped).toBe(true);
  });

  it('goes back to the welcome view when the connection is refused as unauthorized', async () => {
    const connection = await signedInAndConnected();
    act(() => connection.endSession());
    expect(await screen.findByRole('link', { name: 'Sign in with Microsoft' })).toBeTruthy();
    expect(connection.stopped).toBe(true);
  });
});
