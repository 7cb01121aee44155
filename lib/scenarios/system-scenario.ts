/**
 * A real system as a named scenario: its documented settings mapped onto one of the lab's models,
 * the experiments that measure it, and the published observation to compare with, if any.
 */
import type { ScenarioMetric } from './scenario-metric.js';
import type { ScenarioParameter, ScenarioValues } from './scenario-parameter.js';

/** The lab's replication families. */
export type ScenarioFamily = 'leaderless' | 'leader-follower' | 'multi-leader';

/** One experiment of a scenario: checked before any experiment runs, then run. */
export interface ScenarioExperiment {
  /** What it measures, e.g. `failover (coordinator = Patroni's DCS lease)`. */
  name: string;
  /** Validates the model config (throws the model's ParameterError naming a config field). */
  validate(): void;
  /** Runs the model and returns the headline metrics. */
  run(): Promise<ScenarioMetric[]>;
}

/** How big a run is. */
export interface ScenarioRunSize {
  /** Trials in the scenario's own unit (see {@link SystemScenario.trials}). */
  trials: number;
  /** Seed of every random stream; the report is a pure function of (scenario, values, trials, seed). */
  seed: number;
}

/** A system as a scenario. */
export interface SystemScenario {
  /** The scenario's name (`replilab scenario run NAME`). */
  name: string;
  /** The reference entry it is built from (system-defaults.json), e.g. `mysql` for the GitHub incidents. */
  system: string;
  family: ScenarioFamily;
  /** One line: what runs. */
  description: string;
  /** The reference entry's source. */
  source: string;
  /** The reference's published observation, if any. */
  observed?: string;
  /** What `--trials` counts and its default. */
  trials: { unit: string; default: number; max: number };
  /** Every parameter with its value and source. */
  parameters: readonly ScenarioParameter[];
  /** Rules across parameters (Patroni's loop_wait + 2 retry_timeout <= ttl, R <= N, ...); throws ParameterError naming `--set key`. */
  check?(values: ScenarioValues): void;
  /** The experiments to run with these values. */
  plan(values: ScenarioValues, size: ScenarioRunSize): ScenarioExperiment[];
  /** What the model leaves out or assumes, relevant when reading its numbers (shown in the report). */
  assumptions: readonly string[];
}
