import { ParameterError } from '../errors.js';
import { LogHistogram } from '../stats/index.js';
import { Tally, type Count } from './count.js';
import { groupSorted, KeyTable } from './group.js';
import { returnedWrites, writesById, type History, type WriteRecord } from './history.js';
import { versionColumns, type VersionColumns } from './version-columns.js';
import { reflects, type Version, type VersionOrder } from './version-order.js';

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
 * Stale reads counted as a run goes (a streaming checker): what {@link staleReads} counts, with
 * state bounded by the keys (per key, the newest committed versions) and the reads in flight.
 *
 * Definitions: a read is consistent (leaderless) when it returns the version written by the
 * reference write, or a newer one; a write is committed once W acks have reached the coordinator.
 * For a read of key x starting at t, the reference is the newest write (by `order`) among the
 * writes to x acknowledged strictly before t; with a partial order, every newest one (no committed
 * write is newer). The read is stale when it reflects neither that write nor anything newer (see
 * {@link reflects}); a read of the initial value is stale exactly when a write was committed before
 * it. Reflecting the newest committed writes is reflecting all of them when `order` is transitive.
 *
 * Feed acknowledgements in time order ({@link commit}); when a read starts, {@link start} takes
 * its reference into a read slot (a small integer of the caller's, free again once the read is
 * judged); {@link judge} it when it returns. The order of events within one instant does not
 * matter (see `AsOf` in as-of.ts).
 *
 * References: P. Bailis et al., "Probabilistically bounded staleness for practical partial quorums",
 * VLDB 2012.
 *
 * @example
 * const stale = new StaleReadTracker(timestampOrder);
 * stale.commit(7, { id: 1, timestamp: 5 }, 10);         // write 1 to key 7 acknowledged at 10 ms
 * stale.start(0, 7, 12);                                 // a read of key 7 starts at 12 ms, slot 0
 * stale.judge(0, []);                                    // true: it returned the initial value
 * stale.counts;                                          // { count: 1, of: 1 }
 */
export class StaleReadTracker {
  private readonly committed: VersionColumns;
  private readonly entity = new KeyTable<number>(() => this.entities++);
  private entities = 0;
  private readonly stale = new Tally();

  /** @param order - the store's version order */
  constructor(readonly order: VersionOrder) {
    this.committed = versionColumns(order);
  }

  /** Write `w` of `key` was acknowledged (committed) at `ackMs`. */
  commit(key: number, w: Version, ackMs: number): void {
    this.committed.include(this.entity.at(key), ackMs, w);
  }

  /** A read of `key` starts at `startMs`: read slot `slot` takes the newest writes committed strictly before, which it must reflect. */
  start(slot: number, key: number, startMs: number): void {
    this.committed.snapshot(this.entity.find(key) ?? -1, startMs, slot);
  }

  /** Counts the read of slot `slot`, returned with `returned`: stale when they do not reflect its reference. Returns whether it is stale. */
  judge(slot: number, returned: readonly Version[]): boolean {
    return this.stale.add(!this.committed.reflectedBy(slot, returned));
  }

  /** Stale reads, out of the reads judged. */
  get counts(): Count {
    return this.stale.counts;
  }
}

