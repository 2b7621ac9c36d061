// The whole app acting on messages (issue 10): fetch faked at the network boundary (#general's
// history served by an in-memory API with the real contract, the write routes by FakeFetch with
// the contract's shapes), the connection driven by the test.
import type { ChatMessage, Reaction } from '@chat/message';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../app.js';
import { FakeConnection } from '../test/fake-connection.js';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { HistoryServer } from '../test/history-server.js';
import { alice, bob, carol, chatMessage } from '../test/messages.js';

const principal = {
  identityProvider: 'github',
  userId: alice.id,
  userDetails: alice.name,
  userRoles: ['anonymous', 'authenticated'],
};

const HISTORY = '/api/conversations/general/messages';
const messagePath = (id: string) => `${HISTORY}/${id}`;

let server: HistoryServer;
let network: FakeFetch;
let connections: FakeConnection[];

const fetchWithHistory: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : String(input), 'http://app.test');
  if (url.pathname === HISTORY && (init?.method ?? 'GET') === 'GET') {
    return json(server.page(url.searchParams));
  }
  return network.fetch(input, init);
};

async function renderApp(): Promise<FakeConnection> {
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
  const live = await waitFor(() => {
    const started = connections.filter((c) => c.started && !c.stopped);
    expect(started).toHaveLength(1);
    return started[0]!;
  });
  act(() => live.setStatus('connected'));
  return live;
}

const log = () => screen.getByRole('log', { name: 'Messages' });
/** The message (not a reaction inside one) whose text contains `text`. */
function messageItem(text: string): HTMLElement {
  const item = within(log())
    .queryAllByRole('listitem')
    .find(
      (li) =>
        li.classList.contains('message') &&
        li.querySelector('.message__text')?.textContent?.includes(text),
    );
  if (!item) throw new Error(`no message with "${text}"`);
  return item;
}
const texts = () =>
  [...log().querySelectorAll('li.message')].map(
    (item) => item.querySelector('.message__text')?.textContent,
  );

function at(second: number): string {
  return new Date(Date.UTC(2026, 1, 1, 12, 0, 0) + second * 1000).toISOString();
}

beforeEach(() => {
  server = new HistoryServer();
  connections = [];
  network = new FakeFetch()
    .route('GET', '/.auth/me', () => json({ clientPrincipal: principal }))
    .route('GET', '/api/presence', () => json({ people: [] }))
    .route('GET', '/api/conversations', () =>
      json({ conversations: [{ id: 'general', kind: 'room', name: 'general', unread: 0 }] }),
    );
  window.history.replaceState(null, '', '/');
});

