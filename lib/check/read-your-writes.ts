import type { Count } from './count.js';
import { groupByPair } from './group.js';
import { returnedWrites, writesById, type History } from './history.js';
import { scopeOf, type SessionScope } from './scope.js';
import { reflects, type VersionOrder } from './version-order.js';

/** What {@link readYourWrites} found. */
export interface ReadYourWritesSummary {
  /** Violations, out of the reads that had an own acknowledged write to check against. */
  violations: Count;
  /** All reads in the history (the eligible reads are `violations.of`). */
  reads: number;
}

/**
 * Read-your-writes violations.
 *
 * DESIGN.md: "Read-your-writes violation: a client reads a key it wrote earlier and gets a version
 * older than its own last acknowledged write to that key."
 *
 * Here, for a read by client c (or session, with `scope: 'session'`) of key x starting at t:
 * c's last acknowledged write to x is, among c's writes to x acknowledged strictly before t, the
 * one acknowledged last. The read is eligible when there is one, and a violation when it does not
 * reflect it: it returned neither that write nor a newer version by `order` (with siblings: none
 * of them is that write or newer; the initial value reflects nothing).
 *
 * Reference: D. B. Terry et al., "Session guarantees for weakly consistent replicated data",
 * PDIS 1994.
 *
 * @param history - the run's writes and reads
 * @param order - the store's version order
 * @param options - `scope`: `'client'` (default) or `'session'`
 * @example
 * readYourWrites(history, timestampOrder).violations; // e.g. { count: 2, of: 5310 }: 2 violations in 5310 eligible reads
 */
export function readYourWrites(history: History, order: VersionOrder, options: { scope?: SessionScope } = {}): ReadYourWritesSummary {
  const who = scopeOf(options.scope ?? 'client');
  const byId = writesById(history);
  const byKey = (op: { key: number }) => op.key;
  const acked = groupByPair(history.writes, who, byKey, (w) => w.ackMs !== null);
  for (const inner of acked.values()) for (const g of inner.values()) g.sort((a, b) => (a.ackMs as number) - (b.ackMs as number));

  let eligible = 0;
  let violations = 0;
  const readGroups = groupByPair(history.reads, who, byKey);
  for (const [scope, inner] of readGroups) {
    const ownByKey = acked.get(scope);
    if (ownByKey === undefined) continue;
    for (const [key, reads] of inner) {
      const own = ownByKey.get(key);
      if (own === undefined) continue;
      reads.sort((a, b) => a.invokeMs - b.invokeMs);
      let p = 0; // own[0..p) were acknowledged before the current read started
      for (const read of reads) {
        while (p < own.length && (own[p].ackMs as number) < read.invokeMs) p++;
        if (p === 0) continue;
        eligible++;
        if (!reflects(order, returnedWrites(read, byId), own[p - 1])) violations++;
      }
    }
  }
  return { violations: { count: violations, of: eligible }, reads: history.reads.length };
}
