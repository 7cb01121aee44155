import { describe, expect, it } from 'vitest';
import { probabilityDomain, uniqueInOrder } from './spec.js';

describe('probabilityDomain', () => {
  it('rounds outward to a 1-2-5 step (doc examples)', () => {
    expect(probabilityDomain([0.35, 0.6, 1])).toEqual([0.3, 1]);
    expect(probabilityDomain([0.972, 0.999])).toEqual([0.97, 1]);
  });
  it('contains every value and stays in [0, 1]', () => {
    for (const values of [
      [0.001, 0.5],
      [0.42, 0.43],
      [0, 1],
      [0.999, 0.9999],
      [-0.01, 1.02],
    ]) {
      const [lo, hi] = probabilityDomain(values);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      expect(lo).toBeLessThan(hi);
      for (const v of values) expect(Math.min(Math.max(v, 0), 1)).toBeGreaterThanOrEqual(lo);
      for (const v of values) expect(Math.min(Math.max(v, 0), 1)).toBeLessThanOrEqual(hi);
    }
  });
  it('falls back to [0, 1] without finite values, and widens a single value', () => {
    expect(probabilityDomain([])).toEqual([0, 1]);
    expect(probabilityDomain([NaN])).toEqual([0, 1]);
    const [lo, hi] = probabilityDomain([1, 1]);
    expect(hi).toBe(1);
    expect(lo).toBeLessThan(1);
  });
});

describe('uniqueInOrder', () => {
  it('keeps first appearance order', () => {
    expect(uniqueInOrder(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
  });
});
