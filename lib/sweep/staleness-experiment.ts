import { staleness, stalenessCellOptions } from '../experiments/staleness.js';
import {
  StalenessAccumulator,
  planStaleness,
  validateStalenessOptions,
  type StalenessCellOptions,
  type StalenessOptions,
} from '../strategies/leaderless/staleness.js';
import type {
  StalenessBatchParams,
  StalenessBatchSummary,
} from '../strategies/leaderless/staleness-batch.js';
import { STALENESS_COLUMNS, stalenessRows } from '../strategies/leaderless/staleness-rows.js';
import type { SweepExperiment, SweepValue } from './experiment.js';
import { sweepParametersOf } from './schema-experiment.js';

/** Trials, seed and cell for a sweep cell's full options (validated the same way as runStaleness). */
function cellOptions(
  options: StalenessCellOptions,
  seed: number,
  cell: number,
  trials: number,
): StalenessOptions {
  const full: StalenessOptions = { ...options, seed, cell, trials };
  validateStalenessOptions(full);
  return full;
}

/**
 * A sweep file's value for a text parameter (`latency`, `t`): a number there means its text
 * (`t: 5` is the grid of one offset, 5 ms), as sweep files have always allowed.
 */
function asText(values: Readonly<Record<string, SweepValue>>): Record<string, SweepValue> {
  const out: Record<string, SweepValue> = { ...values };
  for (const name of ['latency', 't']) if (typeof out[name] === 'number') out[name] = String(out[name]);
  return out;
}

/**
 * PBS quorum staleness as a sweep experiment: one cell is one `replilab staleness` run, its rows
 * the curve (one per t point) with the same columns as `replilab staleness --out`. Its keys and
 * the checks of a cell's values (refusals naming `grid.w`, `cells[2].t`) are the schema's
 * (lib/experiments/staleness.ts); its plan and accumulator are the curve's own.
 */
export const stalenessExperiment: SweepExperiment<StalenessCellOptions, StalenessBatchSummary> = {
  name: staleness.name,
  description: 'PBS quorum staleness: P(consistent read) against time since commit (replilab staleness)',
  trialsUnit: staleness.trialsUnit,
  parameters: sweepParametersOf(staleness),
  columns: STALENESS_COLUMNS,
  resolve(values, field) {
    return stalenessCellOptions(staleness.fromFile(asText(values), field));
  },
  plan(options, context) {
    return planStaleness(cellOptions(options, context.seed, context.cell, context.trials));
  },
  accumulator(options, context) {
    const accumulator = new StalenessAccumulator(
      cellOptions(options, context.seed, context.cell, context.trials),
    );
    return {
      add: (summary, task) => accumulator.add(summary, task.params as StalenessBatchParams),
      trials: () => accumulator.trials(),
      intervalWidth: () => accumulator.intervalWidth(),
      rows: () => stalenessRows(accumulator.result()),
    };
  },
};
