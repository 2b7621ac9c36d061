import { describe, expect, it } from 'vitest';
import { SlidingWindowRateLimiter } from '../src/chat/rate-limiter.js';

describe('SlidingWindowRateLimiter', () => {
  it('allows the limit within a window, then asks to wait until the oldest send leaves it', () => {
    const limiter = new SlidingWindowRateLimiter(3, 10_000);
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 2_000).allowed).toBe(true);
    expect(limiter.take('a', 4_000).allowed).toBe(true);
    expect(limiter.take('a', 4_500)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(limiter.take('a', 9_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 10_000).allowed).toBe(true);
    expect(limiter.take('a', 10_001)).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });

  it('slides instead of resetting: no burst of twice the limit at a window edge', () => {
    const limiter = new SlidingWindowRateLimiter(10, 10_000);
    for (let i = 0; i < 10; i += 1) expect(limiter.take('a', 9_000).allowed).toBe(true);
    expect(limiter.take('a', 11_000).allowed).toBe(false);
  });

  it('keeps users apart', () => {
    const limiter = new SlidingWindowRateLimiter(1, 10_000);
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 1).allowed).toBe(false);
    expect(limiter.take('b', 1).allowed).toBe(true);
  });

  it('does not count refused attempts', () => {
    const limiter = new SlidingWindowRateLimiter(1, 1_000);
    limiter.take('a', 0);
    for (let t = 1; t < 1_000; t += 100) limiter.take('a', t);
    expect(limiter.take('a', 1_000).allowed).toBe(true);
  });

  it('forgets idle users, so memory follows active users', () => {
    const limiter = new SlidingWindowRateLimiter(10, 1_000);
    for (let i = 0; i < 999; i += 1) limiter.take(`user-${i}`, 0);
    expect(limiter.trackedKeys).toBe(999);
    limiter.take('late', 5_000);
    expect(limiter.trackedKeys).toBe(1);
  });
});
