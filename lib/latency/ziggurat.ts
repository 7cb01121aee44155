import type { RandomBits } from '../random/stream.js';

/** 2^-21 and 2^-53: a 21-bit and a 32-bit integer scaled by these add up to an exact 53-bit uniform. */
const TWO_POW_M21 = 4.76837158203125e-7;
const TWO_POW_M53 = 1.1102230246251565e-16;
/** Bits of the box index (the top bits of a 32-bit word): 2^11 boxes. */
const INDEX_BITS = 11;
const LAYERS = 1 << INDEX_BITS;
const INDEX_SHIFT = 32 - INDEX_BITS;
/** The low 21 bits of the first word: the top of a 53-bit uniform (the other 11 are the box index). */
const LOW_21 = 0x1fffff;
/** Draws per block of a bulk fill (see Ziggurat.fill). */
const FILL_BLOCK = 1024;

/**
 * A uniform double in [0, 1) with 53 random bits, from two 32-bit words: the top 21 bits of the
 * first above all 32 of the second (the sum is exact in a double).
 *
 * @example
 * uniform53(randomBits(deriveStream(1))); // a multiple of 2^-53 in [0, 1)
 */
export function uniform53(bits: RandomBits): number {
  const hi = bits.nextInt32() >>> 11;
  return hi * TWO_POW_M21 + (bits.nextInt32() >>> 0) * TWO_POW_M53;
}

/**
 * A uniform double in (0, 1] with 53 random bits (safe for `Math.log`).
 *
 * @example
 * Math.log(openUniform53(randomBits(deriveStream(1)))); // finite, <= 0
 */
export function openUniform53(bits: RandomBits): number {
  const hi = bits.nextInt32() >>> 11;
  return hi * TWO_POW_M21 + ((bits.nextInt32() >>> 0) + 1) * TWO_POW_M53;
}

/**
 * The shape a ziggurat covers: a non-increasing density f on [0, Infinity) with f(0) finite. It
 * need not integrate to 1 (only ratios of areas matter).
 */
export interface DecreasingShape {
  /** f(x) for x >= 0. */
  density(x: number): number;
  /** The x >= 0 with f(x) = y, for 0 < y <= f(0). */
  inverseDensity(y: number): number;
  /** The mass beyond r, the integral of f over [r, Infinity). */
  tailMass(r: number): number;
  /** An exact draw from f restricted to [r, Infinity). */
  sampleTail(r: number, bits: RandomBits): number;
}

/**
 * The layout of a ziggurat with the base strip's right edge at r: every box has area v, the base
 * strip (rectangle [0, r] x [0, f(r)] plus the tail beyond r) included. Returns how far the top
 * box reaches above f(0) (>= 0: the boxes cover the whole area under f), or +Infinity when the boxes
 * reach f(0) before the last layer (r too small).
 */
function layout(shape: DecreasingShape, r: number, width: Float64Array, bottom: Float64Array): number {
  const top = shape.density(0);
  const fr = shape.density(r);
  const v = r * fr + shape.tailMass(r);
  width[0] = v / fr;
  width[1] = r;
  bottom[0] = 0;
  bottom[1] = fr;
  for (let i = 1; i < LAYERS - 1; i++) {
    const next = bottom[i] + v / width[i];
    if (!(next < top)) return Infinity;
    bottom[i + 1] = next;
    width[i + 1] = shape.inverseDensity(next);
  }
  width[LAYERS] = 0;
  return bottom[LAYERS - 1] + v / width[LAYERS - 1] - top;
}

