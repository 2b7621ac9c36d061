import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { OnlinePerson } from '@chat/message';
import { describe, expect, it } from 'vitest';
import { alice, bob, carol } from '../test/messages.js';
import { OnlineList } from './online-list.js';

const online = (person: { id: string; name: string }): OnlinePerson => ({
  ...person,
  since: '2026-01-01T12:00:00.000Z',
});

function renderList(people: OnlinePerson[], connected = true) {
  const selected: { id: string; name: string }[] = [];
  render(
    <OnlineList
      people={people}
      me={alice}
      connected={connected}
      onSelect={(person) => selected.push(person)}
    />,
  );
  return selected;
}

const onlineList = () => screen.getByRole('list', { name: 'Online' });
const entries = () =>
  within(onlineList())
    .getAllByRole('listitem')
    .map((item) => item.textContent);

describe('OnlineList', () => {
  it('is a region and a list named Online, with everyone in the order given, me marked', () => {
    renderList([online(alice), online(bob), online(carol)]);
    expect(screen.getByRole('region', { name: 'Online' })).toBeTruthy();
    expect(entries()).toEqual(['alice (you)', 'bob', 'carol']);
  });

  it('offers everyone as a button, myself for notes', () => {
    renderList([online(alice), online(bob)]);
    const buttons = within(onlineList()).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['alice (you)', 'bob']);
    expect(buttons[0]?.title).toBe('Notes to self');
  });

  it('opens the direct conversation with the person activated', async () => {
    const user = userEvent.setup();
    const selected = renderList([online(alice), online(bob), online(carol)]);
    await user.click(within(onlineList()).getByRole('button', { name: 'carol' }));
    await user.click(within(onlineList()).getByRole('button', { name: 'alice (you)' }));
    expect(selected).toEqual([
      { id: carol.id, name: 'carol' },
      { id: alice.id, name: 'alice' },
    ]);
  });

  it('lists me while connected even before the list knows of my connection', () => {
    renderList([online(bob), online(carol)]);
    expect(entries()).toEqual(['alice (you)', 'bob', 'carol']);
  });

  it('says the list may be out of date while not connected, and does not add me', () => {
    renderList([online(bob)], false);
    expect(entries()).toEqual(['bob']);
    expect(screen.getByText(/May be out of date until the connection is back/)).toBeTruthy();
  });

  it('has a toggle (for narrow screens) that says whether the list is shown', async () => {
    const user = userEvent.setup();
    renderList([online(bob)]);
    const toggle = screen.getByRole('button', { name: 'Show' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(toggle.getAttribute('aria-controls')).toBe(onlineList().id);
    await user.click(toggle);
    expect(screen.getByRole('button', { name: 'Hide' }).getAttribute('aria-expanded')).toBe('true');
  });
});
