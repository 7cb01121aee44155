/**
 * Quantiles of a raw sample with distribution-free 95% intervals: the order statistics at ranks
 * n·p ∓ z·√(n·p·(1−p)) (the normal approximation to the binomial count of samples below the
 * true quantile; W. J. Conover, Practical Nonparametric Statistics, 3rd ed., §3.2), the same rule
 * as {@link LogHistogram.quantileInterval} but on exact values.
 */

/** One quantile and its interval, ms (or the sample's unit). */
export interface QuantileEstimate {
  value: number;
  low: number;
  high: number;
}

/** The p-quantile of `sorted` (ascending) by the nearest-rank rule, with its 95% interval. */
export function sampleQuantile(
  sorted: readonly number[],
  p: number,
  z = 1.959963984540054,
): QuantileEstimate {
  const n = sorted.length;
  if (n === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN };
  const at = (rank: number) => sorted[Math.min(n, Math.max(1, rank)) - 1];
  const half = z * Math.sqrt(n * p * (1 - p));
  return {
    value: at(Math.ceil(n * p)),
    low: at(Math.floor(n * p - half)),
    high: at(Math.ceil(n * p + half) + 1),
  };
}

/** p50, p90, p99 (with intervals), max and the count of a sample. */
export interface SampleSummary {
  p50: QuantileEstimate;
  p90: QuantileEstimate;
  p99: QuantileEstimate;
  max: number;
  samples: number;
}

export function summarizeSample(values: readonly number[]): SampleSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: sampleQuantile(sorted, 0.5),
    p90: sampleQuantile(sorted, 0.9),
    p99: sampleQuantile(sorted, 0.99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
    samples: sorted.length,
  };
}
