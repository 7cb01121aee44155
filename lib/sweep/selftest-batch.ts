import type { RandomStream } from '../random/index.js';
import type { BatchModel } from './models.js';

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
