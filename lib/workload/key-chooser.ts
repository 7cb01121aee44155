import { ParameterError } from '../errors.js';
import type { RandomStream } from '../random/index.js';

/**
 * Picks the key of each client operation. Keys are the integers 0..keys-1; for skewed choosers
 * key 0 is the most popular, key 1 the next, and so on (key = popularity rank - 1).
 */
export interface KeyChooser {
  /** The number of keys K: every drawn key is an integer in [0, K). */
  readonly keys: number;
  /** The Zipf exponent s (0 for the uniform chooser). */
  readonly zipf: number;
  /** One key drawn from the stream. */
  next(rng: RandomStream): number;
  /** The exact probability of drawing `key` (0 outside [0, K)). */
  probability(key: number): number;
  /** The canonical text form, e.g. `uniform(1000)` or `zipf(1000,0.99)`. */
  toString(): string;
}

/** The largest key count accepted: 2^48 (every key and every table index stays an exact double). */
export const MAX_KEYS = 2 ** 48;

/**
 * Refuses a key count that is not a whole number from 1 to {@link MAX_KEYS}.
 *
 * @param keys - the number of keys
 * @param parameter - the name of the field as the caller's config writes it
 * @example
 * requireKeys(1000); // 1000
 * requireKeys(0);    // throws "keys: got 0; allowed: a whole number from 1 to 281474976710656"
 */
export function requireKeys(keys: number, parameter = 'keys'): number {
  if (!(Number.isSafeInteger(keys) && keys >= 1 && keys <= MAX_KEYS)) {
    throw new ParameterError(parameter, String(keys), `a whole number from 1 to ${MAX_KEYS}`);
  }
  return keys;
}

/**
 * Refuses a Zipf exponent that is not a finite number >= 0.
 *
 * @param s - the exponent
 * @param parameter - the name of the field as the caller's config writes it
 * @example
 * requireZipfExponent(0.99); // 0.99
 * requireZipfExponent(-1);   // throws "zipf: got -1; allowed: a finite number >= 0 (0 is uniform)"
 */
export function requireZipfExponent(s: number, parameter = 'zipf'): number {
  if (!(Number.isFinite(s) && s >= 0))
    throw new ParameterError(parameter, String(s), 'a finite number >= 0 (0 is uniform)');
  return s;
}
