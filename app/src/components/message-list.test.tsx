import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../timeline/timeline.js';
import { alice, bob, chatMessage } from '../test/messages.js';
import { MessageList } from './message-list.js';

const noop = () => {};

/** jsdom does no layout, so the log gets fixed scroll metrics: 1,000 px of content in 200. */
function withScrollMetrics(log: HTMLElement) {
  let scrollTop = 0;
  Object.defineProperties(log, {
    scrollHeight: { configurable: true, get: () => 1000 },
    clientHeight: { configurable: true, get: () => 200 },
    scrollTop: {
      configurable: true,
      get: () => scrollTop,
      set: (value: number) => {
        scrollTop = Math.min(value, 800);
      },
    },
  });
  return {
    get scrollTop() {
      return scrollTop;
    },
    scrollTo(value: number) {
      scrollTop = value;
      log.dispatchEvent(new Event('scroll'));
    },
  };
}

function setup() {
  const first: TimelineEntry = { message: chatMessage({ sender: bob }), delivery: 'sent' };
  const view = (entries: TimelineEntry[]) => (
    <MessageList entries={entries} meId={alice.id} onSelectSender={noop} onRetry={noop} />
  );
  const { rerender } = render(view([first]));
  const scroll = withScrollMetrics(screen.getByRole('log', { name: 'Messages' }));
  return { first, scroll, show: (entries: TimelineEntry[]) => rerender(view(entries)) };
}

describe('MessageList scrolling', () => {
  it('keeps the newest message in view while the reader is at the end', () => {
    const { first, scroll, show } = setup();
    scroll.scrollTo(800);
    show([first, { message: chatMessage({ sender: bob }), delivery: 'sent' }]);
    expect(scroll.scrollTop).toBe(800);
    expect(screen.queryByRole('button', { name: /new messages/i })).toBeNull();
  });

  it('leaves a reader who scrolled up where they are and offers a jump to the newest', async () => {
    const user = userEvent.setup();
    const { first, scroll, show } = setup();
    scroll.scrollTo(100);
    show([first, { message: chatMessage({ sender: bob }), delivery: 'sent' }]);
    expect(scroll.scrollTop).toBe(100);

    await user.click(screen.getByRole('button', { name: /new messages/i }));
    expect(scroll.scrollTop).toBe(800);
    expect(screen.queryByRole('button', { name: /new messages/i })).toBeNull();
  });

  it("brings one's own new message into view even when scrolled up", () => {
    const { first, scroll, show } = setup();
    scroll.scrollTo(100);
    show([first, { message: chatMessage({ sender: alice }), delivery: 'pending' }]);
    expect(scroll.scrollTop).toBe(800);
  });
});
