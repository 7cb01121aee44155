import type { RandomStream } from '../random/index.js';
import { randomBits } from '../random/stream.js';
import type { BulkSampler } from './bulk.js';
import type { LatencyDistribution } from './distribution.js';
import { requirePositive, requireProbability } from './validate.js';
import { unitExponentialZiggurat, type Ziggurat } from './ziggurat.js';

class ExponentialDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'exp';
  /** 1/rate: a unit exponential times this is Exp(rate). */
  private readonly scale: number;
  /** Marsaglia and Tsang's ziggurat for Exp(1), used by fill: 99.66% of draws need no logarithm (inversion: one each). */
  private readonly ziggurat: Ziggurat;

  constructor(private readonly rate: number) {
    this.scale = 1 / rate;
    this.ziggurat = unitExponentialZiggurat();
  }

  sample(rng: RandomStream): number {
    // Inversion, -ln(U)/rate with U in (0, 1]: one uniform per draw, so single draws (the event
    // kernel, recorded traces) keep their stream. Bulk draws use the ziggurat (fill).
    return -Math.log(rng.nextOpenDouble()) / this.rate;
  }

  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    this.ziggurat.fill(randomBits(rng), out, offset, count, this.scale, 0);
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
 * The exponential distribution with `rate` events per ms (mean 1/rate ms). Single draws invert the
 * CDF; bulk draws (`fill`) come from the ziggurat method, scaled by 1/rate. Both are exact.
 *
 * References: https://en.wikipedia.org/wiki/Exponential_distribution ; G. Marsaglia, W. W. Tsang,
 * "The Ziggurat Method for Generating Random Variables", Journal of Statistical Software 5(8) (2000).
 *
 * @param rate - the rate per ms, finite and > 0
 * @example
 * exponential(0.5).quantile(0.5); // 2 ln 2 = 1.3862943611198906
 * exponential(0.183).toString(); // "exp(0.183)"
 */
export function exponential(rate: number): LatencyDistribution {
  return new ExponentialDistribution(requirePositive('exp(rate)', rate));
}
