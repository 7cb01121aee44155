import { describe, expect, it } from 'vitest';
import { deriveStream } from '../random/index.js';
import { sampleQuantile, summarizeSample } from './sample-quantiles.js';

describe('sample quantiles', () => {
  it('the 95% interval of the median of Uniform(0,1) samples covers 0.5 in about 95% of samples', () => {
    let covered = 0;
    const runs = 1000;
    for (let r = 0; r < runs; r++) {
      const rng = deriveStream(21, 0, r);
      const xs = Array.from({ length: 50 }, () => rng.nextDouble()).sort((a, b) => a - b);
      const q = sampleQuantile(xs, 0.5);
      if (q.low <= 0.5 && 0.5 <= q.high) covered++;
    }
    // Exact coverage of ranks 18..33 of 50 is 0.967 (binomial); allow for 1000 runs' noise.
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.99);
  });

  it('nearest rank: the median of 1..10 is 5, p90 is 9, max 10', () => {
    const s = summarizeSample([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(s.p50.value).toBe(5);
    expect(s.p90.value).toBe(9);
    expect(s.max).toBe(10);
    expect(s.samples).toBe(10);
  });
});
