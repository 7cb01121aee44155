/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z_95 = 1.959963984540054;

/** A proportion with its confidence interval. */
export interface ProportionEstimate {
  /** successes / trials (NaN when trials is 0). */
  p: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
}

/**
 * The Wilson score interval for a binomial proportion.
 *
 * Unlike the normal-approximation (Wald) interval it stays inside [0, 1] and keeps its coverage
 * near 0 and 1, which is where staleness probabilities live.
 * Reference: E. B. Wilson, Probable inference, the law of succession, and statistical inference,
 * JASA 22(158):209-212, 1927; https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval
 *
 * @param successes - number of successes, 0 <= successes <= trials
 * @param trials - number of trials
 * @param z - the normal quantile for the confidence level (default 95%)
 * @example
 * wilsonInterval(940, 1000); // { p: 0.94, low: 0.9234..., high: 0.9533... }
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): ProportionEstimate {
  if (trials <= 0) return { p: Number.NaN, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At the edges the exact bounds are 0 and 1; clamp the rounding residue.
  return {
    p,
    low: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}
