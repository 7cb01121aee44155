import type { Command } from 'commander';
import { ParameterError } from '../errors.js';
import type { CsvValue } from './csv-output.js';
import {
  fixedBatchPlan,
  type ExperimentParameter,
  type SweepExperiment,
  type SweepValue,
} from './experiment.js';
import { ResultPool, type PoolRules, type ResultBatchSummary } from './result-pool.js';

/** Flags of a command that are never sweep parameters: the run's seed, its outputs, its input file, its modes. */
const NOT_PARAMETERS = new Set(['seed', 'out', 'json', 'config', 'scenario', 'control', 'help']);

/** A model's CLI command made a sweep experiment: see {@link commandExperiment}. */
export interface CommandExperimentSpec<C, R extends object> {
  /** The name a sweep file gives as `experiment:` (the command's name). */
  name: string;
  description: string;
  /** What `trials` counts. */
  trialsUnit: string;
  /** The command: its options are the sweep's parameters (flag names without dashes, same docs). */
  command: () => Command;
  /** More of its flags that are not parameters (e.g. `trials`, which the sweep sets). */
  exclude?: readonly string[];
  /**
   * The command's own flag-to-config validation, on commander-style flags (camelCase keys, text
   * values, `true` for a boolean flag); it throws ParameterError naming the `--flag`.
   */
  fromFlags: (flags: Record<string, unknown>) => { config: Partial<C> };
  /** The batch model (registered in models.ts) and the trials each batch runs. */
  model: string;
  batchTrials: number;
  /** How the batches' results pool into the cell's result. */
  pool: PoolRules;
  /** The main proportion: a name in the result's `intervals`; adaptive precision (`ci_width`) watches its width. */
  mainInterval: string;
  /** The command's `--out` row: result -> CSV row (the cell's row is the pooled result's). */
  row: (
    result: R,
    seed: number,
    config: Partial<C>,
    trials: number,
  ) => { columns: string[]; row: Record<string, CsvValue> };
  /** A small, quick run whose row gives the columns (the same for every cell and run). */
  template: () => { result: R; config: Partial<C> };
}

/** One cell's options: the validated config (without trials or seed), plain data for the workers. */
export interface CommandCellOptions<C> {
  config: Partial<C>;
}

/** The batch parameters of a command experiment: the cell's config. */
export type CommandBatchParams<C> = CommandCellOptions<C>;

interface ParameterFlag {
  parameter: ExperimentParameter;
  /** commander's key for the flag's value (`electionTimeout`). */
  key: string;
  boolean: boolean;
}

function parameterFlags(command: Command, exclude: readonly string[]): ParameterFlag[] {
  return command.options
    .filter((option) => option.long !== undefined)
    .map((option) => ({ option, name: option.long!.replace(/^--/, '') }))
    .filter(({ name }) => !NOT_PARAMETERS.has(name) && !exclude.includes(name))
    .map(({ option, name }) => ({
      parameter: { name, doc: option.description },
      key: option.attributeName(),
      boolean: option.isBoolean(),
    }));
}

function booleanValue(field: string, value: SweepValue): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ParameterError(
    field,
    JSON.stringify(value),
    'true or false (a flag without a value on the command line)',
  );
}

/**
 * An experiment a sweep runs through a model's CLI command: its parameters are the command's
 * flags without dashes (`timeout`, `election-timeout`), a cell's values go through the command's
 * own validation (errors name the sweep field, `grid.timeout`, instead of the flag), each batch
 * runs the model with a seed drawn from deriveStream(seed, cell, batch), the batches' results
 * pool in batch order ({@link ResultPool}), and the cell's row is the command's `--out` row of
 * the pooled result, so a sweep and `--out` write the same columns.
 *
 * @example
 * export const leaderlessExperiment = commandExperiment({ name: 'leaderless', command: leaderlessCommand, fromFlags: leaderlessRunFromFlags, model: 'leaderless', batchTrials: 1, ... });
 */
export function commandExperiment<C, R extends object>(
  spec: CommandExperimentSpec<C, R>,
): SweepExperiment<CommandCellOptions<C>, ResultBatchSummary<R>> {
  let flags: ParameterFlag[] | undefined;
  const flagList = () => (flags ??= parameterFlags(spec.command(), spec.exclude ?? []));
  let columns: string[] | undefined;
  return {
    name: spec.name,
    description: spec.description,
    trialsUnit: spec.trialsUnit,
    get parameters() {
      return flagList().map((flag) => flag.parameter);
    },
    // The columns of a quick run's row: computed once, when a sweep of this experiment starts.
    get columns() {
      if (columns === undefined) {
        const template = spec.template();
        columns = spec.row(template.result, 0, template.config, 1).columns;
      }
      return columns;
    },
    resolve(values, field) {
      const commanderFlags: Record<string, unknown> = {};
      for (const flag of flagList()) {
        const value = values[flag.parameter.name];
        if (value === undefined) continue;
        if (flag.boolean) {
          if (booleanValue(field(flag.parameter.name), value)) commanderFlags[flag.key] = true;
        } else commanderFlags[flag.key] = String(value);
      }
      const names = new Set(flagList().map((flag) => flag.parameter.name));
      try {
        return { config: spec.fromFlags(commanderFlags).config };
      } catch (error) {
        if (!(error instanceof ParameterError)) throw error;
        // The command names its flags (`--timeout`, `--crash-mtbf (crash.ttf)`); a sweep names where the value came from.
        const rename = (text: string) =>
          text.replace(/--([a-z][a-z0-9-]*)/g, (flag, name: string) =>
            names.has(name) ? field(name) : flag,
          );
        throw new ParameterError(rename(error.parameter), error.given, rename(error.allowed));
      }
    },
    plan(options, context) {
      return fixedBatchPlan(
        spec.model,
        { config: options.config } satisfies CommandBatchParams<C>,
        context,
        spec.batchTrials,
      );
    },
    accumulator(options, context) {
      const pool = new ResultPool<R>(spec.pool);
      return {
        add: (summary) => pool.add(summary),
        trials: () => pool.trials(),
        intervalWidth() {
          const interval = pool.interval(spec.mainInterval);
          return interval.high - interval.low;
        },
        rows: () => [spec.row(pool.result(), context.seed, options.config, pool.trials()).row],
      };
    },
  };
}
