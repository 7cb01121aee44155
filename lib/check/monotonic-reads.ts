import { Tally, type Count } from './count.js';
import { groupByPair, PairMap } from './group.js';
import { returnedWrites, writesById, type History } from './history.js';
import { scopeOf, type SessionScope } from './scope.js';
import { versionColumns, type VersionColumns } from './version-columns.js';
import type { Version, VersionOrder } from './version-order.js';

/** What {@link monotonicReads} found. */
export interface MonotonicReadSummary {
  /** Violations, out of the reads that followed an earlier read (of a write) by the same client of the same key. */
  violations: Count;
  /** All reads in the history. */
  reads: number;
}

/**
 * Monotonic-read violations counted as a run goes (a streaming checker), with state bounded by
 * the (client, key) pairs: the newest versions each has seen.
 *
 * Definition: "Monotonic-read violation: a client gets an older version of a key than it got before."
 *
 * Here, for a read r by client c (or session, with scope `'session'`) of key x starting at t:
 * "before" means the reads by c of x that returned strictly before t (reads still in flight at t
 * are concurrent with r and do not count). r is eligible when those reads returned at least one
 * write, and a violation when some write they returned is not reflected by r: r returned neither it
 * nor a newer version by `order`. (For LWW: r's newest version is older than the newest c saw
 * before; for version vectors: r lost sight of a version c had seen, sibling or not.) Only the
 * newest versions seen are kept, which decides the same when `order` is transitive.
 *
 * Feed returned reads in time order ({@link returned}); {@link start} a read in a read slot (a
 * small integer of the caller's) and {@link judge} it when it returns.
 *
 * Reference: D. B. Terry et al., "Session guarantees for weakly consistent replicated data",
 * PDIS 1994.
 *
 * @example
 * const mono = new MonotonicReadTracker(timestampOrder);
 * const who = { client: 3, session: 3, key: 7 };
 * mono.returned(who, 4, [{ id: 2, timestamp: 2 }]);  // a read returned write 2 at 4 ms
 * mono.start(0, who, 5);                           // the next read starts at 5 ms, slot 0
 * mono.judge(0, [{ id: 1, timestamp: 1 }]);         // true: older than write 2
 */
export class MonotonicReadTracker {
  private readonly seen: VersionColumns;
  private readonly entity = new PairMap<number>(() => this.entities++);
  private entities = 0;
  private readonly who: (op: { client: number; session: number }) => number;
  private readonly violations = new Tally();

  /**
   * @param order - the store's version order
   * @param scope - `'client'` (default) or `'session'`
   */
  constructor(
    readonly order: VersionOrder,
    scope: SessionScope = 'client',
  ) {
    this.who = scopeOf(scope);
    this.seen = versionColumns(order);
  }

  /** A read by `read.client` (or session) of `read.key` returned `versions` at `returnMs`. */
  returned(
    read: { client: number; session: number; key: number },
    returnMs: number,
    versions: readonly Version[],
  ): void {
    if (versions.length === 0) return;
    const e = this.entity.at(this.who(read), read.key);
    for (let i = 0; i < versions.length; i++) this.seen.include(e, returnMs, versions[i]);
  }

  /** A read by `read.client` (or session) of `read.key` starts at `startMs`: read slot `slot` takes the newest versions it must reflect. */
  start(slot: number, read: { client: number; session: number; key: number }, startMs: number): void {
    this.seen.snapshot(this.entity.find(this.who(read), read.key) ?? -1, startMs, slot);
  }

  /** Counts the read of slot `slot`, returned with `versions`: null when it is not eligible, else whether it violates monotonic reads. */
  judge(slot: number, versions: readonly Version[]): boolean | null {
    return this.seen.emptyAt(slot) ? null : this.violations.add(!this.seen.reflectedBy(slot, versions));
  }

  /** Violations, out of the eligible reads judged. */
  get counts(): Count {
    return this.violations.counts;
  }
}

/**
 * Monotonic-read violations of a history: {@link MonotonicReadTracker}'s definition, the history
 * replayed through it.
 *
 * @param history - the run's writes and reads
 * @param order - the store's version order
 * @param options - `scope`: `'client'` (default) or `'session'`
 * @example
 * monotonicReads(history, vectorOrder, { scope: 'session' }).violations; // e.g. { count: 0, of: 812 }
 */
export function monotonicReads(
  history: History,
  order: VersionOrder,
  options: { scope?: SessionScope } = {},
): MonotonicReadSummary {
  const scope = options.scope ?? 'client';
  const byId = writesById(history);
  const tracker = new MonotonicReadTracker(order, scope);
  const groups = groupByPair(history.reads, scopeOf(scope), (r) => r.key);
  for (const inner of groups.values())
    for (const reads of inner.values()) {
      const byInvoke = reads.slice().sort((a, b) => a.invokeMs - b.invokeMs);
      const byReturn = reads.slice().sort((a, b) => a.returnMs - b.returnMs);
      let q = 0;
      for (const read of byInvoke) {
        while (q < byReturn.length && byReturn[q].returnMs <= read.invokeMs) {
          tracker.returned(byReturn[q], byReturn[q].returnMs, returnedWrites(byReturn[q], byId));
          q++;
        }
        tracker.start(0, read, read.invokeMs);
        tracker.judge(0, returnedWrites(read, byId));
      }
    }
  return { violations: tracker.counts, reads: history.reads.length };
}
