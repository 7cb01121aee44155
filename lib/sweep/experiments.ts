import { ParameterError } from '../errors.js';
import { conflicts } from '../experiments/conflicts.js';
import { editing } from '../experiments/editing.js';
import { failover } from '../experiments/failover.js';
import { lag } from '../experiments/lag.js';
import { leaderless } from '../experiments/leaderless.js';
import { staleness, stalenessCellOptions } from '../experiments/staleness.js';
import { upgrade } from '../experiments/upgrade.js';
import { SYSTEM_SCENARIOS } from '../scenarios/catalog.js';
import { resolveScenario, scenarioExperiment } from '../scenarios/preset.js';
import type { SystemScenario } from '../scenarios/system-scenario.js';
import { stalenessExperiment } from './staleness-experiment.js';
import type { SweepExperiment, SweepValue } from '../experiments/sweep-experiment.js';
import { selftestExperiment } from './selftest.js';
import { sweepExperimentOf, sweepParametersOf, type SchemaCellOptions } from './schema-experiment.js';

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
  upgrade: sweepExperimentOf(upgrade),

  editing: sweepExperimentOf(editing),
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

/** The scenarios a sweep file's `scenario:` can name. */
export function sweepScenarioNames(): string[] {
  return SYSTEM_SCENARIOS.map((s) => s.name);
}

const scenarioSweeps = new Map<string, SweepExperiment>();

/** `latency: 5` in a sweep file means the text `5` for the staleness experiment's text keys, as its sweeps always allowed. */
function asText(values: Readonly<Record<string, SweepValue>>): Record<string, SweepValue> {
  const out: Record<string, SweepValue> = { ...values };
  for (const name of ['latency', 't']) if (typeof out[name] === 'number') out[name] = String(out[name]);
  return out;
}

/**
 * A scenario as a sweep runs it: its keys are the scenario's (settings, then the preset
 * experiment's parameters that are not derived, defaults the preset's), a cell's values are
 * resolved by {@link resolveScenario} (the path of `--set` and library calls: refusals name
 * `grid.ttl_s`, `cells[2].nodes`), and the cell runs the preset experiment's batch model with the
 * config the preset gives. Its rows are the scenario's settings, then the experiment's row. Only
 * the experiment runs: a stage `scenario run` adds to its report is not in a sweep
 * (`scenario show NAME` says which).
 *
 * @throws ParameterError naming `field` (default `scenario`) for an unknown name.
 */
export function scenarioSweepExperiment(name: string, field = 'scenario'): SweepExperiment {
  const scenario = SYSTEM_SCENARIOS.find((s) => s.name === name);
  if (scenario === undefined)
    throw new ParameterError(field, JSON.stringify(name), `one of ${sweepScenarioNames().join(', ')}`);
  const known = scenarioSweeps.get(name);
  if (known !== undefined) return known;
  const made = makeScenarioSweep(scenario);
  scenarioSweeps.set(name, made);
  return made;
}

function makeScenarioSweep(scenario: SystemScenario): SweepExperiment {
  const wrapped = scenarioExperiment(scenario);
  const parameters = sweepParametersOf(wrapped);
  if (scenario.preset.experiment === staleness) {
    // PBS staleness sweeps run on their own curve accumulator, not a schema batch model.
    return {
      ...stalenessExperiment,
      name: scenario.name,
      description: `${stalenessExperiment.description}, preset by the scenario ${scenario.name}`,
      parameters,
      resolve: (values, where) =>
        stalenessCellOptions(resolveScenario(scenario, asText(values), where).experiment as never),
    };
  }
  // Not spread: its columns are a getter that throws before prepare().
  return Object.assign(sweepExperimentOf(wrapped), {
    resolve(
      values: Readonly<Record<string, SweepValue>>,
      where: (name: string) => string,
    ): SchemaCellOptions {
      const { values: own } = resolveScenario(scenario, values, where);
      return { values: own, config: wrapped.config(own as never) };
    },
  });
}
