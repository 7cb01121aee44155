import type { KeyChooser } from './key-chooser.js';
import { zipfKeys } from './zipf-keys.js';

/** Which keys client operations touch. */
export interface KeyChoiceConfig {
  /** The number of keys K (keys are 0..K-1, key 0 the most popular): a whole number from 1 to 2^48. */
  keys: number;
  /** The Zipf exponent s >= 0; 0 (the default) is uniform, 0.99 is YCSB's default skew. */
  zipf?: number;
}

/**
 * The key chooser a config asks for: uniform when `zipf` is 0 or absent, Zipf(s) otherwise.
 * Refuses bad values with a ParameterError naming `keys` or `zipf`.
 *
 * Reference: B. F. Cooper et al., "Benchmarking cloud serving systems with YCSB", SoCC 2010
 * (uniform and Zipfian request distributions, s = 0.99).
 *
 * @param config - `{ keys, zipf }`
 * @example
 * keyChooser({ keys: 1000 }).toString();              // "uniform(1000)"
 * keyChooser({ keys: 1000, zipf: 0.99 }).toString();  // "zipf(1000,0.99)"
 */
export function keyChooser(config: KeyChoiceConfig): KeyChooser {
  return zipfKeys(config.keys, config.zipf ?? 0);
}
