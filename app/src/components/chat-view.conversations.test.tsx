// The whole app with conversations: the API faked at fetch (with the contract's routes and
// shapes), the connection driven by the test, the browser's Notification API replaced by a
// recording notifier. What a person sees in the list, the title, the timeline and the address.
import type { ConversationSummary, RoomSummary } from '@chat/conversation';
import type { ChatMessage } from '@chat/message';
import { StrictMode } from 'react';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app.js';
import type { Notifier, NotificationState } from '../notifications/notifier.js';
import { FakeConnection } from '../test/fake-connection.js';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { alice, bob, carol, chatMessage } from '../test/messages.js';

const principal = {
  identityProvider: 'github',
  userId: alice.id,
  userDetails: alice.name,
  userRoles: ['anonymous', 'authenticated'],
};

const general: ConversationSummary = { id: 'general', kind: 'room', name: 'general', unread: 0 };
const ops: ConversationSummary = {
  id: 'r-ops',
  kind: 'room',
  name: 'ops',
  visibility: 'private',
  unread: 0,
};
const withBob: ConversationSummary = {
  id: 'dm.alice-id.bob-id',
  kind: 'direct',
  name: 'bob',
  with: bob,
  unread: 0,
};

class RecordingNotifier implements Notifier {
  state: NotificationState = 'default';
  requests = 0;
  shown: { title: string; body: string; tag: string; click: () => void }[] = [];
  permission = () => this.state;
  requestPermission = () => {
    this.requests += 1;
    this.state = 'granted';
    return Promise.resolve(this.state);
  };
  show = (title: string, options: { body: string; tag: string }, click: () => void) => {
    this.shown.push({ title, ...options, click });
  };
}

let network: FakeFetch;
let conversations: ConversationSummary[];
let timelines: Map<string, ChatMessage[]>;
let connection: FakeConnection | undefined;
let notifier: RecordingNotifier;
let visibility: DocumentVisibilityState;

/** GET and POST of a conversation's messages, and PUT read/mute, like the API. */
function serveConversation(summary: ConversationSummary) {
  const base = `/api/conversations/${encodeURIComponent(summary.id)}`;
  network
    .route('GET', `${base}/messages`, () =>
      json({ messages: timelines.get(summary.id) ?? [], hasNewer: false }),
    )
    .route('POST', `${base}/messages`, ({ body }) => {
      const { id, text } = body as { id: string; text: string };
      const message = chatMessage({ id, text, sender: alice, conversationId: summary.id });
      return json(message, 202);
    })
    .route('PUT', `${base}/read`, ({ body }) => {
      const { upTo } = body as { upTo: string };
      const message = timelines.get(summary.id)?.find((m) => m.id === upTo);
      if (!message) return json({ error: { code: 'not_found', field: 'upTo' } }, 404);
      const current = conversations.find((c) => c.id === summary.id) ?? summary;
      return json({
        ...current,
        unread: 0,
        readPosition: { messageId: message.id, sentAt: message.sentAt },
      });
    })
    .route('PUT', `${base}/mute`, ({ body }) => {
      const { muted } = body as { muted: boolean };
      const current = conversations.find((c) => c.id === summary.id) ?? summary;
      const { muted: _old, ...rest } = current;
      return json(muted ? { ...rest, muted: true } : rest);
    });
}

