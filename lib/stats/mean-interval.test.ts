import { describe, expect, it } from 'vitest';
import { meanInterval } from './mean-interval.js';

describe('meanInterval', () => {
  it('is mean +- 1.96 s / sqrt(n) with the n - 1 sample variance', () => {
    // Samples 1, 1, 3, 3: mean 2, mean of squares 5, s^2 = (1 + 1 + 1 + 1) / 3 = 4/3.
    const { low, high } = meanInterval(2, 5, 4);
    const half = 1.959963984540054 * Math.sqrt(4 / 3 / 4);
    expect(low).toBeCloseTo(2 - half, 12);
    expect(high).toBeCloseTo(2 + half, 12);
  });

  it('clamps the low end to the floor, and has no ends below two samples', () => {
    expect(meanInterval(0.1, 1, 100, { floor: 0 }).low).toBe(0);
    expect(meanInterval(3, 9, 1)).toEqual({ low: null, high: null });
    expect(meanInterval(0, 0, 50, { floor: 0 })).toEqual({ low: 0, high: 0 });
  });
});
