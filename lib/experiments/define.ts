/**
 * An experiment: a parameter schema, how validated values become a model config, how the model
 * runs, and how its result becomes a CSV row, a JSON object and a human summary. Every front end
 * (the CLI command, sweep files, scenario presets, library calls from notebooks) goes through one
 * {@link Experiment}, so a knob added to `params` reaches all of them.
 */
import { ParameterError } from '../errors.js';
import type { CsvValue } from '../output/csv.js';
import type { PoolRules } from './result-pool.js';
import { metricCells, parameterCells } from './row.js';
import {
  camelCase,
  checkParam,
  describeValue,
  fromFile,
  kebabCase,
  snakeCase,
  type Param,
  type ParamValues,
} from './param.js';

/** A cross-field rule: undefined when the values pass, else the parameter to blame and what is allowed. */
export type Check<V> = (values: V) => { param: keyof V & string; allowed: string } | undefined;

/** Options of one run. */
export interface RunOptions {
  /** Called with the fraction done (0..1), now and then, for progress displays. */
  onProgress?: (fraction: number) => void;
}

/** How a sweep runs the experiment's model in batches on worker threads. */
export interface BatchSpec<C, R extends object> {
  /** The batch model's name in the worker registry. */
  model: string;
  /** Trials per batch (batch sizes never depend on threads). */
  batchTrials: number;
  /** How the batches' results pool into the cell's result. */
  pool: PoolRules;
  /** The main proportion (a name in the result's `intervals`), watched by adaptive precision. */
  mainInterval: string;
  /** A small, quick run whose row gives the columns (the same for every cell and run). */
  template: () => Promise<{ result: R; config: C }>;
}

/** What {@link defineExperiment} is given. */
export interface ExperimentSpec<S extends Record<string, Param>, C, R extends object> {
  /** The command and the sweep file's `experiment:`. */
  name: string;
  /** One line for `--help` and listings. */
  description: string;
  /** What `trials` counts. */
  trialsUnit: string;
  /** Every knob, in the order of help, CSV columns and docs. Keys in camelCase, units in the name where not obvious. */
  params: S;
  /** Cross-field rules (R <= N, heartbeat below the timeout): checked after each value is. */
  checks?: readonly Check<ParamValues<S>>[];
  /** The model's config from validated values (unit conversions happen here). */
  config: (values: ParamValues<S>) => C;
  /** Runs the model once: a pure function of (config, seed). Loads the model lazily. */
  run: (config: C, seed: number, options: RunOptions) => R | Promise<R>;
  /** The metrics part of the result as CSV cells take it (default: the result itself). */
  metrics?: (result: R) => Record<string, unknown>;
  /** The result's fields as `--json` prints them, before `seed` and `config` (default: the result itself). */
  output?: (result: R) => Record<string, unknown>;
  /** Trials behind a result, in the experiment's unit (default 1). */
  trials?: (result: R, values: ParamValues<S>) => number;
  /** The human summary printed without `--json`. */
  summary: (result: R, seed: number, values: ParamValues<S>) => string;
  /** `--help` examples, each a command line without the leading `replilab`. */
  examples: readonly string[];
  /** More help text after the examples: definitions of the metrics, the JSON contract. */
  notes?: string;
  /** Present for experiments a sweep can run. */
  batch?: BatchSpec<C, R>;
}

/** An experiment, as every front end uses it. */
export interface Experiment<
  S extends Record<string, Param> = any,
  C = any,
  R extends object = any,
> extends ExperimentSpec<S, C, R> {
  /** The parameters' keys in declaration order. */
  keys: readonly (keyof S & string)[];
  /** Every parameter at its default. */
  defaults(): ParamValues<S>;
  /**
   * Validates values given under the parameters' keys (camelCase, as a library call writes them),
   * fills in defaults and applies the cross-field rules. `where(key)` names a parameter in a
   * refusal as the user wrote it (default: the key); `given(key)` shows what they wrote.
   */
  resolve(
    input: Readonly<Record<string, unknown>>,
    where?: (key: string) => string,
    given?: (key: string) => string | undefined,
  ): ParamValues<S>;
  /**
   * Reads a file's or a sweep cell's mapping (snake_case keys; strings read as text where a
   * number is expected), then {@link resolve}s it. `where(name)` names a key as the file wrote it.
   */
  fromFile(input: Readonly<Record<string, unknown>>, where?: (name: string) => string): ParamValues<S>;
  /**
   * A file's mapping as values under the parameters' keys, not yet checked or defaulted, and the
   * name each key had in the file; an unknown name is refused, naming `where(name)`.
   */
  readFile(
    input: Readonly<Record<string, unknown>>,
    where?: (name: string) => string,
  ): { values: Record<string, unknown>; names: Map<string, string> };
  /** Runs the model with validated values. */
  runValues(values: ParamValues<S>, seed: number, options?: RunOptions): Promise<R>;
  /** Validates, then runs: the library's entry point. */
  execute(input?: Readonly<Record<string, unknown>>, seed?: number, options?: RunOptions): Promise<R>;
  /** The values as files, CSV and JSON write them (snake_case keys, sweepable parameters only). */
  parameterRecord(values: ParamValues<S>): Record<string, unknown>;
  /** The CSV row of a run or a sweep cell: parameters, metrics, trials, seed. */
  row(
    result: R,
    seed: number,
    values: ParamValues<S>,
    trials: number,
  ): { columns: string[]; row: Record<string, CsvValue> };
  /** What `--json` prints: the result's fields, then `seed` and the `config` that ran (snake_case). */
  json(result: R, seed: number, values: ParamValues<S>): Record<string, unknown>;
}

