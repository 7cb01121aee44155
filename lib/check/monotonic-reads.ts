import type { Count } from './count.js';
import { groupByPair } from './group.js';
import { returnedWrites, writesById, type History, type WriteRecord } from './history.js';
import { scopeOf, type SessionScope } from './scope.js';
import { reflects, type VersionOrder } from './version-order.js';

/** What {@link monotonicReads} found. */
export interface MonotonicReadSummary {
  /** Violations, out of the reads that followed an earlier read (of a write) by the same client of the same key. */
  violations: Count;
  /** All reads in the history. */
  reads: number;
}

/**
 * Monotonic-read violations.
 *
 * DESIGN.md: "Monotonic-read violation: a client gets an older version of a key than it got before."
 *
 * Here, for a read r by client c (or session, with `scope: 'session'`) of key x starting at t:
 * "before" means the reads by c of x that returned strictly before t (reads still in flight at t
 * are concurrent with r and do not count). r is eligible when those reads returned at least one
 * write, and a violation when some write they returned is not reflected by r: r returned neither it
 * nor a newer version by `order`. (For LWW: r's newest version is older than the newest c saw
 * before; for version vectors: r lost sight of a version c had seen, sibling or not.)
 *
 * Reference: D. B. Terry et al., "Session guarantees for weakly consistent replicated data",
 * PDIS 1994.
 *
 * @param history - the run's writes and reads
 * @param order - the store's version order
 * @param options - `scope`: `'client'` (default) or `'session'`
 * @example
 * monotonicReads(history, vectorOrder, { scope: 'session' }).violations; // e.g. { count: 0, of: 812 }
 */
export function monotonicReads(history: History, order: VersionOrder, options: { scope?: SessionScope } = {}): MonotonicReadSummary {
  const who = scopeOf(options.scope ?? 'client');
  const byId = writesById(history);
  const groups = groupByPair(history.reads, who, (r) => r.key);
  let eligible = 0;
  let violations = 0;
  for (const inner of groups.values()) for (const reads of inner.values()) {
    const byInvoke = reads.slice().sort((a, b) => a.invokeMs - b.invokeMs);
    const byReturn = reads.slice().sort((a, b) => a.returnMs - b.returnMs);
    // The newest versions seen so far: an antichain under `order` (one write for a total order).
    let frontier: WriteRecord[] = [];
    let q = 0;
    for (const read of byInvoke) {
      while (q < byReturn.length && byReturn[q].returnMs < read.invokeMs) {
        for (const v of returnedWrites(byReturn[q], byId)) {
          if (reflects(order, frontier, v)) continue;
          frontier = frontier.filter((f) => !(order.compare(f, v) < 0));
          frontier.push(v);
        }
        q++;
      }
      if (frontier.length === 0) continue;
      eligible++;
      const got = returnedWrites(read, byId);
      if (!frontier.every((f) => reflects(order, got, f))) violations++;
    }
  }
  return { violations: { count: violations, of: eligible }, reads: history.reads.length };
}
