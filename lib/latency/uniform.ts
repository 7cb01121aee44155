import { ParameterError } from '../errors.js';
import type { RandomStream } from '../random/index.js';
import type { BulkSampler } from './bulk.js';
import type { LatencyDistribution } from './distribution.js';
import { requireNonNegative, requireProbability } from './validate.js';

class UniformDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'uniform';
  private readonly width: number;

  constructor(
    private readonly low: number,
    private readonly high: number,
  ) {
    this.width = high - low;
  }

  sample(rng: RandomStream): number {
    return this.low + this.width * rng.nextDouble();
  }

  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    const { low, width } = this;
    for (let j = offset, end = offset + count; j < end; j++) out[j] = low + width * rng.nextDouble();
  }

  mean(): number {
    return (this.low + this.high) / 2;
  }

  cdf(x: number): number {
    if (x <= this.low) return 0;
    if (x >= this.high) return 1;
    return (x - this.low) / this.width;
  }

  quantile(p: number): number {
    requireProbability(this, p);
    return p === 1 ? this.high : this.low + this.width * p;
  }

  toString(): string {
    return `uniform(${this.low},${this.high})`;
  }
}

/**
 * The continuous uniform distribution on [lowMs, highMs].
 *
 * Reference: https://en.wikipedia.org/wiki/Continuous_uniform_distribution
 *
 * @param lowMs - the smallest delay, finite and >= 0
 * @param highMs - the largest delay, finite and > lowMs
 * @example
 * uniform(1, 5).mean(); // 3
 * uniform(1, 5).toString(); // "uniform(1,5)"
 */
export function uniform(lowMs: number, highMs: number): LatencyDistribution {
  requireNonNegative('uniform(low)', lowMs);
  if (!(Number.isFinite(highMs) && highMs > lowMs)) {
    throw new ParameterError('uniform(high)', String(highMs), `a finite number > low (${lowMs})`);
  }
  return new UniformDistribution(lowMs, highMs);
}