function ownKeys<S extends object>(shape: S): (keyof S & string)[] {
  return Object.keys(shape) as (keyof S & string)[];
}

/**
 * Declares an experiment from its parameter schema and model; see {@link ExperimentSpec}.
 *
 * @example
 * export const selftest = defineExperiment({
 *   name: 'selftest', description: '...', trialsUnit: 'draws',
 *   params: { k: integer({ doc: 'mean of the draws', default: 1, min: 0 }) },
 *   config: (v) => v, run: (c, seed) => runSelftest(c, seed), summary: (r) => `${r.mean}\n`, examples: [],
 * });
 */
export function defineExperiment<S extends Record<string, Param>, C, R extends object>(
  spec: ExperimentSpec<S, C, R>,
): Experiment<S, C, R> {
  const keys = ownKeys(spec.params);
  const byName = new Map<string, keyof S & string>(keys.map((key) => [snakeCase(key), key]));
  const defaults = (): ParamValues<S> =>
    Object.fromEntries(
      keys.map((key) => [key, structuredClone(spec.params[key].meta.default)]),
    ) as ParamValues<S>;

  const experiment: Experiment<S, C, R> = {
    ...spec,
    keys,
    defaults,
    resolve(input, where = (key) => key, given = () => undefined) {
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(spec.params, key)) {
          throw new ParameterError(where(key), 'an unknown parameter', `one of ${keys.join(', ')}`);
        }
      }
      const values = defaults() as Record<string, unknown>;
      for (const key of keys) {
        const value = input[key];
        if (value === undefined) continue;
        values[key] = checkParam(spec.params[key], value, where(key), given(key));
      }
      const typed = values as ParamValues<S>;
      for (const check of spec.checks ?? []) {
        const refusal = check(typed);
        if (refusal === undefined) continue;
        const key = refusal.param;
        const shown =
          input[key] === undefined
            ? `${describeValue(typed[key])} (the default)`
            : (given(key) ?? describeValue(input[key]));
        throw new ParameterError(where(key), shown, refusal.allowed);
      }
      return typed;
    },
    readFile(input, where = (name) => name) {
      const values: Record<string, unknown> = {};
      const names = new Map<string, string>();
      for (const [name, value] of Object.entries(input)) {
        const key = byName.get(name);
        if (key === undefined) {
          const near = byName.get(snakeCase(camelCase(name)));
          throw new ParameterError(
            where(name),
            'an unknown parameter',
            `${near ? `"${snakeCase(near)}" (keys are snake_case); ` : ''}one of ${[...byName.keys()].join(', ')}`,
          );
        }
        const read = fromFile(spec.params[key].meta, value);
        if (read === undefined)
          throw new ParameterError(where(name), describeValue(value), spec.params[key].meta.allowed);
        values[key] = read;
        names.set(key, name);
      }
      return { values, names };
    },
    fromFile(input, where = (name) => name) {
      const { values, names } = experiment.readFile(input, where);
      return experiment.resolve(
        values,
        (key) => where(names.get(key) ?? snakeCase(key)),
        (key) => (names.has(key) ? describeValue(input[names.get(key)!]) : undefined),
      );
    },
    async runValues(values, seed, options = {}) {
      return spec.run(spec.config(values), seed, options);
    },
    async execute(input = {}, seed = 1, options = {}) {
      return experiment.runValues(experiment.resolve(input), seed, options);
    },
    parameterRecord(values) {
      const record: Record<string, unknown> = {};
      for (const key of keys) if (spec.params[key].meta.sweep) record[snakeCase(key)] = values[key];
      return record;
    },
    row(result, seed, values, trials) {
      const parameters: Record<string, unknown> = {};
      for (const key of keys) if (spec.params[key].meta.sweep) parameters[key] = values[key];
      const row: Record<string, CsvValue> = {
        ...parameterCells(parameters),
        ...metricCells((spec.metrics?.(result) ?? result) as Record<string, unknown>),
        trials,
        seed,
      };
      return { columns: Object.keys(row), row };
    },
    json(result, seed, values) {
      const config: Record<string, unknown> = {};
      for (const key of keys) config[snakeCase(key)] = values[key];
      return { ...(spec.output?.(result) ?? result), seed, config };
    },
  };
  return experiment;
}

/**
 * One parameter of any experiment, typed as a Param (an `Experiment` without type arguments
 * types its `params` as any).
 *
 * @example
 * paramOf(failover, 'timeoutMs').meta.unit; // 'ms'
 */
export function paramOf(experiment: Experiment, key: string): Param {
  return (experiment.params as Record<string, Param>)[key];
}

/** A parameter's flag: `--` and its key in kebab case. */
export function flagOf(key: string): string {
  return `--${kebabCase(key)}`;
}
