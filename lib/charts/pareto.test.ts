import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFront, type ParetoPoint } from './pareto.js';

/** The definition, O(n^2): p is on the front iff no q dominates it. */
function bruteForce<P extends ParetoPoint>(points: readonly P[]): P[] {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  return finite.filter((p) => !finite.some((q) => q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y)));
}

describe('paretoFront', () => {
  it('keeps the non-dominated points, sorted by x (doc example)', () => {
    const pts = [
      { x: 1, y: 5 },
      { x: 2, y: 2 },
      { x: 3, y: 3 },
      { x: 4, y: 1 },
    ];
    expect(paretoFront(pts)).toEqual([
      { x: 1, y: 5 },
      { x: 2, y: 2 },
      { x: 4, y: 1 },
    ]);
  });

  it('drops points equal in one coordinate and worse in the other', () => {
    expect(
      paretoFront([
        { x: 2, y: 5 },
        { x: 1, y: 5 },
        { x: 1, y: 6 },
      ]),
    ).toEqual([{ x: 1, y: 5 }]);
  });

  it('keeps exact duplicates of a front point, returns the same objects', () => {
    const a = { x: 1, y: 1, id: 'a' };
    const b = { x: 1, y: 1, id: 'b' };
    const front = paretoFront([b, { x: 2, y: 2, id: 'c' }, a]);
    expect(front.map((p) => p.id).sort()).toEqual(['a', 'b']);
    expect(front).toContain(a);
  });

  it('ignores non-finite points and handles empty input', () => {
    expect(paretoFront([])).toEqual([]);
    expect(
      paretoFront([
        { x: NaN, y: 0 },
        { x: 3, y: Infinity },
        { x: 5, y: 5 },
      ]),
    ).toEqual([{ x: 5, y: 5 }]);
  });

  it('agrees with the O(n^2) definition', () => {
    const coord = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -10, max: 10, noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.record({ x: coord, y: coord }), { maxLength: 40 }), (pts) => {
        const got = paretoFront(pts);
        const want = bruteForce(pts);
        expect(new Set(got)).toEqual(new Set(want));
        expect(got.length).toBe(want.length);
        for (let i = 1; i < got.length; i++) {
          expect(got[i].x).toBeGreaterThanOrEqual(got[i - 1].x);
          expect(got[i].y).toBeLessThanOrEqual(got[i - 1].y);
        }
      }),
    );
  });
});
