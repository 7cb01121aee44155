import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GridLocator } from './grid-locator.js';

/** The reference: binary search for the first k with grid[k] >= t (grid.length if none). */
function lowerBound(grid: Float64Array, t: number): number {
  let low = 0;
  let high = grid.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (grid[mid] >= t) high = mid;
    else low = mid + 1;
  }
  return low;
}

const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('GridLocator gives the lower bound a binary search gives', () => {
  it('random ascending grids (uneven spacing, duplicates) and values (on, between and outside the points)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            value,
            fc.integer({ min: -5, max: 5 }).map((k) => k / 4),
          ),
          { minLength: 0, maxLength: 60 },
        ),
        fc.array(
          fc.oneof(
            value,
            fc.integer({ min: -8, max: 8 }).map((k) => k / 4),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (points, ts) => {
          const grid = Float64Array.from(points).sort();
          const locator = new GridLocator(grid);
          for (const t of [...ts, ...points]) expect(locator.locate(t), `t = ${t}`).toBe(lowerBound(grid, t));
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });

  it('the 0:200:1 grid of the staleness curves, and special values', () => {
    const grid = Float64Array.from({ length: 201 }, (_, i) => i);
    const locator = new GridLocator(grid);
    for (const t of [-1, -0, 0, 1e-300, 0.5, 1, 199.999, 200, 200.0001, Infinity, -Infinity, NaN]) {
      expect(locator.locate(t), `t = ${t}`).toBe(lowerBound(grid, t));
    }
    const single = new GridLocator(Float64Array.of(3));
    expect([single.locate(2), single.locate(3), single.locate(4)]).toEqual([0, 0, 1]);
    expect(new GridLocator(new Float64Array(0)).locate(1)).toBe(0);
    const infinite = Float64Array.of(-Infinity, 0, 5, Infinity);
    const l = new GridLocator(infinite);
    for (const t of [-Infinity, -1, 0, 3, 5, 6, Infinity])
      expect(l.locate(t), `t = ${t}`).toBe(lowerBound(infinite, t));
  });
});
