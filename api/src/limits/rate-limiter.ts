// The one interface every limit of the API is used through: `take(key)` records one action for
// `key` if the limit allows it. The shared (Table Storage) limiter is what the API runs; the
// in-memory one is the per-instance limiter it replaced, kept for comparison in the benchmark.
import { SlidingWindowRateLimiter, type RateDecision } from '../chat/rate-limiter.js';

export type { RateDecision };

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  take(key: string): Promise<RateDecision>;
}

/**
 * `shared`, and while it fails (storage unavailable) the same limit in this instance's memory:
 * for what is better limited per instance than not at all, or not done (typing notices).
 */
export function withLocalFallback(shared: RateLimiter): RateLimiter {
  const local = new SlidingWindowRateLimiter(shared.limit, shared.windowMs);
  return {
    limit: shared.limit,
    windowMs: shared.windowMs,
    take: (key) => shared.take(key).catch(() => local.take(key)),
  };
}

/** A limit in this instance's memory only (each instance applies it on its own). */
export function createMemoryRateLimiter(limit: number, windowMs: number): RateLimiter {
  const limiter = new SlidingWindowRateLimiter(limit, windowMs);
  return { limit, windowMs, take: async (key) => limiter.take(key) };
}
