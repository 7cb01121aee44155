// A second, independent road to a run's final values: recomputed from the recorded writes alone
// (their keys, dots, contexts and LWW stamps), without the simulation's stores.
import type { MultiLeaderRun } from './multi-leader-metrics.js';

interface RefWrite {
  id: number;
  key: number;
  actor: number;
  counter: number;
  timestamp: number;
  covers: (actor: number, counter: number) => boolean;
}

/**
 * The final elements per key under 'lww', 'replica-id' or 'merge', from the history:
 * - a leader that accepts write w has seen exactly the writes its context covers (S_w);
 * - the versions it holds then are the maxima of S_w (no other write of S_w covers their dot);
 * - w's value is {w} plus the policy's resolution of those maxima (LWW: the winner's value;
 *   replica-id: the highest origin's; merge: the union);
 * - the final value is the resolution of the maxima of all writes.
 * Quadratic per key: for tests with a few hundred writes.
 */
export function referenceFinalElements(
  run: MultiLeaderRun,
  policy: 'lww' | 'replica-id' | 'merge',
): Map<number, number[]> {
  const byKey = new Map<number, RefWrite[]>();
  run.log.versions.forEach((v, id) => {
    if (v === null) throw new Error(`write ${id} was never accepted`);
    const w: RefWrite = {
      id,
      key: run.log.key[id],
      actor: v.dot.actor,
      counter: v.dot.counter,
      timestamp: v.value.timestamp,
      covers: (a, c) => v.context.covers(a, c),
    };
    const list = byKey.get(w.key);
    if (list === undefined) byKey.set(w.key, [w]);
    else list.push(w);
  });
  const out = new Map<number, number[]>();
  for (const [key, writes] of byKey) {
    const memo = new Map<number, Set<number>>();
    const maxima = (set: RefWrite[]): RefWrite[] =>
      set.filter((x) => !set.some((y) => y !== x && y.covers(x.actor, x.counter)));
    const resolve = (versions: RefWrite[]): Set<number> => {
      if (versions.length === 0) return new Set();
      if (policy === 'merge') {
        const all = new Set<number>();
        for (const v of versions) for (const e of valueOf(v)) all.add(e);
        return all;
      }
      let best = versions[0];
      for (const v of versions) {
        const wins =
          policy === 'lww'
            ? v.timestamp > best.timestamp ||
              (v.timestamp === best.timestamp &&
                (v.actor > best.actor || (v.actor === best.actor && v.id > best.id)))
            : v.actor > best.actor || (v.actor === best.actor && v.counter > best.counter);
        if (wins) best = v;
      }
      return valueOf(best);
    };
    const valueOf = (w: RefWrite): Set<number> => {
      const hit = memo.get(w.id);
      if (hit !== undefined) return hit;
      const seen = writes.filter((x) => x !== w && w.covers(x.actor, x.counter));
      const value = new Set(resolve(maxima(seen)));
      value.add(w.id);
      memo.set(w.id, value);
      return value;
    };
    // Resolve in acceptance order so the memo fills bottom-up (no deep recursion).
    for (const w of [...writes].sort((a, b) => run.log.applyMs[a.id] - run.log.applyMs[b.id] || a.id - b.id))
      valueOf(w);
    out.set(
      key,
      [...resolve(maxima(writes))].sort((a, b) => a - b),
    );
  }
  return out;
}
