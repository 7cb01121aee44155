import type { RandomStream } from '../random/index.js';
import { fillSamples, type BulkSampler } from './bulk.js';
import { ConstantDistribution } from './constant.js';
import type { LatencyDistribution } from './distribution.js';
import { requireNonNegative, requireProbability } from './validate.js';

/** offset + X for a fixed offset ({@link shifted} builds it). */
class ShiftedDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'shifted';

  constructor(
    readonly offset: number,
    readonly base: LatencyDistribution,
  ) {}

  sample(rng: RandomStream): number {
    return this.offset + this.base.sample(rng);
  }

  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    fillSamples(this.base, rng, out, offset, count);
    const shift = this.offset;
    for (let j = offset, end = offset + count; j < end; j++) out[j] = shift + out[j];
  }

  mean(): number {
    return this.offset + this.base.mean();
  }

  cdf(x: number): number {
    return this.base.cdf(x - this.offset);
  }

  quantile(p: number): number {
    requireProbability(this, p);
    return this.offset + this.base.quantile(p);
  }

  toString(): string {
    return `const(${this.offset})+${this.base}`;
  }
}

/**
 * A distribution moved right by a fixed delay: offsetMs + X. Its text form is `const(c)+D`
 * (e.g. a fixed propagation delay plus a random queueing delay).
 *
 * The result is kept canonical, so its text reads back to the same thing: shifting a shifted
 * distribution adds the offsets, and shifting a constant gives a constant.
 *
 * Reference: https://en.wikipedia.org/wiki/Location_parameter
 *
 * @param offsetMs - the fixed delay in ms, finite and >= 0
 * @param distribution - the random part
 * @example
 * shifted(75, exponential(0.2)).toString(); // "const(75)+exp(0.2)"
 * shifted(75, exponential(0.2)).mean(); // 80
 */
export function shifted(offsetMs: number, distribution: LatencyDistribution): LatencyDistribution {
  requireNonNegative('shifted(offset)', offsetMs);
  if (distribution instanceof ConstantDistribution)
    return new ConstantDistribution(offsetMs + distribution.value);
  if (distribution instanceof ShiftedDistribution) {
    return new ShiftedDistribution(offsetMs + distribution.offset, distribution.base);
  }
  return new ShiftedDistribution(offsetMs, distribution);
}
