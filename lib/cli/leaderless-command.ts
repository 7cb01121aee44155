/**
 * `replilab leaderless`: the leaderless experiment's command (derived from its schema), plus
 * `--scenario NAME [--control]`, which runs a quorum edge case's config (flags and `--config`
 * override it) and counts the case's occurrences in the run's history.
 */
import { type Command, Option } from 'commander';
import { ParameterError } from '../errors.js';
import { leaderless, valuesOfConfig } from '../experiments/leaderless.js';
import { snakeCase } from '../experiments/param.js';
import { experimentCommand, valuesFromCommand } from './experiment-command.js';

/** Prints the scenarios, one line each (or as JSON). */
async function printScenarioList(json: boolean): Promise<void> {
  const { leaderlessScenarios } = await import('../strategies/leaderless/scenarios.js');
  const list = [...leaderlessScenarios.values()];
  if (json) {
    process.stdout.write(
      JSON.stringify(
        list.map((s) => ({ name: s.name, description: s.description, config: s.config, control: s.control })),
      ) + '\n',
    );
    return;
  }
  const width = Math.max(...list.map((s) => s.name.length));
  for (const s of list)
    process.stdout.write(
      `${s.name.padEnd(width)}  ${s.description.split('. ')[0].replace(/^\([a-d]\) /, '')}\n`,
    );
  process.stdout.write(
    "\nreplilab leaderless --scenario NAME [--control] [--seed S] [--json]; flags override the scenario's config.\n",
  );
}

/** `--scenario NAME`: one run of a quorum edge case (or its control), and its count with an interval. */
async function runScenario(flags: Record<string, unknown>): Promise<void> {
  const name = String(flags.scenario);
  const json = flags.json === true;
  if (name === 'list') return printScenarioList(json);
  const { leaderlessScenarios, scenarioResult } = await import('../strategies/leaderless/scenarios.js');
  const scenario = leaderlessScenarios.get(name);
  if (scenario === undefined)
    throw new ParameterError(
      '--scenario',
      JSON.stringify(name),
      `one of ${[...leaderlessScenarios.keys()].join(', ')}, or list`,
    );
  if (flags.out !== undefined)
    throw new ParameterError('--out', JSON.stringify(flags.out), 'no --out with --scenario (use --json)');
  const control = flags.control === true;
  const label = `scenario ${name}${control ? ' control' : ''}`;
  const { values, seed } = await valuesFromCommand(leaderless, flags, {
    values: valuesOfConfig(control ? scenario.control : scenario.config),
    where: (key) => `${snakeCase(key)} (${label})`,
  });
  const config = leaderless.config(values as never);
  const { runLeaderlessWithHistory } = await import('../strategies/leaderless/run-leaderless.js');
  const run = runLeaderlessWithHistory(config, seed);
  const outcome = scenarioResult(scenario, run, seed, config);
  if (json) {
    process.stdout.write(
      JSON.stringify({
        scenario: name,
        control,
        seed: outcome.seed,
        occurrences: outcome.occurrences,
        note: outcome.note,
        result: run.result,
        config: leaderless.json(run.result, seed, values as never).config,
      }) + '\n',
    );
    return;
  }
  const o = outcome.occurrences;
  process.stdout.write(
    [
      `scenario ${name}${control ? ' (control)' : ''}, seed ${seed}`,
      `  ${scenario.description}`,
      `occurrences: ${o.count} of ${o.of}${o.of > 0 ? `: ${o.p.toFixed(4)} [${o.low.toFixed(4)}, ${o.high.toFixed(4)}] (Wilson 95%)` : ' (not applicable in this run)'}`,
      `  ${outcome.note}`,
    ].join('\n') + '\n',
  );
}

/** `replilab leaderless`: one run of the Dynamo-style leaderless cluster model, or of a quorum edge case. */
export function leaderlessCommand(): Command {
  return experimentCommand(leaderless, {
    options: [
      new Option(
        '--scenario <name>',
        'run a quorum edge case and count its occurrences (list: show them); flags and --config override its config',
      ),
      new Option('--control', 'with --scenario: run its control config, where the edge case cannot happen'),
    ],
    help: `
Quorum edge cases:
  $ replilab leaderless --scenario list
  $ replilab leaderless --scenario stale-restore-under-w --seed 3
  $ replilab leaderless --scenario failed-write-read --control --json`,
    intercept: async (flags) => {
      if (flags.control === true && flags.scenario === undefined)
        throw new ParameterError('--control', 'without --scenario', 'use --control with --scenario NAME');
      if (flags.scenario === undefined) return false;
      await runScenario(flags);
      return true;
    },
  });
}
