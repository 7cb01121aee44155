import type { BatchTask } from './batch-task.js';
import type { BatchRunner } from './worker-pool.js';

/**
 * The batches of one cell, in their fixed merge order. Tasks are produced on demand, so a cell of
 * 100 million trials costs no memory until its batches run.
 */
export interface CellPlan {
  /** The number of batch tasks. */
  tasks: number;
  /** Total trials over all tasks (the sum of `task(i).trials`), for progress and ETA. */
  trials: number;
  /** The i-th task (0 <= i < tasks). Its stream is derived from (seed, cell, batch) in the worker. */
  task(index: number): BatchTask;
  /**
   * Whether adaptive precision may stop the cell after task `index` is merged (the end of a round:
   * for a curve measured point by point, one batch of every point).
   */
  checkpoint(index: number): boolean;
}

/** One cell as the scheduler runs it: its plan, and where its batch summaries go. */
export interface CellRun<S = unknown> {
  plan: CellPlan;
  /** Merges one batch summary. Called exactly once per merged task, strictly in task order. */
  add(summary: S, index: number): void;
  /**
   * Asked at checkpoints, after the merge: true stops the cell there. It sees only batches
   * 0..index, so the decision never depends on threads; later batches already running are discarded.
   */
  enough?(): boolean;
}

/** What the scheduler reports as cells progress. */
export interface SchedulerEvents {
  /** A task's summary was merged into its cell. */
  onMerged?(position: number, task: BatchTask): void;
  /** A cell is complete (all its tasks merged, or stopped by `enough`). */
  onCellDone?(position: number): void;
  /** A cell failed: a task threw in the worker (or planning/merging threw here). Other cells go on. */
  onCellFailed?(position: number, error: unknown, task: BatchTask | undefined): void;
  /** A cell's tasks that were planned but will not run, in trials (adaptive stops, failures). */
  onTrialsDropped?(position: number, trials: number): void;
}

/** How long tasks run back to back in this thread before the event loop gets a turn, ms. */
const INLINE_SLICE_MS = 20;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface CellState {
  position: number;
  run: CellRun;
  /** Next task to dispatch. */
  next: number;
  /** Tasks merged so far. */
  merged: number;
  mergedTrials: number;
  /** Finished tasks waiting for their predecessors. */
  waiting: Map<number, Outcome>;
  finished: boolean;
}

/**
 * Runs cells on a pool and keeps it busy across cells: the next cell's batches start while the
 * previous cell's last batches still run. Each cell's summaries merge strictly in task order,
 * whatever order they finish in, so results never depend on the thread count.
 *
 * Memory is bounded: at most a small window of tasks (a few per thread) is dispatched but not yet
 * merged, and a cell is opened (`open(position)`) only when its first batch is dispatched and
 * released when it is done. A failing cell is reported through `onCellFailed` and the rest go on;
 * the promise rejects only if a callback itself throws.
 *
 * @param count - the number of cells, run in positions 0..count-1
 * @param open - builds a cell's run (plan and accumulator) when it is first needed
 * @example
 * await runCellPlans(1, () => ({ plan, add: (s) => acc.add(s) }), pool, { onMerged: tick });
 */
