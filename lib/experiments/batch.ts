import { randomBits, type RandomStream } from '../random/index.js';
import type { BatchModel } from './batch-task.js';
import type { ResultBatchSummary } from './result-pool.js';

/**
 * A model seed drawn from a batch's stream: 53 random bits (two 32-bit words) as a safe integer.
 * Models that take a numeric seed (runFailover, runLag, runLeaderless, runMultiLeader) run a
 * sweep batch with the seed drawn from deriveStream(seed, cell, batch), so the batch is a pure
 * function of (seed, cell, batch) like every other batch; with 53 bits, two batches of one sweep
 * share a model seed with probability about batches^2 / 2^54.
 *
 * @param rng - the batch's stream (its first two words are used)
 * @example
 * seedFromStream(deriveStream(1, 0, 0)); // the model seed of cell 0, batch 0 of a sweep with seed 1
 */
export function seedFromStream(rng: RandomStream): number {
  const bits = randomBits(rng);
  const high = (bits.nextInt32() >>> 0) & 0x1fffff;
  const low = bits.nextInt32() >>> 0;
  return high * 4294967296 + low;
}

/**
 * A batch model that runs a seeded model once per batch (`trials` is 1: a trial is a run): the
 * model seed comes from the batch's stream ({@link seedFromStream}).
 *
 * @param run - one run of the model with that seed, summarised as plain data
 * @example
 * export const lagBatchModel = oneRunBatchModel((params: { config: Partial<LagConfig> }, seed) => lagBatchSummary(params.config, seed));
 */
export function oneRunBatchModel<P, R extends object>(
  run: (params: P, seed: number) => ResultBatchSummary<R>,
): BatchModel<P, ResultBatchSummary<R>> {
  return {
    runBatch(params, trials, rng) {
      if (trials !== 1) throw new Error(`a batch of this model is one run, got ${trials} trials`);
      return run(params, seedFromStream(rng));
    },
  };
}
