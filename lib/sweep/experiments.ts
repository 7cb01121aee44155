import { ParameterError } from '../errors.js';
import { conflicts } from '../experiments/conflicts.js';
import { failover } from '../experiments/failover.js';
import { lag } from '../experiments/lag.js';
import { leaderless } from '../experiments/leaderless.js';
import { stalenessExperiment } from './staleness-experiment.js';
import type { SweepExperiment } from './experiment.js';
import { selftestExperiment } from './selftest.js';
import { sweepExperimentOf } from './schema-experiment.js';

/**
 * The experiments a sweep can run, by name. To add one: implement {@link SweepExperiment} and add
 * it here, and register its batch model (what workers run) in models.ts.
 */
const experiments: Record<string, SweepExperiment> = {
  staleness: stalenessExperiment,
  failover: sweepExperimentOf(failover),
  leaderless: sweepExperimentOf(leaderless),
  lag: sweepExperimentOf(lag),
  conflicts: sweepExperimentOf(conflicts),
  selftest: selftestExperiment,
};

/** The registered experiments' names. */
export function sweepExperimentNames(): string[] {
  return Object.keys(experiments);
}

/**
 * The registered experiment of that name.
 *
 * @throws ParameterError naming `field` (default `experiment`) for an unknown name.
 * @example
 * sweepExperiment('staleness').columns[0]; // 'latency'
 */
export function sweepExperiment(name: string, field = 'experiment'): SweepExperiment {
  if (typeof name === 'string' && Object.hasOwn(experiments, name)) return experiments[name];
  throw new ParameterError(field, JSON.stringify(name), `one of ${sweepExperimentNames().join(', ')}`);
}
