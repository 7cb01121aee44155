import type { BatchModel } from '../batch-task.js';
import { seedFromStream } from '../batch.js';
import type { ResultBatchSummary } from '../result-pool.js';
import type { FailoverConfig } from '../../strategies/leader-follower/failover-config.js';
import { runFailoverSummary, type FailoverResult } from '../../strategies/leader-follower/run-failover.js';

/** One batch of the failover sweep experiment: the cell's config (trials and seed are the batch's). */
export interface FailoverBatchParams {
  config: Partial<FailoverConfig>;
}

/**
 * `trials` failovers run by {@link runFailoverSummary} with the model seed drawn from the
 * batch's stream: the result, and the recovery and detection times of its trials as histograms
 * (the samples its quantiles come from, to pool over batches).
 *
 * @example
 * const summary = failoverBatchSummary({ election: 'raft' }, 25, 7);
 * summary.result.recovery_ms.p50 === LogHistogram.from(summary.histograms.recovery_ms).quantile(0.5); // true
 */
export function failoverBatchSummary(
  config: Partial<FailoverConfig>,
  trials: number,
  seed: number,
): ResultBatchSummary<FailoverResult> {
  const run = runFailoverSummary({ ...config, trials }, seed);
  return {
    trials,
    result: run.result,
    histograms: run.histograms,
    weights: {
      'election_rounds.mean': trials,
      'split_brain_ms.mean': trials,
      'split_brain_ms.mean_square': trials,
    },
  };
}

/** The failover model as the sweep pool runs it. */
export const failoverBatchModel: BatchModel<FailoverBatchParams, ResultBatchSummary<FailoverResult>> = {
  runBatch: (params, trials, rng) => failoverBatchSummary(params.config, trials, seedFromStream(rng)),
};