describe('reactions', () => {
  it('toggles one’s own reaction with PUT and DELETE and shows the answer; events add others’', async () => {
    const message = chatMessage({ sender: bob, text: 'ship it?', sentAt: at(1) });
    server.add(message);
    let reactions: Reaction[] = [];
    let version = 0;
    const answer = () =>
      json({ ...message, version: ++version, ...(reactions.length ? { reactions } : {}) });
    const path = `${messagePath(message.id)}/reactions/${encodeURIComponent('👍')}`;
    network
      .route('PUT', path, () => {
        reactions = [{ emoji: '👍', count: 1, people: [alice] }];
        return answer();
      })
      .route('DELETE', path, () => {
        reactions = [];
        return answer();
      });
    const live = await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toEqual(['ship it?']));

    await user.click(within(messageItem('ship it?')).getByRole('button', { name: 'React' }));
    await user.click(screen.getByRole('button', { name: 'React with 👍' }));
    const mine = await within(messageItem('ship it?')).findByRole('button', { name: '👍 1' });
    expect(mine.getAttribute('aria-pressed')).toBe('true');
    expect(mine.getAttribute('title')).toBe('you reacted with 👍');
    expect(network.requestsTo('PUT', path)).toHaveLength(1);
    // The picker closed and gave the focus back to React.
    expect(screen.queryByRole('group', { name: 'Add a reaction' })).toBeNull();
    expect(document.activeElement?.textContent).toBe('React');

    // Carol reacts too (an event, newer); a stale copy (older version) changes nothing.
    act(() =>
      live.change({
        ...message,
        version: 2,
        reactions: [{ emoji: '👍', count: 2, people: [alice, carol] }],
      }),
    );
    act(() => live.change({ ...message, version: 1 }));
    const both = within(messageItem('ship it?')).getByRole('button', { name: '👍 2' });
    expect(both.getAttribute('aria-pressed')).toBe('true');
    expect(both.getAttribute('title')).toBe('you and carol reacted with 👍');

    // Clicking one's own takes it back.
    version = 2;
    reactions = [{ emoji: '👍', count: 1, people: [carol] }];
    network.route('DELETE', path, () => answer());
    await user.click(both);
    const theirs = await within(messageItem('ship it?')).findByRole('button', { name: '👍 1' });
    expect(theirs.getAttribute('aria-pressed')).toBe('false');
    expect(network.requestsTo('DELETE', path)).toHaveLength(1);
  });

  it('takes any single emoji, and refuses what is not one', async () => {
    const message = chatMessage({ sender: bob, text: 'any emoji', sentAt: at(1) });
    server.add(message);
    const path = `${messagePath(message.id)}/reactions/${encodeURIComponent('🦄')}`;
    network.route('PUT', path, () =>
      json({ ...message, version: 1, reactions: [{ emoji: '🦄', count: 1, people: [alice] }] }),
    );
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toEqual(['any emoji']));
    await user.click(within(messageItem('any emoji')).getByRole('button', { name: 'React' }));
    const picker = screen.getByRole('group', { name: 'Add a reaction' });
    await user.type(within(picker).getByRole('textbox', { name: 'Any emoji' }), 'ab{Enter}');
    expect(within(picker).getByRole('alert').textContent).toBe('Type a single emoji.');
    expect(network.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);

    const input = within(picker).getByRole('textbox', { name: 'Any emoji' });
    await user.clear(input);
    await user.type(input, '🦄{Enter}');
    expect(
      await within(messageItem('any emoji')).findByRole('button', { name: '🦄 1' }),
    ).toBeTruthy();

    // Escape closes the picker without reacting.
    await user.click(within(messageItem('any emoji')).getByRole('button', { name: 'React' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Add a reaction' })).toBeNull();
  });

  it('sends a heart typed without its presentation selector as the one others picked', async () => {
    const message = chatMessage({ sender: bob, text: 'love', sentAt: at(1) });
    server.add(message);
    const heart = '\u2764\uFE0F';
    const path = `${messagePath(message.id)}/reactions/${encodeURIComponent(heart)}`;
    network.route('PUT', path, () =>
      json({ ...message, version: 1, reactions: [{ emoji: heart, count: 1, people: [alice] }] }),
    );
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toEqual(['love']));
    await user.click(within(messageItem('love')).getByRole('button', { name: 'React' }));
    const picker = screen.getByRole('group', { name: 'Add a reaction' });
    await user.type(within(picker).getByRole('textbox', { name: 'Any emoji' }), '\u2764{Enter}');
    expect(
      await within(messageItem('love')).findByRole('button', { name: `${heart} 1` }),
    ).toBeTruthy();
    expect(network.requestsTo('PUT', path)).toHaveLength(1);
  });
});

