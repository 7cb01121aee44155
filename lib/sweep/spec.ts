import { ParameterError } from '../errors.js';
import { readConfigFile } from './config-file.js';
import type { SweepExperiment, SweepValue } from '../experiments/sweep-experiment.js';
import {
  scenarioSweepExperiment,
  sweepExperiment,
  sweepExperimentNames,
  sweepScenarioNames,
} from './experiments.js';

/**
 * A sweep: an experiment run over a grid of parameter cells, with replicates and one seed.
 * This is both the TypeScript form and the file form (YAML or JSON, same keys):
 *
 * ```yaml
 * experiment: staleness        # any registered experiment (replilab sweep --help lists them)
 * seed: 1
 * trials: 200000               # per cell (or the experiment's own unit)
 * grid:                        # cartesian product; the last key varies fastest
 *   latency: [lnkd-ssd, lnkd-disk]
 *   r: [1, 2]
 *   w: [1, 2]
 * fixed:                       # the same for every cell
 *   t: "0:50:5"
 * ```
 * Parameter names are the experiment's keys in snake_case (`w_latency`, not `w-latency`), as
 * `replilab params EXPERIMENT` lists them; a parameter set nowhere takes the experiment's default.
 *
 * Instead of `experiment:`, `scenario: NAME` sweeps a system scenario (`replilab scenario list`):
 * its keys are the scenario's settings (`ttl_s`) and its experiment's parameters that it does not
 * derive, defaults the scenario's (`replilab scenario show NAME`).
 */
export interface SweepSpec {
  /** The experiment's name, e.g. `staleness` or `selftest` (for a `scenario:` sweep, the scenario's name). */
  experiment: string;
  /** The system scenario swept, when the file names one instead of an experiment. */
  scenario?: string;
  /** Seed of every random stream: cell c's batch b draws from deriveStream(seed, c, b). A whole number from 0 to 2^53-1. */
  seed: number;
  /**
   * Trials per cell, in the experiment's unit (staleness: write/read pairs; event engine: per t
   * point). With adaptive precision (`ci_width`) it is the trial cap unless `max_trials` is given.
   */
  trials: number;
  /** Lists of values whose cartesian product gives the cells, in key order (last key fastest). Not with `cells`. */
  grid?: Record<string, SweepValue[]>;
  /** An explicit list of cells, each a mapping of parameter values. Not with `grid`. */
  cells?: Record<string, SweepValue>[];
  /** Values shared by every cell (a key may not also be in `grid` or `cells`). */
  fixed?: Record<string, SweepValue>;
  /** Runs of each grid point, with distinct streams (a `replicate` column 0..K-1). Default 1. */
  replicates?: number;
  /** Adaptive precision: run each cell until its main proportion's 95% interval is narrower than this. */
  ci_width?: number;
  /** With `ci_width`: the trial cap per cell (default: `trials`). */
  max_trials?: number;
  /** Free text, for the reader of the file. */
  description?: string;
}

/** One cell of a validated sweep. */
export interface SweepCell {
  /** Its index in cell order; it selects the random streams. */
  index: number;
  /** Which replicate of its grid point (0-based). */
  replicate: number;
  /** Every parameter's value, defaults filled in, in the experiment's parameter order (unset optional parameters absent). */
  values: Record<string, SweepValue>;
  /** The experiment's validated options for this cell. */
  options: unknown;
}

/** A validated sweep: the spec, its experiment and every cell, checked before any work. */
export interface ResolvedSweep {
  spec: SweepSpec;
  experiment: SweepExperiment;
  cells: SweepCell[];
  /** The file it was loaded from, when it was (used in replay commands). */
  source?: string;
}

/** The most cells one sweep may have. */
export const MAX_SWEEP_CELLS = 1_000_000;

const TOP_LEVEL = [
  'experiment',
  'scenario',
  'seed',
  'trials',
  'grid',
  'cells',
  'fixed',
  'replicates',
  'ci_width',
  'max_trials',
  'description',
] as const;

function describe(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wholeNumber(field: string, value: unknown, low: number, high = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < low || value > high) {
    const range = high === Number.MAX_SAFE_INTEGER ? `>= ${low}` : `from ${low} to ${high}`;
    throw new ParameterError(field, describe(value), `a whole number ${range}`);
  }
  return value;
}

function scalar(field: string, value: unknown): SweepValue {
  if (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  )
    return value;
  throw new ParameterError(field, describe(value), 'a string, a finite number or true/false');
}

function parameterName(experiment: SweepExperiment, field: string, name: string): void {
  if (experiment.parameters.some((p) => p.name === name)) return;
  const hint = experiment.parameters.find(
    (p) => p.name === name.replace(/_/g, '-') || p.name === name.replace(/-/g, '_'),
  );
  throw new ParameterError(
    field,
    JSON.stringify(name),
    `${hint ? `"${hint.name}" (${hint.name.includes('_') ? 'names are snake_case' : 'names are the CLI flags without dashes'}); ` : ''}a parameter of ${experiment.name}: ${experiment.parameters.map((p) => p.name).join(', ')}`,
  );
}

