import type { RandomStream } from '../random/index.js';
import type { BulkSampler } from './bulk.js';
import type { LatencyDistribution } from './distribution.js';
import {
  normalCdf,
  normalDensity,
  normalHazardExcess,
  normalQuantile,
  normalUpperTail,
  normalUpperTailScaled,
  standardNormal,
} from './standard-normal.js';
import { requireFinite, requirePositive, requireProbability } from './validate.js';

/**
 * From this standardised truncation point on, P(X > 0) < 3e-7: cdf and quantile work with the
 * scaled tail T(z) = Q(z) exp(z^2/2), whose ratios stay exact where Q underflows (a >~ 38).
 */
const FAR_TAIL = 5;

/**
 * X ~ N(mu, sigma^2) conditioned on X >= 0. With Z standard normal and a = -mu/sigma the
 * standardised truncation point, X = mu + sigma Z given Z >= a.
 */
class TruncatedNormalDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'normal';
  /** Standardised truncation point a = -mu/sigma. */
  private readonly a: number;
  /** Q(a) = P(Z >= a), the untruncated mass kept (unused in the far tail, where it may underflow). */
  private readonly kept: number;
  /** Phi(a) = P(Z < a). */
  private readonly cut: number;
  /** T(a) = Q(a) exp(a^2/2) (used for a >= 0). */
  private readonly scaledKept: number;
  /**
   * 1/lambda for Robert's optimal exponential rate lambda = (a + sqrt(a^2 + 4)) / 2 (used for a >= 0).
   * lambda solves lambda^2 - a lambda - 1 = 0, so lambda - a = 1/lambda: no cancellation for large a.
   */
  private readonly invLambda: number;

  constructor(
    private readonly mu: number,
    private readonly sigma: number,
  ) {
    const a = -mu / sigma;
    this.a = a;
    this.kept = normalUpperTail(a);
    this.cut = normalCdf(a);
    this.scaledKept = a >= 0 ? normalUpperTailScaled(a) : NaN;
    this.invLambda = 1 / (a / 2 + Math.hypot(a / 2, 1));
  }

  sample(rng: RandomStream): number {
    if (this.a < 0) {
      // mu > 0: at least half of N(mu, sigma^2) lies above 0, so plain rejection accepts with
      // probability Q(a) >= 1/2.
      for (;;) {
        const x = this.mu + this.sigma * standardNormal(rng);
        if (x >= 0) return x;
      }
    }
    // mu <= 0: Robert's exponential-proposal rejection. Propose Z = a + E/lambda (E ~ Exp(1)) and
    // accept with probability exp(-(Z - lambda)^2 / 2); acceptance is >= 0.76 for every a >= 0, so
    // this never stalls however little mass lies above 0. With lambda - a = 1/lambda,
    // Z - lambda = (E - 1)/lambda, and X = mu + sigma Z = sigma (Z - a) = sigma E / lambda.
    const invLambda = this.invLambda;
    for (;;) {
      const e = -Math.log(rng.nextOpenDouble());
      const d = (e - 1) * invLambda;
      if (-2 * Math.log(rng.nextOpenDouble()) >= d * d) return this.sigma * e * invLambda;
    }
  }

  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    for (let j = offset, end = offset + count; j < end; j++) out[j] = this.sample(rng);
  }

  mean(): number {
    // E[X] = mu + sigma h(a) with the hazard h(a) = phi(a) / Q(a). For a >= 0, mu + sigma h =
    // sigma (h(a) - a), computed without cancellation however far out a is.
    if (this.a >= 0) return this.sigma * normalHazardExcess(this.a);
    return this.mu + (this.sigma * normalDensity(this.a)) / this.kept;
  }

  cdf(x: number): number {
    if (!(x > 0)) return 0;
    if (x === Infinity) return 1;
    if (this.a >= FAR_TAIL) return -Math.expm1(-this.logTailRatio(x / this.sigma));
    const z = (x - this.mu) / this.sigma;
    const inside = z <= 0 ? normalCdf(z) - this.cut : this.kept - normalUpperTail(z);
    return Math.min(1, Math.max(0, inside / this.kept));
  }

  quantile(p: number): number {
    requireProbability(this, p);
    if (p === 0) return 0;
    if (p === 1) return Infinity;
    if (this.a >= FAR_TAIL) return this.sigma * this.farTailExcess(-Math.log1p(-p));
    // Phi(z) = Phi(a) + p Q(a), equivalently Q(z) = (1 - p) Q(a): invert whichever side is small.
    const below = this.cut + p * this.kept;
    const z = below <= 0.5 ? normalQuantile(below) : -normalQuantile((1 - p) * this.kept);
    return Math.max(0, this.mu + this.sigma * z);
  }

  toString(): string {
    return `normal(${this.mu},${this.sigma})`;
  }

  /** G(w) = -ln(Q(a + w) / Q(a)) for the excess w = z - a >= 0, from the scaled tail (a >= 0). */
  private logTailRatio(w: number): number {
    const a = this.a;
    return (w * (w + 2 * a)) / 2 - Math.log(normalUpperTailScaled(a + w) / this.scaledKept);
  }

  /**
   * The excess w with G(w) = target > 0, by Newton's method. G is increasing and convex (its
   * derivative is the normal hazard rate phi(z)/Q(z), increasing in z) with G(0) = 0, so from w = 0
   * the first step overshoots and the iterates then decrease monotonically to the root.
   */
  private farTailExcess(target: number): number {
    let w = 0;
    for (let i = 0; i < 200; i++) {
      const z = this.a + w;
      const hazard = normalHazardExcess(z) + z;
      const next = w - (this.logTailRatio(w) - target) / hazard;
      // After the first step the iterates only decrease; once rounding stops that, w is the root.
      if (i > 0 && !(next < w)) return w;
      w = next;
    }
    return w;
  }
}

/**
 * The normal distribution N(mu, sigma^2) truncated to [0, Infinity) (a delay is never negative):
 * mu and sigma are those of the normal before truncation, so the mean is
 * mu + sigma phi(a) / (1 - Phi(a)) with a = -mu/sigma, a little above mu when mu >> sigma.
 * Sampling is exact rejection: from the normal itself when mu > 0, else Robert's exponential proposal.
 *
 * References: https://en.wikipedia.org/wiki/Truncated_normal_distribution ;
 * C. P. Robert, "Simulation of truncated normal variables", Statistics and Computing 5 (1995) 121-125.
 *
 * @param mu - mean of the untruncated normal in ms, finite (may be negative)
 * @param sigma - standard deviation of the untruncated normal in ms, finite and > 0
 * @example
 * truncatedNormal(0, 1).mean(); // sqrt(2/pi) = 0.7978845608028654 (the half-normal)
 * truncatedNormal(5, 2).toString(); // "normal(5,2)"
 */
export function truncatedNormal(mu: number, sigma: number): LatencyDistribution {
  return new TruncatedNormalDistribution(
    requireFinite('normal(mu)', mu),
    requirePositive('normal(sigma)', sigma),
  );
}
