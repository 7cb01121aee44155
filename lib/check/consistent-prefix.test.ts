import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveStream } from '../random/index.js';
import type { History, ReadRecord, WriteRecord } from './history.js';
import {
  consistentPrefix,
  ConsistentPrefixTracker,
  NO_DEPENDENCIES,
  type Dependencies,
} from './consistent-prefix.js';
import { KeyTrie, KeyTrieView } from './key-trie.js';
import { linearizableRegisterHistory } from './linearizable.testkit.js';
import { timestampOrder, type VersionOrder } from './version-order.js';

function w(id: number, client: number, key: number, invokeMs: number, ackMs: number): WriteRecord {
  return { id, client, session: client, key, invokeMs, ackMs, timestamp: id };
}
function r(
  client: number,
  key: number,
  invokeMs: number,
  returnMs: number,
  returned: number[],
  session = client,
): ReadRecord {
  return { client, session, key, invokeMs, returnMs, returned };
}
const history = (writes: WriteRecord[], reads: ReadRecord[]): History => ({
  writes,
  reads,
  finalState: new Map(),
});

describe('consistentPrefix', () => {
  // Mr. Poons asks (w1, key 0); Mrs. Cake answers (w2, key 1), having read the question.
  const writes = [w(1, 1, 0, 0, 1), w(2, 2, 1, 5, 6), w(3, 1, 0, 10, 11)];
  const deps = new Map([[2, [1]]]);

  it('flags a client that saw the answer and then found no question', () => {
    const h = history(writes, [
      r(9, 1, 7, 8, [2]), // the answer
      r(9, 0, 9, 9.5, []), // no question: violation
      r(9, 0, 12, 13, [1]), // the question: fine
      r(9, 0, 14, 15, [3]), // a newer version of the question's key reflects it: fine
      r(8, 0, 9, 10, []), // another client, which never saw the answer: not eligible
    ]);
    expect(consistentPrefix(h, deps, timestampOrder)).toEqual({ violations: { count: 1, of: 3 }, reads: 5 });
  });

  it('reads concurrent with the one that saw the answer are not judged by it; the question first is fine', () => {
    const h = history(writes, [
      r(9, 1, 7, 10, [2]),
      r(9, 0, 8, 9, []), // started before the answer was returned: concurrent, not eligible
      r(7, 0, 6, 6.5, [1]), // question first, then the answer: nothing required afterwards is missing
      r(7, 1, 7, 8, [2]),
      r(7, 0, 9, 9.5, [1]),
    ]);
    expect(consistentPrefix(h, deps, timestampOrder).violations).toEqual({ count: 0, of: 1 });
  });

  it('follows dependencies transitively and scopes to sessions on request', () => {
    const ws = [...writes, w(4, 3, 2, 7, 8)];
    const chain = new Map([
      [2, [1]],
      [4, [2]],
    ]); // w4 (key 2) answers w2, which answers w1
    const h = history(ws, [r(9, 2, 9, 10, [4], 100), r(9, 0, 11, 12, [], 101)]);
    expect(consistentPrefix(h, chain, timestampOrder).violations).toEqual({ count: 1, of: 1 });
    expect(consistentPrefix(h, chain, timestampOrder, { scope: 'session' }).violations).toEqual({
      count: 0,
      of: 0,
    });
    expect(() => consistentPrefix(h, new Map([[4, [99]]]), timestampOrder)).toThrow(/unknown write 99/);
  });

  it('finds no violation in linearizable histories whose writes depend on writes acknowledged before them (fast-check)', () => {
    let eligible = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        (seed, clients, keys) => {
          const h = linearizableRegisterHistory(deriveStream(seed, 0, 0), {
            clients,
            keys,
            operations: 300,
            writeRatio: 0.4,
            failRatio: 0,
          });
          const rng = deriveStream(seed, 1, 0);
          const dependsOn = new Map<number, number[]>();
          for (const b of h.writes) {
            const earlier = h.writes.filter((a) => a.ackMs !== null && a.ackMs < b.invokeMs);
            if (earlier.length > 0) dependsOn.set(b.id, [earlier[rng.nextInt(earlier.length)].id]);
          }
          const s = consistentPrefix(h, dependsOn, timestampOrder);
          expect(s.violations.count).toBe(0);
          eligible += s.violations.of;
        },
      ),
      { numRuns: 100 },
    );
    expect(eligible).toBeGreaterThan(1000);
  });
});

