import type { PersonSummary } from '@chat/conversation';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { MentionSource } from '../mentions/mention-source.js';
import { Composer, type ComposerProps } from './composer.js';

const people: PersonSummary[] = [
  { id: 'bob-id', name: 'bob' },
  { id: 'bobby-id', name: 'bobby' },
  { id: 'carol-id', name: 'Carol Ann' },
];

function renderComposer(props: Partial<ComposerProps> = {}) {
  const onSend = vi.fn<ComposerProps['onSend']>();
  const queries: string[] = [];
  const mentionSource: MentionSource = (query) => {
    queries.push(query);
    const start = query.toLowerCase();
    return Promise.resolve(people.filter((p) => p.name.toLowerCase().startsWith(start)));
  };
  render(
    <Composer
      canSend
      placeholder="Message #general"
      onSend={onSend}
      mentionSource={mentionSource}
      {...props}
    />,
  );
  return {
    onSend,
    queries,
    textbox: screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement,
  };
}

const listbox = () => screen.queryByRole('listbox', { name: 'People to mention' });
const options = () => screen.getAllByRole('option').map((option) => option.textContent);
const selected = () =>
  screen.getAllByRole('option').find((o) => o.getAttribute('aria-selected') === 'true')
    ?.textContent;

describe('Composer mentions', () => {
  it('offers the matching people after @, moves with the arrows and picks with Enter', async () => {
    const user = userEvent.setup();
    const { onSend, textbox } = renderComposer();
    await user.type(textbox, 'hi @bo');
    await waitFor(() => expect(listbox()).not.toBeNull());
    expect(options()).toEqual(['bob', 'bobby']);
    expect(selected()).toBe('bob');
    // The message box names the list and its active option for assistive technology.
    expect(textbox.getAttribute('aria-controls')).toBe(listbox()!.id);
    expect(textbox.getAttribute('aria-autocomplete')).toBe('list');
    const active = () => document.getElementById(textbox.getAttribute('aria-activedescendant')!);
    expect(active()?.textContent).toBe('bob');

    await user.keyboard('{ArrowDown}');
    expect(selected()).toBe('bobby');
    expect(active()?.textContent).toBe('bobby');
    await user.keyboard('{ArrowDown}'); // wraps
    expect(selected()).toBe('bob');
    await user.keyboard('{ArrowUp}');
    expect(selected()).toBe('bobby');

    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(textbox.value).toBe('hi @bobby ');
    expect(listbox()).toBeNull();
    await user.keyboard('see this{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hi @bobby see this', [
      { id: 'bobby-id', name: 'bobby' },
    ]);
  });

  it('picks with Tab too, and a name with a space', async () => {
    const user = userEvent.setup();
    const { onSend, textbox } = renderComposer();
    await user.type(textbox, '@ca');
    await waitFor(() => expect(options()).toEqual(['Carol Ann']));
    await user.keyboard('{Tab}');
    expect(textbox.value).toBe('@Carol Ann ');
    expect(document.activeElement).toBe(textbox);
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('@Carol Ann', [
      { id: 'carol-id', name: 'Carol Ann' },
    ]);
  });

  it('closes with Escape, and Enter then sends the text as typed', async () => {
    const user = userEvent.setup();
    const { onSend, textbox } = renderComposer();
    await user.type(textbox, 'mail @bo');
    await waitFor(() => expect(listbox()).not.toBeNull());
    await user.keyboard('{Escape}');
    expect(listbox()).toBeNull();
    // More typing in the same word keeps it closed.
    await user.keyboard('b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(listbox()).toBeNull();
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('mail @bob');
  });

  it('sends only the mentions whose @Name is still in the text', async () => {
    const user = userEvent.setup();
    const { onSend, textbox } = renderComposer();
    await user.type(textbox, '@bob');
    await waitFor(() => expect(selected()).toBe('bob'));
    await user.keyboard('{Enter}');
    expect(textbox.value).toBe('@bob ');
    await user.clear(textbox);
    await user.type(textbox, 'never mind{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('never mind');
  });

  it('does not open inside a word (an e-mail address) or when nobody matches', async () => {
    const user = userEvent.setup();
    const { textbox, queries } = renderComposer();
    await user.type(textbox, 'write to me@bob.example');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(queries).toEqual([]);
    await user.clear(textbox);
    await user.type(textbox, '@zed');
    await waitFor(() => expect(queries.at(-1)).toBe('zed'));
    expect(listbox()).toBeNull();
  });

  it('shows "Replying to" with a Cancel that ends the reply', async () => {
    const user = userEvent.setup();
    const onCancelReply = vi.fn();
    renderComposer({
      replyingTo: {
        id: 'm1',
        text: 'question',
        sender: { id: 'bob-id', name: 'bob' },
        conversationId: 'general',
        isPrivate: false,
        sentAt: '2026-01-01T12:00:00.000Z',
      },
      onCancelReply,
    });
    expect(screen.getByText(/Replying to/).textContent).toBe('Replying to bob');
    await user.click(screen.getByRole('button', { name: 'Cancel reply to bob' }));
    expect(onCancelReply).toHaveBeenCalledOnce();
  });
});
