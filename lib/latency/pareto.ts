import type { RandomStream } from '../random/index.js';
import type { LatencyDistribution } from './distribution.js';
import { requirePositive, requireProbability } from './validate.js';

class ParetoDistribution implements LatencyDistribution {
  readonly kind = 'pareto';
  private readonly negInvAlpha: number;

  constructor(
    private readonly xm: number,
    private readonly alpha: number,
  ) {
    this.negInvAlpha = -1 / alpha;
  }

  sample(rng: RandomStream): number {
    // Inversion: xm * U^(-1/alpha) with U in (0, 1].
    return this.xm * Math.pow(rng.nextOpenDouble(), this.negInvAlpha);
  }

  mean(): number {
    return this.alpha <= 1 ? Infinity : (this.alpha * this.xm) / (this.alpha - 1);
  }

  cdf(x: number): number {
    return x <= this.xm ? 0 : -Math.expm1(this.alpha * Math.log(this.xm / x));
  }

  quantile(p: number): number {
    requireProbability(this, p);
    return this.xm * Math.exp(this.negInvAlpha * Math.log1p(-p));
  }

  toString(): string {
    return `pareto(${this.xm},${this.alpha})`;
  }
}

/**
 * The Pareto (type I) distribution: P(X > x) = (xm / x)^alpha for x >= xm. Its mean is
 * alpha xm / (alpha - 1), infinite for alpha <= 1; its variance is infinite for alpha <= 2.
 *
 * Reference: https://en.wikipedia.org/wiki/Pareto_distribution
 *
 * @param xm - scale (the smallest delay) in ms, finite and > 0
 * @param alpha - shape (tail index), finite and > 0
 * @example
 * pareto(1, 3).mean(); // 1.5
 * pareto(1.05, 1.51).toString(); // "pareto(1.05,1.51)"
 */
export function pareto(xm: number, alpha: number): LatencyDistribution {
  return new ParetoDistribution(requirePositive('pareto(xm)', xm), requirePositive('pareto(alpha)', alpha));
}
