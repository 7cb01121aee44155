import { ParameterError } from '../errors.js';
import type { RandomStream } from '../random/index.js';
import { randomBits, type RandomBits } from '../random/stream.js';
import { fillSamples, type BulkSampler } from './bulk.js';
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
/** 2^32. */
const TWO_POW_32 = 4294967296;
/**
 * From this weight on, a two-component fill draws the heavier component for every slot and then
 * overwrites the other's slots: the wasted draws (at most 20% of a draw per slot) cost less than
 * scattering every slot.
 */
const DOMINANT_WEIGHT = 0.8;
/** Slots per block of a bulk fill: bounds the scratch (the WARS kernel fills 768 at a time). */
const FILL_BLOCK = 4096;

class MixtureDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'mix';
  private readonly weights: Float64Array;
  private readonly parts: LatencyDistribution[];
  /** cumulative[i] = w_0 + ... + w_i, with the last entry forced to 1 so every u in [0,1) finds a part. */
  private readonly cumulative: Float64Array;
  /** floor(cumulative[i] 2^32): the first 32 bits of a uniform decide the component unless they tie with this. */
  private readonly wordBound: Float64Array;
  /** (cumulative[i] 2^32 - wordBound[i]) 2^32, exact: where a second word settles a tie. */
  private readonly tieBound: Float64Array;
  /** floor(cumulative[0] 2^8): with two components, the first 8 bits of U decide unless they equal this. */
  private readonly byteBound: number;
  /** cumulative[0] 2^8 - byteBound, exact: what the rest of U is compared with on a tie. */
  private readonly byteRest: number;
  /**
   * With two components, the one that fill draws for every slot before overwriting the other's
   * slots (when its weight is at least DOMINANT_WEIGHT), or -1 to draw each component for its own
   * slots only and scatter them.
   */
  private readonly dominant: number;
  /** Scratch of fill: each draw's component, the components' draws grouped by component, and cursors. */
  private choice = new Int32Array(0);
  private grouped = new Float64Array(0);
  private readonly cursor: Int32Array;

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
    this.wordBound = new Float64Array(k);
    this.tieBound = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      // cumulative[i] has 53 significant bits, so both products and the difference are exact.
      const scaled = this.cumulative[i] * TWO_POW_32;
      this.wordBound[i] = Math.floor(scaled);
      this.tieBound[i] = (scaled - this.wordBound[i]) * TWO_POW_32;
    }
    this.cursor = new Int32Array(k);
    this.byteBound = Math.floor(this.cumulative[0] * 256);
    this.byteRest = this.cumulative[0] * 256 - this.byteBound;
    this.dominant =
      k !== 2 ? -1 : this.weights[0] >= DOMINANT_WEIGHT ? 0 : this.weights[1] >= DOMINANT_WEIGHT ? 1 : -1;
  }

  /**
   * With two components, given that the first 8 bits of U equal byteBound: is U < cumulative[0]?
   * The rest of U is compared with the rest of cumulative[0]'s binary expansion, 32 bits at a time,
   * stopping at the first word that differs. The expansion of a double is finite (each step is
   * exact and removes 32 bits), so this ends, and P(U < cumulative[0]) = cumulative[0] exactly.
   */
  private restBelow(bits: RandomBits): boolean {
    let rest = this.byteRest;
    for (;;) {
      // Every further bit of the threshold is 0 and U's rest is >= 0: U >= cumulative[0].
      if (rest === 0) return false;
      const scaled = rest * TWO_POW_32;
      const bound = Math.floor(scaled);
      const word = bits.nextInt32() >>> 0;
      if (word !== bound) return word < bound;
      rest = scaled - bound;
    }
  }

  /**
   * The component of one draw: the first i with U < cumulative[i], for U uniform with 64 bits,
   * U = (a 2^32 + b) 2^-64. The first word a settles it unless it equals some floor(cumulative[i]
   * 2^32) (probability k 2^-32); only then is the second word b drawn. Exact: each weight is
   * honoured to 2^-64, finer than a 53-bit uniform would (2^-53), at one 32-bit word per draw.
   */
  private choose(bits: RandomBits): number {
    const wordBound = this.wordBound;
    const last = wordBound.length - 1;
    const a = bits.nextInt32() >>> 0;
    let i = 0;
    while (i < last && a > wordBound[i]) i++;
    if (i === last || a < wordBound[i]) return i;
    // a ties with wordBound[i]: U < cumulative[i] iff b < tieBound[i]; otherwise move on with the
    // same U (a later bound can tie only if it is equal, i.e. the weights between are below 2^-32).
    const b = bits.nextInt32() >>> 0;
    while (i < last && (a > wordBound[i] || (a === wordBound[i] && b >= this.tieBound[i]))) i++;
    return i;
  }

  sample(rng: RandomStream): number {
    // One 53-bit uniform picks the component (single draws keep their stream; fill uses choose).
    const u = rng.nextDouble();
    const cumulative = this.cumulative;
    const last = cumulative.length - 1;
    let i = 0;
    while (i < last && u >= cumulative[i]) i++;
    return this.parts[i].sample(rng);
  }

  /**
   * Block by block (at most FILL_BLOCK slots, so the scratch stays small): draws all the block's
   * component choices first, then each component's draws in one bulk call (one tight loop per
   * component, not one polymorphic call per value), then puts them in their slots.
   */
  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    const bits = randomBits(rng);
    if (this.parts.length === 1) {
      fillSamples(this.parts[0], bits, out, offset, count);
      return;
    }
    for (let done = 0; done < count; done += FILL_BLOCK) {
      const block = Math.min(FILL_BLOCK, count - done);
      if (this.choice.length < block) {
        this.choice = new Int32Array(block);
        this.grouped = new Float64Array(block);
      }
      if (this.parts.length === 2) this.fillTwo(bits, out, offset + done, block);
      else this.fillAny(bits, out, offset + done, block);
    }
  }

  /** fill for any number of components, one 32-bit word per choice (see choose). */
  private fillAny(bits: RandomBits, out: Float64Array, offset: number, count: number): void {
    const k = this.parts.length;
    const choice = this.choice;
    const grouped = this.grouped;
    const cursor = this.cursor;
    cursor.fill(0);
    for (let j = 0; j < count; j++) {
      const c = this.choose(bits);
      choice[j] = c;
      cursor[c]++;
    }
    // Component c's draws go to grouped[start_c .. start_c + count_c); cursor becomes start_c.
    let start = 0;
    for (let c = 0; c < k; c++) {
      const m = cursor[c];
      cursor[c] = start;
      if (m > 0) fillSamples(this.parts[c], bits, grouped, start, m);
      start += m;
    }
    for (let j = 0; j < count; j++) out[offset + j] = grouped[cursor[choice[j]]++];
  }

  /**
   * With a dominant component: lists in choice[0 .. m) the slots j < count that draw from the other
   * component, and returns m. The same choices as splitSlots (same words, same bytes), but one list:
   * one store per slot instead of two, which measured faster when only the few slots matter.
   */
  private minoritySlots(bits: RandomBits, count: number): number {
    const choice = this.choice;
    const bound = this.byteBound;
    const dominant = this.dominant;
    const low = bound <= 127;
    const threshold = low ? bound : 254 - bound;
    const addend = (127 - threshold) * 0x01010101;
    const repeated = bound * 0x01010101;
    // The minority's flags are the "above" flags when component 1 is the minority, else their complement.
    const flip = (dominant === 0) === low ? 0 : 0x80808080 | 0;
    const full = count & ~3;
    let m = 0;
    let j = 0;
    for (; j < full; j += 4) {
      const word = bits.nextInt32();
      const equal = word ^ repeated;
      if (((equal - 0x01010101) & ~equal & 0x80808080) !== 0) {
        m = this.minorityBytes(bits, word, j, 4, m);
        continue;
      }
      const x = low ? word : ~word;
      const minority = ((((x & 0x7f7f7f7f) + addend) | x) & 0x80808080) ^ flip;
      choice[m] = j;
      m += minority >>> 31;
      choice[m] = j + 1;
      m += (minority >>> 23) & 1;
      choice[m] = j + 2;
      m += (minority >>> 15) & 1;
      choice[m] = j + 3;
      m += (minority >>> 7) & 1;
    }
    if (j < count) m = this.minorityBytes(bits, bits.nextInt32(), j, count - j, m);
    return m;
  }

  /** minoritySlots byte by byte for slots j .. j + slots - 1 from one word (ties settled by restBelow). */
  private minorityBytes(bits: RandomBits, word: number, j: number, slots: number, m: number): number {
    const choice = this.choice;
    const bound = this.byteBound;
    const dominant = this.dominant;
    for (let q = 0; q < slots; q++) {
      const b = word >>> 24;
      word <<= 8;
      let c = (bound - b) >>> 31;
      if (b === bound) c = this.restBelow(bits) ? 0 : 1;
      choice[m] = j + q;
      m += c ^ dominant;
    }
    return m;
  }

  /**
   * The component of each slot j < count, as two lists in `choice`: the slots of component 1 in
   * choice[0 .. m) (ascending), those of component 0 in choice[m .. count) (descending); returns m.
   * Slot j's choice uses byte 3 - (j mod 4) of word floor(j / 4) (the top byte first) as U's first
   * 8 bits. The four bytes of a word are compared with byteBound at once (SWAR: per-byte flags in
   * bit 7 of each byte, no carries between bytes), and each slot is appended to both lists with
   * only the right one advancing: no branch on the outcome. A word with a byte equal to byteBound
   * (probability about 1.6%) goes byte by byte, calling restBelow for the tie.
   * Reference: S. E. Anderson, Bit Twiddling Hacks ("determine if a word has a zero byte", "count
   * the bytes greater than n"), https://graphics.stanford.edu/~seander/bithacks.html
   */
  private splitSlots(bits: RandomBits, count: number): number {
    const choice = this.choice;
    const bound = this.byteBound;
    // byte > bound; for bounds >= 128 via byte > bound <=> NOT (~byte > 254 - bound).
    const low = bound <= 127;
    const threshold = low ? bound : 254 - bound;
    const addend = (127 - threshold) * 0x01010101;
    const repeated = bound * 0x01010101;
    const flip = low ? 0 : 0x80808080 | 0;
    const last = count - 1;
    const full = count & ~3;
    let m1 = 0;
    let m0 = 0;
    let j = 0;
    for (; j < full; j += 4) {
      const word = bits.nextInt32();
      const equal = word ^ repeated;
      if (((equal - 0x01010101) & ~equal & 0x80808080) !== 0) {
        m1 = this.splitBytes(bits, word, j, 4, m1, last);
        m0 = j + 4 - m1;
        continue;
      }
      const x = low ? word : ~word;
      const above = ((((x & 0x7f7f7f7f) + addend) | x) & 0x80808080) ^ flip;
      let f = above >>> 31;
      choice[m1] = j;
      choice[last - m0] = j;
      m1 += f;
      m0 += 1 - f;
      f = (above >>> 23) & 1;
      choice[m1] = j + 1;
      choice[last - m0] = j + 1;
      m1 += f;
      m0 += 1 - f;
      f = (above >>> 15) & 1;
      choice[m1] = j + 2;
      choice[last - m0] = j + 2;
      m1 += f;
      m0 += 1 - f;
      f = (above >>> 7) & 1;
      choice[m1] = j + 3;
      choice[last - m0] = j + 3;
      m1 += f;
      m0 += 1 - f;
    }
    if (j < count) m1 = this.splitBytes(bits, bits.nextInt32(), j, count - j, m1, last);
    return m1;
  }

  /** splitSlots byte by byte for slots j .. j + slots - 1 from one word (ties settled by restBelow). */
  private splitBytes(
    bits: RandomBits,
    word: number,
    j: number,
    slots: number,
    m1: number,
    last: number,
  ): number {
    const choice = this.choice;
    const bound = this.byteBound;
    let m0 = j - m1;
    for (let q = 0; q < slots; q++) {
      const b = word >>> 24;
      word <<= 8;
      // 1 iff b > bound (U above the threshold already), 0 iff b < bound; a tie needs more bits.
      let f = (bound - b) >>> 31;
      if (b === bound) f = this.restBelow(bits) ? 0 : 1;
      choice[m1] = j + q;
      choice[last - m0] = j + q;
      m1 += f;
      m0 += 1 - f;
    }
    return m1;
  }

  /**
   * fill for two components (every preset's legs). A choice needs 8 bits of U but for a tie with
   * byteBound (probability 1/256, settled exactly by restBelow), so one 32-bit word serves four
   * slots (see splitSlots). Each component then draws its slots' values in one bulk call, and one
   * pass writes them to their slots.
   *
   * With a dominant component (weight >= 0.8, e.g. 0.9122 in lnkd-ssd), that component fills every
   * slot and the other's draws then overwrite their slots. The overwritten draws are discarded
   * whatever their values (the slots were chosen independently of them), so every slot still holds
   * an independent draw from the mixture; this replaces the pass over all slots by one over the few.
   */
  private fillTwo(bits: RandomBits, out: Float64Array, offset: number, count: number): void {
    const choice = this.choice;
    const grouped = this.grouped;
    const dominant = this.dominant;
    if (this.byteBound >= 256) {
      // cumulative[0] >= 1 (weights within the 1e-9 tolerance of 1 on their own): U < it always.
      fillSamples(this.parts[0], bits, out, offset, count);
      return;
    }
    if (dominant >= 0) {
      const minority = this.minoritySlots(bits, count);
      fillSamples(this.parts[dominant], bits, out, offset, count);
      fillSamples(this.parts[1 - dominant], bits, grouped, 0, minority);
      for (let q = 0; q < minority; q++) out[offset + choice[q]] = grouped[q];
      return;
    }
    const second = this.splitSlots(bits, count);
    fillSamples(this.parts[1], bits, grouped, 0, second);
    fillSamples(this.parts[0], bits, grouped, second, count - second);
    for (let q = 0; q < count; q++) out[offset + choice[q]] = grouped[q];
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
  // A caller from plain JavaScript may pass anything. The check is on an `unknown` copy: narrowing
  // the readonly array itself with Array.isArray would retype its elements as any.
  const given: unknown = components;
  if (!Array.isArray(given) || components.length === 0) {
    throw new ParameterError('mix(components)', 'none', 'at least one weight:distribution component');
  }
  let total = 0;
  for (const { weight, distribution } of components) {
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new ParameterError('mix(weight)', String(weight), 'a finite number > 0');
    }
    if (
      distribution === null ||
      typeof distribution !== 'object' ||
      typeof distribution.sample !== 'function'
    ) {
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
