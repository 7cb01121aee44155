import type { RandomStream } from '../random/index.js';
import type { BulkSampler } from './bulk.js';
import type { LatencyDistribution } from './distribution.js';
import { normalCdf, normalQuantile, standardNormal } from './standard-normal.js';
import { requireFinite, requirePositive, requireProbability } from './validate.js';

class LognormalDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'lognormal';

  constructor(
    private readonly mu: number,
    private readonly sigma: number,
  ) {}

  sample(rng: RandomStream): number {
    return Math.exp(this.mu + this.sigma * standardNormal(rng));
  }

  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    for (let j = offset, end = offset + count; j < end; j++) out[j] = this.sample(rng);
  }

  mean(): number {
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }

  cdf(x: number): number {
    return x <= 0 ? 0 : normalCdf((Math.log(x) - this.mu) / this.sigma);
  }

  quantile(p: number): number {
    requireProbability(this, p);
    return Math.exp(this.mu + this.sigma * normalQuantile(p));
  }

  toString(): string {
    return `lognormal(${this.mu},${this.sigma})`;
  }
}

/**
 * The log-normal distribution: exp(mu + sigma Z) for a standard normal Z, so `mu` and `sigma` are
 * the mean and standard deviation of the delay's logarithm (ln ms), not of the delay.
 *
 * Reference: https://en.wikipedia.org/wiki/Log-normal_distribution
 *
 * @param mu - mean of ln(delay), finite
 * @param sigma - standard deviation of ln(delay), finite and > 0
 * @example
 * lognormal(0, 1).mean(); // e^0.5 = 1.6487212707001282
 * lognormal(0, 1).quantile(0.5); // 1
 */
export function lognormal(mu: number, sigma: number): LatencyDistribution {
  return new LognormalDistribution(
    requireFinite('lognormal(mu)', mu),
    requirePositive('lognormal(sigma)', sigma),
  );
}
