import type { RandomStream } from '../random/index.js';
import type { BulkSampler } from './bulk.js';
import type { LatencyDistribution } from './distribution.js';
import { requireNonNegative, requireProbability } from './validate.js';

/** A point mass at one value. */
export class ConstantDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'const';

  constructor(readonly value: number) {}

  sample(_rng: RandomStream): number {
    return this.value;
  }

  fill(_rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    out.fill(this.value, offset, offset + count);
  }

  mean(): number {
    return this.value;
  }

  cdf(x: number): number {
    return x >= this.value ? 1 : 0;
  }

  quantile(p: number): number {
    requireProbability(this, p);
    return this.value;
  }

  toString(): string {
    return `const(${this.value})`;
  }
}

/**
 * A constant delay (a degenerate distribution): every draw is `valueMs`.
 *
 * Reference: https://en.wikipedia.org/wiki/Degenerate_distribution
 *
 * @param valueMs - the delay in ms, finite and >= 0
 * @example
 * constant(75).toString(); // "const(75)"
 * constant(75).quantile(0.99); // 75
 */
export function constant(valueMs: number): LatencyDistribution {
  return new ConstantDistribution(requireNonNegative('const(value)', valueMs));
}
