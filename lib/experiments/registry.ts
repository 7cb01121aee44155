/**
 * The experiments whose parameters are declared by a schema, by name: what `replilab params`,
 * the sweep file's JSON Schema and docs/cli.md list. Importing this loads the schemas, not the
 * models (each experiment imports its model when it runs).
 */
import type { Experiment } from './define.js';
import { conflicts } from './conflicts.js';
import { editing } from './editing.js';
import { failover } from './failover.js';
import { lag } from './lag.js';
import { leaderless } from './leaderless.js';
import { selftest } from './selftest.js';
import { staleness } from './staleness.js';
import { upgrade } from './upgrade.js';

export const EXPERIMENTS: readonly Experiment[] = [
  staleness,
  failover,
  leaderless,
  lag,
  conflicts,
  upgrade,

  editing,
  selftest,
];

/** The experiment of that name, or undefined. */
export function experimentNamed(name: string): Experiment | undefined {
  return EXPERIMENTS.find((experiment) => experiment.name === name);
}
