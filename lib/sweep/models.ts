import { deriveStream, type RandomStream } from '../random/index.js';
import type { BatchTask } from './batch-task.js';
import { failoverBatchModel } from '../strategies/leader-follower/failover-batch.js';
import { lagBatchModel } from '../strategies/leader-follower/lag-batch.js';
import { leaderlessBatchModel } from '../strategies/leaderless/leaderless-batch.js';
import { conflictsBatchModel } from '../strategies/multi-leader/conflicts-batch.js';
import { stalenessBatchModel } from '../strategies/leaderless/staleness-batch.js';
import { selftestBatchModel } from './selftest-batch.js';

/** A model the pool can run: one batch of trials in, one plain-data summary out. */
export interface BatchModel<P = any, S = any> {
  /** Runs `trials` trials drawing only from `rng`; returns counts and fixed-size summaries. */
  runBatch(params: P, trials: number, rng: RandomStream): S;
}

const models: Record<string, BatchModel> = {
  staleness: stalenessBatchModel,
  failover: failoverBatchModel,
  leaderless: leaderlessBatchModel,
  lag: lagBatchModel,
  conflicts: conflictsBatchModel,
  selftest: selftestBatchModel,
};

/** Runs one task with the stream derived from its (seed, cell, batch): the same result on any thread. */
export function runTask(task: BatchTask): unknown {
  const model = models[task.model];
  if (!model) throw new Error(`unknown model "${task.model}"; known: ${Object.keys(models).join(', ')}`);
  return model.runBatch(task.params, task.trials, deriveStream(task.seed, task.cell, task.batch));
}
