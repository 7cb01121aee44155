import { mean, sampleStandardDeviation } from 'simple-statistics';

/**
 * Batches a run's samples are cut into for the confidence interval of their mean: consecutive
 * samples of one simulation are correlated (a lagging follower stays behind for a while), so the
 * interval is computed from the means of consecutive batches, which are nearly independent when
 * the batches are long (the method of batch means: A. M. Law, Simulation Modeling and Analysis,
 * 5th ed., 2015, section 9.5.3, which advises 10 to 30 batches).
 */
export const MEAN_BATCHES = 30;

/**
 * The 0.975 quantile of Student's t with 29 degrees of freedom (NIST/SEMATECH e-Handbook of
 * Statistical Methods, section 1.3.6.7.2, table of the t distribution): the interval of 30 batch
 * means; slightly wide (conservative) when batches of several runs pool.
 */
export const T_975_29 = 2.045;

/** A mean with its 95% confidence interval from batch means (null fields when there were no samples). */
export interface MeanEstimate {
  /** The mean of the batch means. */
  mean: number | null;
  /** The interval's ends (null with fewer than 2 batches). */
  low: number | null;
  high: number | null;
  /** Non-empty batches the interval rests on. */
  batches: number;
  /** The standard deviation of the batch means (null with fewer than 2 batches). */
  sd: number | null;
}

function estimate(m: number | null, sd: number | null, batches: number): MeanEstimate {
  if (m === null || sd === null || batches < 2) return { mean: m, low: null, high: null, batches, sd };
  const half = (T_975_29 * sd) / Math.sqrt(batches);
  return { mean: m, low: m - half, high: m + half, batches, sd };
}

/**
 * Samples spread over a run, by where in the run each was taken (an operation's index), cut into
 * {@link MEAN_BATCHES} consecutive batches; memory is fixed.
 *
 * @example
 * const b = new BatchMeans(1000);
 * for (let i = 0; i < 1000; i++) b.add(i % 7, i);
 * b.estimate(); // { mean: ~3, low, high, batches: 30, sd }
 */
export class BatchMeans {
  private readonly sums = new Float64Array(MEAN_BATCHES);
  private readonly counts = new Float64Array(MEAN_BATCHES);

  /** @param span - the positions samples are taken at lie in [0, span) */
  constructor(private readonly span: number) {}

  /** Adds a sample taken at position `at` of the run. */
  add(value: number, at: number): void {
    const b = Math.min(MEAN_BATCHES - 1, Math.max(0, Math.floor((at * MEAN_BATCHES) / this.span)));
    this.sums[b] += value;
    this.counts[b]++;
  }

  /** The mean of the non-empty batches' means and its t interval. */
  estimate(): MeanEstimate {
    const means: number[] = [];
    for (let b = 0; b < MEAN_BATCHES; b++) if (this.counts[b] > 0) means.push(this.sums[b] / this.counts[b]);
    if (means.length === 0) return estimate(null, null, 0);
    return estimate(mean(means), means.length < 2 ? null : sampleStandardDeviation(means), means.length);
  }
}

/**
 * Two estimates' batches taken together (independent runs of one cell): the pooled mean and
 * standard deviation of all their batch means, and the interval from them.
 *
 * @example
 * combineMeanEstimates(a, b).batches === a.batches + b.batches; // true
 */
export function combineMeanEstimates(a: MeanEstimate, b: MeanEstimate): MeanEstimate {
  if (a.batches === 0 || a.mean === null) return b;
  if (b.batches === 0 || b.mean === null) return a;
  const n = a.batches + b.batches;
  const m = (a.mean * a.batches + b.mean * b.batches) / n;
  // Sums of squared deviations from each mean, moved to the pooled one (Chan, Golub and LeVeque, 1979).
  const ss = (e: MeanEstimate) =>
    (e.sd ?? 0) ** 2 * (e.batches - 1) + e.batches * ((e.mean as number) - m) ** 2;
  return estimate(m, Math.sqrt((ss(a) + ss(b)) / (n - 1)), n);
}
