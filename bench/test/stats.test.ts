import { describe, expect, it } from 'vitest';
import { distribution } from '../src/stats.js';

describe('distribution', () => {
  it('takes nearest-rank percentiles of the samples, whatever their order', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
    const result = distribution(samples);
    expect(result).toMatchObject({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(result.mean).toBeCloseTo(50.5);
  });

  it('uses only the first `count` samples of a preallocated buffer', () => {
    const buffer = new Float64Array([3, 1, 2, 1000, 1000]);
    expect(distribution(buffer, 3)).toMatchObject({ count: 3, p50: 2, max: 3 });
  });

  it('reports NaN rather than zeros when nothing was measured', () => {
    expect(distribution([]).p99).toBeNaN();
  });
});