/**
 * Exact sampling from a non-increasing density on [0, Infinity) by the ziggurat method of Marsaglia
 * and Tsang: the area under f is covered by 2048 boxes of equal area (2047 horizontal boxes and a
 * base strip that carries the tail). A draw picks a box uniformly (the top 11 bits of one 32-bit
 * word) and a point uniformly across it (a 53-bit uniform from the other 21 bits of that word and a
 * second word). Most points (99.66% for the exponential) fall in the part of the box known to
 * lie under f and are returned at once, with no logarithm or exponential; the rest are tested
 * against f (or, in the base strip beyond r, replaced by an exact draw from the tail). Accepted
 * points are uniform under f, so the x-coordinate has density proportional to f: the method is exact
 * up to the 53-bit resolution of the uniform and the rounding of the tables (about 1e-13 relative
 * in probability).
 *
 * Following Doornik, the box index and the uniform use disjoint bits (the original code reused the
 * index bits in the uniform). 2048 boxes instead of the original 256 send about seven times fewer
 * draws to the costly test against f (measured faster in V8 despite the 32 KB hot table), and use
 * all 64 bits of the two words. The layout is solved numerically for r, keeping the side on which
 * the boxes reach at or above f(0): points drawn above f are rejected, so a top box that overshoots
 * costs a rejection now and then but never biases the draw.
 *
 * References: G. Marsaglia, W. W. Tsang, "The Ziggurat Method for Generating Random Variables",
 * Journal of Statistical Software 5(8) (2000) 1-7; J. A. Doornik, "An Improved Ziggurat Method to
 * Generate Normal Random Samples", University of Oxford (2005).
 */
export class Ziggurat {
  /**
   * Per box i, interleaved (one array, so the hot loop checks one typed array, not two):
   * box[2i] = width[i], a uniform in [0, 1) times this is a point across box i;
   * box[2i + 1] = width[i + 1], points of box i left of it lie under f (0 for the top box).
   */
  private readonly box: Float64Array;
  /** The share of draws accepted at once (no test against f, no tail): the mean of width[i + 1]/width[i]. */
  readonly immediate: number;
  /** bottom[i] = f(width[i]) for i >= 1: the box's lower edge. */
  private readonly bottom: Float64Array;
  /** v / width[i]: the box's height. */
  private readonly height: Float64Array;
  /** Scratch of fill: the draws of a block left to finish (slot, box, x). */
  private readonly pendingSlot = new Int32Array(FILL_BLOCK);
  private readonly pendingBox = new Int32Array(FILL_BLOCK);
  private readonly pendingX = new Float64Array(FILL_BLOCK);

  private constructor(
    private readonly shape: DecreasingShape,
    private readonly r: number,
    width: Float64Array,
    bottom: Float64Array,
    v: number,
  ) {
    this.box = new Float64Array(2 * LAYERS);
    this.height = new Float64Array(LAYERS);
    this.bottom = bottom;
    let immediate = 0;
    for (let i = 0; i < LAYERS; i++) {
      this.box[2 * i] = width[i];
      this.box[2 * i + 1] = width[i + 1];
      this.height[i] = v / width[i];
      immediate += width[i + 1] / width[i];
    }
    this.immediate = immediate / LAYERS;
  }

