import { LogHistogram } from '../../stats/index.js';
import { oneRunBatchModel } from '../../sweep/result-batch.js';
import type { ResultBatchSummary } from '../../sweep/result-pool.js';
import type { MultiLeaderConfig } from './multi-leader-config.js';
import { runMultiLeaderWithHistory, type MultiLeaderResult } from './run-multi-leader.js';

/** One batch of the conflicts sweep experiment: the cell's config (the seed is the batch's). */
export interface ConflictsBatchParams {
  config: Partial<MultiLeaderConfig>;
}

/**
 * One multi-leader run: its result, the latencies of its acknowledged writes as a histogram (from
 * the recorded history: acknowledgement minus arrival, the samples of write_latency_ms), and the
 * weight of mean_siblings (the reads it averages over with `siblings`; else the writes, where it
 * is 1 whenever there was one).
 *
 * @example
 * const summary = conflictsBatchSummary({ datacenters: 2 }, 3);
 * summary.result.write_latency_ms.p99 === LogHistogram.from(summary.histograms.write_latency_ms).quantile(0.99); // true
 */
export function conflictsBatchSummary(config: Partial<MultiLeaderConfig>, seed: number): ResultBatchSummary<MultiLeaderResult> {
  const run = runMultiLeaderWithHistory(config, seed);
  const writeLatency = new LogHistogram();
  for (const w of run.history.writes) if (w.ackMs !== null) writeLatency.record(w.ackMs - w.invokeMs);
  const sibling = run.config.resolution === 'siblings';
  return {
    trials: 1,
    result: run.result,
    histograms: { write_latency_ms: writeLatency },
    weights: { mean_siblings: sibling ? run.history.reads.length : run.result.writes },
  };
}

/** The multi-leader model as the sweep pool runs it: one run per batch. */
export const conflictsBatchModel = oneRunBatchModel((params: ConflictsBatchParams, seed) => conflictsBatchSummary(params.config, seed));
