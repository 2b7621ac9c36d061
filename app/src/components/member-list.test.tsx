// A room's "Members" button and list, in the whole app: the API faked at fetch with the
// contract's shapes (GET /api/rooms/{id}/members → {members: [{id, name}]}).
import type { ConversationSummary, PersonSummary } from '@chat/conversation';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../app.js';
import { FakeConnection } from '../test/fake-connection.js';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { alice, bob, carol } from '../test/messages.js';

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
const lobby: ConversationSummary = {
  id: 'r-lobby',
  kind: 'room',
  name: 'lobby',
  visibility: 'public',
  unread: 0,
};
const withBob: ConversationSummary = {
  id: 'dm.alice-id.bob-id',
  kind: 'direct',
  name: 'bob',
  with: bob,
  unread: 0,
};
const MEMBERS = `/api/rooms/${ops.id}/members`;
const dave: PersonSummary = { id: 'dave-id', name: 'Dave' };

let network: FakeFetch;
let members: PersonSummary[];

async function renderApp(path: string) {
  window.history.replaceState(null, '', path);
  let connection: FakeConnection | undefined;
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
  const live = await waitFor(() => {
    expect(connection?.started && !connection.stopped).toBe(true);
    return connection!;
  });
  act(() => live.setStatus('connected'));
  await screen.findByRole('heading', { level: 2, name: /^(#ops|#lobby|#general|bob)/ });
}

/** The header of the conversation on screen (the others are mounted but hidden). */
const header = () => screen.getByRole('heading', { level: 2, name: /^(#|bob)/ }).closest('header')!;

beforeEach(() => {
  members = [carol, alice, dave, bob];
  network = new FakeFetch()
    .route('GET', '/.auth/me', () => json({ clientPrincipal: principal }))
    .route('GET', '/api/conversations', () =>
      json({ conversations: [general, ops, lobby, withBob] }),
    )
    .route('GET', '/api/presence', () =>
      json({ people: [{ id: bob.id, name: bob.name, since: '2026-01-01T12:00:00.000Z' }] }),
    )
    .route('GET', MEMBERS, () => json({ members }))
    .route('POST', `/api/direct/${bob.id}`, () => json(withBob));
  for (const { id } of [general, ops, lobby, withBob]) {
    network.route('GET', `/api/conversations/${encodeURIComponent(id)}/messages`, () =>
      json({ messages: [], hasNewer: false }),
    );
  }
});

describe('a room’s members', () => {
  it('lists them by name, with who is online, and a name opens the direct conversation', async () => {
    const user = userEvent.setup();
    await renderApp(`/r/${ops.id}`);
    const button = within(header()).getByRole('button', { name: 'Members' });
    expect(button.getAttribute('aria-expanded')).toBe('false');

    await user.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const panel = await screen.findByRole('region', { name: 'Members of #ops' });
    const list = await within(panel).findByRole('list', { name: 'Members' });
    expect(
      within(list)
        .getAllByRole('button')
        .map((name) => name.textContent),
    ).toEqual(['alice (you)', 'bob, online', 'carol', 'Dave']);
    expect(within(header()).getByRole('button', { name: 'Members (4)' })).toBe(button);

    await user.click(within(list).getByRole('button', { name: 'bob, online' }));
    await waitFor(() => expect(window.location.pathname).toBe(`/dm/${bob.id}`));
    expect(screen.getByRole('heading', { level: 2, name: 'bob' })).toBeTruthy();
  });

  it('closes with Escape (focus back on the button), a second click or a press elsewhere, and reads the list again when reopened', async () => {
    const user = userEvent.setup();
    await renderApp(`/r/${ops.id}`);
    const button = within(header()).getByRole('button', { name: 'Members' });

    await user.click(button);
    const panel = await screen.findByRole('region', { name: 'Members of #ops' });
    await within(panel).findByRole('button', { name: 'carol' });
    await user.tab(); // keyboard reachable: the first name follows the button
    expect(document.activeElement).toBe(within(panel).getByRole('button', { name: 'alice (you)' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Members of #ops' })).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(button.getAttribute('aria-expanded')).toBe('false');

    members = [...members, { id: 'erin-id', name: 'erin' }];
    await user.keyboard('{Enter}');
    const reopened = await screen.findByRole('region', { name: 'Members of #ops' });
    expect(await within(reopened).findByRole('button', { name: 'erin' })).toBeTruthy();
    expect(button.textContent).toBe('Members (5)');
    expect(network.requestsTo('GET', MEMBERS)).toHaveLength(2);

    await user.click(button);
    expect(screen.queryByRole('region', { name: 'Members of #ops' })).toBeNull();

    // A press elsewhere on the page closes it too; one inside it does not.
    await user.click(button);
    const again = await screen.findByRole('region', { name: 'Members of #ops' });
    await user.click(again);
    expect(screen.getByRole('region', { name: 'Members of #ops' })).toBe(again);
    await user.click(screen.getByRole('textbox', { name: 'Message' }));
    expect(screen.queryByRole('region', { name: 'Members of #ops' })).toBeNull();
  });

  it('says why the list could not be read, and Retry reads it again', async () => {
    const user = userEvent.setup();
    network.route('GET', MEMBERS, () =>
      json({ error: { code: 'storage_unavailable', message: 'Storage is unavailable.' } }, 503),
    );
    await renderApp(`/r/${ops.id}`);
    await user.click(within(header()).getByRole('button', { name: 'Members' }));
    const panel = await screen.findByRole('region', { name: 'Members of #ops' });
    const alert = await within(panel).findByRole('alert');
    expect(alert.textContent).toContain('The members could not be listed');
    expect(within(panel).queryByRole('list')).toBeNull();

    network.route('GET', MEMBERS, () => json({ members }));
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await within(panel).findByRole('button', { name: 'carol' })).toBeTruthy();
    expect(within(panel).queryByRole('alert')).toBeNull();
    expect(network.requestsTo('GET', MEMBERS)).toHaveLength(2);
  });

  it('is offered in public rooms too, not in #general or a direct conversation', async () => {
    await renderApp(`/r/${lobby.id}`);
    expect(within(header()).getByRole('button', { name: 'Members' })).toBeTruthy();

    act(() => window.history.pushState(null, '', '/r/general'));
    act(() => window.dispatchEvent(new PopStateEvent('popstate')));
    await screen.findByRole('heading', { level: 2, name: '#general' });
    expect(within(header()).queryByRole('button', { name: /^Members/ })).toBeNull();

    act(() => window.history.pushState(null, '', `/dm/${bob.id}`));
    act(() => window.dispatchEvent(new PopStateEvent('popstate')));
    await screen.findByRole('heading', { level: 2, name: 'bob' });
    expect(within(header()).queryByRole('button', { name: /^Members/ })).toBeNull();
  });
});
