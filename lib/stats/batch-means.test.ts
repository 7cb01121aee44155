import { mean, sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { deriveStream } from '../random/index.js';
import { BatchMeans, combineMeanEstimates, MEAN_BATCHES, T_975_29 } from './batch-means.js';

describe('BatchMeans', () => {
  it('covers the true mean of independent exponential samples about 95% of the time', () => {
    // 400 runs of 3000 exp(0.1) samples (mean 10): the count of intervals covering 10 is
    // binomial(400, 0.95), mean 380, sd 4.4; accept 4.5 sd around it.
    const rng = deriveStream(11);
    let covered = 0;
    for (let run = 0; run < 400; run++) {
      const b = new BatchMeans(3000);
      for (let i = 0; i < 3000; i++) b.add(-Math.log(rng.nextOpenDouble()) * 10, i);
      const e = b.estimate();
      expect(e.batches).toBe(MEAN_BATCHES);
      if ((e.low as number) <= 10 && 10 <= (e.high as number)) covered++;
    }
    expect(covered).toBeGreaterThan(380 - 4.5 * 4.36);
    expect(covered).toBeLessThan(380 + 4.5 * 4.36);
  });

  it('pools two runs as the t interval of all their batch means, computed directly', () => {
    const rng = deriveStream(12);
    const runs = [new BatchMeans(600), new BatchMeans(600)];
    const batchMeans: number[] = [];
    for (const b of runs) {
      const sums = new Array<number>(MEAN_BATCHES).fill(0);
      for (let i = 0; i < 600; i++) {
        const x = rng.nextDouble() * 4;
        b.add(x, i);
        sums[Math.floor(i / 20)] += x;
      }
      batchMeans.push(...sums.map((s) => s / 20));
    }
    const pooled = combineMeanEstimates(runs[0].estimate(), runs[1].estimate());
    const m = mean(batchMeans);
    const half = (T_975_29 * sampleStandardDeviation(batchMeans)) / Math.sqrt(batchMeans.length);
    expect(pooled.batches).toBe(60);
    expect(pooled.mean).toBeCloseTo(m, 12);
    expect(pooled.low).toBeCloseTo(m - half, 12);
    expect(pooled.high).toBeCloseTo(m + half, 12);
  });

  it('gives no interval without two batches', () => {
    expect(new BatchMeans(10).estimate()).toEqual({
      mean: null,
      low: null,
      high: null,
      batches: 0,
      sd: null,
    });
    const one = new BatchMeans(10);
    one.add(3, 0);
    expect(one.estimate()).toMatchObject({ mean: 3, low: null, batches: 1 });
  });
});
