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
  return new CellScheduler(count, open, pool, events).run();
}

/** A cell whose `open` threw: no tasks, reported failed with the error it threw. */
function failedCellState(position: number, error: unknown): CellState {
  return {
    position,
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
}

/** The state of one {@link runCellPlans} call: one method per step of the schedule. */
class CellScheduler {
  /** Tasks dispatched but neither merged nor discarded: this bounds the summaries held in memory. */
  private readonly window: number;
  private held = 0;
  private inFlight = 0;
  private cursor = 0;
  private opened = 0;
  private readonly states = new Map<number, CellState>();
  private stopped = false;
  private sliceScheduled = false;
  private resolve: () => void = () => {};
  private reject: (error: unknown) => void = () => {};

  constructor(
    private readonly count: number,
    private readonly open: (position: number) => CellRun<any>,
    private readonly pool: BatchRunner,
    private readonly events: SchedulerEvents,
  ) {
    this.window = Math.max(2 * pool.concurrency, pool.concurrency + 2);
  }

  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.pumpOrFail();
    });
  }

  /** Ends the run with an error a callback threw. */
  private fatal(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reject(error);
  }

  private pumpOrFail(): void {
    try {
      this.pump();
    } catch (error) {
      this.fatal(error);
    }
  }

  /** Releases a cell: its waiting summaries are discarded and its unmerged trials reported dropped. */
  private finish(state: CellState): void {
    state.finished = true;
    this.held -= state.waiting.size;
    state.waiting.clear();
    this.states.delete(state.position);
    const dropped = state.run.plan.trials - state.mergedTrials;
    if (dropped > 0) this.events.onTrialsDropped?.(state.position, dropped);
  }

  private fail(state: CellState, error: unknown, task: BatchTask | undefined): void {
    this.finish(state);
    this.events.onCellFailed?.(state.position, error, task);
  }

  /** Merges the cell's waiting summaries that are next in task order. */
  private drain(state: CellState): void {
    const plan = state.run.plan;
    while (!state.finished && state.waiting.has(state.merged)) {
      const index = state.merged;
      const outcome = state.waiting.get(index)!;
      state.waiting.delete(index);
      this.held--;
      let task: BatchTask | undefined;
      try {
        task = plan.task(index);
        if (!outcome.ok) throw outcome.error;
        state.run.add(outcome.value, index);
      } catch (error) {
        this.fail(state, error, task);
        return;
      }
      state.merged++;
      state.mergedTrials += task.trials;
      this.events.onMerged?.(state.position, task);
      let enough: boolean;
      try {
        enough = state.merged === plan.tasks || (plan.checkpoint(index) && state.run.enough?.() === true);
      } catch (error) {
        this.fail(state, error, task);
        return;
      }
      if (enough) {
        this.finish(state);
        this.events.onCellDone?.(state.position);
      }
    }
  }

  /** Takes in one finished task's outcome; false when a callback threw (the run is over). */
  private absorb(state: CellState, index: number, outcome: Outcome): boolean {
    this.inFlight--;
    if (this.stopped) return false;
    try {
      if (state.finished) this.held--;
      else {
        state.waiting.set(index, outcome);
        this.drain(state);
      }
      return true;
    } catch (error) {
      this.fatal(error);
      return false;
    }
  }

  private settle(state: CellState, index: number, outcome: Outcome): void {
    if (!this.absorb(state, index, outcome)) return;
    this.pumpOrFail();
  }

  /** Dispatches the next task, or returns undefined when none is left to start. */
  private nextTask(): { state: CellState; index: number; task: BatchTask } | undefined {
    for (;;) {
      const state = this.nextState();
      if (!state) return undefined;
      const index = state.next++;
      try {
        return { state, index, task: state.run.plan.task(index) };
      } catch (error) {
        this.fail(state, error, undefined);
      }
    }
  }

  // In this thread (one thread), tasks run back to back in slices of INLINE_SLICE_MS, one task
  // in flight at a time, yielding to the event loop between slices so progress output and
  // signals get through: a turn of the event loop per task would cost more than a small task.
  private runSlice(): void {
    this.sliceScheduled = false;
    const deadline = Date.now() + INLINE_SLICE_MS;
    while (!this.stopped && Date.now() < deadline) {
      const next = this.nextTask();
      if (!next) break;
      this.held++;
      this.inFlight++;
      let outcome: Outcome;
      try {
        outcome = { ok: true, value: this.pool.runHere(next.task) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (!this.absorb(next.state, next.index, outcome)) return;
    }
    this.pumpOrFail();
  }

  /**
   * Opens the cell at the cursor; undefined when `open` threw (the cell is then reported failed).
   * A cell without tasks is done at once.
   */
  private openCell(position: number): CellState | undefined {
    this.opened++;
    let run: CellRun;
    try {
      run = this.open(position);
    } catch (error) {
      this.fail(failedCellState(position, error), error, undefined);
      return undefined;
    }
    const state: CellState = {
      position,
      run,
      next: 0,
      merged: 0,
      mergedTrials: 0,
      waiting: new Map(),
      finished: false,
    };
    this.states.set(position, state);
    if (run.plan.tasks === 0) {
      this.finish(state);
      this.events.onCellDone?.(position);
    }
    return state;
  }

  /** The cell whose next task goes out next, opening cells as the cursor reaches them. */
  private nextState(): CellState | undefined {
    while (this.cursor < this.count) {
      let state = this.states.get(this.cursor);
      if (!state && this.cursor === this.opened) {
        state = this.openCell(this.cursor);
        if (!state) {
          this.cursor++;
          continue;
        }
      }
      if (state && !state.finished && state.next < state.run.plan.tasks) return state;
      this.cursor++;
    }
    return undefined;
  }

  /** Starts a slice in this thread after the event loop's turn. */
  private scheduleSlice(): void {
    if (!this.stopped && !this.sliceScheduled && this.cursor < this.count) {
      this.sliceScheduled = true;
      setImmediate(() => this.runSlice());
    }
  }

  /** Fills the window of tasks in flight on the pool's threads. */
  private dispatchToPool(): void {
    while (!this.stopped && this.held < this.window) {
      const next = this.nextTask();
      if (!next) break;
      const { state, index, task } = next;
      this.held++;
      this.inFlight++;
      this.pool.run(task).then(
        (value) => this.settle(state, index, { ok: true, value }),
        (error) => this.settle(state, index, { ok: false, error }),
      );
    }
  }

  private pump(): void {
    if (this.pool.inline) this.scheduleSlice();
    else this.dispatchToPool();
    if (!this.stopped && this.cursor >= this.count && this.inFlight === 0) {
      this.stopped = true;
      this.resolve();
    }
  }
}
