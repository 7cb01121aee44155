import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { BatchTask } from './batch-task.js';
import { runTask } from './models.js';

/** The worker script: beside this module in dist/, or dist's copy when running from the sources. */
function workerFilename(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL('../../dist/lib/sweep/worker.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`worker script not found (${beside}); run "npm run build" first`);
}

/** The default thread count: the machine's available cores. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Runs batch tasks on `threads` worker threads (piscina) and returns their results in task order,
 * whatever order they finish in; with one thread they run in this thread, with the same result.
 * `onResult(index, result)` is called as each task finishes (for progress).
 *
 * @example
 * const results = await runBatches(tasks, 2, () => bar.increment());
 */
export async function runBatches<S>(
  tasks: readonly BatchTask[],
  threads: number,
  onResult?: (index: number, result: S) => void,
): Promise<S[]> {
  const results = new Array<S>(tasks.length);
  if (threads <= 1 || tasks.length <= 1) {
    tasks.forEach((task, index) => {
      results[index] = runTask(task) as S;
      onResult?.(index, results[index]);
    });
    return results;
  }
  const pool = new Piscina({ filename: workerFilename(), minThreads: 1, maxThreads: Math.min(threads, tasks.length) });
  try {
    await Promise.all(tasks.map(async (task, index) => {
      results[index] = (await pool.run(task)) as S;
      onResult?.(index, results[index]);
    }));
  } finally {
    await pool.destroy();
  }
  return results;
}