  /**
   * Lays out the ziggurat for `shape`, or returns undefined when no usable layout exists in double
   * precision (e.g. a tail so heavy that r overflows); callers then fall back to inversion.
   *
   * @param shape - the density (non-increasing on [0, Infinity))
   * @example
   * const z = Ziggurat.build(shape)!;
   * z.next(randomBits(deriveStream(1))); // a draw with density proportional to shape.density
   */
  static build(shape: DecreasingShape): Ziggurat | undefined {
    const width = new Float64Array(LAYERS + 1);
    const bottom = new Float64Array(LAYERS);
    // Bracket the root of layout(r) = 0: layout decreases as r grows (thinner boxes).
    let hi = 1;
    let steps = 0;
    while (!(layout(shape, hi, width, bottom) < 0)) {
      hi *= 2;
      if (!Number.isFinite(hi) || ++steps > 1100) return undefined;
    }
    let lo = hi / 2;
    steps = 0;
    while (!(layout(shape, lo, width, bottom) >= 0)) {
      lo /= 2;
      if (!(lo > 0) || ++steps > 1100) return undefined;
    }
    // Narrow the bracket by the Illinois variant of regula falsi (bisection while the lower end
    // still breaks off early, i.e. is +Infinity). Only lo is used, and every lo has layout >= 0, so
    // the result covers f exactly however far the iteration got; precision only trims rejections.
    let fLo = layout(shape, lo, width, bottom);
    let fHi = layout(shape, hi, width, bottom);
    let side = 0;
    for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
      let mid = Number.isFinite(fLo) ? (lo * fHi - hi * fLo) / (fHi - fLo) : lo + (hi - lo) / 2;
      if (!(mid > lo && mid < hi)) mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      const fMid = layout(shape, mid, width, bottom);
      if (fMid >= 0) {
        lo = mid;
        fLo = fMid;
        if (side === 1) fHi /= 2;
        side = 1;
      } else {
        hi = mid;
        fHi = fMid;
        if (side === -1 && Number.isFinite(fLo)) fLo /= 2;
        side = -1;
      }
    }
    const overshoot = layout(shape, lo, width, bottom);
    if (!(overshoot >= 0 && overshoot < Infinity)) return undefined;
    const v = lo * shape.density(lo) + shape.tailMass(lo);
    for (let i = 0; i < LAYERS; i++) {
      if (!(Number.isFinite(width[i]) && width[i] > width[i + 1])) return undefined;
    }
    if (!(v > 0 && Number.isFinite(v))) return undefined;
    return new Ziggurat(shape, lo, width, bottom, v);
  }

  /**
   * One draw.
   *
   * @param bits - the stream (see randomBits)
   * @example
   * unitExponentialZiggurat().next(randomBits(deriveStream(1))); // an Exp(1) draw
   */
  next(bits: RandomBits): number {
    const hi = bits.nextInt32();
    const lo = bits.nextInt32() >>> 0;
    const i = (hi >>> INDEX_SHIFT) << 1;
    const x = ((hi & LOW_21) * TWO_POW_M21 + lo * TWO_POW_M53) * this.box[i];
    return x < this.box[i + 1] ? x : this.finish(bits, i >>> 1, x);
  }

  /**
   * `count` draws, each mapped to `shift + scale * x`, written from `out[offset]` on. The common
   * path (two words, one table look-up, one comparison) is inlined here. The draws not accepted at
   * once (about 0.3%) are noted and completed by `finish` after each block of FILL_BLOCK draws, so
   * the hot loop holds no call: when V8 inlined the rare call into it (which depended on the timing
   * of background compilation) whole runs were about 20% slower.
   *
   * @param bits - the stream
   * @param out - the destination
   * @param offset - the first index written
   * @param count - how many draws
   * @param scale - multiplies each draw
   * @param shift - then added to each draw
   * @example
   * const out = new Float64Array(8);
   * unitExponentialZiggurat().fill(randomBits(deriveStream(1)), out, 0, 8, 0.5, 0); // Exp(rate 2)
   */
  fill(
    bits: RandomBits,
    out: Float64Array,
    offset: number,
    count: number,
    scale: number,
    shift: number,
  ): void {
    const box = this.box;
    const pendingSlot = this.pendingSlot;
    const pendingBox = this.pendingBox;
    const pendingX = this.pendingX;
    for (let start = offset, end = offset + count; start < end; start += FILL_BLOCK) {
      const stop = Math.min(start + FILL_BLOCK, end);
      let pending = 0;
      for (let j = start; j < stop; j++) {
        // Both words come from calls inlined here: V8 then keeps the generator's state in
        // registers across the two (generating a block of words first was slower).
        const hi = bits.nextInt32();
        const lo = bits.nextInt32() >>> 0;
        const i = (hi >>> INDEX_SHIFT) << 1;
        const x = ((hi & LOW_21) * TWO_POW_M21 + lo * TWO_POW_M53) * box[i];
        out[j] = shift + scale * x;
        if (!(x < box[i + 1])) {
          pendingSlot[pending] = j;
          pendingBox[pending] = i >>> 1;
          pendingX[pending] = x;
          pending++;
        }
      }
      for (let q = 0; q < pending; q++)
        this.finishInto(bits, pendingBox[q], pendingX[q], out, pendingSlot[q], scale, shift);
    }
  }

  /**
   * finish, stored as shift + scale x in out[slot] (a double returned from a call V8 does not
   * inline is allocated on the heap; a store is not).
   */
  private finishInto(
    bits: RandomBits,
    i: number,
    x: number,
    out: Float64Array,
    slot: number,
    scale: number,
    shift: number,
  ): void {
    out[slot] = shift + scale * this.finish(bits, i, x);
  }

  /** Completes a draw whose point x in box i was not accepted at once: tail, test against f, or a fresh point. */
  private finish(bits: RandomBits, i: number, x: number): number {
    for (;;) {
      if (i === 0) return this.shape.sampleTail(this.r, bits);
      const y = this.bottom[i] + uniform53(bits) * this.height[i];
      if (y < this.shape.density(x)) return x;
      const hi = bits.nextInt32();
      const lo = bits.nextInt32() >>> 0;
      i = hi >>> INDEX_SHIFT;
      x = ((hi & LOW_21) * TWO_POW_M21 + lo * TWO_POW_M53) * this.box[2 * i];
      if (x < this.box[2 * i + 1]) return x;
    }
  }
}