/** The timestamp order without the "total" flag: forces the general (antichain) path. */
const timestampAsPartial: VersionOrder = { ...timestampOrder, name: 'timestamp-general', total: false };

/**
 * Feeds a history to ConsistentPrefixTracker as a simulation would: each write's dependencies
 * built from its direct ones (in id order), read starts and returns in time order with the events
 * of one instant shuffled (a read still starts before it returns).
 */
function feedLive(
  h: History,
  dependsOn: ReadonlyMap<number, readonly number[]>,
  order: VersionOrder,
  seed: number,
  scope: 'client' | 'session',
) {
  const rng = deriveStream(seed, 3, 0);
  const cp = new ConsistentPrefixTracker(order, scope);
  const byId = new Map(h.writes.map((x) => [x.id, x]));
  const deps = new Map<number, Dependencies>();
  for (const x of [...h.writes].sort((a, b) => a.id - b.id)) {
    const direct = (dependsOn.get(x.id) ?? []).map((id) => {
      const d = byId.get(id) as WriteRecord;
      return { version: d, key: d.key, dependencies: deps.get(id) ?? NO_DEPENDENCIES };
    });
    deps.set(x.id, cp.dependencies(direct));
  }
  type Ev = { t: number; tie: number; start?: number; ret?: number };
  const events: Ev[] = [];
  h.reads.forEach((rd, i) => {
    events.push({ t: rd.invokeMs, tie: rng.nextDouble(), start: i });
    events.push({ t: rd.returnMs, tie: rng.nextDouble(), ret: i });
  });
  events.sort((a, b) => a.t - b.t || a.tie - b.tie);
  const started: boolean[] = [];
  for (const e of events) {
    const i = (e.start ?? e.ret) as number;
    const rd = h.reads[i];
    if (started[i] !== true) {
      cp.start(i, rd, rd.invokeMs);
      started[i] = true;
    }
    if (e.ret === undefined) continue;
    cp.judge(
      i,
      rd.returned.map((id) => byId.get(id) as WriteRecord),
    );
    cp.returned(
      rd,
      e.t,
      rd.returned.map((id) => deps.get(id) as Dependencies),
    );
  }
  return cp.counts;
}

