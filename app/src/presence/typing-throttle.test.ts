import { TYPING_THROTTLE_MS } from '@chat/message';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTypingThrottle } from './typing-throttle.js';

let sent: string[];
let connected: boolean;
let typed: () => void;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  connected = true;
  typed = createTypingThrottle({
    send: () => {
      if (!connected) return false;
      sent.push('typing');
      return true;
    },
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createTypingThrottle', () => {
  it('announces the first keystroke at once, then at most once per interval', () => {
    typed();
    expect(sent).toEqual(['typing']);
    for (let i = 0; i < 20; i += 1) {
      vi.advanceTimersByTime(100);
      typed();
    }
    expect(sent).toHaveLength(1); // 2 s of typing
    vi.advanceTimersByTime(TYPING_THROTTLE_MS - 2000 - 1);
    typed();
    expect(sent).toHaveLength(1); // 1 ms short of the interval
    vi.advanceTimersByTime(1);
    typed();
    expect(sent).toHaveLength(2);
  });

  it('sends nothing by itself when the typing stops', () => {
    typed();
    vi.advanceTimersByTime(TYPING_THROTTLE_MS * 5);
    expect(sent).toHaveLength(1);
  });

  it('does not count a send that could not go out', () => {
    connected = false;
    typed();
    connected = true;
    typed();
    expect(sent).toEqual(['typing']);
  });
});
