// "Load earlier" must not make the view jump: the message that was first stays where the reader
// saw it. jsdom does no layout, so items get a fixed height of 100 px each.
import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bob, chatMessage } from '../test/messages.js';
import type { TimelineEntry } from '../timeline/timeline.js';
import { MessageList } from './message-list.js';

const ITEM_PX = 100;
const VIEW_PX = 300;
const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetTop');

beforeEach(() => {
  Object.defineProperty(HTMLElement.prototype, 'offsetTop', {
    configurable: true,
    get(this: HTMLElement) {
      if (this.tagName !== 'LI' || !this.parentElement) return 0;
      return [...this.parentElement.children].indexOf(this) * ITEM_PX;
    },
  });
});

afterEach(() => {
  if (original) Object.defineProperty(HTMLElement.prototype, 'offsetTop', original);
});

function withLayout(log: HTMLElement) {
  let scrollTop = 0;
  const height = () => log.querySelectorAll('li').length * ITEM_PX;
  Object.defineProperties(log, {
    scrollHeight: { configurable: true, get: height },
    clientHeight: { configurable: true, get: () => VIEW_PX },
    scrollTop: {
      configurable: true,
      get: () => scrollTop,
      set: (value: number) => {
        scrollTop = Math.max(0, Math.min(value, height() - VIEW_PX));
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

const entries = (count: number): TimelineEntry[] =>
  Array.from({ length: count }, () => ({
    message: chatMessage({ sender: bob }),
    delivery: 'sent' as const,
  }));

function setup(initial: TimelineEntry[]) {
  const view = (shown: TimelineEntry[]) => (
    <MessageList entries={shown} meId="me" onSelectSender={() => {}} onRetry={() => {}} />
  );
  const { rerender } = render(view(initial));
  const layout = withLayout(screen.getByRole('log', { name: 'Messages' }));
  return { layout, show: (shown: TimelineEntry[]) => rerender(view(shown)) };
}

describe('MessageList when earlier messages arrive', () => {
  it('keeps the previously first message where the reader saw it', () => {
    const earlier = entries(5);
    const current = entries(10);
    const { layout, show } = setup(current);
    layout.scrollTo(40); // near the top, reading the first message
    show([...earlier, ...current]);
    // The old first message is now 500 px down; the view moved with it.
    expect(layout.scrollTop).toBe(5 * ITEM_PX + 40);
  });

  it('leaves the view alone when newer messages arrive while the reader is up', () => {
    const current = entries(10);
    const { layout, show } = setup(current);
    layout.scrollTo(40);
    show([...current, ...entries(2)]);
    expect(layout.scrollTop).toBe(40);
  });
});
