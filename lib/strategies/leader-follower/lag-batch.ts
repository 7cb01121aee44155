import { LogHistogram } from '../../stats/index.js';
import { oneRunBatchModel } from '../../sweep/result-batch.js';
import type { ResultBatchSummary } from '../../sweep/result-pool.js';
import type { LagConfig } from './lag-config.js';
import { runLagWithHistory, type LagResult } from './run-lag.js';

/** One batch of the lag sweep experiment: the cell's config (the seed is the batch's). */
export interface LagBatchParams {
  config: Partial<LagConfig>;
}

/**
 * One lag run: its result, the latencies of its returned reads as a histogram (from the recorded
 * history: return minus invocation, what runLag's read_latency_ms summarises), and the weight of
 * its mean replication lag (its sample count).
 *
 * @example
 * const summary = lagBatchSummary({ routing: 'random', ops: 2000 }, 3);
 * summary.result.read_latency_ms.p99 === LogHistogram.from(summary.histograms.read_latency_ms).quantile(0.99); // true
 */
export function lagBatchSummary(config: Partial<LagConfig>, seed: number): ResultBatchSummary<LagResult> {
  const { result, history } = runLagWithHistory(config, seed);
  const readLatency = new LogHistogram();
  for (const read of history.reads) readLatency.record(read.returnMs - read.invokeMs);
  return { trials: 1, result, histograms: { read_latency_ms: readLatency }, weights: { 'lag_ms.mean': result.lag_ms.samples } };
}

/** The lag model as the sweep pool runs it: one run per batch. */
export const lagBatchModel = oneRunBatchModel((params: LagBatchParams, seed) => lagBatchSummary(params.config, seed));
