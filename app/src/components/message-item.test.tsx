import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { TimelineEntry } from '../timeline/timeline.js';
import { alice, bob, chatMessage } from '../test/messages.js';
import { formattingReady } from '../formatting/formatted-text.js';
import { MessageList } from './message-list.js';

function renderList(entries: TimelineEntry[], meId = alice.id) {
  const onSelectSender = vi.fn();
  const onRetry = vi.fn();
  const result = render(
    <MessageList entries={entries} meId={meId} onSelectSender={onSelectSender} onRetry={onRetry} />,
  );
  const items = () =>
    within(screen.getByRole('log', { name: 'Messages' })).getAllByRole('listitem');
  return { ...result, onSelectSender, onRetry, items };
}

const sent = (message: ReturnType<typeof chatMessage>): TimelineEntry => ({
  message,
  delivery: 'sent',
});

describe('message rendering', () => {
  it('shows sender, time and text in a log named Messages', () => {
    const message = chatMessage({ sender: bob, text: 'hello', sentAt: '2026-03-04T05:06:07.000Z' });
    const { items } = renderList([sent(message)]);
    const [item] = items();
    expect(item).toBeDefined();
    const view = within(item!);
    expect(view.getByRole('button', { name: 'bob' })).toBeTruthy();
    expect(view.getByText('hello')).toBeTruthy();
    const time = item!.querySelector('time');
    expect(time?.getAttribute('datetime')).toBe('2026-03-04T05:06:07.000Z');
    expect(time?.textContent).not.toBe('');
  });

  it("styles one's own messages apart, without a direct-message button on one's own name", () => {
    const { items } = renderList([
      sent(chatMessage({ sender: alice, text: 'mine' })),
      sent(chatMessage({ sender: bob, text: 'theirs' })),
    ]);
    const [mine, theirs] = items();
    expect(mine!.className).toContain('message--own');
    expect(within(mine!).queryByRole('button', { name: 'alice' })).toBeNull();
    expect(within(mine!).getByText('alice')).toBeTruthy();
    expect(theirs!.className).toContain('message--other');
    expect(theirs!.className).not.toContain('message--own');
  });

  it('renders markup in a message as text and runs nothing', () => {
    const attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';
    const { container } = renderList([sent(chatMessage({ text: attack }))]);
    expect(screen.getByText(attack)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect((window as { __xss?: number }).__xss).toBeUndefined();
  });

  it("treats a sender's name as a button that opens a direct conversation with them", async () => {
    const user = userEvent.setup();
    const { onSelectSender } = renderList([sent(chatMessage({ sender: bob }))]);
    screen.getByRole('button', { name: 'bob' }).focus();
    await user.keyboard('{Enter}');
    expect(onSelectSender).toHaveBeenCalledExactlyOnceWith(bob);
  });

  it('shows pending as "Sending…", and failed with the reason and a Retry button', async () => {
    const user = userEvent.setup();
    const pending = chatMessage({ sender: alice, text: 'on its way' });
    const failed = chatMessage({ sender: alice, text: 'did not make it' });
    const { onRetry, items } = renderList([
      { message: pending, delivery: 'pending' },
      {
        message: failed,
        delivery: 'failed',
        failure: { reason: 'Too many messages: try again in 5 s.' },
      },
    ]);
    const [pendingItem, failedItem] = items();
    expect(within(pendingItem!).getByText('Sending…')).toBeTruthy();
    expect(within(pendingItem!).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(failedItem!).getByText(/try again in 5 s/)).toBeTruthy();
    await user.click(within(failedItem!).getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledExactlyOnceWith(failed.id);
  });

  it('keeps Retry disabled until the time a refused send was told to wait has passed', () => {
    vi.useFakeTimers();
    try {
      const failed = chatMessage({ sender: alice, text: 'too soon' });
      const { items } = renderList([
        {
          message: failed,
          delivery: 'failed',
          failure: { reason: 'Too many messages: try again in 5 s.', retryAt: Date.now() + 5_000 },
        },
      ]);
      const retry = () => within(items()[0]!).getByRole('button', { name: 'Retry' });
      expect((retry() as HTMLButtonElement).disabled).toBe(true);
      act(() => vi.advanceTimersByTime(4_900));
      expect((retry() as HTMLButtonElement).disabled).toBe(true);
      act(() => vi.advanceTimersByTime(200));
      expect((retry() as HTMLButtonElement).disabled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says so when there are no messages yet', () => {
    renderList([]);
    expect(screen.getByRole('log', { name: 'Messages' }).textContent).toMatch(/no messages yet/i);
  });
});

describe('formatted messages', () => {
  it('highlights a mention of the viewer and renders markup, links and HTML harmlessly', async () => {
    await formattingReady;
    const message = chatMessage({
      sender: bob,
      text: '@alice **look** <script>alert(1)</script> [x](javascript:alert(1)) ![i](https://example.com/a.png) https://example.com',
      mentions: [alice],
    });
    const { items } = renderList([sent(message)]);
    const item = items()[0]!;
    expect(item.querySelector('.mention-me')?.textContent).toBe('@alice');
    expect(item.querySelector('strong')?.textContent).toBe('look');
    expect(item.querySelector('script, img')).toBeNull();
    expect(item.textContent).toContain('<script>alert(1)</script>');
    const links = [...item.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['https://example.com/']);
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('shows "(edited)" and a deleted message as such, without its actions', () => {
    const edited = chatMessage({
      sender: alice,
      text: 'fixed',
      editedAt: '2026-01-01T13:00:00Z',
      version: 1,
    });
    const deleted = chatMessage({ sender: bob, text: '', deleted: true, version: 2 });
    const { items } = renderList([sent(edited), sent(deleted)]);
    expect(within(items()[0]!).getByText('(edited)')).toBeTruthy();
    expect(items()[1]!.querySelector('.message__text')?.textContent).toBe(
      'This message was deleted',
    );
  });
});

describe('message actions by keyboard', () => {
  it('is one tab stop; arrows move along it; the emoji picker opens and closes by keyboard', async () => {
    const user = userEvent.setup();
    const actions = {
      onReply: vi.fn(),
      onJumpTo: vi.fn(),
      onToggleReaction: vi.fn(() => Promise.resolve()),
      onEdit: vi.fn(() => Promise.resolve()),
      onDelete: vi.fn(() => Promise.resolve()),
    };
    const message = chatMessage({ sender: alice, text: 'mine to act on' });
    render(
      <MessageList
        entries={[sent(message)]}
        meId={alice.id}
        onSelectSender={vi.fn()}
        onRetry={vi.fn()}
        actions={actions}
      />,
    );
    const toolbar = screen.getByRole('toolbar', { name: 'Actions for your message' });
    const buttons = within(toolbar).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['Reply', 'React', 'Edit', 'Delete']);
    expect(buttons.map((b) => b.tabIndex)).toEqual([0, -1, -1, -1]);

    await user.tab(); // the log
    await user.tab();
    expect(document.activeElement).toBe(buttons[0]);
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(buttons[1]);
    expect(buttons.map((b) => b.tabIndex)).toEqual([-1, 0, -1, -1]);
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(buttons[3]);
    await user.keyboard('{ArrowRight}'); // wraps
    expect(document.activeElement).toBe(buttons[0]);

    await user.keyboard('{ArrowRight}{Enter}');
    const picker = screen.getByRole('group', { name: 'Add a reaction' });
    expect(document.activeElement).toBe(
      within(picker).getByRole('button', { name: 'React with 👍' }),
    );
    expect(buttons[1]?.getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{Tab}{Enter}'); // ❤️
    expect(actions.onToggleReaction).toHaveBeenCalledExactlyOnceWith(message.id, '❤️');
    expect(screen.queryByRole('group', { name: 'Add a reaction' })).toBeNull();
    expect(document.activeElement).toBe(buttons[1]);

    await user.keyboard('{Enter}{Escape}');
    expect(screen.queryByRole('group', { name: 'Add a reaction' })).toBeNull();
    expect(document.activeElement).toBe(buttons[1]);
  });

  it('offers no Edit or Delete on someone else’s message, and no actions while sending', () => {
    const actions = {
      onReply: vi.fn(),
      onJumpTo: vi.fn(),
      onToggleReaction: vi.fn(() => Promise.resolve()),
      onEdit: vi.fn(() => Promise.resolve()),
      onDelete: vi.fn(() => Promise.resolve()),
    };
    render(
      <MessageList
        entries={[
          sent(chatMessage({ sender: bob, text: 'theirs' })),
          { message: chatMessage({ sender: alice, text: 'on its way' }), delivery: 'pending' },
        ]}
        meId={alice.id}
        onSelectSender={vi.fn()}
        onRetry={vi.fn()}
        actions={actions}
      />,
    );
    const toolbars = screen.getAllByRole('toolbar');
    expect(toolbars).toHaveLength(1);
    expect(toolbars[0]?.getAttribute('aria-label')).toBe('Actions for bob’s message');
    expect(
      within(toolbars[0]!)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Reply', 'React']);
  });
});