describe('edit and delete', () => {
  it('edits one’s own message inline: Enter saves, Escape cancels, "(edited)" shows', async () => {
    const own = chatMessage({ sender: alice, text: 'teh plan', sentAt: at(1) });
    const theirs = chatMessage({ sender: bob, text: 'not yours', sentAt: at(2) });
    server.add(own, theirs);
    network.route('PATCH', messagePath(own.id), ({ body }) =>
      json({
        ...own,
        text: (body as { text: string }).text,
        version: 1,
        editedAt: at(10),
      }),
    );
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toEqual(['teh plan', 'not yours']));
    // Only one's own messages can be edited or deleted.
    expect(within(messageItem('not yours')).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(messageItem('not yours')).queryByRole('button', { name: 'Delete' })).toBeNull();

    await user.click(within(messageItem('teh plan')).getByRole('button', { name: 'Edit' }));
    const editor = screen.getByRole('textbox', { name: 'Edit message' });
    expect(document.activeElement).toBe(editor);
    await user.type(editor, ' (draft){Escape}');
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    expect(texts()[0]).toBe('teh plan');
    expect(network.requestsTo('PATCH', messagePath(own.id))).toHaveLength(0);

    await user.click(within(messageItem('teh plan')).getByRole('button', { name: 'Edit' }));
    const again = screen.getByRole('textbox', { name: 'Edit message' });
    await user.clear(again);
    await user.type(again, 'the plan{Enter}');
    await waitFor(() => expect(texts()[0]).toBe('the plan'));
    expect(network.requestsTo('PATCH', messagePath(own.id)).map((r) => r.body)).toEqual([
      { text: 'the plan' },
    ]);
    expect(within(messageItem('the plan')).getByText('(edited)')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
  });

  it('ArrowUp in the empty composer edits one’s last message', async () => {
    const older = chatMessage({ sender: alice, text: 'older of mine', sentAt: at(1) });
    const last = chatMessage({ sender: alice, text: 'last of mine', sentAt: at(2) });
    const theirs = chatMessage({ sender: bob, text: 'bob after', sentAt: at(3) });
    server.add(older, last, theirs);
    network.route('PATCH', messagePath(last.id), ({ body }) =>
      json({ ...last, text: (body as { text: string }).text, version: 1, editedAt: at(10) }),
    );
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toHaveLength(3));
    const composer = screen.getByRole('textbox', { name: 'Message' });
    await user.type(composer, 'x');
    await user.keyboard('{ArrowUp}'); // not empty: the caret moves, nothing opens
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    await user.clear(composer);
    await user.keyboard('{ArrowUp}');
    const editor = screen.getByRole('textbox', { name: 'Edit message' });
    expect(document.activeElement).toBe(editor);
    expect((editor as HTMLTextAreaElement).value).toBe('last of mine');
    await user.type(editor, '!{Enter}');
    await waitFor(() => expect(texts()).toEqual(['older of mine', 'last of mine!', 'bob after']));
    // Back where the edit was asked for.
    expect(document.activeElement).toBe(composer);
  });

  it('keeps the editor open with the reason when the API refuses', async () => {
    const own = chatMessage({ sender: alice, text: 'original', sentAt: at(1) });
    server.add(own);
    network.route('PATCH', messagePath(own.id), () =>
      json({ error: { code: 'message_deleted', message: 'The message was deleted.' } }, 409),
    );
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toEqual(['original']));
    await user.click(within(messageItem('original')).getByRole('button', { name: 'Edit' }));
    await user.type(screen.getByRole('textbox', { name: 'Edit message' }), '!{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Not saved: The message was deleted.',
    );
    expect(screen.getByRole('textbox', { name: 'Edit message' })).toBeTruthy();
  });

  it('deletes after a confirmation, and shows others’ deletes from events', async () => {
    const own = chatMessage({ sender: alice, text: 'oops, wrong room', sentAt: at(1) });
    const theirs = chatMessage({ sender: bob, text: 'bob regrets this', sentAt: at(2) });
    server.add(own, theirs);
    network.route('DELETE', messagePath(own.id), () =>
      json({ ...own, text: '', deleted: true, version: 1 }),
    );
    const live = await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toEqual(['oops, wrong room', 'bob regrets this']));

    await user.click(within(messageItem('oops')).getByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('group', { name: 'Delete this message?' });
    // Escape, or Cancel, keeps it.
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Delete this message?' })).toBeNull();
    expect(confirm.isConnected).toBe(false);
    expect(network.requestsTo('DELETE', messagePath(own.id))).toHaveLength(0);

    await user.click(within(messageItem('oops')).getByRole('button', { name: 'Delete' }));
    const confirmButton = screen.getByRole('button', { name: 'Delete message' });
    expect(document.activeElement).toBe(confirmButton);
    await user.click(confirmButton);
    await waitFor(() => expect(texts()).toEqual(['This message was deleted', 'bob regrets this']));
    expect(network.requestsTo('DELETE', messagePath(own.id))).toHaveLength(1);
    // Nothing is left to act on.
    expect(within(messageItem('This message was deleted')).queryByRole('toolbar')).toBeNull();

    act(() => live.change({ ...theirs, text: '', deleted: true, version: 1 }));
    expect(texts()).toEqual(['This message was deleted', 'This message was deleted']);
  });
});

