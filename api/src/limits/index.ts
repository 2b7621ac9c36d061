export {
  createMemoryRateLimiter,
  withLocalFallback,
  type RateDecision,
  type RateLimiter,
} from './rate-limiter.js';
export {
  createTableRateLimiter,
  LIMITS_TABLE,
  type TableRateLimiter,
  type TableRateLimiterOptions,
} from './table-rate-limiter.js';
