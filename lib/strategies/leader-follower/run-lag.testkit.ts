/**
 * A brute-force oracle for the lag model's anomaly counts and staleness, written from the
 * definitions in docs/architecture.md ("Metrics: exact definitions") and nothing of lib/check: for
 * each returned read, every earlier write and read of the history is scanned again. Quadratic, so
 * for histories of a few thousand operations. Versions are the writes' log positions (their
 * `timestamp`), which one leader per partition hands out in order.
 */
import type { History, ReadRecord, WriteRecord } from '../../check/index.js';

/** A count and what it is out of. */
export interface OracleCount {
  count: number;
  of: number;
}

/** What the oracle found in a history. */
export interface LagOracle {
  ryw: OracleCount;
  monotonic: OracleCount;
  prefix: OracleCount;
  stale: OracleCount;
  /** Per returned read, in the history's order: its age (ms) and versions behind, 0 for a fresh read. */
  ages: number[];
  behind: number[];
}

/** The position of the version a read returned, 0 for the key's initial value. */
function positionOf(read: ReadRecord, byId: Map<number, WriteRecord>): number {
  let newest = 0;
  for (const id of read.returned) newest = Math.max(newest, byId.get(id)?.timestamp ?? 0);
  return newest;
}

/**
 * Replays a lag run's history by brute force.
 *
 * - Read-your-writes: among the reading client's writes to the key acknowledged strictly before the
 *   read was issued, the one acknowledged last; eligible if there is one, a violation if the read
 *   returned an older position.
 * - Monotonic reads: the newest position the client got for the key from reads that returned
 *   strictly before this one was issued; eligible if that is a write, a violation if older.
 * - Consistent prefix: every write returned to the client by a read that returned strictly before
 *   this one was issued brings its transitive dependencies (`dependsOn`) on the read's key; eligible
 *   if there is one, a violation if the read returned an older position than the newest of them.
 * - Staleness: the newest (by position) write to the key acknowledged strictly before the read was
 *   issued; if the read returned an older position, its age is the read's return time minus that
 *   write's commit time (`commitMs`), and it is behind by the writes to the key whose positions lie
 *   above the returned one and up to that write's.
 */
export function bruteForceLagOracle(
  history: History,
  dependsOn: ReadonlyMap<number, readonly number[]>,
  commitMs: ReadonlyMap<number, number>,
): LagOracle {
  const byId = new Map(history.writes.map((w) => [w.id, w]));
  const out: LagOracle = {
    ryw: { count: 0, of: 0 },
    monotonic: { count: 0, of: 0 },
    prefix: { count: 0, of: 0 },
    stale: { count: 0, of: 0 },
    ages: [],
    behind: [],
  };
  const closure = (id: number): WriteRecord[] => {
    const seen = new Set<number>();
    const todo = [...(dependsOn.get(id) ?? [])];
    while (todo.length > 0) {
      const dep = todo.pop() as number;
      if (seen.has(dep)) continue;
      seen.add(dep);
      todo.push(...(dependsOn.get(dep) ?? []));
    }
    return [...seen].map((d) => byId.get(d) as WriteRecord);
  };
  for (const read of history.reads) {
    const got = positionOf(read, byId);
    const t = read.invokeMs;

    let own: WriteRecord | null = null;
    for (const w of history.writes) {
      if (w.client !== read.client || w.key !== read.key || w.ackMs === null || !(w.ackMs < t)) continue;
      if (own === null || (own.ackMs as number) < w.ackMs) own = w;
    }
    if (own !== null) {
      out.ryw.of++;
      if (got < (own.timestamp as number)) out.ryw.count++;
    }

    let seenBefore = 0;
    let prefixNeed = 0;
    for (const earlier of history.reads) {
      if (earlier.client !== read.client || !(earlier.returnMs < t)) continue;
      if (earlier.key === read.key) seenBefore = Math.max(seenBefore, positionOf(earlier, byId));
      for (const id of earlier.returned)
        for (const dep of closure(id))
          if (dep.key === read.key) prefixNeed = Math.max(prefixNeed, dep.timestamp as number);
    }
    if (seenBefore > 0) {
      out.monotonic.of++;
      if (got < seenBefore) out.monotonic.count++;
    }
    if (prefixNeed > 0) {
      out.prefix.of++;
      if (got < prefixNeed) out.prefix.count++;
    }

    let fresh: WriteRecord | null = null;
    for (const w of history.writes) {
      if (w.key !== read.key || w.ackMs === null || !(w.ackMs < t)) continue;
      if (fresh === null || (fresh.timestamp as number) < (w.timestamp as number)) fresh = w;
    }
    out.stale.of++;
    if (fresh !== null && got < (fresh.timestamp as number)) {
      out.stale.count++;
      out.ages.push(read.returnMs - (commitMs.get(fresh.id) as number));
      let behind = 0;
      for (const w of history.writes) {
        const p = w.timestamp;
        if (w.key === read.key && p !== undefined && p > got && p <= (fresh.timestamp as number)) behind++;
      }
      out.behind.push(behind);
    } else {
      out.ages.push(0);
      out.behind.push(0);
    }
  }
  return out;
}
