import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VersionVector } from './version-vector.js';

/** Small vectors over a few actors, so that equal and ordered pairs come up often. */
const vector = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), { maxLength: 6 })
  .map((entries) => VersionVector.from(entries));

/** The reference order, computed from dense counters. */
function naiveCompare(a: VersionVector, b: VersionVector): string {
  let le = true;
  let ge = true;
  for (let id = 0; id <= 4; id++) {
    if (a.get(id) > b.get(id)) le = false;
    if (a.get(id) < b.get(id)) ge = false;
  }
  if (le && ge) return 'equal';
  if (le) return 'before';
  if (ge) return 'after';
  return 'concurrent';
}

describe('VersionVector', () => {
  it('works through the class example', () => {
    const a = VersionVector.empty.increment(0).increment(0);
    const b = a.increment(1);
    expect(a.toString()).toBe('{0:2}');
    expect(a.compare(b)).toBe('before');
    expect(b.compare(a)).toBe('after');
    expect(a.increment(2).compare(b)).toBe('concurrent');
    expect(a.increment(2).merge(b).toString()).toBe('{0:2, 1:1, 2:1}');
    expect(VersionVector.from({ 0: 2, 3: 1 }).entries()).toEqual([
      [0, 2],
      [3, 1],
    ]);
    expect(
      VersionVector.from([
        [1, 4],
        [0, 1],
        [1, 2],
        [5, 0],
      ]).toString(),
    ).toBe('{0:1, 1:4}');
    expect(JSON.stringify(VersionVector.from({ 0: 1 }))).toBe('{"0":1}');
    expect(VersionVector.from({ 0: 7 }).raise(0, 5).get(0)).toBe(7);
    expect(VersionVector.from({ 0: 1 }).raise(3, 5).toString()).toBe('{0:1, 3:5}');
    expect(() => VersionVector.empty.increment(-1)).toThrow(RangeError);
    expect(() => VersionVector.from({ 0: -1 })).toThrow(RangeError);
  });

  it('compares as the dense pointwise order does', () => {
    fc.assert(
      fc.property(vector, vector, (a, b) => {
        expect(a.compare(b)).toBe(naiveCompare(a, b));
        expect(a.descends(b)).toBe(['after', 'equal'].includes(naiveCompare(a, b)));
      }),
    );
  });

  it('is a partial order: reflexive, antisymmetric, transitive', () => {
    fc.assert(
      fc.property(vector, vector, vector, (a, b, c) => {
        expect(a.compare(a)).toBe('equal');
        if (a.descends(b) && b.descends(a)) expect(a.equals(b)).toBe(true);
        if (a.descends(b) && b.descends(c)) expect(a.descends(c)).toBe(true);
        const flip = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' } as const;
        expect(b.compare(a)).toBe(flip[a.compare(b)]);
      }),
    );
  });

  it('merges to the least upper bound: commutative, associative, idempotent', () => {
    fc.assert(
      fc.property(vector, vector, vector, (a, b, c) => {
        const ab = a.merge(b);
        expect(ab.equals(b.merge(a))).toBe(true);
        expect(ab.merge(c).equals(a.merge(b.merge(c)))).toBe(true);
        expect(a.merge(a).equals(a)).toBe(true);
        expect(ab.descends(a) && ab.descends(b)).toBe(true);
        // Least: any upper bound of both descends the merge.
        if (c.descends(a) && c.descends(b)) expect(c.descends(ab)).toBe(true);
        for (let id = 0; id <= 4; id++) expect(ab.get(id)).toBe(Math.max(a.get(id), b.get(id)));
      }),
    );
  });

  it('increments one actor strictly above the old vector', () => {
    fc.assert(
      fc.property(vector, fc.integer({ min: 0, max: 6 }), (a, id) => {
        const b = a.increment(id);
        expect(a.compare(b)).toBe('before');
        expect(b.get(id)).toBe(a.get(id) + 1);
        expect(b.covers(id, a.get(id) + 1)).toBe(true);
        expect(a.covers(id, a.get(id) + 1)).toBe(false);
      }),
    );
  });

  it('mergeWithDot is merge of the raised vector; total is the sum of the counters', () => {
    fc.assert(
      fc.property(
        vector,
        vector,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        (a, b, id, c) => {
          const fast = a.mergeWithDot(b, id, c);
          const slow = a.merge(b.raise(id, c));
          expect(fast.toString()).toBe(slow.toString());
          expect(fast.total()).toBe(slow.entries().reduce((sum, [, n]) => sum + n, 0));
          expect(a.raise(id, c + 1).toString()).toBe(
            VersionVector.from([...a.entries(), [id, Math.max(a.get(id), c + 1)]]).toString(),
          );
        },
      ),
    );
  });
});
