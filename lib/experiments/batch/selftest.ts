import { deriveStream } from '../../random/index.js';
import { wilsonInterval } from '../../stats/index.js';
import type { SelftestResult } from '../selftest.js';
import type { RandomStream } from '../../random/index.js';
import type { BatchModel } from '../batch-task.js';

/** Trials per selftest batch (fixed, so results never depend on the thread count). */
export const SELFTEST_BATCH_TRIALS = 16384;

/** The largest k: the alternating sum of the closed form loses precision beyond it. */
export const SELFTEST_MAX_K = 20;

/** One batch of the `selftest` diagnostic experiment, as plain data. */
export interface SelftestParams {
  /** Uniforms summed per trial. */
  k: number;
  /** The threshold: a trial succeeds when the sum is <= x. */
  x: number;
  /** CPU cost per trial: the sum is drawn this many times and the last one counts. */
  work: number;
  /** When true, every batch throws (to exercise failure reports). */
  fail: boolean;
  /** MB of JS heap each batch holds while it runs (to exercise the workers' memory limit). Default 0. */
  holdMb?: number;
}

/** What a selftest batch returns. */
export interface SelftestSummary {
  trials: number;
  successes: number;
}

/**
 * The selftest batch: counts trials whose sum of `k` uniforms is <= `x` (an Irwin-Hall CDF
 * estimate). With `fail`, it throws instead: the error a sweep must report with its replay command.
 */
export const selftestBatchModel: BatchModel<SelftestParams, SelftestSummary> = {
  runBatch(params, trials, rng: RandomStream) {
    if (params.fail) {
      throw new Error(`selftest: this cell fails on purpose (fail: true, k: ${params.k}, x: ${params.x})`);
    }
    const { k, x, work } = params;
    // Small objects on the JS heap (typed arrays live outside it and would not count).
    const held: object[] = [];
    for (let i = 0; i < (params.holdMb ?? 0) * 16384; i++) held.push({ index: i, next: [i] });
    let successes = 0;
    for (let i = 0; i < trials; i++) {
      let sum = 0;
      for (let repeat = 0; repeat < work; repeat++) {
        sum = 0;
        for (let j = 0; j < k; j++) sum += rng.nextDouble();
      }
      if (sum <= x) successes++;
    }
    return { trials, successes };
  },
};

/**
 * The Irwin-Hall CDF: P(U1 + ... + Uk <= x) for independent uniforms on [0, 1),
 * (1/k!) * sum over j = 0..floor(x) of (-1)^j C(k, j) (x - j)^k.
 * Reference: J. O. Irwin (1927), P. Hall (1927); see also Johnson, Kotz and Balakrishnan,
 * Continuous Univariate Distributions, Vol. 2, 2nd ed., Wiley 1995, Ch. 26.
 *
 * @example
 * irwinHallCdf(2, 1); // 0.5
 * irwinHallCdf(1, 0.3); // 0.3
 */
export function irwinHallCdf(k: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= k) return 1;
  let sum = 0;
  let binomial = 1;
  let factorial = 1;
  for (let i = 2; i <= k; i++) factorial *= i;
  for (let j = 0; j <= Math.floor(x); j++) {
    sum += (j % 2 === 0 ? 1 : -1) * binomial * (x - j) ** k;
    binomial = (binomial * (k - j)) / (j + 1);
  }
  return Math.min(1, Math.max(0, sum / factorial));
}

export function selftestResult(params: SelftestParams, successes: number, trials: number): SelftestResult {
  const interval = wilsonInterval(successes, trials);
  return {
    p_estimate: interval.p,
    ci_low: interval.low,
    ci_high: interval.high,
    successes,
    p_exact: irwinHallCdf(params.k, params.x),
    trials,
  };
}

/**
 * `trials` selftest trials in this thread, in the batches a sweep would cut (cell 0): the same
 * result as a one-cell sweep with that seed.
 *
 * @example
 * runSelftest({ k: 2, x: 1, work: 1, fail: false }, 100000, 1).p_exact; // 0.5
 */
export function runSelftest(params: SelftestParams, trials: number, seed: number): SelftestResult {
  let successes = 0;
  for (let b = 0; b * SELFTEST_BATCH_TRIALS < trials; b++) {
    const size = Math.min(SELFTEST_BATCH_TRIALS, trials - b * SELFTEST_BATCH_TRIALS);
    successes += selftestBatchModel.runBatch(params, size, deriveStream(seed, 0, b)).successes;
  }
  return selftestResult(params, successes, trials);
}
