/**
 * Running a system scenario: overrides applied and every model config validated before any work,
 * then the experiments in order, gathered into one report.
 */
import { ParameterError } from '../errors.js';
import { snakeCase } from '../experiments/param.js';
import { systemScenario } from './catalog.js';
import {
  resolveScenario,
  scenarioParameterRows,
  setTexts,
  type ResolvedScenario,
  type ScenarioParameterRow,
} from './preset.js';
import type { ScenarioMetric } from './scenario-metric.js';
import type { ScenarioExperiment, ScenarioFamily, SystemScenario } from './system-scenario.js';

/** How to run a scenario. */
export interface ScenarioRunOptions {
  /**
   * Values: `key=value` texts (as `--set` takes them; refusals name `--set key`) or a key -> value
   * object from code (snake_case or camelCase keys; refusals name the key).
   */
  set?: readonly string[] | Readonly<Record<string, unknown>>;
  /** Trials in the scenario's unit (default: the scenario's). */
  trials?: number;
  /** Seed (default 1). */
  seed?: number;
}

/** A parameter as it ran (a setting, a preset experiment value or a derived one). */
export type ReportParameter = ScenarioParameterRow;

/** What `replilab scenario run` prints (and `--json` prints as is). */
export interface ScenarioReport {
  scenario: string;
  system: string;
  family: ScenarioFamily;
  description: string;
  source: string;
  observed: string | null;
  trials: number;
  trials_unit: string;
  seed: number;
  parameters: ReportParameter[];
  experiments: string[];
  metrics: ScenarioMetric[];
  assumptions: string[];
}

/** A scenario ready to run: values checked, experiments planned and validated. */
export interface PreparedScenario {
  scenario: SystemScenario;
  /** The scenario's values (camelCase) and the experiment's. */
  resolved: ResolvedScenario;
  trials: number;
  seed: number;
  experiments: ScenarioExperiment[];
  parameters: ReportParameter[];
}

function checkTrials(scenario: SystemScenario, trials: number): number {
  if (!(Number.isSafeInteger(trials) && trials >= 1 && trials <= scenario.trials.max)) {
    throw new ParameterError(
      '--trials',
      String(trials),
      `an integer from 1 to ${scenario.trials.max} (${scenario.trials.unit})`,
    );
  }
  return trials;
}

/**
 * The scenario's values from run options, through {@link resolveScenario} (the one path of
 * `--set`, sweep cells and library calls), and the keys the user gave.
 */
export function scenarioRunValues(
  scenario: SystemScenario,
  set: ScenarioRunOptions['set'] = [],
): { resolved: ResolvedScenario; given: Set<string> } {
  const isTexts = isTextList(set);
  const input: Readonly<Record<string, unknown>> = isTextList(set) ? setTexts(set) : set;
  const resolved = resolveScenario(scenario, input, isTexts ? (name) => `--set ${name}` : (name) => name);
  return { resolved, given: new Set(Object.keys(input).map(snakeCase)) };
}

/** Whether run values are `key=value` texts; unlike a bare Array.isArray, keeps the element type. */
function isTextList(set: readonly string[] | Readonly<Record<string, unknown>>): set is readonly string[] {
  return Array.isArray(set);
}

/** The experiment parameter `scenario run` sets from `--trials`, by experiment. */
const SIZE_KEYS: Record<string, string> = {
  failover: 'trials',
  staleness: 'trials',
  leaderless: 'ops',
  lag: 'ops',
  conflicts: 'duration_ms',
};

/**
 * Checks everything a run needs without running it: the name, the values, trials and seed, and
 * every experiment's model config. Refusals name `--set key`, `--trials`, `--seed` or `scenario`.
 *
 * @example
 * prepareSystemScenario('patroni', { set: ['ttl_s=60'] }).experiments.length; // 1
 */
export function prepareSystemScenario(name: string, options: ScenarioRunOptions = {}): PreparedScenario {
  const scenario = systemScenario(name);
  const { resolved, given } = scenarioRunValues(scenario, options.set);
  const sizeKey = SIZE_KEYS[scenario.preset.experiment.name];
  if (sizeKey !== undefined && given.has(sizeKey))
    throw new ParameterError(
      isTextList(options.set ?? []) ? `--set ${sizeKey}` : sizeKey,
      'a value scenario run sets itself',
      `--trials (${scenario.trials.unit}); ${sizeKey} is a key of sweeps over the scenario`,
    );
  const trials = checkTrials(scenario, options.trials ?? scenario.trials.default);
  const seed = options.seed ?? 1;
  if (!(Number.isSafeInteger(seed) && seed >= 0))
    throw new ParameterError('--seed', String(seed), 'an integer >= 0');
  const experiments = scenario.plan(resolved, { trials, seed });
  for (const e of experiments) e.validate();
  const parameters = scenarioParameterRows(scenario, resolved, given);
  return { scenario, resolved, trials, seed, experiments, parameters };
}

/**
 * Runs a system scenario by name: its experiments in order, one report. A pure function of
 * (name, overrides, trials, seed).
 *
 * @example
 * const report = await runSystemScenario('mongodb', { trials: 100, seed: 1 });
 * report.metrics.find((m) => m.name === 'recovery_ms');
 * await runSystemScenario('cassandra', { set: ['read_consistency=ONE', 'clock_skew=uniform(0,20)'] });
 */
export async function runSystemScenario(
  name: string,
  options: ScenarioRunOptions = {},
): Promise<ScenarioReport> {
  const prepared = prepareSystemScenario(name, options);
  const { scenario, trials, seed, experiments, parameters } = prepared;
  const metrics: ScenarioMetric[] = [];
  for (const e of experiments) metrics.push(...(await e.run()));
  return {
    scenario: scenario.name,
    system: scenario.system,
    family: scenario.family,
    description: scenario.description,
    source: scenario.source,
    observed: scenario.observed ?? null,
    trials,
    trials_unit: scenario.trials.unit,
    seed,
    parameters,
    experiments: experiments.map((e) => e.name),
    metrics,
    assumptions: [...scenario.assumptions],
  };
}

/**
 * One metric of a report by name (the first, when several experiments report the same name).
 *
 * @example
 * reportMetric(report, 'recovery_ms');
 */
export function reportMetric(report: ScenarioReport, name: string): ScenarioMetric {
  const m = report.metrics.find((x) => x.name === name);
  if (m === undefined)
    throw new Error(
      `${report.scenario} reports no metric ${name} (it has ${report.metrics.map((x) => x.name).join(', ')})`,
    );
  return m;
}
