import { ParameterError } from '../errors.js';
import { LogHistogram } from '../stats/index.js';
import type { Count } from './count.js';
import { groupSorted } from './group.js';
import { returnedWrites, writesById, type History, type WriteRecord } from './history.js';
import type { VersionOrder } from './version-order.js';

/** What {@link staleReads} found. */
export interface StaleReadSummary {
  /** The order versions were judged by (`VersionOrder.name`). */
  order: string;
  /** Stale reads, out of all reads. */
  stale: Count;
  /**
   * versionsBehind[j]: the reads that missed exactly j committed versions (j = 0: consistent). The
   * sum is the number of reads; {@link kStaleness} reads it.
   */
  versionsBehind: number[];
  /** For stale reads only: how long (ms) the returned value had been superseded by a committed write when the read started. */
  ageMs: LogHistogram;
}

/** Fenwick tree of counts over ranks 0..n-1. */
class CountTree {
  private readonly t: Float64Array;
  constructor(n: number) {
    this.t = new Float64Array(n + 1);
  }
  add(rank: number): void {
    for (let i = rank + 1; i < this.t.length; i += i & -i) this.t[i]++;
  }
  /** How many recorded ranks are < end. */
  below(end: number): number {
    let s = 0;
    for (let i = end; i > 0; i -= i & -i) s += this.t[i];
    return s;
  }
}

/** Fenwick tree of minima over ranks, queried for ranks >= start (stored reversed). */
class SuffixMinTree {
  private readonly t: Float64Array;
  constructor(private readonly n: number) {
    this.t = new Float64Array(n + 1).fill(Infinity);
  }
  set(rank: number, value: number): void {
    for (let i = this.n - rank; i <= this.n; i += i & -i) if (value < this.t[i]) this.t[i] = value;
  }
  /** The minimum over ranks >= start. */
  from(start: number): number {
    let m = Infinity;
    for (let i = this.n - start; i > 0; i -= i & -i) if (this.t[i] < m) m = this.t[i];
    return m;
  }
}

/**
 * Stale reads, k-staleness and the age of the values returned.
 *
 * DESIGN.md, "Consistent read (leaderless)": "the read returns the version written by the
 * reference write, or a newer one"; "k-staleness: P(the returned version is within k versions of
 * the newest committed one)"; "Write committed: W acks reached the coordinator".
 *
 * Here, for a read of key x that starts at time t:
 * - the committed writes are the writes to x acknowledged strictly before t (`ackMs < invokeMs`;
 *   an acknowledgement at the same instant counts as concurrent with the read);
 * - the read reflects a write w when it returned w or a version newer than w by `order`;
 * - versions behind = the number of committed writes the read does not reflect. With a total
 *   order (LWW) that is the number of committed writes newer than the newest version returned; with
 *   version vectors every committed write must be covered by some returned sibling;
 * - the read is stale when versions behind >= 1, i.e. it returned neither the latest committed
 *   write (the reference write: the newest by `order`) nor anything newer. A read of the initial
 *   value is stale exactly when some write was committed before it;
 * - age in time = t minus the earliest acknowledgement among the committed writes it missed: how
 *   long the value returned had already been superseded (0 for a consistent read, not recorded).
 *
 * Cost: O((reads + writes) log writes) for a total order; for a partial order O(committed writes
 * of the key) per read.
 *
 * References: P. Bailis et al., "Probabilistically bounded staleness for practical partial quorums",
 * VLDB 2012 (k-staleness, t-visibility); W. Golab, X. Li, M. A. Shah, "Analyzing consistency
 * properties for fun and profit", PODC 2011 (staleness in time).
 *
 * @param history - the run's writes and reads
 * @param order - the store's version order (`timestampOrder` for LWW, `vectorOrder` for version vectors)
 * @example
 * const s = staleReads(history, timestampOrder);
 * proportion(s.stale);          // { count, of, p, low, high }
 * kStaleness(s, 2);             // reads within 2 versions of the newest committed
 * s.ageMs.quantile(0.99);       // p99 age of a stale value, ms
 */
