import { act, render, renderHook, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TYPING_AFTER_MESSAGE_MS, TYPING_NOTICE_MS } from '../presence/typing-notices.js';
import { useTypingNotices } from '../presence/use-typing-notices.js';
import { alice, bob, carol } from '../test/messages.js';
import { TypingIndicator } from './typing-indicator.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** The hook and the indicator together, as the chat view uses them. */
function renderNotices() {
  const hook = renderHook(() => useTypingNotices({ meId: alice.id }));
  const view = render(<TypingIndicator typists={hook.result.current.typists} />);
  const text = () => {
    view.rerender(<TypingIndicator typists={hook.result.current.typists} />);
    return view.container.textContent;
  };
  return { api: () => hook.result.current, text };
}

describe('TypingIndicator with useTypingNotices', () => {
  it('is a polite live region that is empty while nobody types', () => {
    const { text } = renderNotices();
    expect(text()).toBe('');
    const region = document.querySelector('[aria-live="polite"]');
    expect(region).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows a typist and forgets them a few seconds after their last notice', () => {
    const { api, text } = renderNotices();
    act(() => api().noticed({ user: bob, conversationId: 'general' }));
    expect(text()).toBe('bob is typing…');
    act(() => vi.advanceTimersByTime(TYPING_NOTICE_MS - 1000));
    act(() => api().noticed({ user: bob, conversationId: 'general' })); // still typing: the clock starts again
    act(() => vi.advanceTimersByTime(TYPING_NOTICE_MS - 1));
    expect(text()).toBe('bob is typing…');
    act(() => vi.advanceTimersByTime(1));
    expect(text()).toBe('');
  });

  it('names two typists by name and forgets each on their own clock', () => {
    const { api, text } = renderNotices();
    act(() => api().noticed({ user: carol, conversationId: 'general' }));
    act(() => vi.advanceTimersByTime(2000));
    act(() => api().noticed({ user: bob, conversationId: 'general' }));
    expect(text()).toBe('bob and carol are typing…');
    act(() => vi.advanceTimersByTime(TYPING_NOTICE_MS - 2000));
    expect(text()).toBe('bob is typing…');
  });

  it('counts three or more', () => {
    const { api, text } = renderNotices();
    act(() => {
      api().noticed({ user: bob, conversationId: 'general' });
      api().noticed({ user: carol, conversationId: 'general' });
      api().noticed({ user: { id: 'dave-id', name: 'dave' }, conversationId: 'general' });
    });
    expect(text()).toBe('3 people are typing…');
  });

  it('drops a typist as soon as their message arrives, and keeps the others', () => {
    const { api, text } = renderNotices();
    act(() => {
      api().noticed({ user: bob, conversationId: 'general' });
      api().noticed({ user: carol, conversationId: 'general' });
    });
    act(() => api().messageFrom(bob.id));
    expect(text()).toBe('carol is typing…');
  });

  it('ignores a notice that arrives just after the message it announced', () => {
    const { api, text } = renderNotices();
    act(() => api().noticed({ user: bob, conversationId: 'general' }));
    act(() => api().messageFrom(bob.id));
    act(() => vi.advanceTimersByTime(TYPING_AFTER_MESSAGE_MS - 1));
    act(() => api().noticed({ user: bob, conversationId: 'general' })); // sent before the message, delivered after it
    expect(text()).toBe('');
    act(() => vi.advanceTimersByTime(1));
    act(() => api().noticed({ user: bob, conversationId: 'general' })); // typing the next one
    expect(text()).toBe('bob is typing…');
  });

  it('ignores notices about myself (my other tabs)', () => {
    const { api, text } = renderNotices();
    act(() => api().noticed({ user: alice, conversationId: 'general' }));
    expect(text()).toBe('');
  });
});
