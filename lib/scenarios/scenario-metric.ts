/**
 * The headline numbers a scenario reports, each with its uncertainty: proportions with Wilson 95%
 * intervals, durations with their sample count, counts with their denominator.
 */
import { mean, quantileSorted } from 'simple-statistics';
import { proportion, type Count, type CountEstimate } from '../check/index.js';
import type { LatencySummary } from '../stats/index.js';

/** A proportion (stale reads, lost writes, ...) with its count and Wilson 95% interval. */
export interface ProportionMetric {
  kind: 'proportion';
  name: string;
  label: string;
  estimate: CountEstimate;
}

/** A duration over samples (recovery time per trial, ...): exact order statistics, ms. */
export interface DurationMetric {
  kind: 'duration';
  name: string;
  label: string;
  /** null fields when there is no sample. */
  summary: DurationSummary;
  /** Every sample, ascending (exact samples only: for CDF charts); `replilab scenario run --json` leaves it out. */
  values?: readonly number[];
}

/** Mean and order statistics of a sample of durations, ms, with the sample size (exact, from the samples themselves). */
export type DurationSummary = LatencySummary<'mean' | 'min' | 'p50' | 'p90' | 'p99' | 'max' | 'samples'>;

/** A count of events over a number of trials or operations (reissued ids, unreplicated writes). */
export interface CountMetric {
  kind: 'count';
  name: string;
  label: string;
  count: number;
  /** What it was counted over, e.g. `200 trials`. */
  over: string;
}

/** A single number: a closed form, a derived setting or a model output without sampling error. */
export interface ValueMetric {
  kind: 'value';
  name: string;
  label: string;
  value: number | null;
  unit: string;
}

/** One headline metric of a scenario report. */
export type ScenarioMetric = ProportionMetric | DurationMetric | CountMetric | ValueMetric;

/**
 * A proportion metric from a count.
 *
 * @example
 * proportionMetric('stale_read_fraction', 'stale reads', { count: 12, of: 5000 }).estimate.high; // Wilson upper bound
 */
export function proportionMetric(name: string, label: string, count: Count): ProportionMetric {
  return { kind: 'proportion', name, label, estimate: proportion(count) };
}

/**
 * Mean and exact quantiles (simple-statistics `quantileSorted`) of durations.
 *
 * @example
 * durationSummary([3, 1, 2]); // { mean: 2, min: 1, p50: 2, p90: 3, p99: 3, max: 3, samples: 3 }
 */
export function durationSummary(values: readonly number[]): DurationSummary {
  if (values.length === 0)
    return { mean: null, min: null, p50: null, p90: null, p99: null, max: null, samples: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    mean: mean(sorted),
    min: sorted[0],
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1],
    samples: sorted.length,
  };
}

/**
 * A duration metric from samples.
 *
 * @example
 * durationMetric('recovery_ms', 'recovery time', [31200, 29800]).summary.samples; // 2
 */
export function durationMetric(name: string, label: string, values: readonly number[]): DurationMetric {
  return {
    kind: 'duration',
    name,
    label,
    summary: durationSummary(values),
    values: [...values].sort((a, b) => a - b),
  };
}

/**
 * A duration metric from a model's histogram summary (approximate quantiles, no minimum).
 *
 * @example
 * summaryMetric('commit_latency_ms', 'commit latency', runCommit({}, 1).commit_latency_ms);
 */
export function summaryMetric(
  name: string,
  label: string,
  s: {
    mean: number | null;
    p50: number | null;
    p90?: number | null;
    p99: number | null;
    max?: number | null;
    samples?: number;
  },
  samples?: number,
): DurationMetric {
  return {
    kind: 'duration',
    name,
    label,
    summary: {
      mean: s.mean,
      min: null,
      p50: s.p50,
      p90: s.p90 ?? null,
      p99: s.p99,
      max: s.max ?? null,
      samples: s.samples ?? samples ?? 0,
    },
  };
}

/**
 * A count metric.
 *
 * @example
 * countMetric('reused_ids', 'autoincrement ids reissued', 17, '200 trials');
 */
export function countMetric(name: string, label: string, count: number, over: string): CountMetric {
  return { kind: 'count', name, label, count, over };
}

/**
 * A single-number metric.
 *
 * @example
 * valueMetric('convict_ms', 'time to convict a silent node (phi >= 8)', 18420.7, 'ms');
 */
export function valueMetric(name: string, label: string, value: number | null, unit: string): ValueMetric {
  return { kind: 'value', name, label, value, unit };
}
