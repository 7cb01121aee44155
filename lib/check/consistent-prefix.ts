import type { Count } from './count.js';
import { groupSorted } from './group.js';
import { returnedWrites, writesById, type History, type WriteRecord } from './history.js';
import { scopeOf, type SessionScope } from './scope.js';
import { reflects, type VersionOrder } from './version-order.js';

/** What {@link consistentPrefix} found. */
export interface ConsistentPrefixSummary {
  /** Violations, out of the reads of a key on which the client had seen a dependent write. */
  violations: Count;
  /** All reads in the history. */
  reads: number;
}

/**
 * Consistent-prefix violations.
 *
 * Definition: "Consistent-prefix violation: a client observes a write without a write it causally
 * depends on."
 *
 * The history does not say what depends on what, so the caller passes `dependsOn`: for a write
 * id, the ids of the writes it causally depends on (an answer on the question it read, a comment
 * on the post). Dependencies are followed transitively. For a read r by client c (or session,
 * with `scope: 'session'`) of key x starting at t: every write c has seen in a read that
 * returned strictly before t brings its (transitive) dependencies on key x into c's view. r is
 * eligible when there is at least one, and a violation when it does not reflect them all: for
 * some dependency a, r returned neither a nor a newer version by `order` (c saw the answer, then
 * found no question). Seeing a write with its dependency together, or the dependency first, is
 * fine.
 *
 * References: D. Terry, "Replicated data consistency explained through baseball", CACM 56(12),
 * 2013 (consistent prefix); M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5,
 * "Consistent Prefix Reads" (partitioned data, causally related writes in different partitions).
 *
 * @param history - the run's writes and reads
 * @param dependsOn - write id -> the ids of the writes it directly depends on
 * @param order - the store's version order
 * @param options - `scope`: `'client'` (default) or `'session'`
 * @example
 * // w2 (key 1) answers w1 (key 0); client 7 reads w2, then reads key 0 and gets nothing: a violation.
 * consistentPrefix(history, new Map([[2, [1]]]), timestampOrder).violations; // { count: 1, of: 1 }
 */
export function consistentPrefix(
  history: History,
  dependsOn: ReadonlyMap<number, readonly number[]>,
  order: VersionOrder,
  options: { scope?: SessionScope } = {},
): ConsistentPrefixSummary {
  const who = scopeOf(options.scope ?? 'client');
  const byId = writesById(history);
  const closure = new Map<number, WriteRecord[]>();
  const dependencies = (id: number): WriteRecord[] => {
    const known = closure.get(id);
    if (known !== undefined) return known;
    // Iterative depth-first walk: dependency chains can be as long as the history.
    const seen = new Set<number>([id]);
    const stack = [id];
    const out: WriteRecord[] = [];
    while (stack.length > 0) {
      for (const dep of dependsOn.get(stack.pop() as number) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        const w = byId.get(dep);
        if (w === undefined) throw new Error(`consistentPrefix: write ${id} depends on unknown write ${dep}`);
        out.push(w);
        stack.push(dep);
      }
    }
    closure.set(id, out);
    return out;
  };

  let eligible = 0;
  let violations = 0;
  const byInvokeGroups = groupSorted(history.reads, who, (r) => r.invokeMs);
  for (const byInvoke of byInvokeGroups.values()) {
    const byReturn = byInvoke.slice().sort((a, b) => a.returnMs - b.returnMs);
    // Per key, the dependencies the client must find: an antichain under `order`.
    const required = new Map<number, WriteRecord[]>();
    let q = 0;
    for (const read of byInvoke) {
      while (q < byReturn.length && byReturn[q].returnMs < read.invokeMs) {
        for (const v of returnedWrites(byReturn[q], byId)) {
          for (const a of dependencies(v.id)) {
            const frontier = required.get(a.key) ?? [];
            if (reflects(order, frontier, a)) continue;
            required.set(a.key, [...frontier.filter((f) => !(order.compare(f, a) < 0)), a]);
          }
        }
        q++;
      }
      const need = required.get(read.key);
      if (need === undefined) continue;
      eligible++;
      const got = returnedWrites(read, byId);
      if (!need.every((a) => reflects(order, got, a))) violations++;
    }
  }
  return { violations: { count: violations, of: eligible }, reads: history.reads.length };
}
