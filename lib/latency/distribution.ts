import type { RandomStream } from '../random/index.js';

/**
 * A message-delay (or service-time) distribution in milliseconds.
 *
 * Every distribution samples exactly (inverse CDF or an exact transform, no approximation
 * in the draw) and reports its analytic mean, CDF and quantiles where they exist.
 * `toString()` gives the canonical text form, which {@link parseLatency} reads back to an equal
 * distribution.
 */
export interface LatencyDistribution {
  /** The distribution's family, e.g. `'exp'`, `'pareto'`, `'mix'`. */
  readonly kind: string;
  /** One draw, in ms (never negative). */
  sample(rng: RandomStream): number;
  /** The analytic mean in ms (`Infinity` where it diverges, e.g. Pareto with alpha <= 1). */
  mean(): number;
  /** P(X <= x). */
  cdf(x: number): number;
  /** The p-quantile in ms, for p in [0, 1] (inverse CDF; numeric inversion for mixtures). */
  quantile(p: number): number;
  /** The canonical text form, e.g. `mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))`. */
  toString(): string;
}
