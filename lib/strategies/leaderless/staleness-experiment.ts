import { ParameterError } from '../../errors.js';
import { parseLatency, resolveLatency, type WarsLegs } from '../../latency/index.js';
import { parseTGrid, parseWholeNumber } from '../../cli/parse-values.js';
import type { SweepExperiment } from '../../sweep/experiment.js';
import type { StalenessBatchParams, StalenessBatchSummary } from './staleness-batch.js';
import {
  StalenessAccumulator,
  planStaleness,
  validateStalenessOptions,
  type StalenessOptions,
} from './staleness.js';
import { STALENESS_COLUMNS, stalenessRows } from './staleness-rows.js';

/**
 * The parameters of the staleness experiment, as text: `replilab staleness`'s flags without their
 * dashes. Both the CLI and sweep files go through {@link stalenessOptionsFromValues}.
 */
export interface StalenessValues {
  latency: string;
  'w-latency'?: string;
  'a-latency'?: string;
  'r-latency'?: string;
  's-latency'?: string;
  n: string;
  r: string;
  w: string;
  t: string;
  engine: string;
}

/** The staleness options a cell fixes (trials, seed and threads are the run's). */
export type StalenessCellOptions = Omit<
  StalenessOptions,
  'trials' | 'seed' | 'threads' | 'cell' | 'onProgress'
>;

/**
 * Parses and validates the staleness parameters; every error names `field(parameter)`
 * (the CLI passes `--n`, a sweep `grid.n`).
 *
 * @example
 * stalenessOptionsFromValues({ latency: 'lnkd-ssd', n: '3', r: '1', w: '2', t: '0:10:1', engine: 'fast' }, (p) => `--${p}`);
 */
export function stalenessOptionsFromValues(
  values: StalenessValues,
  field: (parameter: string) => string,
): StalenessCellOptions {
  const n = parseWholeNumber(field('n'), values.n, 1, 1000);
  const legs: WarsLegs = { ...resolveLatency(values.latency, field('latency')) };
  const overrides: string[] = [];
  for (const [leg, name] of [
    ['W', 'w-latency'],
    ['A', 'a-latency'],
    ['R', 'r-latency'],
    ['S', 's-latency'],
  ] as const) {
    const text = values[name];
    if (text === undefined) continue;
    legs[leg] = parseLatency(text, field(name));
    overrides.push(`${leg}=${legs[leg].toString()}`);
  }
  const engine = values.engine;
  if (engine !== 'fast' && engine !== 'event')
    throw new ParameterError(field('engine'), JSON.stringify(engine), 'fast or event');
  return {
    n,
    r: parseWholeNumber(field('r'), values.r, 1, n),
    w: parseWholeNumber(field('w'), values.w, 1, n),
    legs,
    latencyLabel: [values.latency, ...overrides].join(';'),
    tGridMs: parseTGrid(field('t'), values.t),
    engine,
  };
}

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
 * PBS quorum staleness as a sweep experiment: one cell is one `replilab staleness` run, its rows
 * the curve (one per t point) with the same columns as `replilab staleness --out`.
 */
export const stalenessExperiment: SweepExperiment<StalenessCellOptions, StalenessBatchSummary> = {
  name: 'staleness',
  description: 'PBS quorum staleness: P(consistent read) against time since commit (replilab staleness)',
  trialsUnit: 'write/read pairs per cell (event engine: per t point)',
  parameters: [
    { name: 'latency', default: 'lnkd-ssd', doc: 'delay of all four legs: a preset name or a distribution' },
    { name: 'w-latency', doc: 'write request leg, overrides latency' },
    { name: 'a-latency', doc: 'write ack leg, overrides latency' },
    { name: 'r-latency', doc: 'read request leg, overrides latency' },
    { name: 's-latency', doc: 'read response leg, overrides latency' },
    { name: 'n', default: 3, doc: 'replicas per key (N)' },
    { name: 'r', default: 1, doc: 'read quorum (R), 1..n' },
    { name: 'w', default: 1, doc: 'write quorum (W), 1..n' },
    { name: 't', default: '0:200:1', doc: 'read start after commit, ms: start:stop:step or a comma list' },
    {
      name: 'engine',
      default: 'fast',
      doc: 'fast (direct Monte Carlo) or event (the discrete-event kernel)',
    },
  ],
  columns: STALENESS_COLUMNS,
  resolve(values, field) {
    const text = (name: string): string | undefined =>
      values[name] === undefined ? undefined : String(values[name]);
    return stalenessOptionsFromValues(
      {
        latency: text('latency')!,
        'w-latency': text('w-latency'),
        'a-latency': text('a-latency'),
        'r-latency': text('r-latency'),
        's-latency': text('s-latency'),
        n: text('n')!,
        r: text('r')!,
        w: text('w')!,
        t: text('t')!,
        engine: text('engine')!,
      },
      field,
    );
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
