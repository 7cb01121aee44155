import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { fmix32 as fmix32Unsigned } from './hash.js';

/** MurmurHash3's 32-bit finaliser as a signed word (the generator's state words are int32). */
const fmix32 = (h: number): number => fmix32Unsigned(h) | 0;

/**
 * A seeded stream of uniform random numbers. Every random draw in the lab goes through one.
 *
 * Streams are derived, never shared: a cell of a sweep and a batch of trials each get their own
 * stream from (seed, cell, batch) with {@link deriveStream}, so no number depends on how many
 * threads ran or in which order batches finished.
 */
export interface RandomStream {
  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number;
  /** A uniform double in (0, 1]: safe for `Math.log(u)` and `u ** -k`. */
  nextOpenDouble(): number;
  /** A uniform integer in [0, n), for n <= 2^26 (exact: rejection on a 32-bit draw). */
  nextInt(n: number): number;
}

/**
 * A {@link RandomStream} that also hands out raw 32-bit words, for samplers that build their own
 * variates from bits (the ziggurat takes a layer index and a 53-bit uniform from two words).
 * Every stream from {@link deriveStream} is one; {@link randomBits} adapts any other stream.
 */
export interface RandomBits extends RandomStream {
  /**
   * 32 uniform random bits as a signed 32-bit integer (`>>> 0` gives the unsigned value). Signed,
   * because V8 keeps such values unboxed even across calls it does not inline; an unsigned value
   * >= 2^31 returned from a call is allocated on the heap.
   */
  nextInt32(): number;
}

/** xoroshiro128+ from pure-rand behind the {@link RandomBits} interface. */
class Xoroshiro128PlusStream implements RandomBits {
  private readonly generator: RandomGenerator;

  constructor(state: readonly number[]) {
    this.generator = xoroshiro128plusFromState(state);
  }

  nextInt32(): number {
    return this.generator.next();
  }

  nextDouble(): number {
    return uniformFloat64(this.generator);
  }

  nextOpenDouble(): number {
    return 1 - uniformFloat64(this.generator);
  }

  nextInt(n: number): number {
    // Draw 32 bits and reject the top partial block, so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.generator.next() >>> 0;
      if (x < limit) return x % n;
    }
  }
}

/**
 * Bits from a stream that only offers doubles (a test double, a stream from elsewhere): each word is
 * the top 32 bits of one `nextDouble()`, exact for any stream with at least 32 random bits per double.
 */
class DoubleBits implements RandomBits {
  constructor(private readonly stream: RandomStream) {}

  nextInt32(): number {
    return Math.floor(this.stream.nextDouble() * 4294967296) | 0;
  }

  nextDouble(): number {
    return this.stream.nextDouble();
  }

  nextOpenDouble(): number {
    return this.stream.nextOpenDouble();
  }

  nextInt(n: number): number {
    return this.stream.nextInt(n);
  }
}

/**
 * The stream itself when it already offers raw words (every stream from {@link deriveStream}),
 * otherwise an adapter that takes 32 bits from each of its doubles. Samplers call this once per
 * bulk fill, so their inner loops see a single stream class and stay monomorphic.
 *
 * @param rng - any random stream
 * @example
 * const bits = randomBits(deriveStream(1));
 * bits.nextInt32() >>> 0; // an integer in [0, 2^32)
 */
export function randomBits(rng: RandomStream): RandomBits {
  return typeof (rng as Partial<RandomBits>).nextInt32 === 'function'
    ? (rng as RandomBits)
    : new DoubleBits(rng);
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;

function checkIndex(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_SEED) {
    throw new RangeError(`${name} must be an integer from 0 to ${MAX_SEED}, got ${value}`);
  }
}

/**
 * The random stream for one batch of one cell of one seeded run.
 *
 * The 128-bit xoroshiro128+ state is filled word by word with a hash chain over the six 32-bit
 * halves of (seed, cell, batch), so distinct triples give unrelated streams (collisions would need
 * a 128-bit state collision). An all-zero state, the one xoroshiro cannot leave, is replaced.
 *
 * @param seed - the run's seed, a non-negative safe integer
 * @param cell - the cell's index in its sweep (0 for a single run)
 * @param batch - the trial batch's index inside the cell
 * @example
 * const rng = deriveStream(42, 0, 0);
 * rng.nextDouble(); // same value on every machine, every thread count
 */
export function deriveStream(seed: number, cell = 0, batch = 0): RandomStream {
  checkIndex('seed', seed);
  checkIndex('cell', cell);
  checkIndex('batch', batch);
  const words = [
    seed >>> 0,
    Math.floor(seed / 4294967296) >>> 0,
    cell >>> 0,
    Math.floor(cell / 4294967296) >>> 0,
    batch >>> 0,
    Math.floor(batch / 4294967296) >>> 0,
  ];
  const state: number[] = [];
  let h = 0x9e3779b9;
  for (let lane = 0; lane < 4; lane++) {
    h = fmix32(h + lane * 0x632be5ab);
    for (const w of words) h = fmix32(h ^ w) + 0x6b43a9b5;
    state.push(fmix32(h));
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return new Xoroshiro128PlusStream(state);
}
