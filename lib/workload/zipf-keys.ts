import { ParameterError } from '../errors.js';
import type { RandomStream } from '../random/index.js';
import { requireKeys, requireZipfExponent, type KeyChooser } from './key-chooser.js';
import { uniformKeys } from './uniform-keys.js';

/** Up to this many keys, `'auto'` samples from a CDF table (8 bytes per key). */
export const ZIPF_TABLE_MAX_KEYS = 1 << 16;

/** How {@link zipfKeys} draws. Both methods are exact; they differ in memory and speed only. */
export type ZipfMethod =
  /** A table for K <= {@link ZIPF_TABLE_MAX_KEYS}, rejection-inversion above. */
  | 'auto'
  /** The CDF as a Float64Array of K entries, and a binary search per draw. */
  | 'table'
  /** Rejection-inversion (Hörmann and Derflinger 1996): O(1) memory and expected time, any K. */
  | 'rejection-inversion';

// --- rejection-inversion helpers (Hörmann and Derflinger 1996, as in Apache Commons RNG) ---

/** log1p(x)/x, continuous at 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (1 / 2 - x * (1 / 3 - x * (1 / 4)));
}

/** expm1(x)/x, continuous at 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * (1 / 2) * (1 + x * (1 / 3) * (1 + x * (1 / 4)));
}

/**
 * The generalised harmonic number H(K, s) = sum_{k=1..K} k^-s: summed term by term (smallest
 * first) up to 2^20 terms; beyond, the first 2^20 terms plus the Euler-Maclaurin expansion of the
 * tail to the third derivative (relative error far below 1e-15 there).
 */
function harmonic(keys: number, s: number): number {
  const direct = Math.min(keys, 1 << 20);
  let sum = 0;
  for (let k = direct; k >= 1; k--) sum += k ** -s;
  if (keys === direct) return sum;
  const a = direct + 1;
  const b = keys;
  const f = (x: number): number => x ** -s;
  const f1 = (x: number): number => -s * x ** (-s - 1);
  const f3 = (x: number): number => -s * (s + 1) * (s + 2) * x ** (-s - 3);
  // integral of x^-s from a to b, stable through s = 1
  const la = Math.log(a);
  const lb = Math.log(b);
  const integral = helper2((1 - s) * lb) * lb - helper2((1 - s) * la) * la;
  return sum + integral + (f(a) + f(b)) / 2 + (f1(b) - f1(a)) / 12 - (f3(b) - f3(a)) / 720;
}

abstract class ZipfBase implements KeyChooser {
  private normaliser = 0;

  constructor(
    readonly keys: number,
    readonly zipf: number,
  ) {}

  abstract next(rng: RandomStream): number;

  probability(key: number): number {
    if (!(Number.isInteger(key) && key >= 0 && key < this.keys)) return 0;
    if (this.normaliser === 0) this.normaliser = harmonic(this.keys, this.zipf);
    return (key + 1) ** -this.zipf / this.normaliser;
  }

  toString(): string {
    return `zipf(${this.keys},${this.zipf})`;
  }
}

class ZipfTable extends ZipfBase {
  private readonly cdf: Float64Array;

  constructor(keys: number, zipf: number) {
    super(keys, zipf);
    const total = harmonic(keys, zipf);
    this.cdf = new Float64Array(keys);
    let running = 0;
    for (let i = 0; i < keys; i++) {
      running += (i + 1) ** -zipf;
      this.cdf[i] = running / total;
    }
    this.cdf[keys - 1] = 1;
  }

  next(rng: RandomStream): number {
    // The smallest i with u < cdf[i].
    const u = rng.nextDouble();
    const cdf = this.cdf;
    let lo = 0;
    let hi = this.keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < cdf[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

class ZipfRejectionInversion extends ZipfBase {
  private readonly hIntegralX1: number;
  private readonly hIntegralKeys: number;
  private readonly squeeze: number;

  constructor(keys: number, zipf: number) {
    super(keys, zipf);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralKeys = this.hIntegral(keys + 0.5);
    this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** The antiderivative of h(x) = x^-s (shifted so that it is continuous through s = 1). */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.zipf) * logX) * logX;
  }

  private h(x: number): number {
    return Math.exp(-this.zipf * Math.log(x));
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.zipf);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }

  next(rng: RandomStream): number {
    for (;;) {
      const u = this.hIntegralKeys + rng.nextDouble() * (this.hIntegralX1 - this.hIntegralKeys);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.keys) k = this.keys;
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k - 1;
    }
  }
}

/**
 * Zipf's law over K keys: P(key = i) = (i+1)^-s / H(K, s) for i in [0, K), where
 * H(K, s) = sum_{k=1..K} k^-s. Key 0 is the most popular. s = 0 is the uniform chooser.
 *
 * Sampling is exact: for K <= {@link ZIPF_TABLE_MAX_KEYS} a precomputed CDF and a binary search
 * (one uniform per draw); above, rejection-inversion, O(1) memory, fewer than 1.1 uniforms per
 * draw on average for any s.
 *
 * References: W. Hörmann, G. Derflinger, "Rejection-inversion to generate variates from monotone
 * discrete distributions", ACM TOMACS 6(3):169-184 (1996); Apache Commons RNG,
 * `RejectionInversionZipfSampler`; https://en.wikipedia.org/wiki/Zipf%27s_law
 *
 * @param keys - K, a whole number from 1 to 2^48 (a ParameterError names `keys` otherwise)
 * @param s - the exponent, a finite number >= 0 (a ParameterError names `zipf` otherwise)
 * @param method - force one sampling method (tests compare them); default `'auto'`
 * @example
 * const chooser = zipfKeys(1000, 0.99);
 * chooser.next(deriveStream(1)); // an integer in [0, 1000), small ones far more often
 * chooser.probability(0);        // 0.12938... = 1 / H(1000, 0.99)
 */
export function zipfKeys(keys: number, s: number, method: ZipfMethod = 'auto'): KeyChooser {
  requireKeys(keys);
  requireZipfExponent(s);
  if (method !== 'auto' && method !== 'table' && method !== 'rejection-inversion') {
    throw new ParameterError('method', String(method), "'auto', 'table' or 'rejection-inversion'");
  }
  if (s === 0) return uniformKeys(keys);
  if (method === 'table' && keys > 1 << 26) {
    throw new ParameterError('keys', String(keys), "at most 67108864 with method 'table'");
  }
  if (method === 'table' || (method === 'auto' && keys <= ZIPF_TABLE_MAX_KEYS)) return new ZipfTable(keys, s);
  return new ZipfRejectionInversion(keys, s);
}
