/**
 * Running a system scenario: overrides applied and every model config validated before any work,
 * then the experiments in order, gathered into one report.
 */
import { ParameterError } from '../errors.js';
import { systemScenario } from './catalog.js';
import type { ScenarioMetric } from './scenario-metric.js';
import type { ParameterSource, ParameterValue, ScenarioValues } from './scenario-parameter.js';
import { overriddenKeys, scenarioValues, setFlag } from './set-overrides.js';
import type { ScenarioExperiment, ScenarioFamily, SystemScenario } from './system-scenario.js';

/** How to run a scenario. */
export interface ScenarioRunOptions {
  /** Overrides: `key=value` texts (as `--set` takes them) or a key -> value object. */
  set?: readonly string[] | Record<string, ParameterValue>;
  /** Trials in the scenario's unit (default: the scenario's). */
  trials?: number;
  /** Seed (default 1). */
  seed?: number;
}

/** A parameter as it ran. */
export interface ReportParameter {
  key: string;
  value: ParameterValue;
  description: string;
  source: ParameterSource;
}

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
  values: ScenarioValues;
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

/** Renames a model's refusal of a config field to the `--set` key that sets it. */
function validateNamingKeys(
  scenario: SystemScenario,
  experiment: ScenarioExperiment,
  values: ScenarioValues,
): void {
  try {
    experiment.validate();
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    const p = scenario.parameters.find((q) => q.fields?.includes(error.parameter));
    if (p === undefined) throw error;
    throw new ParameterError(
      setFlag(p.key),
      `${JSON.stringify(values[p.key])} (${error.parameter}: ${error.given})`,
      error.allowed,
    );
  }
}

/**
 * Checks everything a run needs without running it: the name, the overrides, trials and seed,
 * and every experiment's model config. Refusals name `--set key`, `--trials`, `--seed` or
 * `scenario`.
 *
 * @example
 * prepareSystemScenario('patroni', { set: ['ttl_s=60'] }).experiments.length; // 1
 */
export function prepareSystemScenario(name: string, options: ScenarioRunOptions = {}): PreparedScenario {
  const scenario = systemScenario(name);
  const set = options.set ?? [];
  const values = scenarioValues(scenario, set);
  const trials = checkTrials(scenario, options.trials ?? scenario.trials.default);
  const seed = options.seed ?? 1;
  if (!(Number.isSafeInteger(seed) && seed >= 0))
    throw new ParameterError('--seed', String(seed), 'an integer >= 0');
  const experiments = scenario.plan(values, { trials, seed });
  for (const e of experiments) validateNamingKeys(scenario, e, values);
  const given = overriddenKeys(set);
  const parameters = scenario.parameters.map((p) => ({
    key: p.key,
    value: values[p.key],
    description: p.description,
    source: given.has(p.key) ? { kind: '--set' as const, text: `overrides ${p.value}` } : p.source,
  }));
  return { scenario, values, trials, seed, experiments, parameters };
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
