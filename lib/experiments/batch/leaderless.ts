import { oneRunBatchModel } from '../batch.js';
import type { ResultBatchSummary } from '../result-pool.js';
import type { LeaderlessConfig } from '../../strategies/leaderless/cluster-config.js';
import { runLeaderlessTimed, type LeaderlessResult } from '../../strategies/leaderless/run-leaderless.js';

/** One batch of the leaderless sweep experiment: the cell's config (the seed is the batch's). */
export interface LeaderlessBatchParams {
  config: Partial<LeaderlessConfig>;
}

/**
 * One leaderless run on the streaming path (no history recorded): its result, the latencies of
 * its successful reads and writes and the reads' age and versions behind as histograms (the
 * run's own, the samples of the result's latency_ms, read_age_ms and versions_behind quantiles), and the weights of its means (returned reads, one latency sample each,
 * for mean_siblings; operations for messages_per_op).
 *
 * @example
 * const summary = leaderlessBatchSummary({ ops: 2000 }, 3);
 * summary.result.latency_ms.read.p99 === LogHistogram.from(summary.histograms['latency_ms.read']).quantile(0.99); // true
 */
export function leaderlessBatchSummary(
  config: Partial<LeaderlessConfig>,
  seed: number,
): ResultBatchSummary<LeaderlessResult> {
  const {
    result,
    latencyHistograms: { read, write },
    stalenessHistograms: { readAgeMs, versionsBehind },
  } = runLeaderlessTimed(config, seed);
  return {
    trials: 1,
    result,
    histograms: {
      'latency_ms.read': read,
      'latency_ms.write': write,
      read_age_ms: readAgeMs,
      versions_behind: versionsBehind,
    },
    weights: { mean_siblings: read.total, messages_per_op: result.ops },
  };
}

/** The leaderless model as the sweep pool runs it: one run per batch. */
export const leaderlessBatchModel = oneRunBatchModel((params: LeaderlessBatchParams, seed) =>
  leaderlessBatchSummary(params.config, seed),
);
