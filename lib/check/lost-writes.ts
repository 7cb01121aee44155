import type { Count } from './count.js';
import { writesById, type History, type WriteRecord } from './history.js';
import type { VersionOrder } from './version-order.js';

/** What {@link lostWrites} found. */
export interface LostWriteSummary {
  /** Acknowledged writes lost, out of all acknowledged writes (`overwritten + discarded`). */
  lost: Count;
  /** Lost writes replaced by a surviving version newer by the store's order (e.g. LWW with a skewed clock), out of acknowledged writes. */
  overwritten: Count;
  /** Lost writes with no newer surviving version (rolled back, discarded at failover, never replicated), out of acknowledged writes. */
  discarded: Count;
  /**
   * Not lost, but informative for LWW: acknowledged writes absent from the final state whose every
   * survivor was concurrent with them (started before they were acknowledged), out of acknowledged
   * writes. A linearizable register may do this; a store that kept siblings would not have.
   */
  droppedConcurrent: Count;
  /** Unacknowledged (failed) writes that survive in the final state, out of unacknowledged writes. */
  unacknowledgedSurviving: Count;
}

/**
 * Lost writes.
 *
 * Definition: "Lost write: acknowledged to a client, yet absent from the final converged state
 * (overwritten by LWW, discarded at failover, or never replicated). Unacknowledged writes that
 * survive are counted separately."
 *
 * "Absent" cannot mean merely "not among the survivors": a register keeps one value, so every
 * write but the last is legitimately overwritten. Here an acknowledged write w to key x is lost
 * when w is not in x's final state and every surviving write s of x was acknowledged strictly
 * before w was invoked (s.ackMs < w.invokeMs): no survivor could have been ordered after w by any
 * linearizable store, so w's effect vanished. A key with no surviving write loses all its
 * acknowledged writes. A lost write is *overwritten* when some survivor is newer than w by
 * `order` (LWW picked an older write with a higher timestamp) and *discarded* otherwise.
 * Acknowledged writes absent because a concurrent or later write survived are not lost; those
 * with only concurrent survivors are reported as `droppedConcurrent`.
 *
 * References: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5 and 8 (LWW and
 * clock skew); K. Kingsbury, Jepsen analyses (acknowledged writes lost at partitions and failover).
 *
 * @param history - the run's writes and the final state
 * @param order - the store's version order (classifies overwritten vs discarded)
 * @example
 * const l = lostWrites(history, timestampOrder);
 * proportion(l.lost);                  // P(an acknowledged write is lost) with its interval
 * l.unacknowledgedSurviving.count;     // failed writes that took effect anyway
 */
export function lostWrites(history: History, order: VersionOrder): LostWriteSummary {
  const byId = writesById(history);
  const survivors = new Map<number, WriteRecord[]>();
  const surviving = new Set<number>();
  for (const [key, ids] of history.finalState) {
    const list: WriteRecord[] = [];
    for (const id of ids) {
      const w = byId.get(id);
      if (w === undefined)
        throw new Error(`history: the final state of key ${key} holds unknown write ${id}`);
      if (w.key !== key)
        throw new Error(`history: the final state of key ${key} holds write ${id} of key ${w.key}`);
      list.push(w);
      surviving.add(id);
    }
    survivors.set(key, list);
  }
  let acked = 0;
  let overwritten = 0;
  let discarded = 0;
  let droppedConcurrent = 0;
  let unacked = 0;
  let unackedSurviving = 0;
  for (const w of history.writes) {
    if (w.ackMs === null) {
      unacked++;
      if (surviving.has(w.id)) unackedSurviving++;
      continue;
    }
    acked++;
    if (surviving.has(w.id)) continue;
    const finals = survivors.get(w.key) ?? [];
    const ack = w.ackMs;
    if (finals.every((s) => s.ackMs !== null && s.ackMs < w.invokeMs)) {
      if (finals.some((s) => order.compare(w, s) < 0)) overwritten++;
      else discarded++;
    } else if (finals.every((s) => s.invokeMs <= ack)) droppedConcurrent++;
  }
  return {
    lost: { count: overwritten + discarded, of: acked },
    overwritten: { count: overwritten, of: acked },
    discarded: { count: discarded, of: acked },
    droppedConcurrent: { count: droppedConcurrent, of: acked },
    unacknowledgedSurviving: { count: unackedSurviving, of: unacked },
  };
}
