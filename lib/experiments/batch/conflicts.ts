import { oneRunBatchModel } from '../batch.js';
import type { ResultBatchSummary } from '../result-pool.js';
import type { MultiLeaderConfig } from '../../strategies/multi-leader/multi-leader-config.js';
import {
  runMultiLeaderSummary,
  type MultiLeaderResult,
} from '../../strategies/multi-leader/run-multi-leader.js';

/** One batch of the conflicts sweep experiment: the cell's config (the seed is the batch's). */
export interface ConflictsBatchParams {
  config: Partial<MultiLeaderConfig>;
}

/**
 * One multi-leader run: its result, the samples of its quantiles as histograms (the run's own:
 * acknowledged writes' latency, local followers' lag per apply), and the weight of mean_siblings
 * (the reads it averages over with `siblings`; else the writes, where it is 1 whenever there was
 * one).
 *
 * @example
 * const summary = conflictsBatchSummary({ datacenters: 2, localFollowers: 1 }, 3);
 * summary.result.follower_lag_ms.p99 === LogHistogram.from(summary.histograms.follower_lag_ms).quantile(0.99); // true
 */
export function conflictsBatchSummary(
  config: Partial<MultiLeaderConfig>,
  seed: number,
): ResultBatchSummary<MultiLeaderResult> {
  const run = runMultiLeaderSummary(config, seed);
  const sibling = run.config.resolution === 'siblings';
  return {
    trials: 1,
    result: run.result,
    histograms: run.histograms,
    weights: { mean_siblings: sibling ? run.siblingReads : run.result.writes },
  };
}

/** The multi-leader model as the sweep pool runs it: one run per batch. */
export const conflictsBatchModel = oneRunBatchModel((params: ConflictsBatchParams, seed) =>
  conflictsBatchSummary(params.config, seed),
);
