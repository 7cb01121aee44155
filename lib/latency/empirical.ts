import { ParameterError } from '../errors.js';
import type { RandomStream } from '../random/index.js';
import type { BulkSampler } from './bulk.js';
import type { LatencyDistribution } from './distribution.js';
import { requireProbability } from './validate.js';

/**
 * The distribution whose inverse CDF interpolates linearly between the order statistics
 * x_0 <= ... <= x_{n-1}: Q(p) = x_i + f (x_{i+1} - x_i) at position p (n - 1) = i + f. Each gap
 * between neighbours carries probability 1/(n - 1) spread uniformly over it (tied values make an atom).
 */
class EmpiricalDistribution implements LatencyDistribution, BulkSampler {
  readonly kind = 'empirical';
  private readonly sorted: Float64Array;
  private readonly meanValue: number;

  constructor(
    sorted: Float64Array,
    private readonly text: string,
  ) {
    this.sorted = sorted;
    const n = sorted.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i];
    // Average of the gap midpoints: (sum - x_0/2 - x_{n-1}/2) / (n - 1).
    this.meanValue = (sum - (sorted[0] + sorted[n - 1]) / 2) / (n - 1);
  }

  sample(rng: RandomStream): number {
    const x = this.sorted;
    const position = rng.nextDouble() * (x.length - 1);
    const i = Math.floor(position);
    return x[i] + (position - i) * (x[i + 1] - x[i]);
  }

  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void {
    const x = this.sorted;
    const gaps = x.length - 1;
    for (let j = offset, end = offset + count; j < end; j++) {
      const position = rng.nextDouble() * gaps;
      const i = Math.floor(position);
      out[j] = x[i] + (position - i) * (x[i + 1] - x[i]);
    }
  }

  mean(): number {
    return this.meanValue;
  }

  cdf(value: number): number {
    const x = this.sorted;
    const n = x.length;
    if (value < x[0]) return 0;
    if (value >= x[n - 1]) return 1;
    // The last i with x[i] <= value (so x[i + 1] > value, and the gap is not empty).
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (x[mid] <= value) lo = mid;
      else hi = mid;
    }
    return (lo + (value - x[lo]) / (x[lo + 1] - x[lo])) / (n - 1);
  }

  quantile(p: number): number {
    requireProbability(this, p);
    const x = this.sorted;
    const position = p * (x.length - 1);
    const i = Math.floor(position);
    if (i >= x.length - 1) return x[x.length - 1];
    return x[i] + (position - i) * (x[i + 1] - x[i]);
  }

  toString(): string {
    return this.text;
  }
}

/**
 * The empirical distribution over samples already checked (>= 2, finite, >= 0) and sorted ascending,
 * with the given text form (used by {@link empiricalFromFile}).
 *
 * @example
 * empiricalFromSorted(Float64Array.of(1, 2), 'file:t.csv').quantile(0.5); // 1.5
 */
export function empiricalFromSorted(sorted: Float64Array, text: string): LatencyDistribution {
  return new EmpiricalDistribution(sorted, text);
}

/**
 * The empirical distribution of measured delays, with linear interpolation between order
 * statistics: quantile(p) interpolates the sorted samples at position p (n - 1) (Hyndman and Fan's
 * definition 7, the default of R and NumPy), a draw is quantile(U), and cdf and mean are those of
 * this piecewise-linear distribution. Its text form lists the sorted samples,
 * `empirical(x0,x1,...)`; for a trace file use {@link empiricalFromFile} (`file:PATH`).
 *
 * References: https://en.wikipedia.org/wiki/Empirical_distribution_function ;
 * R. J. Hyndman, Y. Fan, "Sample quantiles in statistical packages", The American Statistician
 * 50(4) (1996) 361-365.
 *
 * @param samplesMs - at least 2 delays in ms, each finite and >= 0 (any order; copied)
 * @example
 * const d = empirical([4, 1, 3, 2]);
 * d.quantile(0.5); // 2.5
 * d.cdf(2.5); // 0.5
 * d.toString(); // "empirical(1,2,3,4)"
 */
export function empirical(samplesMs: readonly number[]): LatencyDistribution {
  for (let i = 0; i < samplesMs.length; i++) {
    const v = samplesMs[i];
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new ParameterError(
        'empirical(samples)',
        `sample #${i + 1} = ${v}`,
        'delays in ms, each a finite number >= 0',
      );
    }
  }
  if (samplesMs.length < 2) {
    throw new ParameterError(
      'empirical(samples)',
      `${samplesMs.length} sample(s)`,
      'at least 2 delays in ms',
    );
  }
  const sorted = Float64Array.from(samplesMs).sort();
  return new EmpiricalDistribution(sorted, `empirical(${Array.from(sorted).join(',')})`);
}
