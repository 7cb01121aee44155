import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Siblings, supersedes, unionMerge, versionVectorOf, type SiblingsRead } from './siblings.js';
import { VersionVector } from './version-vector.js';

type Key = Siblings<Set<number>>;

/** The store's invariant: no sibling supersedes another, and the context covers every dot. */
function checkInvariant(store: Key): void {
  const { versions, context } = store.read();
  for (const v of versions) {
    expect(context.covers(v.dot.actor, v.dot.counter)).toBe(true);
    for (const w of versions) if (v !== w) expect(supersedes(v, w)).toBe(false);
  }
}

describe('Siblings', () => {
  it('keeps concurrent writes and lets a read-modify-write resolve them (class example)', () => {
    const key = new Siblings<Set<string>>();
    const r0 = key.read();
    expect(r0.values).toEqual([]);
    expect(key.resolve(unionMerge)).toBeUndefined();
    key.put(new Set(['a']), r0.context, 0);
    key.put(new Set(['b']), r0.context, 0); // same replica, same stale context: still concurrent
    expect(key.size).toBe(2);
    const r1 = key.read();
    expect(r1.context.toString()).toBe('{0:2}');
    key.put(unionMerge([...r1.values, new Set(['c'])]), r1.context, 0);
    expect(key.read().values).toEqual([new Set(['a', 'b', 'c'])]);
  });

  it('overwrites what the context covers and nothing else', () => {
    const key = new Siblings<string>();
    const v1 = key.put('v1', VersionVector.empty, 0);
    const seen = key.read().context; // {0:1}
    key.put('v2', VersionVector.empty, 1); // concurrent, unseen by the next writer
    key.put('v3', seen, 0);
    expect(key.read().values).toEqual(['v2', 'v3']);
    expect(v1.dot).toEqual({ actor: 0, counter: 1 });
    expect(versionVectorOf(key.read().versions[1]).toString()).toBe('{0:2}');
  });

  it('syncs replicas: superseded versions go, concurrent ones meet, repeats change nothing', () => {
    const a = new Siblings<number>();
    const b = new Siblings<number>();
    const x = a.put(1, VersionVector.empty, 0);
    b.put(2, VersionVector.empty, 1);
    a.sync(b);
    expect(a.read().values).toEqual([1, 2]);
    b.sync(a);
    expect(b.read().values.sort()).toEqual([1, 2]);
    b.put(3, b.read().context, 1); // resolves both at b
    a.sync(b);
    expect(a.read().values).toEqual([3]);
    a.sync(b);
    expect(a.read().values).toEqual([3]);
    expect(a.apply(x)).toBe(false); // already seen, superseded
    const c = new Siblings<number>();
    expect(c.apply(x)).toBe(true);
    expect(c.apply(x)).toBe(false);
  });

  it('never keeps a superseded version and never loses an acknowledged element (model check)', () => {
    // Clients do read-modify-write cycles against random replicas; replicas sync at random.
    // Each client: read (values + context) from one replica, later write union(values) plus a
    // fresh element, with that context, to a possibly different replica (which mints the dot).
    // Every acknowledged element must be in the final, fully synced, union-resolved value.
    const step = fc.record({
      kind: fc.constantFrom('client', 'client', 'client', 'sync'),
      client: fc.nat(3),
      replica: fc.nat(2),
      other: fc.nat(2),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(step, { maxLength: 60 }),
        (replicaCount, clientCount, steps) => {
          const replicas: Key[] = Array.from({ length: replicaCount }, () => new Siblings<Set<number>>());
          const pending: (SiblingsRead<Set<number>> | null)[] = new Array(clientCount).fill(null);
          const acknowledged: number[] = [];
          let nextElement = 0;
          for (const s of steps) {
            const r = s.replica % replicaCount;
            if (s.kind === 'sync') {
              replicas[r].sync(replicas[s.other % replicaCount]);
              checkInvariant(replicas[r]);
              continue;
            }
            const c = s.client % clientCount;
            const held = pending[c];
            if (held === null) {
              pending[c] = replicas[r].read();
            } else {
              const element = nextElement++;
              const value = unionMerge([...held.values, new Set([element])]);
              replicas[r].put(value, held.context, r);
              acknowledged.push(element);
              pending[c] = null;
              checkInvariant(replicas[r]);
            }
          }
          // Converge: everyone into replica 0, then replica 0 into everyone.
          for (const rep of replicas) replicas[0].sync(rep);
          for (const rep of replicas) rep.sync(replicas[0]);
          for (const rep of replicas) {
            checkInvariant(rep);
            const final = rep.resolve(unionMerge) ?? new Set<number>();
            for (const e of acknowledged) expect(final.has(e)).toBe(true);
            expect(rep.read().values.length).toBe(replicas[0].read().values.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('would lose writes if it ordered siblings by plain vectors (why dots)', () => {
    // Two blind writes accepted by the same replica: vectors {0:1} and {0:2} compare as ordered,
    // yet neither writer saw the other.
    const key = new Siblings<string>();
    const first = key.put('first', VersionVector.empty, 0);
    const second = key.put('second', VersionVector.empty, 0);
    expect(versionVectorOf(first).compare(versionVectorOf(second))).toBe('before');
    expect(supersedes(second, first)).toBe(false);
    expect(key.read().values).toEqual(['first', 'second']);
  });
});