export function staleReads(history: History, order: VersionOrder): StaleReadSummary {
  const byId = writesById(history);
  const acknowledged = history.writes.filter((w) => w.ackMs !== null);
  const committedByKey = groupSorted(acknowledged, (w) => w.key, (w) => w.ackMs as number);
  const readsByKey = groupSorted(history.reads, (r) => r.key, (r) => r.invokeMs);
  const versionsBehind: number[] = [0];
  const ageMs = new LogHistogram();
  let stale = 0;
  const none: WriteRecord[] = [];

  for (const [key, reads] of readsByKey) {
    const committed = committedByKey.get(key) ?? none;
    const m = committed.length;
    let p = 0; // committed[0..p) were acknowledged before the current read started
    let record: (returned: WriteRecord[], startMs: number) => void;

    if (order.total) {
      const byOrder = committed.slice().sort(order.compare);
      const rank = new Map<WriteRecord, number>();
      byOrder.forEach((w, i) => rank.set(w, i));
      const counts = new CountTree(m);
      const firstAck = new SuffixMinTree(m);
      record = (returned, startMs) => {
        while (p < m && (committed[p].ackMs as number) < startMs) {
          const r = rank.get(committed[p]) as number;
          counts.add(r);
          firstAck.set(r, committed[p].ackMs as number);
          p++;
        }
        let newest: WriteRecord | null = null;
        for (const w of returned) if (newest === null || order.compare(w, newest) > 0) newest = w;
        // reflected: the committed writes at or below the newest returned version
        let lo = 0;
        if (newest !== null) {
          let hi = m;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (order.compare(byOrder[mid], newest) <= 0) lo = mid + 1;
            else hi = mid;
          }
        }
        const behind = p - counts.below(lo);
        tally(behind, behind > 0 ? startMs - firstAck.from(lo) : 0);
      };
    } else {
      record = (returned, startMs) => {
        while (p < m && (committed[p].ackMs as number) < startMs) p++;
        let behind = 0;
        let first = Infinity;
        for (let i = 0; i < p; i++) {
          const w = committed[i];
          let seen = false;
          for (const v of returned) {
            if (v.id === w.id || order.compare(w, v) < 0) {
              seen = true;
              break;
            }
          }
          if (!seen) {
            behind++;
            if ((w.ackMs as number) < first) first = w.ackMs as number;
          }
        }
        tally(behind, behind > 0 ? startMs - first : 0);
      };
    }
    for (const read of reads) record(returnedWrites(read, byId), read.invokeMs);
  }

  function tally(behind: number, age: number): void {
    while (versionsBehind.length <= behind) versionsBehind.push(0);
    versionsBehind[behind]++;
    if (behind > 0) {
      stale++;
      ageMs.record(age);
    }
  }

  return { order: order.name, stale: { count: stale, of: history.reads.length }, versionsBehind, ageMs };
}

/**
 * k-staleness from a {@link staleReads} summary: the reads whose returned version is within k
 * versions of the newest committed one, i.e. one of the k newest committed versions or newer
 * (at most k - 1 committed versions missed). k = 1 is a consistent read, as in PBS.
 *
 * Reference: P. Bailis et al., VLDB 2012, "k-staleness".
 *
 * @param summary - from {@link staleReads}
 * @param k - a whole number >= 1 (a ParameterError names `k` otherwise)
 * @example
 * kStaleness(staleReads(history, timestampOrder), 1); // the consistent reads
 */
export function kStaleness(summary: StaleReadSummary, k: number): Count {
  if (!(Number.isSafeInteger(k) && k >= 1)) throw new ParameterError('k', String(k), 'a whole number >= 1');
  let within = 0;
  let of = 0;
  summary.versionsBehind.forEach((n, j) => {
    of += n;
    if (j < k) within += n;
  });
  return { count: within, of };
}