async function renderApp(path = '/'): Promise<FakeConnection> {
  window.history.replaceState(null, '', path);
  // Strict, as main.tsx renders it: effects run twice and renders must be pure.
  render(
    <StrictMode>
      <App
        services={{
          fetch: network.fetch,
          createConnection: () => {
            connection = new FakeConnection();
            return connection;
          },
          navigate: () => undefined,
          notifier,
        }}
      />
    </StrictMode>,
  );
  const live = await waitFor(() => {
    expect(connection?.started && !connection.stopped).toBe(true);
    return connection!;
  });
  act(() => live.setStatus('connected'));
  await screen.findByRole('link', { name: /#general/ });
  // The list's answer has arrived (not only #general, which shows before it): a live message
  // for a conversation the list does not know yet would load the list again.
  for (const { kind, name } of conversations) {
    const label = kind === 'room' ? `#${name}` : name;
    await within(list()).findByRole('link', { name: new RegExp(`^${label}\\b`) });
  }
  return live;
}

/** A live message, stored first as the API does (so a read position may point at it). */
function deliver(live: FakeConnection, message: ChatMessage) {
  timelines.set(message.conversationId, [
    ...(timelines.get(message.conversationId) ?? []),
    message,
  ]);
  live.deliver(message);
}

const list = () => screen.getByRole('navigation', { name: 'Conversations' });
const entry = (name: RegExp) => within(list()).getByRole('link', { name });
/** The timeline on screen (the others are mounted but hidden). */
const texts = () =>
  within(screen.getByRole('log', { name: 'Messages' }))
    .queryAllByRole('listitem')
    .map((item) => item.querySelector('.message__text')?.textContent);

beforeEach(() => {
  conversations = [general, ops, withBob];
  timelines = new Map();
  connection = undefined;
  notifier = new RecordingNotifier();
  visibility = 'visible';
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  vi.spyOn(document, 'hasFocus').mockReturnValue(true);
  network = new FakeFetch()
    .route('GET', '/.auth/me', () => json({ clientPrincipal: principal }))
    .route('GET', '/api/presence', () =>
      json({ people: [{ ...bob, since: '2026-01-01T12:00:00.000Z' }] }),
    )
    .route('GET', '/api/conversations', () => json({ conversations }))
    .route('POST', '/api/direct/bob-id', () => json(withBob));
  for (const summary of conversations) serveConversation(summary);
});

afterEach(() => {
  vi.restoreAllMocks();
  document.title = '';
});

describe('the conversation list', () => {
  it('lists #general first, then rooms, then direct conversations with who is online', async () => {
    conversations = [
      general,
      { ...ops, unread: 150, muted: true },
      { ...withBob, unread: 2 },
      { id: 'r-a', kind: 'room', name: 'announcements', visibility: 'public', unread: 1 },
    ];
    await renderApp();
    const [rooms, direct] = within(list()).getAllByRole('list');
    expect(
      within(rooms!)
        .getAllByRole('link')
        .map((link) => link.getAttribute('aria-label')),
    ).toEqual(['#general', '#announcements, 1 unread', '#ops, muted, 99+ unread']);
    expect(
      within(direct!)
        .getAllByRole('link')
        .map((link) => link.getAttribute('aria-label')),
    ).toEqual(['bob, online, 2 unread']);
    expect(entry(/#general/).getAttribute('aria-current')).toBe('page');
    // Muted conversations keep their badge but stay out of the title.
    expect(document.title).toBe('(3) Chat');
  });

  it('counts a message in another conversation, and reloads every count after a reconnect', async () => {
    const live = await renderApp();
    act(() => deliver(live, chatMessage({ conversationId: ops.id, sender: bob, text: 'psst' })));
    expect(entry(/#ops/).getAttribute('aria-label')).toBe('#ops, 1 unread');
    expect(document.title).toBe('(1) Chat');
    // #general's timeline does not show it.
    expect(texts()).toEqual([]);

    act(() => live.setStatus('reconnecting'));
    conversations = [general, { ...ops, unread: 4 }, { ...withBob, unread: 1 }];
    act(() => live.reconnect());
    await waitFor(() => expect(document.title).toBe('(5) Chat'));
    expect(network.requestsTo('GET', '/api/conversations')).toHaveLength(2);
  });

  it('follows the events of my other tabs: read elsewhere, left elsewhere', async () => {
    conversations = [general, { ...ops, unread: 3 }, withBob];
    const live = await renderApp(`/r/${ops.id}`);
    // This tab is not focused, so it does not read them itself.
    act(() => live.conversationUpdated({ ...ops, unread: 0 }));
    expect(entry(/#ops/).getAttribute('aria-label')).toBe('#ops');
    act(() => live.conversationRemoved(ops.id));
    expect(within(list()).queryByRole('link', { name: /#ops/ })).toBeNull();
    expect(window.location.pathname).toBe('/r/general');
  });
});

describe('reading a conversation', () => {
  it('opens it at its address, shows "New messages" before the first unread and marks it read', async () => {
    const read = chatMessage({ conversationId: ops.id, sender: bob, text: 'old news' });
    const unread = [
      chatMessage({ conversationId: ops.id, sender: carol, text: 'first new' }),
      chatMessage({ conversationId: ops.id, sender: bob, text: 'second new' }),
    ];
    timelines.set(ops.id, [read, ...unread]);
    conversations = [
      general,
      { ...ops, unread: 2, readPosition: { messageId: read.id, sentAt: read.sentAt } },
      withBob,
    ];
    const user = userEvent.setup();
    await renderApp();
    expect(document.title).toBe('(2) Chat');

    await user.click(entry(/#ops/));
    expect(window.location.pathname).toBe(`/r/${ops.id}`);
    await waitFor(() => expect(texts()).toEqual(['old news', 'first new', 'second new']));
    const log = screen.getByRole('log', { name: 'Messages' });
    const divider = within(log).getByRole('separator', { name: 'New messages' });
    expect(divider.nextElementSibling?.textContent).toContain('first new');

    await waitFor(() =>
      expect(network.requestsTo('PUT', `/api/conversations/${ops.id}/read`)).toEqual([
        expect.objectContaining({ body: { upTo: unread[1]!.id } }),
      ]),
    );
    await waitFor(() => expect(entry(/#ops/).getAttribute('aria-label')).toBe('#ops'));
    expect(document.title).toBe('Chat');
    // The divider stays where it was while the conversation is open.
    expect(within(log).getByRole('separator', { name: 'New messages' })).toBeTruthy();
  });

  it('does not mark anything read while the window is not focused', async () => {
    vi.mocked(document.hasFocus).mockReturnValue(false);
    timelines.set(ops.id, [chatMessage({ conversationId: ops.id, text: 'waiting' })]);
    conversations = [general, { ...ops, unread: 1 }, withBob];
    await renderApp(`/r/${ops.id}`);
    await waitFor(() => expect(texts()).toEqual(['waiting']));
    expect(network.requestsTo('PUT', `/api/conversations/${ops.id}/read`)).toHaveLength(0);

    vi.mocked(document.hasFocus).mockReturnValue(true);
    act(() => window.dispatchEvent(new Event('focus')));
    await waitFor(() =>
      expect(network.requestsTo('PUT', `/api/conversations/${ops.id}/read`)).toHaveLength(1),
    );
  });

  it('keeps each conversation as it was: switching back asks for nothing again, the draft stays', async () => {
    timelines.set('general', [chatMessage({ text: 'in general' })]);
    timelines.set(ops.id, [chatMessage({ conversationId: ops.id, text: 'in ops' })]);
    const user = userEvent.setup();
    const live = await renderApp();
    await waitFor(() => expect(texts()).toEqual(['in general']));
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'half a thought');
    const generalPages = network.requestsTo('GET', '/api/conversations/general/messages').length;

    await user.click(entry(/#ops/));
    await waitFor(() => expect(texts()).toEqual(['in ops']));
    // Opened while connected: its latest page, and no catch-up (there is no gap).
    expect(
      network.requestsTo('GET', `/api/conversations/${ops.id}/messages`).map((r) => r.query),
    ).toEqual(expect.arrayContaining(['limit=50']));
    expect(
      network
        .requestsTo('GET', `/api/conversations/${ops.id}/messages`)
        .filter((r) => r.query !== 'limit=50'),
    ).toEqual([]);
    // A live message for #general reaches its (hidden) timeline.
    act(() => deliver(live, chatMessage({ text: 'meanwhile' })));

    await user.click(entry(/#general/));
    expect(texts()).toEqual(['in general', 'meanwhile']);
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe(
      'half a thought',
    );
    expect(network.requestsTo('GET', '/api/conversations/general/messages')).toHaveLength(
      generalPages,
    );

    // Back and Forward move between them through the address.
    act(() => {
      window.history.back();
    });
    await waitFor(() => expect(window.location.pathname).toBe(`/r/${ops.id}`));
    await waitFor(() => expect(texts()).toEqual(['in ops']));
  });

  it('sends in the open conversation and confirms with its own event', async () => {
    const user = userEvent.setup();
    const live = await renderApp(`/r/${ops.id}`);
    await screen.findByRole('heading', { name: '#ops' });
    const textbox = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    expect(textbox.placeholder).toBe('Message #ops');
    await user.type(textbox, 'deploying{Enter}');
    await waitFor(() =>
      expect(network.requestsTo('POST', `/api/conversations/${ops.id}/messages`)).toHaveLength(1),
    );
    const { id } = network.requestsTo('POST', `/api/conversations/${ops.id}/messages`)[0]!.body as {
      id: string;
    };
    act(() =>
      deliver(live, chatMessage({ id, conversationId: ops.id, sender: alice, text: 'deploying' })),
    );
    expect(texts()).toEqual(['deploying']);
    expect(screen.queryByText('Sending…')).toBeNull();
    // My own message counts as nothing unread.
    expect(entry(/#ops/).getAttribute('aria-label')).toBe('#ops');
  });
});

describe('links to people', () => {
  it('opens notes to self from my own name, the same way as anyone else', async () => {
    const notes: ConversationSummary = {
      id: 'dm.alice-id.alice-id',
      kind: 'direct',
      name: 'alice',
      with: alice,
      unread: 0,
    };
    network.route('POST', '/api/direct/alice-id', () => json(notes));
    serveConversation(notes);
    const user = userEvent.setup();
    await renderApp();
    const online = screen.getByRole('list', { name: 'Online' });
    await user.click(await within(online).findByRole('button', { name: 'alice (you)' }));
    expect(window.location.pathname).toBe('/dm/alice-id');
    expect(await screen.findByRole('heading', { name: 'alice (notes to self)' })).toBeTruthy();
    expect(
      (screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).placeholder,
    ).toBe('Note to self');
    expect(entry(/alice \(you\)/)).toBeTruthy();
  });

  it('says so when a /dm/ link names nobody the API knows', async () => {
    network.route('POST', '/api/direct/nobody', () =>
      json({ error: { code: 'unknown_person', message: 'No such person.' } }, 404),
    );
    const user = userEvent.setup();
    await renderApp('/dm/nobody');
    expect((await screen.findByRole('alert')).textContent).toContain(
      'There is nobody with that id who has ever signed in.',
    );
    await user.click(screen.getByRole('button', { name: 'Go to #general' }));
    expect(window.location.pathname).toBe('/r/general');
    expect(await screen.findByRole('heading', { name: '#general' })).toBeTruthy();
  });

  it('shows a public room one is not in from its link, with a way to join', async () => {
    const lobby: ConversationSummary = { id: 'r-lobby', kind: 'room', name: 'lobby', unread: 0 };
    timelines.set(lobby.id, [chatMessage({ conversationId: lobby.id, text: 'come in' })]);
    serveConversation(lobby);
    network.route('PUT', '/api/rooms/r-lobby/members/alice-id', () =>
      json({ id: 'r-lobby', name: 'lobby', visibility: 'public', memberCount: 2, isMember: true }),
    );
    network.route('GET', '/api/rooms', () =>
      json({
        rooms: [
          {
            id: 'r-lobby',
            name: 'lobby',
            topic: 'Say hi',
            visibility: 'public',
            memberCount: 1,
            isMember: false,
          },
        ],
      }),
    );
    const user = userEvent.setup();
    await renderApp('/r/r-lobby');
    await waitFor(() => expect(texts()).toEqual(['come in']));
    expect(await screen.findByRole('heading', { name: '#lobby' })).toBeTruthy();
    expect(screen.getByText('Say hi')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    // Reading before joining: no actions on its messages either.
    expect(screen.queryByRole('toolbar')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Join room' }));
    expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy();
    expect(await screen.findByRole('toolbar', { name: 'Actions for bob’s message' })).toBeTruthy();
    expect(entry(/#lobby/).getAttribute('aria-current')).toBe('page');
  });
});

describe('rooms', () => {
  it('creates a room, showing the API’s error when the name is taken, and opens it', async () => {
    let attempts = 0;
    const created: RoomSummary = {
      id: 'r-new',
      name: 'Design',
      topic: 'Pixels',
      visibility: 'private',
      memberCount: 1,
      isMember: true,
    };
    network.route('POST', '/api/rooms', () => {
      attempts += 1;
      return attempts === 1
        ? json({ error: { code: 'name_taken', message: 'Taken.', field: 'name' } }, 409)
        : json(created, 201);
    });
    serveConversation({ id: 'r-new', kind: 'room', name: 'Design', unread: 0 });
    const user = userEvent.setup();
    await renderApp();

    await user.click(within(list()).getByRole('button', { name: 'New room' }));
    const form = await screen.findByRole('region', { name: 'New room' });
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'ops');
    await user.click(within(form).getByRole('button', { name: 'Create room' }));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      'A room named “ops” already exists.',
    );
    expect(within(form).getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe(
      'true',
    );

    await user.clear(within(form).getByRole('textbox', { name: 'Name' }));
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Design');
    await user.type(within(form).getByRole('textbox', { name: 'Topic (optional)' }), 'Pixels');
    await user.click(within(form).getByRole('radio', { name: /Private/ }));
    await user.click(within(form).getByRole('button', { name: 'Create room' }));

    await waitFor(() => expect(window.location.pathname).toBe('/r/r-new'));
    expect(network.requestsTo('POST', '/api/rooms')[1]!.body).toEqual({
      name: 'Design',
      topic: 'Pixels',
      visibility: 'private',
    });
    expect(await screen.findByRole('heading', { name: '#Design' })).toBeTruthy();
    expect(entry(/#Design/).getAttribute('aria-current')).toBe('page');
  });

  it('joins a public room from the directory', async () => {
    const random: RoomSummary = {
      id: 'r-random',
      name: 'random',
      visibility: 'public',
      memberCount: 3,
      isMember: false,
    };
    network
      .route('GET', '/api/rooms', () =>
        json({
          rooms: [
            { ...random, id: 'general', name: 'general', isMember: true, memberCount: 9 },
            random,
          ],
        }),
      )
      .route('PUT', '/api/rooms/r-random/members/alice-id', () =>
        json({ ...random, isMember: true, memberCount: 4 }),
      );
    serveConversation({ id: 'r-random', kind: 'room', name: 'random', unread: 0 });
    const user = userEvent.setup();
    await renderApp();
    await user.click(within(list()).getByRole('button', { name: 'Browse rooms' }));
    const directory = await screen.findByRole('region', { name: 'Room directory' });
    expect(await within(directory).findByText('3 members')).toBeTruthy();
    await user.click(within(directory).getByRole('button', { name: 'Join #random' }));
    await waitFor(() => expect(window.location.pathname).toBe('/r/r-random'));
    expect(entry(/#random/)).toBeTruthy();
  });

  it('adds people to a private room by name, and leaves it', async () => {
    network
      .route('GET', '/api/people', () => json({ people: [alice, bob, carol] }))
      .route('PUT', `/api/rooms/${ops.id}/members/carol-id`, () =>
        json({ id: ops.id, name: 'ops', visibility: 'private', memberCount: 3, isMember: true }),
      )
      .route(
        'DELETE',
        `/api/rooms/${ops.id}/members/alice-id`,
        () => new Response(null, { status: 204 }),
      );
    const user = userEvent.setup();
    await renderApp(`/r/${ops.id}`);
    await user.click(await screen.findByRole('button', { name: 'Add people' }));
    const add = await screen.findByRole('region', { name: 'Add people to #ops' });
    await user.type(within(add).getByRole('searchbox', { name: 'Name' }), 'ca');
    await user.click(await within(add).findByRole('button', { name: 'Add carol' }));
    expect(await within(add).findByText('carol was added to #ops.')).toBeTruthy();
    expect(within(add).queryByRole('button', { name: 'Add alice' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Leave room' }));
    await waitFor(() => expect(window.location.pathname).toBe('/r/general'));
    expect(within(list()).queryByRole('link', { name: /#ops/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Leave room' })).toBeNull(); // not #general
  });

  it('mutes and unmutes a conversation', async () => {
    const user = userEvent.setup();
    await renderApp(`/r/${ops.id}`);
    await user.click(await screen.findByRole('button', { name: 'Mute' }));
    await waitFor(() => expect(entry(/#ops/).getAttribute('aria-label')).toContain('muted'));
    expect(network.requestsTo('PUT', `/api/conversations/${ops.id}/mute`)[0]!.body).toEqual({
      muted: true,
    });
    await user.click(screen.getByRole('button', { name: 'Unmute' }));
    await waitFor(() => expect(entry(/#ops/).getAttribute('aria-label')).not.toContain('muted'));
  });
});

describe('notifications', () => {
  it('asks for permission only when "Enable notifications" is pressed', async () => {
    const user = userEvent.setup();
    await renderApp();
    expect(notifier.requests).toBe(0);
    await user.click(screen.getByRole('button', { name: 'Enable notifications' }));
    expect(notifier.requests).toBe(1);
    expect(await screen.findByText('Notifications on')).toBeTruthy();
  });

  it('notifies of a direct message while the page is hidden, and the click opens it', async () => {
    notifier.state = 'granted';
    const live = await renderApp();
    const text = `hello ${'x'.repeat(150)}`;
    // Shown page: no notification; room message: none either.
    act(() =>
      deliver(live, chatMessage({ conversationId: withBob.id, sender: bob, text: 'seen' })),
    );
    visibility = 'hidden';
    act(() => document.dispatchEvent(new Event('visibilitychange')));
    act(() => deliver(live, chatMessage({ conversationId: ops.id, sender: bob, text: 'room' })));
    act(() => deliver(live, chatMessage({ conversationId: withBob.id, sender: bob, text })));
    expect(notifier.shown.map(({ title, body, tag }) => ({ title, body, tag }))).toEqual([
      { title: 'bob', body: `${text.slice(0, 100)}…`, tag: withBob.id },
    ]);

    visibility = 'visible';
    act(() => notifier.shown[0]!.click());
    await waitFor(() => expect(window.location.pathname).toBe('/dm/bob-id'));
    expect(await screen.findByRole('heading', { name: /^bob/ })).toBeTruthy();
  });

  it('does not notify in a muted conversation', async () => {
    notifier.state = 'granted';
    conversations = [general, ops, { ...withBob, muted: true }];
    visibility = 'hidden';
    const live = await renderApp();
    act(() => deliver(live, chatMessage({ conversationId: withBob.id, sender: bob })));
    expect(notifier.shown).toEqual([]);
    expect(entry(/bob/).getAttribute('aria-label')).toContain('1 unread');
  });

  it('notifies of a mention while hidden, even in a muted room, and counts it in the list', async () => {
    notifier.state = 'granted';
    conversations = [general, { ...ops, muted: true }, withBob];
    visibility = 'hidden';
    const live = await renderApp();
    // Not a mention of alice: nothing, as before (a muted room).
    act(() =>
      deliver(
        live,
        chatMessage({
          conversationId: ops.id,
          sender: bob,
          text: '@carol look',
          mentions: [carol],
        }),
      ),
    );
    expect(notifier.shown).toEqual([]);
    act(() =>
      deliver(
        live,
        chatMessage({
          conversationId: ops.id,
          sender: bob,
          text: '@alice can you look?',
          mentions: [alice],
        }),
      ),
    );
    expect(notifier.shown.map(({ title, body, tag }) => ({ title, body, tag }))).toEqual([
      { title: 'bob mentioned you in #ops', body: '@alice can you look?', tag: ops.id },
    ]);
    expect(entry(/#ops/).getAttribute('aria-label')).toBe('#ops, muted, 1 mention, 2 unread');
    expect(within(entry(/#ops/)).getByText('@1')).toBeTruthy();

    visibility = 'visible';
    act(() => notifier.shown[0]!.click());
    await waitFor(() => expect(window.location.pathname).toBe('/r/r-ops'));
  });

  it('shows the unread mentions the list answer counted, muted or not', async () => {
    conversations = [general, { ...ops, muted: true, unread: 5, unreadMentions: 2 }, withBob];
    await renderApp();
    expect(entry(/#ops/).getAttribute('aria-label')).toBe('#ops, muted, 2 mentions, 5 unread');
    expect(within(entry(/#ops/)).getByText('@2')).toBeTruthy();
    expect(within(entry(/#general/)).queryByText(/^@/)).toBeNull();
  });
});
