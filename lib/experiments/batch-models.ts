import { deriveStream } from '../random/index.js';
import type { BatchModel, BatchTask } from './batch-task.js';

export type { BatchModel } from './batch-task.js';

/**
 * The registry: each model is loaded when first needed, so a worker thread imports only the code
 * of the models it runs (importing every family's model costs a new thread ~55 ms).
 */
const loaders: Record<string, () => Promise<BatchModel>> = {
  staleness: async () => (await import('./batch/staleness.js')).stalenessBatchModel,
  failover: async () => (await import('./batch/failover.js')).failoverBatchModel,
  leaderless: async () => (await import('./batch/leaderless.js')).leaderlessBatchModel,
  lag: async () => (await import('./batch/lag.js')).lagBatchModel,
  conflicts: async () => (await import('./batch/conflicts.js')).conflictsBatchModel,
  upgrade: async () => (await import('./batch/upgrade.js')).upgradeBatchModel,

  editing: async () => (await import('./batch/editing.js')).editingBatchModel,
  selftest: async () => (await import('./batch/selftest.js')).selftestBatchModel,
};

const loaded = new Map<string, BatchModel>();

function unknownModel(name: string): Error {
  return new Error(`unknown model "${name}"; known: ${Object.keys(loaders).join(', ')}`);
}

/**
 * Loads model `name` (once per thread).
 *
 * @example
 * await loadBatchModel('selftest');
 */
export async function loadBatchModel(name: string): Promise<BatchModel> {
  const ready = loaded.get(name);
  if (ready) return ready;
  const load = loaders[name];
  if (!load) throw unknownModel(name);
  const model = await load();
  loaded.set(name, model);
  return model;
}

/** Loads every registered model (what a thread that runs tasks synchronously needs first). */
export async function loadBatchModels(): Promise<void> {
  await Promise.all(Object.keys(loaders).map((name) => loadBatchModel(name)));
}

/**
 * Runs one task with the stream derived from its (seed, cell, batch): the same result on any
 * thread. Synchronous: its model must be loaded in this thread ({@link loadBatchModel}).
 *
 * @example
 * await loadBatchModels();
 * runTask({ model: 'selftest', params: { k: 2, x: 1, work: 1, fail: false }, seed: 1, cell: 0, batch: 0, trials: 1000 });
 */
export function runTask(task: BatchTask): unknown {
  const model = loaded.get(task.model);
  if (!model) {
    if (!loaders[task.model]) throw unknownModel(task.model);
    throw new Error(
      `model "${task.model}" is not loaded in this thread: await loadBatchModel("${task.model}") first`,
    );
  }
  return model.runBatch(task.params, task.trials, deriveStream(task.seed, task.cell, task.batch));
}

/** {@link runTask}, loading the model first if needed (what worker threads use). */
export async function runTaskLoading(task: BatchTask): Promise<unknown> {
  await loadBatchModel(task.model);
  return runTask(task);
}

/** The names of the registered models (what a batch task's `model` may be). */
export function batchModelNames(): string[] {
  return Object.keys(loaders);
}
