import { oneRunBatchModel } from '../batch.js';
import type { ResultBatchSummary } from '../result-pool.js';
import {
  runEditing,
  type EditingConfig,
  type EditingResult,
} from '../../strategies/multi-leader/yjs-editing.js';

/** One batch of the editing sweep experiment: the cell's config (the seed is the batch's). */
export interface EditingBatchParams {
  config: Partial<EditingConfig>;
}

/**
 * One editing run: its result, and the weights of its means (the sessions each averages over).
 *
 * @example
 * editingBatchSummary({ sessions: 2 }, 3).weights['convergence_ms.mean']; // 2 when both converged
 */
export function editingBatchSummary(
  config: Partial<EditingConfig>,
  seed: number,
): ResultBatchSummary<EditingResult> {
  const result = runEditing(config, seed);
  const convergence = result.convergence_ms.samples;
  const bytes = result.bytes_per_edit.samples;
  return {
    trials: 1,
    result,
    histograms: {},
    weights: {
      'convergence_ms.mean': convergence,
      'convergence_ms.mean_square': convergence,
      'bytes_per_edit.mean': bytes,
      'bytes_per_edit.mean_square': bytes,
    },
  };
}

/** The editing model as the sweep pool runs it: one run per batch. */
export const editingBatchModel = oneRunBatchModel((params: EditingBatchParams, seed) =>
  editingBatchSummary(params.config, seed),
);
