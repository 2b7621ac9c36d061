// Delivery latencies at 1 ms resolution in a fixed array: a long run delivers tens of millions
// of messages, too many to keep one number each, and 1 ms is finer than anything we judge.

const MAX_MS = 120_000;

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export class LatencyHistogram {
  readonly buckets: Uint32Array;
  count = 0;
  max = 0;

  constructor(buckets?: Uint32Array, count = 0, max = 0) {
    this.buckets = buckets ?? new Uint32Array(MAX_MS + 1);
    this.count = count;
    this.max = max;
  }

  add(ms: number): void {
    const value = Math.max(0, ms);
    this.buckets[Math.min(MAX_MS, Math.floor(value))]! += 1;
    this.count += 1;
    if (value > this.max) this.max = value;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < other.buckets.length; i += 1) this.buckets[i]! += other.buckets[i]!;
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** The smallest bucket at or below which `p` % of the values lie (upper bucket edge, in ms). */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i += 1) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i + 1;
    }
    return MAX_MS;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.percentile(50),
      p99: this.percentile(99),
      max: Math.round(this.max * 10) / 10,
    };
  }

  toJSON(): { buckets: Uint32Array; count: number; max: number } {
    return { buckets: this.buckets, count: this.count, max: this.max };
  }

  static from(data: { buckets: Uint32Array; count: number; max: number }): LatencyHistogram {
    return new LatencyHistogram(data.buckets, data.count, data.max);
  }
}
