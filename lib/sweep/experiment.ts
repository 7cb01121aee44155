import type { BatchTask } from './batch-task.js';
import type { CsvValue } from './csv-output.js';
import type { CellPlan } from './scheduler.js';

/** A parameter value as a sweep file writes it: a YAML/JSON scalar. */
export type SweepValue = string | number | boolean;

/** One parameter of an experiment: what a sweep file may put under `grid`, `fixed` or `cells`. */
export interface ExperimentParameter {
  /** The name: the experiment's CLI flag without its dashes (`latency`, `w-latency`, `n`). */
  name: string;
  /** The value when a sweep does not set it; absent for optional parameters with no default. */
  default?: SweepValue;
  /** One line: what it means and which values are allowed. */
  doc: string;
}

/** What a cell's plan and accumulator need besides its own parameters. */
export interface CellContext {
  /** The sweep's seed. */
  seed: number;
  /** The cell's index in the sweep: selects its random streams, deriveStream(seed, cell, batch). */
  cell: number;
  /**
   * Trials to plan for: the sweep's `trials`, or with adaptive precision the trial cap (the cell
   * may stop earlier). In the experiment's own unit (e.g. per t point for the event engine).
   */
  trials: number;
}

/** Merges a cell's batch summaries (in batch order) and turns them into CSV rows. */
export interface CellAccumulator<S = unknown> {
  /** Adds one batch summary; called strictly in batch order. */
  add(summary: S, task: BatchTask): void;
  /** Trials merged so far, in the experiment's unit (what the CSV's `trials` column reports). */
  trials(): number;
  /**
   * The width (high - low) of the 95% interval of the cell's main proportion; for a curve, the
   * widest over its points. Adaptive precision stops a cell once this is below `ci_width`.
   */
  intervalWidth(): number;
  /** The cell's CSV rows (the experiment's columns), from the batches merged so far. */
  rows(): Record<string, CsvValue>[];
}

/**
 * An experiment a sweep can run: its parameters, how one cell's values become validated options,
 * how a cell is cut into batches, and how the batches' summaries become CSV rows. Register it in
 * `experiments.ts`; its batch model (what workers run) is registered in `models.ts`.
 */
export interface SweepExperiment<O = any, S = any> {
  /** The name a sweep file gives as `experiment:`. */
  name: string;
  /** One line for `replilab sweep --help`. */
  description: string;
  /** What `trials` counts, e.g. "write/read pairs per cell". */
  trialsUnit: string;
  /** Its parameters, in the order they appear in outputs and fingerprints. */
  parameters: readonly ExperimentParameter[];
  /** Work to do once before `columns` is read (a quick template run, loading the model). */
  prepare?(): Promise<void>;
  /** The CSV columns of its rows (the sweep adds `cell` and `replicate` in front). */
  columns: readonly string[];
  /**
   * Turns one cell's values (defaults filled in) into validated options; throws ParameterError
   * naming `field(parameter)`, which is where the value came from (`grid.w`, `fixed.t`, ...).
   */
  resolve(values: Readonly<Record<string, SweepValue>>, field: (parameter: string) => string): O;
  /** The cell's batches in their fixed merge order; batch sizes never depend on threads. */
  plan(options: O, context: CellContext): CellPlan;
  /** A fresh accumulator for the cell. Its memory must not grow with trials. */
  accumulator(options: O, context: CellContext): CellAccumulator<S>;
}

/**
 * A plan of `trials` trials cut into fixed-size batches (the last one partial), batch b drawing
 * from deriveStream(seed, cell, b); every batch is a checkpoint.
 *
 * @example
 * const plan = fixedBatchPlan('selftest', params, { seed: 1, cell: 0, trials: 100000 }, 16384);
 * plan.tasks; // 7
 */
export function fixedBatchPlan<P>(
  model: string,
  params: P,
  context: CellContext,
  batchTrials: number,
): CellPlan {
  const tasks = Math.ceil(context.trials / batchTrials);
  return {
    tasks,
    trials: context.trials,
    task: (b) => ({
      model,
      params,
      seed: context.seed,
      cell: context.cell,
      batch: b,
      trials: Math.min(batchTrials, context.trials - b * batchTrials),
    }),
    checkpoint: () => true,
  };
}