// The shapes are classes (not object literals of closures) so that the rare calls from finish see
// two receiver classes, which V8 inlines, instead of a closure per Pareto shape.

/** f(x) = e^-x: the unit exponential. The tail beyond r is r + Exp(1) (memorylessness), drawn by inversion. */
class UnitExponentialShape implements DecreasingShape {
  density(x: number): number {
    return Math.exp(-x);
  }

  inverseDensity(y: number): number {
    return -Math.log(y);
  }

  tailMass(r: number): number {
    return Math.exp(-r);
  }

  sampleTail(r: number, bits: RandomBits): number {
    return r - Math.log(openUniform53(bits));
  }
}

const unitExponentialShape = new UnitExponentialShape();

let unitExponential: Ziggurat | undefined;

/**
 * The ziggurat for Exp(1), built on first use (with 256 boxes this layout reproduces Marsaglia and
 * Tsang's r = 7.69711747013104972; with 2048 it is about 10.0229).
 *
 * @example
 * unitExponentialZiggurat().next(randomBits(deriveStream(1))) / rate; // Exp(rate)
 */
export function unitExponentialZiggurat(): Ziggurat {
  unitExponential ??= Ziggurat.build(unitExponentialShape);
  if (!unitExponential) throw new Error('ziggurat: no layout for the exponential (cannot happen)');
  return unitExponential;
}

/**
 * The shape of Y = X/xm - 1 for X ~ Pareto(xm, alpha): f(y) = (1 + y)^-(alpha + 1) on [0, Infinity).
 * Given Y >= r, 1 + Y is Pareto(1 + r, alpha), drawn by inversion.
 */
class ParetoExcessShape implements DecreasingShape {
  private readonly power: number;
  private readonly invPower: number;
  private readonly negInvAlpha: number;

  constructor(private readonly alpha: number) {
    this.power = alpha + 1;
    this.invPower = 1 / (alpha + 1);
    this.negInvAlpha = -1 / alpha;
  }

  density(y: number): number {
    return Math.exp(-this.power * Math.log1p(y));
  }

  inverseDensity(f: number): number {
    return Math.expm1(-this.invPower * Math.log(f));
  }

  tailMass(r: number): number {
    return Math.exp(-this.alpha * Math.log1p(r)) / this.alpha;
  }

  sampleTail(r: number, bits: RandomBits): number {
    return (1 + r) * Math.exp(this.negInvAlpha * Math.log(openUniform53(bits))) - 1;
  }
}

/** Ziggurats by Pareto shape, most recently built last; bounded so a sweep over many shapes stays small. */
const paretoCache = new Map<number, Ziggurat | null>();
const PARETO_CACHE_SIZE = 64;
/** Below this share of draws accepted at once, inversion is cheaper than the ziggurat. */
const MIN_IMMEDIATE = 0.9;

/**
 * The ziggurat for the excess Y = X/xm - 1 of a Pareto(xm, alpha) variable (so X = xm + xm Y), or
 * undefined when the shape is too heavy-tailed for the ziggurat to pay (alpha below about 0.03,
 * where more than 10% of the points fall outside the boxes' inner parts; use inversion then).
 * Built on first use (a few milliseconds) and cached per alpha.
 *
 * @param alpha - the Pareto shape, > 0
 * @example
 * const z = paretoExcessZiggurat(1.51)!;
 * 1.05 + 1.05 * z.next(randomBits(deriveStream(1))); // a Pareto(1.05, 1.51) draw
 */
export function paretoExcessZiggurat(alpha: number): Ziggurat | undefined {
  let z = paretoCache.get(alpha);
  if (z === undefined) {
    z = Ziggurat.build(new ParetoExcessShape(alpha)) ?? null;
    // Very heavy tails (alpha below about 0.03) leave many draws to the test against f, which costs more
    // than inversion; keep the ziggurat only where it pays.
    if (z && z.immediate < MIN_IMMEDIATE) z = null;
    if (paretoCache.size >= PARETO_CACHE_SIZE) paretoCache.delete(paretoCache.keys().next().value!);
    paretoCache.set(alpha, z);
  }
  return z ?? undefined;
}
