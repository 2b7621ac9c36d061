export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles over the first `count` samples (sorts a copy). */
export function distribution(samples: ArrayLike<number>, count = samples.length): Distribution {
  if (count === 0)
    return {
      count: 0,
      mean: Number.NaN,
      p50: Number.NaN,
      p90: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
    };
  const sorted = Float64Array.from({ length: count }, (_, i) => samples[i] ?? Number.NaN).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const rank = (p: number): number =>
    sorted[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)] ?? Number.NaN;
  return {
    count,
    mean: sum / count,
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted[count - 1] ?? Number.NaN,
  };
}
