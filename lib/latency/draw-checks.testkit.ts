// Shared statistical checks for the latency tests (sample() and the bulk fill path).
// A .testkit.ts file is test support: tsconfig leaves it out of the build.
import { expect } from 'vitest';
import type { LatencyDistribution } from './distribution.js';

/** How many of the sorted xs are < x (strict) or <= x. */
export function countBelow(xs: Float64Array, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (inclusive ? xs[mid] <= x : xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For each p, the share of the sorted draws at or below quantile(p) is at least p, and the share
 * strictly below it at most p, each within a 4.5 sigma binomial band.
 */
export function expectQuantileBands(
  xs: Float64Array,
  d: LatencyDistribution,
  ps: readonly number[],
  label: string,
): void {
  const n = xs.length;
  for (const p of ps) {
    const q = d.quantile(p);
    const band = 4.5 * Math.sqrt((p * (1 - p)) / n);
    expect(countBelow(xs, q, true) / n, `${label}: P(X <= q(${p}))`).toBeGreaterThanOrEqual(p - band);
    expect(countBelow(xs, q, false) / n, `${label}: P(X < q(${p}))`).toBeLessThanOrEqual(p + band);
  }
}

/** The sample mean within 5 standard errors of mean(), where the variance is finite (NaN: skipped). */
export function expectMeanWithinFiveSe(
  xs: Float64Array,
  d: LatencyDistribution,
  variance: number,
  label: string,
): void {
  if (!Number.isFinite(variance)) return;
  let sum = 0;
  for (const x of xs) sum += x;
  const m = d.mean();
  const tolerance = 5 * Math.sqrt(variance / xs.length) + 1e-12 * Math.abs(m);
  expect(Math.abs(sum / xs.length - m), `${label}: sample mean vs mean() ${m}`).toBeLessThanOrEqual(
    tolerance,
  );
}
