import { describe, expect, it } from 'vitest';
import {
  decide,
  decodeWindow,
  encodeWindow,
  SLOTS,
  type SlotWindow,
} from '../../src/limits/slot-window.js';

/** Takes at each time in turn, keeping the stored window as a limiter would. */
function takes(times: number[], limit: number, windowMs: number) {
  let state: SlotWindow | undefined;
  return times.map((at) => {
    const decision = decide(state, at, limit, windowMs);
    if (decision.allowed) state = decision.next;
    return decision.allowed ? true : decision.retryAfterSeconds;
  });
}

describe('the slot window', () => {
  it('allows the limit, then says when the oldest send has left the window', () => {
    // Window 10 s in slots of 0.5 s: the sends at 0 s leave when the slot at 10.5 s begins.
    expect(takes([0, 2_000, 4_000, 4_500], 3, 10_000)).toEqual([true, true, true, 6]);
    expect(takes([0, 2_000, 4_000, 10_499, 10_500], 3, 10_000)).toEqual([
      true,
      true,
      true,
      1,
      true,
    ]);
  });

  it('never allows more than the limit in any window: no burst at a window edge', () => {
    const nine = Array.from({ length: 10 }, () => 9_000);
    expect(takes([...nine, 11_000, 18_999, 19_500], 10, 10_000)).toEqual([
      ...nine.map(() => true),
      9,
      1,
      true,
    ]);
  });

  it('does not count refusals', () => {
    const attempts = [0, ...Array.from({ length: 10 }, (_, i) => 100 + i * 100), 10_500];
    expect(takes(attempts, 1, 10_000).at(-1)).toBe(true);
  });

  it('never moves back when another instance clock ran ahead', () => {
    const ahead = decide(undefined, 20_000, 1, 10_000);
    if (!ahead.allowed) throw new Error('the first take is allowed');
    expect(decide(ahead.next, 19_000, 1, 10_000).allowed).toBe(false);
  });

  it('stores as text and refuses malformed rows', () => {
    const window = { first: 123, counts: Array.from({ length: SLOTS + 1 }, (_, i) => i % 3) };
    const stored = encodeWindow(window);
    expect(decodeWindow(stored.first, stored.counts)).toEqual(window);
    expect(decodeWindow(stored.first, '1,2,3')).toBeUndefined();
    expect(decodeWindow(5, stored.counts)).toBeUndefined();
    expect(decodeWindow(stored.first, stored.counts.replace('1', '-1'))).toBeUndefined();
  });
});
