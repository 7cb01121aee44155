import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import { LogHistogram, LOG_HISTOGRAM_RELATIVE_ERROR } from './log-histogram.js';
import { deriveStream } from '../random/index.js';

/** The exact p-quantile as the sketch defines it: the ceil(p n)-th smallest value. */
function exactOrderStatistic(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length - 1e-9)) - 1];
}

describe('LogHistogram', () => {
  it('reports every quantile within its relative error of the exact order statistic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-4, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const h = new LogHistogram();
          values.forEach((v) => h.record(v));
          const sorted = [...values].sort((a, b) => a - b);
          const exact = exactOrderStatistic(sorted, p);
          expect(Math.abs(h.quantile(p) - exact)).toBeLessThanOrEqual(
            exact * LOG_HISTOGRAM_RELATIVE_ERROR * 1.0001,
          );
        },
      ),
    );
  });

  it('agrees with simple-statistics on a large sample', () => {
    const values = Array.from({ length: 100001 }, (_, i) => 0.01 * 1.0001 ** i);
    const h = new LogHistogram();
    values.forEach((v) => h.record(v));
    for (const p of [0.5, 0.9, 0.99, 0.999]) {
      const reference = quantileSorted(values, p);
      expect(Math.abs(h.quantile(p) - reference) / reference).toBeLessThan(2 * LOG_HISTOGRAM_RELATIVE_ERROR);
    }
  });

  it('counts values <= 0 as zero and merges exactly in any order', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    [-3, 0, 1, 2].forEach((v) => a.record(v));
    [5, 1e12].forEach((v) => b.record(v));
    expect(a.quantile(0.5)).toBe(0);
    const ab = LogHistogram.from(a);
    ab.merge(b);
    const ba = LogHistogram.from(b);
    ba.merge(a);
    expect(ab.total).toBe(6);
    expect(ab.overflowCount).toBe(1);
    expect([...ab.counts]).toEqual([...ba.counts]);
    expect(ab.quantile(1)).toBe(1e12);
    expect(ab.quantile(0.5)).toBe(ba.quantile(0.5));
  });

  it('refuses NaN and is NaN when empty', () => {
    expect(new LogHistogram().quantile(0.5)).toBeNaN();
    expect(() => new LogHistogram().record(Number.NaN)).toThrow(/NaN/);
  });

  it('quantileInterval covers the true quantile about 95% of the time', () => {
    // Exp(1): the 0.9-quantile is ln 10 and the 0.99-quantile ln 100.
    for (const [p, truth] of [
      [0.9, Math.log(10)],
      [0.99, Math.log(100)],
    ]) {
      const repetitions = 400;
      let covered = 0;
      for (let k = 0; k < repetitions; k++) {
        const rng = deriveStream(17, k, 0);
        const h = new LogHistogram();
        for (let i = 0; i < 3000; i++) h.record(-Math.log(rng.nextOpenDouble()));
        const { low, high } = h.quantileInterval(p);
        expect(low).toBeLessThanOrEqual(h.quantile(p));
        expect(high).toBeGreaterThanOrEqual(h.quantile(p));
        if (low <= truth && truth <= high) covered++;
      }
      // 95% nominal; a binomial 4.5-sigma band around it (the order-statistic interval is slightly conservative).
      const band = 4.5 * Math.sqrt((0.95 * 0.05) / repetitions);
      expect(covered / repetitions).toBeGreaterThan(0.95 - band);
      expect(covered / repetitions).toBeLessThan(Math.min(1, 0.95 + band + 0.02));
    }
  });
});
