// A sliding-window log per user: exact ("at most N in any window"), and small because N is small.
// It lives in one function instance's memory, so several instances each apply the limit; the API
// uses the shared limiter of limits/ instead, and this one remains its in-memory comparison.

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class SlidingWindowRateLimiter {
  private readonly sends = new Map<string, number[]>();
  private takesSinceSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Records a send for `key` if the limit allows it. */
  take(key: string, nowMs: number = Date.now()): RateDecision {
    this.sweepNowAndThen(nowMs);
    const recent = (this.sends.get(key) ?? []).filter((at) => at > nowMs - this.windowMs);
    if (recent.length >= this.limit) {
      this.sends.set(key, recent);
      const oldest = recent[0] ?? nowMs;
      const waitMs = oldest + this.windowMs - nowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    recent.push(nowMs);
    this.sends.set(key, recent);
    return { allowed: true };
  }

  /** How many users are being tracked (for tests of the memory bound). */
  get trackedKeys(): number {
    return this.sends.size;
  }

  // Forget users whose sends have all left the window, so memory follows active users only.
  private sweepNowAndThen(nowMs: number): void {
    this.takesSinceSweep += 1;
    if (this.takesSinceSweep < 1000) return;
    this.takesSinceSweep = 0;
    for (const [key, times] of this.sends) {
      const last = times[times.length - 1];
      if (last === undefined || last <= nowMs - this.windowMs) this.sends.delete(key);
    }
  }
}