/** Validates the ciWidth / maxTrials pair; `field` names them as the caller's user wrote them. */
export function validatePrecision(
  ciWidth: unknown,
  maxTrials: unknown,
  fields = { ciWidth: 'ci_width', maxTrials: 'max_trials' },
): void {
  if (ciWidth !== undefined && (typeof ciWidth !== 'number' || !(ciWidth > 0 && ciWidth < 1))) {
    throw new ParameterError(
      fields.ciWidth,
      describe(ciWidth),
      'a number between 0 and 1 (the width of a 95% interval), e.g. 0.002',
    );
  }
  if (maxTrials !== undefined) {
    wholeNumber(fields.maxTrials, maxTrials, 1);
    if (ciWidth === undefined)
      throw new ParameterError(
        fields.maxTrials,
        describe(maxTrials),
        `only together with ${fields.ciWidth} (the cap of adaptive precision)`,
      );
  }
}

/**
 * Checks a sweep (as parsed from a file, or written in TypeScript) and resolves every cell with
 * its experiment, before any work starts. Errors name the field as it appears in the file:
 * `seed`, `grid.w`, `fixed.t`, `cells[2].n`; a cell's value errors also list that cell's values.
 *
 * @throws ParameterError on the first problem found.
 * @example
 * const sweep = validateSweepSpec({ experiment: 'selftest', seed: 1, trials: 10000, grid: { k: [1, 2, 3] } });
 * sweep.cells.length; // 3
 */
