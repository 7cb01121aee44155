import { LogHistogram } from '../../stats/index.js';
import { oneRunBatchModel } from '../../sweep/result-batch.js';
import type { ResultBatchSummary } from '../../sweep/result-pool.js';
import type { LeaderlessConfig } from './cluster-config.js';
import { runLeaderlessWithHistory, type LeaderlessResult } from './run-leaderless.js';

/** One batch of the leaderless sweep experiment: the cell's config (the seed is the batch's). */
export interface LeaderlessBatchParams {
  config: Partial<LeaderlessConfig>;
}

/**
 * One leaderless run: its result, the latencies of its successful reads and writes as histograms
 * (from the recorded history: return or acknowledgement minus invocation, the samples of the
 * result's latency_ms quantiles), and the weights of its means (returned reads for mean_siblings,
 * operations for messages_per_op). The history is what makes the latency samples available; it
 * lives for one run (about 100 bytes an operation).
 *
 * @example
 * const summary = leaderlessBatchSummary({ ops: 2000 }, 3);
 * summary.result.latency_ms.read.p99 === LogHistogram.from(summary.histograms['latency_ms.read']).quantile(0.99); // true
 */
export function leaderlessBatchSummary(config: Partial<LeaderlessConfig>, seed: number): ResultBatchSummary<LeaderlessResult> {
  const { result, history } = runLeaderlessWithHistory(config, seed);
  const read = new LogHistogram();
  const write = new LogHistogram();
  for (const r of history.reads) read.record(r.returnMs - r.invokeMs);
  for (const w of history.writes) if (w.ackMs !== null) write.record(w.ackMs - w.invokeMs);
  return {
    trials: 1,
    result,
    histograms: { 'latency_ms.read': read, 'latency_ms.write': write },
    weights: { mean_siblings: history.reads.length, messages_per_op: result.ops },
  };
}

/** The leaderless model as the sweep pool runs it: one run per batch. */
export const leaderlessBatchModel = oneRunBatchModel((params: LeaderlessBatchParams, seed) => leaderlessBatchSummary(params.config, seed));
