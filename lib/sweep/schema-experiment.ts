import { paramOf, type Experiment } from '../experiments/define.js';
import { snakeCase } from '../experiments/param.js';
import {
  fixedBatchPlan,
  type ExperimentParameter,
  type SweepExperiment,
} from '../experiments/sweep-experiment.js';
import { ResultPool, type ResultBatchSummary } from '../experiments/result-pool.js';

/** One cell's options: its validated values and the model config they give (plain data for workers). */
export interface SchemaCellOptions {
  values: Record<string, unknown>;
  config: unknown;
}

/**
 * The sweep keys of an experiment (its parameters but those a sweep sets itself, in declaration
 * order, named in snake_case) with their docs and defaults; a parameter whose default is null
 * has none (a cell that does not set it gets the null meaning its doc gives).
 */
export function sweepParametersOf(experiment: Experiment): ExperimentParameter[] {
  return experiment.keys
    .filter((key) => paramOf(experiment, key).meta.sweep)
    .map((key) => {
      const meta = paramOf(experiment, key).meta;
      const name = snakeCase(key);
      return meta.default === null || meta.default === undefined
        ? { name, doc: meta.doc }
        : {
            name,
            doc: meta.doc,
            default: (Array.isArray(meta.default) ? meta.default.join('-') : meta.default) as never,
          };
    });
}

/**
 * An experiment as a sweep runs it: its sweep keys are its parameters' snake_case names, a
 * cell's values are checked by the experiment's schema (refusals name `grid.x`, `cells[2].x`),
 * each batch runs the model with a seed drawn from deriveStream(seed, cell, batch), the batches'
 * results pool in batch order ({@link ResultPool}), and the cell's row is the experiment's row
 * of the pooled result, so a sweep and `--out` write the same columns.
 */
export function sweepExperimentOf(
  experiment: Experiment,
): SweepExperiment<SchemaCellOptions, ResultBatchSummary> {
  const batch = experiment.batch;
  if (batch === undefined) throw new Error(`experiment ${experiment.name} has no batch model`);
  let columns: string[] | undefined;
  return {
    name: experiment.name,
    description: experiment.description,
    trialsUnit: experiment.trialsUnit,
    parameters: sweepParametersOf(experiment),
    async prepare() {
      if (columns !== undefined) return;
      const template = await batch.template();
      columns = experiment.row(template.result, 0, experiment.defaults() as never, 1).columns;
    },
    get columns() {
      if (columns === undefined)
        throw new Error(`sweep experiment ${experiment.name}: columns read before prepare()`);
      return columns;
    },
    resolve(values, field) {
      const resolved = experiment.fromFile(values, field);
      return { values: resolved as Record<string, unknown>, config: experiment.config(resolved as never) };
    },
    plan(options, context) {
      return fixedBatchPlan(batch.model, { config: options.config }, context, batch.batchTrials);
    },
    accumulator(options, context) {
      const pool = new ResultPool<object>(batch.pool);
      return {
        add: (summary) => pool.add(summary),
        trials: () => pool.trials(),
        intervalWidth() {
          const interval = pool.interval(batch.mainInterval);
          return interval.high - interval.low;
        },
        rows: () => [experiment.row(pool.result(), context.seed, options.values as never, pool.trials()).row],
      };
    },
  };
}