export function validateSweepSpec(input: unknown, source?: string): ResolvedSweep {
  if (!isRecord(input))
    throw new ParameterError('sweep', describe(input), `a mapping with the fields ${TOP_LEVEL.join(', ')}`);
  for (const key of Object.keys(input)) {
    if (!(TOP_LEVEL as readonly string[]).includes(key))
      throw new ParameterError(key, 'an unknown field', `the fields ${TOP_LEVEL.join(', ')}`);
  }
  // A validated spec carries both, equal (its experiment is the scenario's name).
  if (input.experiment !== undefined && input.scenario !== undefined && input.experiment !== input.scenario)
    throw new ParameterError(
      'scenario',
      'both experiment and scenario',
      'one of experiment (an experiment) or scenario (a system scenario, a preset of one)',
    );
  if (input.experiment === undefined && input.scenario === undefined)
    throw new ParameterError(
      'experiment',
      '(missing)',
      `one of ${sweepExperimentNames().join(', ')}; or scenario: one of ${sweepScenarioNames().join(', ')}`,
    );
  const experiment =
    input.scenario !== undefined
      ? scenarioSweepExperiment(input.scenario as string)
      : sweepExperiment(input.experiment as string);
  const seed = wholeNumber('seed', input.seed, 0);
  const trials = wholeNumber('trials', input.trials, 1);
  const replicates =
    input.replicates === undefined ? 1 : wholeNumber('replicates', input.replicates, 1, MAX_SWEEP_CELLS);
  validatePrecision(input.ci_width, input.max_trials);
  if (input.description !== undefined && typeof input.description !== 'string')
    throw new ParameterError('description', describe(input.description), 'text');
  if (input.grid !== undefined && input.cells !== undefined)
    throw new ParameterError(
      'cells',
      'both grid and cells',
      'one of grid (a cartesian product) or cells (an explicit list)',
    );

  // Where each parameter's value comes from, for error messages.
  const fixed: Record<string, SweepValue> = {};
  if (input.fixed !== undefined) {
    if (!isRecord(input.fixed))
      throw new ParameterError('fixed', describe(input.fixed), 'a mapping of parameter names to values');
    for (const [name, value] of Object.entries(input.fixed)) {
      parameterName(experiment, `fixed.${name}`, name);
      fixed[name] = scalar(`fixed.${name}`, value);
    }
  }

  let points: { values: Record<string, SweepValue>; origin: Record<string, string> }[];
  if (input.grid !== undefined) {
    if (!isRecord(input.grid))
      throw new ParameterError(
        'grid',
        describe(input.grid),
        'a mapping of parameter names to lists of values',
      );
    const axes: [string, SweepValue[]][] = [];
    let count = 1;
    for (const [name, list] of Object.entries(input.grid)) {
      const field = `grid.${name}`;
      parameterName(experiment, field, name);
      if (Object.hasOwn(fixed, name))
        throw new ParameterError(field, 'also set in fixed', 'each parameter in grid or fixed, not both');
      if (!Array.isArray(list) || list.length === 0)
        throw new ParameterError(
          field,
          describe(list),
          'a non-empty list of values, e.g. [1, 2] (a single value goes under fixed)',
        );
      axes.push([name, list.map((value, i) => scalar(`${field}[${i}]`, value))]);
      count *= list.length;
      if (count * replicates > MAX_SWEEP_CELLS)
        throw new ParameterError(
          field,
          `${count * replicates}+ cells`,
          `at most ${MAX_SWEEP_CELLS} cells in one sweep`,
        );
    }
    points = [{ values: {}, origin: {} }];
    for (const [name, list] of axes) {
      points = points.flatMap((point) =>
        list.map((value) => ({
          values: { ...point.values, [name]: value },
          origin: { ...point.origin, [name]: `grid.${name}` },
        })),
      );
    }
  } else if (input.cells !== undefined) {
    if (!Array.isArray(input.cells) || input.cells.length === 0)
      throw new ParameterError(
        'cells',
        describe(input.cells),
        'a non-empty list of mappings of parameter values',
      );
    if (input.cells.length * replicates > MAX_SWEEP_CELLS)
      throw new ParameterError(
        'cells',
        `${input.cells.length * replicates} cells`,
        `at most ${MAX_SWEEP_CELLS} cells in one sweep`,
      );
    points = input.cells.map((cell, i) => {
      if (!isRecord(cell))
        throw new ParameterError(`cells[${i}]`, describe(cell), 'a mapping of parameter names to values');
      const values: Record<string, SweepValue> = {};
      const origin: Record<string, string> = {};
      for (const [name, value] of Object.entries(cell)) {
        const field = `cells[${i}].${name}`;
        parameterName(experiment, field, name);
        if (Object.hasOwn(fixed, name))
          throw new ParameterError(field, 'also set in fixed', 'each parameter in cells or fixed, not both');
        values[name] = scalar(field, value);
        origin[name] = field;
      }
      return { values, origin };
    });
  } else {
    points = [{ values: {}, origin: {} }];
  }

  const cells: SweepCell[] = [];
  for (const point of points) {
    const values: Record<string, SweepValue> = {};
    const origin: Record<string, string> = {};
    for (const parameter of experiment.parameters) {
      const name = parameter.name;
      if (Object.hasOwn(point.values, name)) {
        values[name] = point.values[name];
        origin[name] = point.origin[name];
      } else if (Object.hasOwn(fixed, name)) {
        values[name] = fixed[name];
        origin[name] = `fixed.${name}`;
      } else if (parameter.default !== undefined) {
        values[name] = parameter.default;
        origin[name] = `${name} (default)`;
      }
    }
    const index = cells.length;
    let options: unknown;
    try {
      options = experiment.resolve(values, (name) => origin[name] ?? name);
    } catch (error) {
      // Name the cell only when a value is refused: describing every cell up front costs more
      // than resolving it.
      if (!(error instanceof ParameterError)) throw error;
      // The values the file set for this cell (defaults left out).
      const given = Object.fromEntries(
        Object.entries(values).filter(([name]) => !origin[name].endsWith('(default)')),
      );
      throw new ParameterError(
        `${error.parameter} (cell ${index}: ${describeValues(given)})`,
        error.given,
        error.allowed,
      );
    }
    for (let replicate = 0; replicate < replicates; replicate++) {
      cells.push({ index: cells.length, replicate, values, options });
    }
  }
  const spec: SweepSpec = {
    experiment: experiment.name,
    ...(input.scenario !== undefined ? { scenario: experiment.name } : {}),
    seed,
    trials,
    ...(input.grid !== undefined ? { grid: input.grid as SweepSpec['grid'] } : {}),
    ...(input.cells !== undefined ? { cells: input.cells as SweepSpec['cells'] } : {}),
    ...(input.fixed !== undefined ? { fixed } : {}),
    ...(input.replicates !== undefined ? { replicates } : {}),
    ...(input.ci_width !== undefined ? { ci_width: input.ci_width as number } : {}),
    ...(input.max_trials !== undefined ? { max_trials: input.max_trials as number } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
  };
  return { spec, experiment, cells, ...(source !== undefined ? { source } : {}) };
}

/** `latency=lnkd-ssd n=3 r=1`: a cell's values on one line. */
export function describeValues(values: Record<string, SweepValue>): string {
  return Object.entries(values)
    .map(
      ([name, value]) =>
        `${name}=${typeof value === 'string' && /[\s=]/.test(value) ? JSON.stringify(value) : String(value)}`,
    )
    .join(' ');
}

/**
 * Reads a sweep file (`.json` as JSON, anything else as YAML 1.2) and validates it
 * ({@link validateSweepSpec}). A file that cannot be read or parsed is refused naming the file,
 * with the line and column of a syntax error.
 *
 * @example
 * const sweep = loadSweepSpec('experiments/sweeps/staleness-quorums.yaml');
 */
export function loadSweepSpec(path: string): ResolvedSweep {
  const parsed = readConfigFile(path, {
    unreadable: 'sweep file',
    malformed: path,
    allowed: 'a YAML or JSON sweep file',
  });
  return validateSweepSpec(parsed, path);
}
