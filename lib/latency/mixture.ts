import { ParameterError } from '../errors.js';
import type { RandomStream } from '../random/index.js';
import type { LatencyDistribution } from './distribution.js';
import { requireProbability } from './validate.js';

/** One component of a {@link mixture}: drawn from with probability `weight`. */
export interface MixtureComponent {
  /** The probability of drawing from this component, > 0; the weights of a mixture sum to 1. */
  weight: number;
  /** The component's distribution. */
  distribution: LatencyDistribution;
}

/** How far the weights may sum from 1. */
const WEIGHT_TOLERANCE = 1e-9;
/** Bisection stops when the bracket is this narrow relative to its upper end. */
const QUANTILE_RELATIVE_TOLERANCE = 1e-12;

class MixtureDistribution implements LatencyDistribution {
  readonly kind = 'mix';
  private readonly weights: Float64Array;
  private readonly parts: LatencyDistribution[];
  /** cumulative[i] = w_0 + ... + w_i, with the last entry forced to 1 so every u in [0,1) finds a part. */
  private readonly cumulative: Float64Array;

  constructor(components: readonly MixtureComponent[]) {
    const k = components.length;
    this.weights = new Float64Array(k);
    this.parts = new Array<LatencyDistribution>(k);
    this.cumulative = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      this.weights[i] = components[i].weight;
      this.parts[i] = components[i].distribution;
      total += components[i].weight;
      this.cumulative[i] = total;
    }
    this.cumulative[k - 1] = 1;
  }

  sample(rng: RandomStream): number {
    const u = rng.nextDouble();
    const cumulative = this.cumulative;
    const last = cumulative.length - 1;
    let i = 0;
    while (i < last && u >= cumulative[i]) i++;
    return this.parts[i].sample(rng);
  }

  mean(): number {
    let m = 0;
    for (let i = 0; i < this.parts.length; i++) m += this.weights[i] * this.parts[i].mean();
    return m;
  }

  cdf(x: number): number {
    let f = 0;
    for (let i = 0; i < this.parts.length; i++) f += this.weights[i] * this.parts[i].cdf(x);
    return Math.min(1, f);
  }

  /**
   * inf{x : F(x) >= p} by bisection. The answer lies between the smallest and the largest
   * component p-quantile: below the smallest every component CDF is < p, at the largest each is >= p.
   */
  quantile(p: number): number {
    requireProbability(this, p);
    let lo = Infinity;
    let hi = -Infinity;
    for (const part of this.parts) {
      const q = part.quantile(p);
      if (q < lo) lo = q;
      if (q > hi) hi = q;
    }
    if (p === 0) return lo;
    if (p === 1 || this.cdf(lo) >= p) return p === 1 ? hi : lo;
    // Invariant: F(lo) < p <= F(hi).
    for (let i = 0; i < 200 && hi - lo > QUANTILE_RELATIVE_TOLERANCE * hi; i++) {
      const mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      if (this.cdf(mid) >= p) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  toString(): string {
    return `mix(${this.parts.map((part, i) => `${this.weights[i]}:${part}`).join(',')})`;
  }
}

/**
 * A finite mixture: each draw picks component i with probability `weight_i`, then draws from it.
 * The CDF and mean are the weighted sums of the components'; quantiles are found by bisection on
 * the CDF to 1e-12 relative.
 *
 * Reference: https://en.wikipedia.org/wiki/Mixture_distribution
 *
 * @param components - at least one, every weight finite and > 0, weights summing to 1 (within 1e-9)
 * @example
 * const d = mixture([
 *   { weight: 0.38, distribution: pareto(1.05, 1.51) },
 *   { weight: 0.62, distribution: exponential(0.183) },
 * ]);
 * d.toString(); // "mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))"
 */
export function mixture(components: readonly MixtureComponent[]): LatencyDistribution {
  if (!Array.isArray(components) || components.length === 0) {
    throw new ParameterError('mix(components)', 'none', 'at least one weight:distribution component');
  }
  let total = 0;
  for (const { weight, distribution } of components) {
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new ParameterError('mix(weight)', String(weight), 'a finite number > 0');
    }
    if (distribution === null || typeof distribution !== 'object' || typeof distribution.sample !== 'function') {
      throw new ParameterError('mix(distribution)', String(distribution), 'a latency distribution');
    }
    total += weight;
  }
  if (!(Math.abs(total - 1) <= WEIGHT_TOLERANCE)) {
    const given = `${components.map((c) => c.weight).join('+')} = ${total}`;
    throw new ParameterError('mix(weights)', given, `weights that sum to 1 (within ${WEIGHT_TOLERANCE})`);
  }
  return new MixtureDistribution(components);
}
