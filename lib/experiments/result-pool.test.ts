import { describe, expect, it } from 'vitest';
import { deriveStream } from '../random/index.js';
import { LogHistogram, wilsonInterval } from '../stats/index.js';
import { seedFromStream } from './batch.js';
import { pooledRate, ResultPool, type ResultBatchSummary } from './result-pool.js';

function histogram(values: number[]): LogHistogram {
  const h = new LogHistogram();
  for (const v of values) h.record(v);
  return h;
}

function batch(result: Record<string, unknown>, latencies: number[], weight: number): ResultBatchSummary {
  return { trials: 1, result, histograms: { latency: histogram(latencies) }, weights: { mean_size: weight } };
}

const RULES = {
  sum: ['reads', 'by_dc'],
  max: ['worst'],
  every: ['converged'],
  weighted: ['mean_size'],
  meanOfSet: ['convergence_ms'],
  histograms: { latency: (h: LogHistogram) => ({ p50: h.quantile(0.5), samples: h.total }) },
  derived: { stale_fraction: pooledRate('stale') },
};

describe('ResultPool', () => {
  const first = {
    reads: 10,
    by_dc: [1, 2],
    worst: 3,
    converged: true,
    mean_size: 1.5,
    convergence_ms: null,
    series: [1, 2],
    stale_fraction: 0.1,
    latency: { p50: 0, samples: 0 },
    intervals: { stale: { count: 1, of: 10 } },
  };
  const second = {
    reads: 30,
    by_dc: [0, 5],
    worst: 7,
    converged: false,
    mean_size: 1,
    convergence_ms: 40,
    series: [3],
    stale_fraction: 0.1,
    latency: { p50: 0, samples: 0 },
    intervals: { stale: { count: 3, of: 30 } },
  };

  it('pools by rule: sums (elementwise for arrays), maxima, every, weighted means, means of set values, merged histograms, pooled intervals', () => {
    const pool = new ResultPool(RULES);
    pool.add(batch(first, [1, 2, 3], 4));
    pool.add(batch(second, [10, 20, 30, 40, 50], 12));
    const r = pool.result() as Record<string, any>;
    expect(r.reads).toBe(40);
    expect(r.by_dc).toEqual([1, 7]);
    expect(r.worst).toBe(7);
    expect(r.converged).toBe(false);
    expect(r.mean_size).toBeCloseTo((1.5 * 4 + 1 * 12) / 16, 15);
    expect(r.convergence_ms).toBe(40);
    expect(r.latency).toEqual({ p50: histogram([1, 2, 3, 10, 20, 30, 40, 50]).quantile(0.5), samples: 8 });
    const stale = wilsonInterval(4, 40);
    expect(r.intervals.stale).toMatchObject({ count: 4, of: 40, low: stale.low, high: stale.high });
    expect(r.stale_fraction).toBe(0.1);
    expect(r.series).toBeNull(); // no rule: a per-run value, empty once several runs pool
    expect(pool.trials()).toBe(2);
    expect(pool.interval('stale').high - pool.interval('stale').low).toBeCloseTo(stale.high - stale.low, 15);
  });

  it('one batch gives its own result back (values without a rule kept)', () => {
    const pool = new ResultPool(RULES);
    pool.add(batch(second, [10, 20], 3));
    const r = pool.result() as Record<string, any>;
    expect(r.series).toEqual([3]);
    expect(r.reads).toBe(30);
    expect(r.mean_size).toBe(1);
    expect(r.latency).toEqual({ p50: histogram([10, 20]).quantile(0.5), samples: 2 });
  });

  it('a fold rule pools its field its own way, in batch order (one batch: the value it folds to alone)', () => {
    const concat = {
      add: (s: number[] | undefined, v: unknown) => [...(s ?? []), ...(v as number[])],
      result: (s: number[]) => s.join('|'),
    };
    const pool = new ResultPool({ ...RULES, fold: { series: concat } });
    pool.add(batch(first, [1], 1));
    expect((pool.result() as Record<string, any>).series).toBe('1|2');
    pool.add(batch(second, [2], 1));
    expect((pool.result() as Record<string, any>).series).toBe('1|2|3');
  });

  it('a thousand batches pool into the same fixed state: counts exact, one histogram, no per-batch memory', () => {
    const a = new ResultPool(RULES);
    for (let i = 0; i < 1000; i++) a.add(batch(i % 2 === 0 ? first : second, [i + 1], 1));
    const r = a.result() as Record<string, any>;
    expect(r.reads).toBe(500 * 10 + 500 * 30);
    expect(r.latency.samples).toBe(1000);
    expect(r.intervals.stale).toMatchObject({ count: 2000, of: 20000 });
  });
});

describe('seedFromStream', () => {
  it('is a safe integer fixed by (seed, cell, batch), and distinct batches give distinct seeds', () => {
    const seeds = new Set<number>();
    for (let batch = 0; batch < 2000; batch++) {
      const s = seedFromStream(deriveStream(1, 3, batch));
      expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
      seeds.add(s);
    }
    expect(seeds.size).toBe(2000);
    expect(seedFromStream(deriveStream(1, 3, 7))).toBe(seedFromStream(deriveStream(1, 3, 7)));
    expect(seedFromStream(deriveStream(2, 3, 7))).not.toBe(seedFromStream(deriveStream(1, 3, 7)));
  });
});
