import { Z_95 } from './wilson.js';

/**
 * The normal-approximation (Student-free, large-sample) confidence interval of a mean, from the
 * sample mean, the mean of the squared samples and the sample count: mean +- z s / sqrt(n), with s
 * the sample standard deviation (n - 1 in its denominator). Kept as (mean, mean of squares, n) so
 * batches pool by weighted means before the interval is formed. `floor` clamps the low end (a
 * quantity that cannot be negative); null ends when n < 2 (no spread to estimate).
 *
 * Reference: the central limit theorem interval, e.g. L. Wasserman, All of Statistics (2004),
 * Theorem 6.16 / Example 6.17 (the normal-based interval for a mean).
 *
 * @example
 * meanInterval(2, 5, 4); // s^2 = 4/3 (5 - 4) = 1.333..., half width 1.96 x 0.577... = 1.1316: { low: 0.868..., high: 3.131... }
 */
export function meanInterval(
  mean: number,
  meanSquare: number,
  n: number,
  options: { z?: number; floor?: number } = {},
): { low: number | null; high: number | null } {
  if (!(n >= 2)) return { low: null, high: null };
  const variance = Math.max(0, (n / (n - 1)) * (meanSquare - mean * mean));
  const half = (options.z ?? Z_95) * Math.sqrt(variance / n);
  const floor = options.floor ?? -Infinity;
  return { low: Math.max(floor, mean - half), high: mean + half };
}