/**
 * Stale reads, k-staleness and the age of the values returned.
 *
 * Stale is {@link StaleReadTracker}'s definition (this function replays the history through it).
 * For the stale reads it also measures how far behind they are:
 * - the committed writes of a read of key x starting at t are the writes to x acknowledged
 *   strictly before t (`ackMs < invokeMs`; an acknowledgement at the same instant counts as
 *   concurrent with the read); the read reflects a write w when it returned w or a version newer
 *   than w by `order`;
 * - versions behind = the number of committed writes the read does not reflect (0 for a consistent
 *   read). With a total order (LWW) that is the number of committed writes newer than the newest
 *   version returned; with version vectors every committed write must be covered by some returned
 *   sibling. k-staleness is P(the returned version is within k versions of the newest committed
 *   one) ({@link kStaleness});
 * - age in time = t minus the earliest acknowledgement among the committed writes it missed: how
 *   long the value returned had already been superseded (recorded for stale reads only).
 *
 * Cost: O((reads + writes) log writes) for a total order; for a partial order O(committed writes
 * of the key) per stale read.
 *
 * References: P. Bailis et al., "Probabilistically bounded staleness for practical partial quorums",
 * VLDB 2012 (k-staleness, t-visibility); W. Golab, X. Li, M. A. Shah, "Analyzing consistency
 * properties for fun and profit", PODC 2011 (staleness in time).
 *
 * @param history - the run's writes and reads
 * @param order - the store's version order (`timestampOrder` for LWW, `vectorOrder` for version
 *   vectors); it must be transitive
 * @example
 * const s = staleReads(history, timestampOrder);
 * proportion(s.stale);          // { count, of, p, low, high }
 * kStaleness(s, 2);             // reads within 2 versions of the newest committed
 * s.ageMs.quantile(0.99);       // p99 age of a stale value, ms
 */
export function staleReads(history: History, order: VersionOrder): StaleReadSummary {
  const byId = writesById(history);
  const acknowledged = history.writes.filter((w) => w.ackMs !== null);
  const committedByKey = groupSorted(
    acknowledged,
    (w) => w.key,
    (w) => w.ackMs as number,
  );
  const readsByKey = groupSorted(
    history.reads,
    (r) => r.key,
    (r) => r.invokeMs,
  );
  const tracker = new StaleReadTracker(order);
  const versionsBehind: number[] = [0];
  const ageMs = new LogHistogram();
  const none: WriteRecord[] = [];
  for (const [key, reads] of readsByKey) {
    const committed = committedByKey.get(key) ?? none;
    const m = committed.length;
    let p = 0; // committed[0..p) were acknowledged before the current read started
    /** The committed writes of [0, p) a stale read misses, and the age of what it returned. */
    let behind: (returned: WriteRecord[], startMs: number) => [number, number];
    let counts: CountTree | null = null;
    let firstAck: SuffixMinTree | null = null;
    let rank: Map<WriteRecord, number> | null = null;
    if (order.total) {
      const byOrder = committed.slice().sort(order.compare);
      rank = new Map<WriteRecord, number>();
      byOrder.forEach((w, i) => (rank as Map<WriteRecord, number>).set(w, i));
      const ct = (counts = new CountTree(m));
      const fa = (firstAck = new SuffixMinTree(m));
      behind = (returned, startMs) => {
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
        return [p - ct.below(lo), startMs - fa.from(lo)];
      };
    } else {
      behind = (returned, startMs) => {
        let missed = 0;
        let first = Infinity;
        for (let i = 0; i < p; i++) {
          const w = committed[i];
          if (!reflects(order, returned, w)) {
            missed++;
            if ((w.ackMs as number) < first) first = w.ackMs as number;
          }
        }
        return [missed, startMs - first];
      };
    }
    for (const read of reads) {
      while (p < m && (committed[p].ackMs as number) < read.invokeMs) {
        const w = committed[p];
        tracker.commit(key, w, w.ackMs as number);
        if (rank !== null) {
          const r = rank.get(w) as number;
          (counts as CountTree).add(r);
          (firstAck as SuffixMinTree).set(r, w.ackMs as number);
        }
        p++;
      }
      const returned = returnedWrites(read, byId);
      tracker.start(0, key, read.invokeMs);
      if (!tracker.judge(0, returned)) {
        versionsBehind[0]++;
        continue;
      }
      const [missed, age] = behind(returned, read.invokeMs);
      if (missed === 0)
        throw new Error(
          `staleReads: order '${order.name}' is not transitive (a read of key ${key} at ${read.invokeMs} ms reflects every committed write but not the newest)`,
        );
      while (versionsBehind.length <= missed) versionsBehind.push(0);
      versionsBehind[missed]++;
      ageMs.record(age);
    }
  }
  return { order: order.name, stale: tracker.counts, versionsBehind, ageMs };
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
