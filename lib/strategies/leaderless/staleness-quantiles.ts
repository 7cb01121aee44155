/**
 * The quantiles a leaderless run reports of its reads' staleness (`read_age_ms`,
 * `versions_behind`), from histograms: a run's own, or a sweep cell's merged over runs. A module of
 * its own so the experiment schema can pool them without loading the model.
 */
import { latencySummary, type LatencySummary, type LogHistogram } from '../../stats/index.js';

/** p50, p90, p99 and p99.9 of the reads' age, ms (null: no read returned). */
export type ReadAgeQuantiles = LatencySummary<'p50' | 'p90' | 'p99' | 'p999'>;

/** p50, p90, p99, p99.9 and the maximum of the versions behind per read (null: no read returned). */
export type VersionsBehindQuantiles = LatencySummary<'p50' | 'p90' | 'p99' | 'p999' | 'max'>;

/** The fields of {@link ReadAgeQuantiles}. */
export const READ_AGE_FIELDS = ['p50', 'p90', 'p99', 'p999'] as const;
/** The fields of {@link VersionsBehindQuantiles}. */
export const VERSIONS_BEHIND_FIELDS = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** The read-age quantiles of a histogram of ages (a run's, or a sweep cell's merged). */
export function readAgeQuantiles(h: LogHistogram): ReadAgeQuantiles {
  return latencySummary(h, READ_AGE_FIELDS);
}

/** The versions-behind quantiles of a histogram of counts, as whole numbers (the histogram's 0.1% error rounded off). */
export function versionsBehindQuantiles(h: LogHistogram): VersionsBehindQuantiles {
  const q = latencySummary(h, VERSIONS_BEHIND_FIELDS);
  for (const f of VERSIONS_BEHIND_FIELDS) if (q[f] !== null) q[f] = Math.round(q[f]);
  return q;
}