describe('ConsistentPrefixTracker', () => {
  it('fed live (events of an instant shuffled), counts what consistentPrefix counts on the history (fast-check)', () => {
    let violations = 0;
    let eligible = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.boolean(),
        (seed, clients, keys, partial, sessions) => {
          const raw = linearizableRegisterHistory(deriveStream(seed, 0, 0), {
            clients,
            keys,
            operations: 200,
            writeRatio: 0.4,
            failRatio: 0.1,
          });
          // Integer times make ties; some reads return a random write of their key (stale).
          const rng = deriveStream(seed, 1, 0);
          const round = (x: number) => Math.round(x);
          const byKey = new Map<number, number[]>();
          // Writes that never took effect have no timestamp (NaN): no read returns them, none depends on them.
          const effective = raw.writes.filter((x) => !Number.isNaN(x.timestamp));
          for (const x of effective) (byKey.get(x.key) ?? byKey.set(x.key, []).get(x.key)!).push(x.id);
          const h: History = {
            writes: raw.writes,
            reads: raw.reads.map((rd) => {
              const ids = byKey.get(rd.key) ?? [];
              const pick = rng.nextInt(ids.length + 1);
              return {
                ...rd,
                invokeMs: round(rd.invokeMs),
                returnMs: Math.max(round(rd.invokeMs), round(rd.returnMs)),
                returned:
                  rng.nextDouble() < 0.5 || ids.length === 0
                    ? rd.returned
                    : pick === ids.length
                      ? []
                      : [ids[pick]],
              };
            }),
            finalState: raw.finalState,
          };
          // Each write depends on zero to two writes with lower ids (chains across keys).
          const dependsOn = new Map<number, number[]>();
          for (const x of h.writes) {
            const lower = effective.filter((a) => a.id < x.id);
            const n = lower.length === 0 ? 0 : rng.nextInt(3);
            if (n > 0)
              dependsOn.set(
                x.id,
                Array.from({ length: n }, () => lower[rng.nextInt(lower.length)].id),
              );
          }
          const scope = sessions ? 'session' : 'client';
          const order = partial ? timestampAsPartial : timestampOrder;
          const live = feedLive(h, dependsOn, order, seed, scope);
          expect(live).toEqual(consistentPrefix(h, dependsOn, timestampOrder, { scope }).violations);
          violations += live.count;
          eligible += live.of;
        },
      ),
      { numRuns: 150 },
    );
    expect(violations).toBeGreaterThan(100);
    expect(eligible).toBeGreaterThan(1000);
  });

  it('KeyTrie: sets, gets and unions as a Map would, sharing what it can (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const rng = deriveStream(seed, 5, 0);
        const tries = [KeyTrie.empty<number>()];
        const maps = [new Map<number, number>()];
        const span = [40, 2000, 2 ** 31 - 1][rng.nextInt(3)];
        for (let step = 0; step < 120; step++) {
          const i = rng.nextInt(tries.length);
          if (rng.nextDouble() < 0.7) {
            const key = rng.nextInt(span);
            const value = rng.nextInt(100);
            tries.push(tries[i].set(key, value));
            maps.push(new Map(maps[i]).set(key, value));
          } else {
            const j = rng.nextInt(tries.length);
            const max = (a: number | undefined, b: number) => (a === undefined || b > a ? b : a);
            const u = tries[i].union(tries[j], max);
            const m = new Map(maps[i]);
            for (const [k, v] of maps[j]) m.set(k, max(m.get(k), v));
            tries.push(u);
            maps.push(m);
            if (j === i) expect(u).toBe(tries[i]);
          }
          const t = tries[tries.length - 1];
          const m = maps[maps.length - 1];
          const seen: [number, number][] = [];
          t.forEach((v, k) => seen.push([k, v]));
          expect(seen).toEqual([...m].sort((a, b) => a[0] - b[0]));
          for (const [k, v] of m) expect(t.get(k)).toBe(v);
          expect(t.get(span + 1)).toBe(m.get(span + 1));
        }
      }),
      { numRuns: 40 },
    );
    expect(() => KeyTrie.empty().set(-1, 0)).toThrow(/not an integer/);
  });

  it('KeyTrieView: joins and answers as of just before an instant, as a Map kept per instant would (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const rng = deriveStream(seed, 6, 0);
        const span = [40, 2000, 2 ** 31 - 1][rng.nextInt(3)];
        const max = (a: number | undefined, b: number) => (a === undefined || b > a ? b : a);
        // Maps to join: random ones, and ones grown from one another (shared subtrees).
        const tries = [KeyTrie.empty<number>()];
        for (let i = 0; i < 30; i++) {
          let t = rng.nextDouble() < 0.5 ? tries[rng.nextInt(tries.length)] : KeyTrie.empty<number>();
          for (let k = rng.nextInt(4); k >= 0; k--) t = t.set(rng.nextInt(span), rng.nextInt(50));
          tries.push(t);
        }
        const view = new KeyTrieView<number>();
        const current = new Map<number, number>();
        let earlier = new Map<number, number>();
        let now = 0;
        const keys = new Set<number>([0, span - 1]);
        for (let step = 0; step < 60; step++) {
          const t = tries[rng.nextInt(tries.length)];
          if (rng.nextDouble() < 0.6) {
            now += 1;
            earlier = new Map(current);
          }
          view.join(t, now, max);
          t.forEach((v, k) => {
            current.set(k, max(current.get(k), v));
            keys.add(k);
          });
          for (const k of keys) {
            expect(view.before(now, k)).toBe(earlier.get(k));
            expect(view.before(now + 0.5, k)).toBe(current.get(k));
            expect(view.get(k)).toBe(current.get(k));
          }
        }
        const one = KeyTrie.empty<number>().set(0, 1);
        view.join(one, now, max);
        expect(() => view.join(one, now - 1, max)).toThrow(/after one at/);
      }),
      { numRuns: 60 },
    );
  });
});
