/**
 * Kolmogorov–Smirnov tests: one sample against a continuous CDF, and two samples against each
 * other, with the p-value from the asymptotic Kolmogorov distribution.
 *
 * The p-value is Q_KS(λ) = 2 Σ_{k>=1} (-1)^{k-1} exp(-2 k² λ²) (Kolmogorov 1933; Smirnov 1948)
 * at λ = (√Nₑ + 0.12 + 0.11/√Nₑ) D, with Nₑ = n for one sample and n·m/(n+m) for two: the
 * small-sample correction of M. A. Stephens, "Use of the Kolmogorov–Smirnov, Cramér–Von Mises
 * and related statistics without extensive tables", JRSS B 32 (1970), as given in Press et al.,
 * Numerical Recipes, 3rd ed., §14.3.3. Good to a few percent in p for Nₑ >= 4.
 */

/** A KS test's statistic D (largest vertical gap between the two CDFs) and its p-value. */
export interface KsResult {
  /** sup |F₁(x) − F₂(x)|, in [0, 1]. */
  distance: number;
  /** P(D >= observed) under the null hypothesis (same distribution), asymptotic. */
  pValue: number;
  /** The effective sample size Nₑ. */
  effectiveN: number;
}

/** Q_KS(λ): the complementary Kolmogorov distribution function (1 at λ = 0, falling to 0). */
export function kolmogorovQ(lambda: number): number {
  if (!(lambda > 0)) return 1;
  // Below about 0.2 the alternating series converges slowly and the value is 1 to 1e-15.
  if (lambda < 0.2) return 1;
  let sum = 0;
  let sign = 1;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

function pValue(distance: number, effectiveN: number): number {
  const rootN = Math.sqrt(effectiveN);
  return kolmogorovQ((rootN + 0.12 + 0.11 / rootN) * distance);
}

function finiteSorted(samples: readonly number[], name: string): Float64Array {
  if (samples.length === 0) throw new RangeError(`${name}: a KS test needs at least one sample`);
  const sorted = Float64Array.from(samples);
  for (const x of sorted)
    if (!Number.isFinite(x)) throw new RangeError(`${name}: ${x} is not a finite number`);
  return sorted.sort();
}

/**
 * One-sample KS test of `samples` against the continuous CDF `cdf`.
 *
 * @example
 * ksOneSample(draws, (x) => 1 - Math.exp(-x)).pValue; // large if draws are Exp(1)
 */
export function ksOneSample(samples: readonly number[], cdf: (x: number) => number): KsResult {
  const x = finiteSorted(samples, 'samples');
  const n = x.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(x[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return { distance: d, pValue: pValue(d, n), effectiveN: n };
}

/**
 * Two-sample KS test: the largest gap between the empirical CDFs of `a` and `b` (ties handled by
 * stepping past every equal value in both samples before comparing).
 *
 * @example
 * ksTwoSample(measured, model); // { distance, pValue, effectiveN }
 */
export function ksTwoSample(a: readonly number[], b: readonly number[]): KsResult {
  const x = finiteSorted(a, 'first sample');
  const y = finiteSorted(b, 'second sample');
  const n = x.length;
  const m = y.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i], y[j]);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const effectiveN = (n * m) / (n + m);
  return { distance: d, pValue: pValue(d, effectiveN), effectiveN };
}
