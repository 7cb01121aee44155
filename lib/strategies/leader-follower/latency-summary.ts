/**
 * Latency summaries for results: mean and quantiles from the lab's quantile sketch, with the
 * sample count (every quantile the lab reports carries its sample count).
 */
import type { LogHistogram } from '../../stats/index.js';

/** Mean, quantiles and maximum of a latency in ms (null: no sample), and the number of samples. */
export interface LatencySummaryMs {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  samples: number;
}

/**
 * Summarises a histogram.
 *
 * @example
 * const h = new LogHistogram(); [1, 2, 3].forEach((x) => h.record(x));
 * latencySummary(h).p50; // 2 (within 0.1%)
 */
export function latencySummary(h: LogHistogram): LatencySummaryMs {
  const none = h.total === 0;
  const q = (p: number): number | null => (none ? null : h.quantile(p));
  return {
    mean: none ? null : h.mean(),
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    max: none ? null : h.max,
    samples: h.total,
  };
}
