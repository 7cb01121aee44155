import type { RandomStream } from '../random/index.js';
import { requireKeys, type KeyChooser } from './key-chooser.js';

const TWO_26 = 2 ** 26;
const TWO_53 = 2 ** 53;

class UniformKeys implements KeyChooser {
  readonly zipf = 0;
  /** For K > 2^26: reject 53-bit draws at or above this multiple of K. */
  private readonly limit: number;

  constructor(readonly keys: number) {
    this.limit = TWO_53 - (TWO_53 % keys);
  }

  next(rng: RandomStream): number {
    if (this.keys <= TWO_26) return rng.nextInt(this.keys);
    // nextDouble() is a multiple of 2^-53, so x is a uniform integer in [0, 2^53): reject the
    // top partial block, then every residue mod K is equally likely.
    for (;;) {
      const x = rng.nextDouble() * TWO_53;
      if (x < this.limit) return x % this.keys;
    }
  }

  probability(key: number): number {
    return Number.isInteger(key) && key >= 0 && key < this.keys ? 1 / this.keys : 0;
  }

  toString(): string {
    return `uniform(${this.keys})`;
  }
}

/**
 * Every key equally likely: P(key = i) = 1/K for i in [0, K). Exact (rejection of the partial
 * top block, as in `RandomStream.nextInt`, on 53-bit draws when K > 2^26).
 *
 * Reference: https://en.wikipedia.org/wiki/Discrete_uniform_distribution
 *
 * @param keys - K, a whole number from 1 to 2^48 (refused with a ParameterError naming `keys`)
 * @example
 * const chooser = uniformKeys(100);
 * chooser.next(deriveStream(1)); // an integer in [0, 100)
 * chooser.probability(7);        // 0.01
 */
export function uniformKeys(keys: number): KeyChooser {
  return new UniformKeys(requireKeys(keys));
}