export async function runCellPlans(
  count: number,
  open: (position: number) => CellRun<any>,
  pool: BatchRunner,
  events: SchedulerEvents = {},
): Promise<void> {
  await pool.prepare?.();
  // Tasks dispatched but neither merged nor discarded: this bounds the summaries held in memory.
  const window = Math.max(2 * pool.concurrency, pool.concurrency + 2);
  let held = 0;
  let inFlight = 0;
  let cursor = 0;
  let opened = 0;
  const states = new Map<number, CellState>();

  return new Promise<void>((resolve, reject) => {
    let stopped = false;
    const fatal = (error: unknown) => {
      if (stopped) return;
      stopped = true;
      reject(error);
    };

    const finish = (state: CellState) => {
      state.finished = true;
      held -= state.waiting.size;
      state.waiting.clear();
      states.delete(state.position);
      const dropped = state.run.plan.trials - state.mergedTrials;
      if (dropped > 0) events.onTrialsDropped?.(state.position, dropped);
    };

    const fail = (state: CellState, error: unknown, task: BatchTask | undefined) => {
      finish(state);
      events.onCellFailed?.(state.position, error, task);
    };

    const drain = (state: CellState) => {
      const plan = state.run.plan;
      while (!state.finished && state.waiting.has(state.merged)) {
        const index = state.merged;
        const outcome = state.waiting.get(index)!;
        state.waiting.delete(index);
        held--;
        let task: BatchTask | undefined;
        try {
          task = plan.task(index);
          if (!outcome.ok) throw outcome.error;
          state.run.add(outcome.value, index);
        } catch (error) {
          fail(state, error, task);
          return;
        }
        state.merged++;
        state.mergedTrials += task.trials;
        events.onMerged?.(state.position, task);
        let enough: boolean;
        try {
          enough = state.merged === plan.tasks || (plan.checkpoint(index) && state.run.enough?.() === true);
        } catch (error) {
          fail(state, error, task);
          return;
        }
        if (enough) {
          finish(state);
          events.onCellDone?.(state.position);
        }
      }
    };

    /** Takes in one finished task's outcome; false when a callback threw (the run is over). */
    const absorb = (state: CellState, index: number, outcome: Outcome): boolean => {
      inFlight--;
      if (stopped) return false;
      try {
        if (state.finished) held--;
        else {
          state.waiting.set(index, outcome);
          drain(state);
        }
        return true;
      } catch (error) {
        fatal(error);
        return false;
      }
    };

    const settle = (state: CellState, index: number, outcome: Outcome) => {
      if (!absorb(state, index, outcome)) return;
      try {
        pump();
      } catch (error) {
        fatal(error);
      }
    };

    /** Dispatches the next task, or returns undefined when none is left to start. */
    const nextTask = (): { state: CellState; index: number; task: BatchTask } | undefined => {
      for (;;) {
        const state = nextState();
        if (!state) return undefined;
        const index = state.next++;
        try {
          return { state, index, task: state.run.plan.task(index) };
        } catch (error) {
          fail(state, error, undefined);
        }
      }
    };

    // In this thread (one thread), tasks run back to back in slices of INLINE_SLICE_MS, one task
    // in flight at a time, yielding to the event loop between slices so progress output and
    // signals get through: a turn of the event loop per task would cost more than a small task.
    let sliceScheduled = false;
    const runSlice = () => {
      sliceScheduled = false;
      const deadline = Date.now() + INLINE_SLICE_MS;
      while (!stopped && Date.now() < deadline) {
        const next = nextTask();
        if (!next) break;
        held++;
        inFlight++;
        let outcome: Outcome;
        try {
          outcome = { ok: true, value: pool.runHere(next.task) };
        } catch (error) {
          outcome = { ok: false, error };
        }
        if (!absorb(next.state, next.index, outcome)) return;
      }
      try {
        pump();
      } catch (error) {
        fatal(error);
      }
    };

    const nextState = (): CellState | undefined => {
      while (cursor < count) {
        let state = states.get(cursor);
        if (!state && cursor === opened) {
          opened++;
          let run: CellRun;
          try {
            run = open(cursor);
          } catch (error) {
            const placeholder: CellState = {
              position: cursor,
              run: {
                plan: {
                  tasks: 0,
                  trials: 0,
                  task: () => {
                    throw error;
                  },
                  checkpoint: () => false,
                },
                add() {},
              },
              next: 0,
              merged: 0,
              mergedTrials: 0,
              waiting: new Map(),
              finished: false,
            };
            fail(placeholder, error, undefined);
            cursor++;
            continue;
          }
          state = {
            position: cursor,
            run,
            next: 0,
            merged: 0,
            mergedTrials: 0,
            waiting: new Map(),
            finished: false,
          };
          states.set(cursor, state);
          if (run.plan.tasks === 0) {
            finish(state);
            events.onCellDone?.(cursor);
          }
        }
        if (state && !state.finished && state.next < state.run.plan.tasks) return state;
        cursor++;
      }
      return undefined;
    };

    const pump = () => {
      if (pool.inline) {
        if (!stopped && !sliceScheduled && cursor < count) {
          sliceScheduled = true;
          setImmediate(runSlice);
        }
      } else {
        while (!stopped && held < window) {
          const next = nextTask();
          if (!next) break;
          const { state, index, task } = next;
          held++;
          inFlight++;
          pool.run(task).then(
            (value) => settle(state, index, { ok: true, value }),
            (error) => settle(state, index, { ok: false, error }),
          );
        }
      }
      if (!stopped && cursor >= count && inFlight === 0) {
        stopped = true;
        resolve();
      }
    };

    try {
      pump();
    } catch (error) {
      fatal(error);
    }
  });
}