describe('replies', () => {
  function serveSends() {
    network.route('POST', HISTORY, ({ body }) => {
      const { id, text, replyTo } = body as { id: string; text: string; replyTo?: string };
      const original = server.messages.find((m) => m.id === replyTo);
      return json(
        chatMessage({
          id,
          text,
          sender: alice,
          sentAt: new Date().toISOString(),
          ...(original
            ? { replyTo: { id: original.id, sender: original.sender, quote: original.text } }
            : {}),
        }),
        202,
      );
    });
  }

  it('replies from the toolbar: "Replying to bob", the quote, and replyTo in the send', async () => {
    const original = chatMessage({ sender: bob, text: 'who has the keys?', sentAt: at(1) });
    server.add(original);
    serveSends();
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toEqual(['who has the keys?']));

    await user.click(within(messageItem('keys')).getByRole('button', { name: 'Reply' }));
    expect(screen.getByText(/Replying to/).textContent).toBe('Replying to bob');
    const composer = screen.getByRole('textbox', { name: 'Message' });
    expect(document.activeElement).toBe(composer);
    // Escape cancels the reply; Reply again, and send.
    await user.keyboard('{Escape}');
    expect(screen.queryByText(/Replying to/)).toBeNull();
    await user.click(within(messageItem('keys')).getByRole('button', { name: 'Reply' }));
    await user.type(composer, 'I do{Enter}');
    expect(screen.queryByText(/Replying to/)).toBeNull();
    const sent = network.requestsTo('POST', HISTORY).map((r) => r.body);
    expect(sent).toEqual([{ id: expect.any(String), text: 'I do', replyTo: original.id }]);
    const quote = within(messageItem('I do')).getByRole('button', {
      name: 'In reply to bob: who has the keys?',
    });
    expect(quote).toBeTruthy();
  });

  it('jumps to an original that is not loaded: earlier pages load until it is found', async () => {
    const older = Array.from({ length: 130 }, (_, i) =>
      chatMessage({ sender: bob, text: `m${i}`, sentAt: at(i) }),
    );
    const original = older[3]!;
    const reply = chatMessage({
      sender: carol,
      text: 'about that',
      sentAt: at(200),
      replyTo: { id: original.id, sender: bob, quote: original.text },
    });
    server.add(...older, reply);
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toHaveLength(50));
    expect(texts()).not.toContain('m3');

    await user.click(
      within(messageItem('about that')).getByRole('button', { name: 'In reply to bob: m3' }),
    );
    const target = await waitFor(() => {
      const item = messageItem('m3');
      expect(item.classList.contains('message--highlighted')).toBe(true);
      return item;
    });
    expect(document.activeElement).toBe(target);
    // Two earlier pages of 50 (m31..m80, then m0..m30), no more than needed.
    const before = server.queries.filter((q) => q.has('before'));
    expect(before).toHaveLength(2);
    expect(texts()[0]).toBe('m0');
  });

  it('says so when the original is never found, after a bounded search', async () => {
    const messages = Array.from({ length: 60 }, (_, i) =>
      chatMessage({ sender: bob, text: `m${i}`, sentAt: at(i) }),
    );
    const reply = chatMessage({
      sender: carol,
      text: 'about a lost one',
      sentAt: at(200),
      replyTo: { id: '00000000-0000-4000-8000-ffffffffffff', sender: bob, quote: 'gone' },
    });
    server.add(...messages, reply);
    await renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(texts()).toHaveLength(50));
    await user.click(
      within(messageItem('about a lost one')).getByRole('button', { name: /^In reply to bob/ }),
    );
    expect(await screen.findByText('The original message was not found.')).toBeTruthy();
    expect(server.queries.filter((q) => q.has('before'))).toHaveLength(1);
  });

  it('shows a reply to a deleted message as such', async () => {
    const reply = chatMessage({
      sender: carol,
      text: 'replying to nothing now',
      sentAt: at(2),
      replyTo: {
        id: '00000000-0000-4000-8000-ffffffffffff',
        sender: bob,
        quote: '',
        deleted: true,
      },
    });
    server.add(reply);
    await renderApp();
    expect(
      await within(log()).findByRole('button', {
        name: 'In reply to bob: Original message deleted',
      }),
    ).toBeTruthy();
  });
});

describe('state agreement', () => {
  it('a message changed while away is caught up after the reconnect', async () => {
    const message = chatMessage({ sender: bob, text: 'before the outage', sentAt: at(1) });
    const newest = chatMessage({ sender: bob, text: 'newest', sentAt: at(100) });
    server.add(message, newest);
    const live = await renderApp();
    await waitFor(() => expect(texts()).toEqual(['before the outage', 'newest']));
    act(() => live.setStatus('reconnecting'));
    const edited: ChatMessage = {
      ...message,
      text: 'after the outage',
      version: 1,
      editedAt: at(300),
    };
    server.change(edited);
    act(() => live.reconnect());
    await waitFor(() => expect(texts()).toEqual(['after the outage', 'newest']));
    expect(within(messageItem('after the outage')).getByText('(edited)')).toBeTruthy();
  });
});
