import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { BatchTask } from './batch-task.js';
import { loadBatchModels, runTask, runTaskLoading } from './batch-models.js';

/** The worker script: beside this module in dist/, or dist's copy when running from the sources. */
function workerFilename(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL('../../dist/lib/experiments/worker.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`worker script not found (${beside}); run "npm run build" first`);
}

/** The default thread count: the machine's available cores. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Default heap limit of each worker thread (MB): a runaway cell fails alone instead of taking the machine. */
export const DEFAULT_WORKER_MEMORY_MB = 2048;

/**
 * What the scheduler runs batch tasks on: a {@link BatchPool} (this machine's threads) or a
 * distributed backend (`RedisBatchPool`). Results depend only on the task, never on the runner.
 */
export interface BatchRunner {
  /** The number of tasks worth having in flight to keep every executor busy. */
  readonly concurrency: number;
  /** Whether tasks run in this thread (the scheduler then slices the work itself with `runHere`). */
  readonly inline: boolean;
  /** Runs one task in this thread, now (inline runners only). */
  runHere<S>(task: BatchTask): S;
  /** Runs one task somewhere; resolves with its summary. */
  run<S>(task: BatchTask): Promise<S>;
  /** Releases the runner's threads or connections. */
  close(): Promise<void>;
  /** Called once before the first task (e.g. to load the models a thread will run synchronously). */
  prepare?(): Promise<void>;
}

/** Options of a {@link BatchPool}. */
export interface BatchPoolOptions {
  /** Worker threads; 1 runs every task in this thread (same results, readable stack traces). */
  threads: number;
  /** Old-generation heap limit of each worker, MB (piscina `resourceLimits`). Default {@link DEFAULT_WORKER_MEMORY_MB}. */
  workerMemoryMb?: number;
  /** At most this many tasks are ever needed at once (caps the threads started). */
  maxTasks?: number;
  /**
   * Run tasks on worker threads even with `threads: 1` (a distributed worker keeps its event loop
   * free for lock renewals while a task runs). Default false: one thread runs tasks in this thread.
   */
  alwaysWorkerThreads?: boolean;
}

/**
 * Runs batch tasks: on a piscina pool of worker threads, or in this thread when `threads` is 1.
 * One pool serves a whole sweep; {@link BatchPool.close} ends its threads. A task's result depends
 * only on the task (its stream comes from (seed, cell, batch)), never on where it ran.
 *
 * @example
 * const pool = new BatchPool({ threads: 2 });
 * try { const summary = await pool.run(task); } finally { await pool.close(); }
 */
export class BatchPool implements BatchRunner {
  /** The number of tasks worth having in flight to keep every thread busy. */
  readonly concurrency: number;
  private readonly piscina: Piscina | null;

  constructor(options: BatchPoolOptions) {
    const threads = Math.max(1, Math.min(options.threads, options.maxTasks ?? Number.MAX_SAFE_INTEGER));
    this.concurrency = threads;
    this.piscina =
      threads <= 1 && !options.alwaysWorkerThreads
        ? null
        : new Piscina({
            filename: workerFilename(),
            // Start every thread at once: a sweep keeps them all busy, and a lazily started second
            // thread would sit out the first batches.
            minThreads: threads,
            maxThreads: threads,
            resourceLimits: { maxOldGenerationSizeMb: options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB },
          });
  }

  /** Whether tasks run in this thread. */
  get inline(): boolean {
    return this.piscina === null;
  }

  /**
   * Runs one task in this thread, now (for an inline pool's scheduler, which slices the work
   * itself). Its model must be loaded in this thread: see {@link BatchPool.prepare}.
   */
  runHere<S>(task: BatchTask): S {
    return runTask(task) as S;
  }

  /** Loads every model in this thread when tasks run here (worker threads load theirs on first use). */
  async prepare(): Promise<void> {
    if (this.piscina === null) await loadBatchModels();
  }

  /** Runs one task; in-thread tasks run on a later turn of the event loop, so timers and signals get through. */
  run<S>(task: BatchTask): Promise<S> {
    if (this.piscina) return this.piscina.run(task) as Promise<S>;
    return new Promise<S>((resolve, reject) => {
      setImmediate(() => {
        runTaskLoading(task).then((summary) => resolve(summary as S), reject);
      });
    });
  }

  /** Ends the worker threads (waits for none of the queued tasks). */
  async close(): Promise<void> {
    if (this.piscina) await this.piscina.destroy();
  }
}

/**
 * Runs batch tasks on `threads` worker threads (piscina) and returns their results in task order,
 * whatever order they finish in; with one thread they run in this thread, with the same result.
 * `onResult(index, result)` is called as each task finishes (for progress). Every result is kept
 * until the end: for long runs use the streaming scheduler (`runCellPlans`) instead.
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
    await loadBatchModels();
    tasks.forEach((task, index) => {
      results[index] = runTask(task) as S;
      onResult?.(index, results[index]);
    });
    return results;
  }
  const pool = new BatchPool({ threads, maxTasks: tasks.length });
  try {
    await Promise.all(
      tasks.map(async (task, index) => {
        results[index] = await pool.run<S>(task);
        onResult?.(index, results[index]);
      }),
    );
  } finally {
    await pool.close();
  }
  return results;
}
