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
 * Siblings per read, counted as a run goes (a streaming checker): {@link siblingsPerRead}'s
 * definition, one read at a time, in constant memory (one count per number of siblings).
 *
 * @example
 * const sib = new SiblingCounter();
 * sib.add([4, 9]);   // a read returned two siblings
 * sib.add([5]);
 * sib.summary();     // { counts: [0, 1, 1], withSiblings: { count: 1, of: 2 }, mean: 1.5, max: 2 }
 */
export class SiblingCounter {
  private readonly counts: number[] = [0, 0];
  private total = 0;
  private withSiblings = 0;
  private max = 0;
  private reads = 0;

  /** Counts a returned read by the write ids it returned (duplicates count once). */
  add(returned: readonly number[]): void {
    const n = returned.length <= 1 ? returned.length : new Set(returned).size;
    while (this.counts.length <= n) this.counts.push(0);
    this.counts[n]++;
    this.total += n;
    this.reads++;
    if (n >= 2) this.withSiblings++;
    if (n > this.max) this.max = n;
  }

  /** What was counted so far (a copy). */
  summary(): SiblingSummary {
    const reads = this.reads;
    return {
      counts: this.counts.slice(),
      withSiblings: { count: this.withSiblings, of: reads },
      mean: reads === 0 ? Number.NaN : this.total / reads,
      max: this.max,
    };
  }
}

/**
 * Siblings per read.
 *
 * Definition: "Siblings: concurrent versions kept side by side (version vectors); report their
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
  const counter = new SiblingCounter();
  for (const r of history.reads) counter.add(r.returned);
  return counter.summary();
}
