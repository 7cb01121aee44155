import type { Count } from './count.js';
import type { History } from './history.js';

/** What {@link siblingsPerRead} found. */
export interface SiblingSummary {
  /** counts[j]: the reads that returned exactly j versions (0: the initial value). Sums to the number of reads. */
  counts: number[];
  /** Reads that returned two or more versions, out of all reads. */
  withSiblings: Count;
  /** The mean number of versions per read (NaN with no reads). */
  mean: number;
  /** The most versions any read returned. */
  max: number;
}

/**
 * Siblings per read.
 *
 * DESIGN.md: "Siblings: concurrent versions kept side by side (version vectors); report their
 * count per read."
 *
 * Here the count of a read is the number of versions (write ids) it returned: 1 is a single value,
 * 2 or more are siblings, 0 is the key's initial value. Duplicate ids in one read count once.
 *
 * Reference: G. DeCandia et al., "Dynamo: Amazon's highly available key-value store", SOSP 2007,
 * section 4.4 (divergent versions per read).
 *
 * @param history - the run's reads
 * @example
 * const s = siblingsPerRead(history);
 * s.counts;                    // e.g. [0, 9812, 180, 8]: 180 reads returned 2 siblings
 * proportion(s.withSiblings);  // P(a read returns siblings)
 */
export function siblingsPerRead(history: History): SiblingSummary {
  const counts: number[] = [0, 0];
  let total = 0;
  let withSiblings = 0;
  let max = 0;
  for (const r of history.reads) {
    const n = r.returned.length <= 1 ? r.returned.length : new Set(r.returned).size;
    while (counts.length <= n) counts.push(0);
    counts[n]++;
    total += n;
    if (n >= 2) withSiblings++;
    if (n > max) max = n;
  }
  const reads = history.reads.length;
  return { counts, withSiblings: { count: withSiblings, of: reads }, mean: reads === 0 ? Number.NaN : total / reads, max };
}
