// The arithmetic of the shared rate limit, apart from storage: a sliding window kept as
// SLOTS + 1 counters of windowMs / SLOTS each. A send counts in its whole slot, so the window
// seen is never shorter than the real one: at most `limit` sends in any window of windowMs,
// and a refusal can come up to one slot (a twentieth of the window) before an exact log's.
// Unlike a log of send times, its size does not grow with the limit.

export const SLOTS = 20;

/** `counts[i]` is the number of sends in slot `first + i`; `counts.length === SLOTS + 1`. */
export interface SlotWindow {
  first: number;
  counts: number[];
}

export type SlotDecision =
  { allowed: true; next: SlotWindow } | { allowed: false; retryAfterSeconds: number };

/** The window whose newest slot is `slot`, keeping the counts of `state` that are still in it. */
function windowAt(state: SlotWindow | undefined, slot: number): SlotWindow {
  // Another instance's clock may run a little ahead: never move a window back.
  const newest = Math.max(slot, state ? state.first + SLOTS : slot);
  const first = newest - SLOTS;
  const counts = new Array<number>(SLOTS + 1).fill(0);
  if (state) {
    state.counts.forEach((count, i) => {
      const at = state.first + i - first;
      if (at >= 0 && at <= SLOTS) counts[at] = count;
    });
  }
  return { first, counts };
}

/** Whether one more send fits at `nowMs`, and the window to store when it does. */
export function decide(
  state: SlotWindow | undefined,
  nowMs: number,
  limit: number,
  windowMs: number,
): SlotDecision {
  const slotMs = windowMs / SLOTS;
  const window = windowAt(state, Math.floor(nowMs / slotMs));
  const total = window.counts.reduce((sum, count) => sum + count, 0);
  if (total < limit) {
    window.counts[SLOTS]! += 1;
    return { allowed: true, next: window };
  }
  // Wait until enough of the oldest sends have left: slot j leaves when slot j + SLOTS + 1 begins.
  const excess = total - limit + 1;
  let left = 0;
  for (let i = 0; i <= SLOTS; i += 1) {
    left += window.counts[i]!;
    if (left >= excess) {
      const waitMs = (window.first + i + SLOTS + 1) * slotMs - nowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
  }
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(windowMs / 1000)) };
}

/** The stored form: the first slot and the counts, as text (both fit any table property). */
export function encodeWindow(window: SlotWindow): { first: string; counts: string } {
  return { first: String(window.first), counts: window.counts.join(',') };
}

/** The stored form back; undefined for anything malformed (treated as no sends). */
export function decodeWindow(first: unknown, counts: unknown): SlotWindow | undefined {
  if (typeof first !== 'string' || typeof counts !== 'string') return undefined;
  const start = Number(first);
  const values = counts.split(',').map(Number);
  if (!Number.isSafeInteger(start) || values.length !== SLOTS + 1) return undefined;
  if (!values.every((value) => Number.isSafeInteger(value) && value >= 0)) return undefined;
  return { first: start, counts: values };
}
