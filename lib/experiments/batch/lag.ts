import { oneRunBatchModel } from '../batch.js';
import type { ResultBatchSummary } from '../result-pool.js';
import type { LagConfig } from '../../strategies/leader-follower/lag-config.js';
import { runLagSummary, type LagResult } from '../../strategies/leader-follower/run-lag.js';

/** One batch of the lag sweep experiment: the cell's config (the seed is the batch's). */
export interface LagBatchParams {
  config: Partial<LagConfig>;
}

/**
 * One lag run: its result and the samples of its summaries as histograms (the run's own:
 * replication lag per (entry, follower) apply, read latency, the monitor's and the true lag per
 * follower read, read age and versions behind per returned read).
 *
 * @example
 * const summary = lagBatchSummary({ routing: 'random', ops: 2000 }, 3);
 * summary.result.lag_ms.p99 === LogHistogram.from(summary.histograms.lag_ms).quantile(0.99); // true
 */
export function lagBatchSummary(config: Partial<LagConfig>, seed: number): ResultBatchSummary<LagResult> {
  const { result, histograms } = runLagSummary(config, seed);
  return { trials: 1, result, histograms: { ...histograms }, weights: {} };
}

/** The lag model as the sweep pool runs it: one run per batch. */
export const lagBatchModel = oneRunBatchModel((params: LagBatchParams, seed) =>
  lagBatchSummary(params.config, seed),
);
