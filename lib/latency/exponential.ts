import type { RandomStream } from '../random/index.js';
import type { LatencyDistribution } from './distribution.js';
import { requirePositive, requireProbability } from './validate.js';

class ExponentialDistribution implements LatencyDistribution {
  readonly kind = 'exp';

  constructor(private readonly rate: number) {}

  sample(rng: RandomStream): number {
    // Inversion: -ln(U)/rate with U in (0, 1], so the log is finite.
    return -Math.log(rng.nextOpenDouble()) / this.rate;
  }

  mean(): number {
    return 1 / this.rate;
  }

  cdf(x: number): number {
    return x <= 0 ? 0 : -Math.expm1(-this.rate * x);
  }

  quantile(p: number): number {
    requireProbability(this, p);
    return -Math.log1p(-p) / this.rate;
  }

  toString(): string {
    return `exp(${this.rate})`;
  }
}

/**
 * The exponential distribution with `rate` events per ms (mean 1/rate ms).
 *
 * Reference: https://en.wikipedia.org/wiki/Exponential_distribution
 *
 * @param rate - the rate per ms, finite and > 0
 * @example
 * exponential(0.5).quantile(0.5); // 2 ln 2 = 1.3862943611198906
 * exponential(0.183).toString(); // "exp(0.183)"
 */
export function exponential(rate: number): LatencyDistribution {
  return new ExponentialDistribution(requirePositive('exp(rate)', rate));
}
