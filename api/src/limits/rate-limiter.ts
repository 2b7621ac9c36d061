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

/** A limit in this instance's memory only (each instance applies it on its own). */
export function createMemoryRateLimiter(limit: number, windowMs: number): RateLimiter {
  const limiter = new SlidingWindowRateLimiter(limit, windowMs);
  return { limit, windowMs, take: async (key) => limiter.take(key) };
}
