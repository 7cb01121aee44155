/**
 * The one hash function of the leaderless data structures: MurmurHash3_x86_32 (Austin Appleby,
 * public domain), fed 32-bit words instead of bytes.
 *
 * Each word is one 4-byte little-endian block of the reference algorithm, so hashing the words
 * `w0, w1, ...` gives exactly `MurmurHash3_x86_32` of their little-endian bytes (the test checks the
 * published test vectors). It is fast, allocation-free when fed word by word, has full avalanche
 * through its `fmix32` finaliser, and is not cryptographic: use it for placement and checksums,
 * not against an adversary. Outputs are unsigned 32-bit integers.
 *
 * Used by the consistent-hash ring (token and key positions, see ring.ts) and by the Merkle trees
 * (leaf and inner-node hashes, see merkle.ts).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * Mixes one 32-bit word into a running MurmurHash3_x86_32 state (the body of the block loop).
 * Start from the seed, mix every word, then call {@link murmurFinish} with the word count.
 *
 * @param h - the running state (the seed before the first word)
 * @param word - the next 32-bit word (any integer; its low 32 bits are used)
 * @returns the new state, a signed 32-bit integer
 * @example
 * let h = 0;                          // seed
 * h = murmurMix(h, 0x87654321);
 * murmurFinish(h, 1);                 // 0xf55b516b, MurmurHash3_x86_32 of bytes 21 43 65 87
 */
export function murmurMix(h: number, word: number): number {
  let k = Math.imul(word | 0, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * MurmurHash3's 32-bit finaliser `fmix32`: a bijection with full avalanche.
 *
 * @param h - any 32-bit integer
 * @returns the mixed value, unsigned
 * @example
 * fmix32(0); // 0 (fmix32 fixes zero; every other input is scrambled)
 * fmix32(1); // 0x514e28b7
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Ends a MurmurHash3_x86_32 computation: folds in the length (in bytes, 4 per word) and finalises.
 *
 * @param h - the state after the last {@link murmurMix}
 * @param words - how many words were mixed
 * @returns the hash, an unsigned 32-bit integer
 * @example
 * murmurFinish(1, 0); // 0x514e28b7: MurmurHash3_x86_32 of no bytes with seed 1
 */
export function murmurFinish(h: number, words: number): number {
  return fmix32(h ^ (words * 4));
}

/**
 * MurmurHash3_x86_32 of a list of 32-bit words (each taken as 4 little-endian bytes).
 *
 * @param words - the words to hash (low 32 bits of each are used)
 * @param seed - the seed, a 32-bit integer (default 0)
 * @returns an unsigned 32-bit hash
 * @example
 * murmur3Words([0x61616161], 0x9747b28c); // 0x5a97808a, the reference value for "aaaa"
 */
export function murmur3Words(words: ArrayLike<number>, seed = 0): number {
  let h = seed | 0;
  for (let i = 0; i < words.length; i++) h = murmurMix(h, words[i]);
  return murmurFinish(h, words.length);
}

/**
 * The hash of an integer (a key id, up to a safe integer in magnitude): MurmurHash3_x86_32 of its
 * two's-complement 64-bit form as two words, low word first. Allocation-free, for hot paths.
 *
 * @param value - a safe integer
 * @param seed - the seed, a 32-bit integer
 * @returns an unsigned 32-bit hash
 * @example
 * hashInteger(42, 0) === murmur3Words([42, 0], 0); // true
 */
export function hashInteger(value: number, seed: number): number {
  const lo = value | 0;
  const hi = Math.floor(value / 4294967296) | 0;
  return murmurFinish(murmurMix(murmurMix(seed | 0, lo), hi), 2);
}

/**
 * The hash of a pair of 32-bit integers, allocation-free: MurmurHash3_x86_32 of the two words.
 *
 * @param a - the first word
 * @param b - the second word
 * @param seed - the seed, a 32-bit integer
 * @returns an unsigned 32-bit hash
 * @example
 * hashPair(3, 7, 0) === murmur3Words([3, 7], 0); // true
 */
export function hashPair(a: number, b: number, seed: number): number {
  return murmurFinish(murmurMix(murmurMix(seed | 0, a), b), 2);
}
