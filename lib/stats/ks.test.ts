import { describe, expect, it } from 'vitest';
import { exponential } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { kolmogorovQ, ksOneSample, ksTwoSample } from './ks.js';

/** sup |F_a − F_b| by brute force: both empirical CDFs evaluated at every sample point. */
function bruteDistance(a: number[], b: number[]): number {
  const ecdf = (s: number[], x: number) => s.filter((v) => v <= x).length / s.length;
  let d = 0;
  for (const x of [...a, ...b]) d = Math.max(d, Math.abs(ecdf(a, x) - ecdf(b, x)));
  return d;
}

describe('Kolmogorov–Smirnov', () => {
  it("Q_KS matches the Kolmogorov distribution's tabulated critical values (1.358 at 5%, 1.628 at 1%, 1.224 at 10%)", () => {
    // Smirnov's table (1948), as in Numerical Recipes §14.3.3 and scipy.special.kolmogorov.
    expect(kolmogorovQ(1.3581)).toBeCloseTo(0.05, 3);
    expect(kolmogorovQ(1.6276)).toBeCloseTo(0.01, 3);
    expect(kolmogorovQ(1.2238)).toBeCloseTo(0.1, 3);
    expect(kolmogorovQ(0)).toBe(1);
    expect(kolmogorovQ(5)).toBeLessThan(1e-20);
  });

  it('two-sample distance equals the brute-force gap of the empirical CDFs, ties included', () => {
    const rng = deriveStream(7, 0, 0);
    for (let t = 0; t < 30; t++) {
      const a = Array.from({ length: 1 + (t % 9) }, () => Math.floor(rng.nextDouble() * 6));
      const b = Array.from({ length: 1 + ((t * 5) % 11) }, () => Math.floor(rng.nextDouble() * 6));
      expect(ksTwoSample(a, b).distance).toBeCloseTo(bruteDistance(a, b), 12);
    }
  });

  it('one-sample D of a single point x is max(F(x), 1 − F(x))', () => {
    expect(ksOneSample([0.3], (x) => x).distance).toBeCloseTo(0.7, 12);
  });

  it('the p-values are about uniform under the null: 5% level rejects about 5% of true nulls (Wilson-style bound)', () => {
    const exp1 = exponential(1);
    let rejectOne = 0;
    let rejectTwo = 0;
    const runs = 400;
    for (let r = 0; r < runs; r++) {
      const rng = deriveStream(11, 1, r);
      const a = Array.from({ length: 60 }, () => exp1.sample(rng));
      const b = Array.from({ length: 80 }, () => exp1.sample(rng));
      if (ksOneSample(a, (x) => exp1.cdf(x)).pValue < 0.05) rejectOne++;
      if (ksTwoSample(a, b).pValue < 0.05) rejectTwo++;
    }
    // Binomial(400, 0.05): mean 20, sd 4.4; the two-sample discrete statistic is conservative.
    expect(rejectOne).toBeGreaterThan(6);
    expect(rejectOne).toBeLessThan(36);
    expect(rejectTwo).toBeLessThan(36);
  });

  it('rejects a shifted sample', () => {
    const exp1 = exponential(1);
    const rng = deriveStream(3, 0, 0);
    const a = Array.from({ length: 200 }, () => exp1.sample(rng) + 0.5);
    expect(ksOneSample(a, (x) => exp1.cdf(x)).pValue).toBeLessThan(1e-6);
  });
});
