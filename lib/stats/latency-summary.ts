import type { LogHistogram } from './log-histogram.js';

/**
 * Every field a latency summary can have, in the order a summary lists them (its JSON keys and
 * its CSV columns follow this order, whichever fields it has).
 */
export const LATENCY_SUMMARY_FIELDS = ['mean', 'min', 'p50', 'p90', 'p99', 'p999', 'max', 'samples'] as const;

/** One field of a {@link LatencySummary}: the mean, the minimum, a quantile, the maximum, or the sample count. */
export type LatencySummaryField = (typeof LATENCY_SUMMARY_FIELDS)[number];

/** The fields of a full summary: mean, p50, p90, p99, p99.9, max and the sample count. */
export type FullSummaryField = 'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'samples';

/**
 * A latency (or any duration) in ms summarised by some of {@link LATENCY_SUMMARY_FIELDS}: each a
 * number, or null when there was no sample; `samples` is the sample count (a quantile carries its
 * sample count). The lab's one summary type: each result picks its fields, e.g.
 * `LatencySummary<'p50' | 'p99' | 'p999'>` for a median and tail. A summary that always has
 * samples (every trial measures it) says so with `Empty = never`: its fields are plain numbers.
 */
export type LatencySummary<F extends LatencySummaryField = FullSummaryField, Empty extends null = null> = {
  [K in F]: K extends 'samples' ? number : number | Empty;
};

/** The fields of a full summary, in order. */
export const FULL_SUMMARY: readonly FullSummaryField[] = [
  'mean',
  'p50',
  'p90',
  'p99',
  'p999',
  'max',
  'samples',
];

/** The median and the tail: p50, p99 and p99.9. */
export const MEDIAN_AND_TAIL = ['p50', 'p99', 'p999'] as const;

/**
 * Summarises a histogram: the mean, minimum and maximum it recorded (exact), its quantiles (within
 * its relative error, see `LOG_HISTOGRAM_RELATIVE_ERROR`) and its count; null fields when it is
 * empty. Only the fields asked for, in the order of {@link LATENCY_SUMMARY_FIELDS}.
 *
 * @param h - the samples
 * @param fields - the fields to give (default: {@link FULL_SUMMARY})
 * @example
 * const h = new LogHistogram(); [1, 2, 3].forEach((x) => h.record(x));
 * latencySummary(h).p50;                    // 2 (within 0.1%)
 * latencySummary(h, MEDIAN_AND_TAIL);       // { p50: 2, p99: 3, p999: 3 }
 */
export function latencySummary(h: LogHistogram): LatencySummary;
export function latencySummary<F extends LatencySummaryField>(
  h: LogHistogram,
  fields: readonly F[],
): LatencySummary<F>;
export function latencySummary(
  h: LogHistogram,
  fields: readonly LatencySummaryField[] = FULL_SUMMARY,
): Partial<Record<LatencySummaryField, number | null>> {
  const none = h.total === 0;
  const out: Partial<Record<LatencySummaryField, number | null>> = {};
  for (const field of LATENCY_SUMMARY_FIELDS) {
    if (!fields.includes(field)) continue;
    out[field] = field === 'samples' ? h.total : none ? null : statistic(h, field);
  }
  return out;
}

function statistic(h: LogHistogram, field: Exclude<LatencySummaryField, 'samples'>): number {
  switch (field) {
    case 'mean':
      return h.mean();
    case 'min':
      return h.min;
    case 'max':
      return h.max;
    case 'p50':
      return h.quantile(0.5);
    case 'p90':
      return h.quantile(0.9);
    case 'p99':
      return h.quantile(0.99);
    case 'p999':
      return h.quantile(0.999);
  }
}
