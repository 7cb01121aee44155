/**
 * A real system as a named scenario: a preset of one experiment (lib/scenarios/preset.ts) with the
 * system's documented settings, the report `scenario run` prints (which may add stages the
 * experiment does not have), and the published observation to compare with, if any.
 */
import type { ResolvedScenario, ScenarioDeclaration } from './preset.js';
import type { ScenarioMetric } from './scenario-metric.js';

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

/** A system as a scenario: a preset of an experiment ({@link ScenarioDeclaration}) and its report. */
export interface SystemScenario extends ScenarioDeclaration {
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
  /** The report's experiments for these (resolved, checked) values. */
  plan(resolved: ResolvedScenario, size: ScenarioRunSize): ScenarioExperiment[];
  /** What the model leaves out or assumes, relevant when reading its numbers (shown in the report). */
  assumptions: readonly string[];
}
