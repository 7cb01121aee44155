/**
 * A fixed-size log-linear histogram: the lab's quantile sketch.
 *
 * Each power of two is split into 2^SUB_BITS equal buckets (the layout of HdrHistogram), so a
 * reported quantile is within 2^-(SUB_BITS+1) (about 0.1%) of the exact order statistic, whatever
 * the scale. The bucket index comes from the bits of the double (exponent and top mantissa bits),
 * so recording costs no logarithm. Memory is fixed (about 200 KB), counts add exactly, and a merge
 * is order-free: the same trials give the same quantiles at any thread count.
 *
 * Reference: G. Tene, HdrHistogram (http://hdrhistogram.org), log-linear bucketing.
 */
const SUB_BITS = 9;
const SUB_BUCKETS = 1 << SUB_BITS;
/** Smallest power of two with its own buckets: 2^-16 ms is about 15 ns. */
const MIN_EXPONENT = -16;
/** Values at or above 2^32 ms (about 50 days) are counted as overflow. */
const MAX_EXPONENT = 32;
const BUCKETS = (MAX_EXPONENT - MIN_EXPONENT) * SUB_BUCKETS;

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
// The high word of a double is index 1 on little-endian machines, 0 on big-endian.
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The plain data of a {@link LogHistogram}: what crosses a worker boundary. */
export interface LogHistogramData {
  counts: Float64Array;
  /** Values <= 0 (or below 2^-16). */
  zeroCount: number;
  /** Values >= 2^32 or infinite. */
  overflowCount: number;
  total: number;
  sum: number;
  min: number;
  max: number;
}

/** Relative error bound of a reported quantile (half a bucket's width). */
export const LOG_HISTOGRAM_RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);

/**
 * Records non-negative values (latencies, thresholds in ms) and answers quantiles.
 *
 * @example
 * const h = new LogHistogram();
 * for (const x of [1, 2, 3, 4]) h.record(x);
 * h.quantile(0.5); // 2 (within 0.1%)
 */
export class LogHistogram implements LogHistogramData {
  counts = new Float64Array(BUCKETS);
  zeroCount = 0;
  overflowCount = 0;
  total = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /** Rebuilds a histogram from its data (after a structured clone, for example). */
  static from(data: LogHistogramData): LogHistogram {
    const h = new LogHistogram();
    h.counts.set(data.counts);
    h.zeroCount = data.zeroCount;
    h.overflowCount = data.overflowCount;
    h.total = data.total;
    h.sum = data.sum;
    h.min = data.min;
    h.max = data.max;
    return h;
  }

  /** Counts one value. Negative values count as 0 (a threshold already passed). */
  record(value: number): void {
    this.total++;
    if (value !== value) throw new RangeError('LogHistogram.record: NaN');
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= 0) {
      this.zeroCount++;
      return;
    }
    this.sum += value;
    scratch[0] = value;
    const high = scratchWords[HIGH_WORD];
    const exponent = (high >>> 20) - 1023;
    if (exponent < MIN_EXPONENT) {
      this.zeroCount++;
      return;
    }
    if (exponent >= MAX_EXPONENT) {
      this.overflowCount++;
      return;
    }
    const sub = (high >>> (20 - SUB_BITS)) & (SUB_BUCKETS - 1);
    this.counts[(exponent - MIN_EXPONENT) * SUB_BUCKETS + sub]++;
  }

  /** Adds another histogram's counts into this one. */
  merge(other: LogHistogramData): void {
    const a = this.counts;
    const b = other.counts;
    for (let i = 0; i < BUCKETS; i++) a[i] += b[i];
    this.zeroCount += other.zeroCount;
    this.overflowCount += other.overflowCount;
    this.total += other.total;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /**
   * The p-quantile: the smallest recorded value x with P(X <= x) >= p, to within
   * {@link LOG_HISTOGRAM_RELATIVE_ERROR}. Values <= 0 report as 0; NaN when empty.
   */
  quantile(p: number): number {
    if (this.total === 0) return Number.NaN;
    return this.valueAtRank(Math.ceil(p * this.total - 1e-9));
  }

  /**
   * A distribution-free confidence interval for the p-quantile: the order statistics at ranks
   * np -/+ z sqrt(np(1-p)) (rounded outwards), whose span covers the true quantile with about the
   * normal level of z (95% by default), widened by the sketch's relative error.
   * Reference: W. J. Conover, Practical Nonparametric Statistics, 3rd ed., Wiley 1999, Section 3.2
   * (confidence interval for a quantile, large-sample form).
   *
   * @example
   * h.quantileInterval(0.999); // { low, high } around h.quantile(0.999)
   */
  quantileInterval(p: number, z = 1.959963984540054): { low: number; high: number } {
    if (this.total === 0) return { low: Number.NaN, high: Number.NaN };
    const n = this.total;
    const halfWidth = z * Math.sqrt(n * p * (1 - p));
    return {
      low: this.valueAtRank(Math.floor(n * p - halfWidth)) * (1 - LOG_HISTOGRAM_RELATIVE_ERROR),
      high: this.valueAtRank(Math.ceil(n * p + halfWidth) + 1) * (1 + LOG_HISTOGRAM_RELATIVE_ERROR),
    };
  }

  /** The value of the rank-th smallest recorded value (rank clamped to 1..total). */
  private valueAtRank(rank: number): number {
    const target = Math.min(this.total, Math.max(1, rank));
    let seen = this.zeroCount;
    if (seen >= target) return 0;
    const counts = this.counts;
    for (let i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= target) {
        const exponent = Math.floor(i / SUB_BUCKETS) + MIN_EXPONENT;
        const sub = i % SUB_BUCKETS;
        const midpoint = 2 ** exponent * (1 + (sub + 0.5) / SUB_BUCKETS);
        return Math.min(Math.max(midpoint, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Mean of the recorded values (values <= 0 count as 0). */
  mean(): number {
    return this.total === 0 ? Number.NaN : this.sum / this.total;
  }
}
