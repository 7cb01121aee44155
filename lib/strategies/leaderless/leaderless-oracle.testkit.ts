// An oracle for the leaderless model's tests, independent of lib/check's checkers and of the
// model's own counts: a brute-force replay of a recorded history (quadratic, for small runs).
//
// What each write holds is rebuilt from the history alone, the way the model defines it:
// - LWW: a register per key keeps the write with the largest (timestamp, write id); a read
//   reflects a write when it returned that write or one with a larger (timestamp, id).
// - Siblings: a client writes the union of the elements of the versions its last returned read
//   of that key saw, plus its own write id (the model's set value, run-leaderless.ts); a read
//   reflects a write when that write's id is among the elements of the versions it returned.
// A read is stale when it does not reflect every write to its key acknowledged strictly before
// it started.
import type { History, WriteRecord } from '../../check/index.js';

/** The element set of every write of a siblings-mode history, by write id (replayed in time order). */
export function replayElements(history: History): Map<number, Set<number>> {
  const elements = new Map<number, Set<number>>();
  // Writes at their invocation, reads at their return; a read returning at an instant comes first.
  const events: { at: number; read: boolean; i: number }[] = [
    ...history.writes.map((w, i) => ({ at: w.invokeMs, read: false, i })),
    ...history.reads.map((r, i) => ({ at: r.returnMs, read: true, i })),
  ].sort((x, y) => x.at - y.at || Number(y.read) - Number(x.read) || x.i - y.i);
  const lastRead = new Map<string, Set<number>>();
  for (const e of events) {
    if (e.read) {
      const r = history.reads[e.i];
      const seen = new Set<number>();
      for (const id of r.returned) for (const x of elements.get(id) ?? [id]) seen.add(x);
      lastRead.set(`${r.client}:${r.key}`, seen);
    } else {
      const w = history.writes[e.i];
      elements.set(w.id, new Set([...(lastRead.get(`${w.client}:${w.key}`) ?? []), w.id]));
    }
  }
  return elements;
}

/** (timestamp, id) of `a` is larger than that of `b`. */
const lwwAfter = (a: WriteRecord, b: WriteRecord): boolean =>
  (a.timestamp as number) > (b.timestamp as number) || (a.timestamp === b.timestamp && a.id > b.id);

/** Stale reads of the history by brute force: reads missing a write acknowledged before they started. */
export function replayStaleReads(history: History, conflict: 'lww' | 'siblings'): number {
  const byId = new Map(history.writes.map((w) => [w.id, w]));
  const elements = conflict === 'siblings' ? replayElements(history) : null;
  let stale = 0;
  for (const read of history.reads) {
    const returned = read.returned.map((id) => byId.get(id) as WriteRecord);
    const seen = new Set<number>();
    if (elements !== null) for (const v of returned) for (const x of elements.get(v.id) ?? []) seen.add(x);
    const reflects = (w: WriteRecord) =>
      elements !== null ? seen.has(w.id) : returned.some((v) => v.id === w.id || lwwAfter(v, w));
    const missed = history.writes.some(
      (w) => w.key === read.key && w.ackMs !== null && w.ackMs < read.invokeMs && !reflects(w),
    );
    if (missed) stale++;
  }
  return stale;
}

/**
 * LWW: the final register of each key when every write reached its replicas (no message loss,
 * no crash): the key's write with the largest (timestamp, id).
 */
export function replayLwwFinal(history: History): Map<number, WriteRecord> {
  const final = new Map<number, WriteRecord>();
  for (const w of history.writes) {
    const cur = final.get(w.key);
    if (cur === undefined || lwwAfter(w, cur)) final.set(w.key, w);
  }
  return final;
}

/**
 * LWW: acknowledged writes lost given each key's final register: not the final write, although
 * that one was acknowledged strictly before they were invoked (or the key kept nothing).
 */
export function replayLwwLost(history: History, final: ReadonlyMap<number, WriteRecord>): number {
  let lost = 0;
  for (const w of history.writes) {
    if (w.ackMs === null) continue;
    const f = final.get(w.key);
    if (f === undefined || (f.id !== w.id && f.ackMs !== null && f.ackMs < w.invokeMs)) lost++;
  }
  return lost;
}
