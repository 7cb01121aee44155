import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import { SYSTEM_SCENARIOS } from '../scenarios/catalog.js';
import { prepareSystemScenario, runSystemScenario, type ScenarioReport } from '../scenarios/run-scenario.js';
import { reportCsvRow, reportText } from '../scenarios/scenario-report.js';
import { sourceText, valueText, type ScenarioParameterRow } from '../scenarios/preset.js';
import { writeExperimentOutputs } from '../sweep/write-outputs.js';
import { parseWholeNumber } from './parse-values.js';

const EXAMPLES = `
Examples:
  $ replilab scenario list
  $ replilab scenario show patroni
  $ replilab scenario run patroni
  $ replilab scenario run patroni --set ttl_s=60 --set loop_wait_s=5 --trials 500 --json
  $ replilab scenario run cassandra --set read_consistency=ONE --set clock_skew="uniform(0,20)"
  $ replilab scenario run github-2018 --set fencing=lease --out data/scenarios/github-2018.csv
  $ replilab scenario run mongodb --seed 7 --json

Each scenario is a preset of one experiment (failover, leaderless, lag, conflicts, staleness):
the system's own settings in its own units (system-defaults.json; Patroni's ttl_s), the
experiment values it fixes, and the experiment values derived from the settings; show lists each
with its unit and source: the reference entry, a lab default (with why), or arithmetic on
documented values. --set KEY=VALUE sets a setting or any parameter of the experiment that is not
derived (repeatable), checked as the experiment checks it; an unknown key or a bad value is
refused naming --set KEY, exit 2, nothing written. A sweep file says scenario: NAME to sweep the
same keys (show says what a sweep does and does not include). --trials counts the scenario's own
unit (shown by list and show). --json prints the report as one object: scenario, system, family,
description, source, observed, trials, trials_unit, seed, parameters[{key, role, value, unit,
description, source{kind, text}}], experiments, metrics[{kind, name, label, ...}] (proportion: estimate{count,
of, p, low, high} with a Wilson 95% interval; duration: summary{mean, min, p50, p90, p99, max,
samples} in ms; count: count, over; value: value, unit), assumptions.`;

interface RunFlags {
  set: string[];
  trials?: string;
  seed?: string;
  json?: boolean;
  out?: string;
}

function listScenarios(json: boolean): void {
  const rows = SYSTEM_SCENARIOS.map((s) => ({
    name: s.name,
    family: s.family,
    description: s.description,
    source: s.source,
    trials_unit: s.trials.unit,
  }));
  if (json) {
    process.stdout.write(JSON.stringify(rows) + '\n');
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  const familyWidth = Math.max(...rows.map((r) => r.family.length));
  for (const r of rows)
    process.stdout.write(
      `${r.name.padEnd(width)}  ${r.family.padEnd(familyWidth)}  ${r.description}\n${''.padEnd(width + familyWidth + 4)}source: ${r.source}\n`,
    );
  process.stdout.write(
    '\nreplilab scenario show NAME lists its parameters and their sources; replilab scenario run NAME runs it.\n',
  );
}

function parameterLines(rows: readonly ScenarioParameterRow[], width: number): string[] {
  return rows.map((p) => {
    const value = `${p.key} = ${valueText(p.value)}${p.unit ? ` ${p.unit}` : ''}`;
    return `  ${value.padEnd(width)}  ${p.description}\n  ${''.padEnd(width)}  ${sourceText(p.source)}`;
  });
}

function showScenario(name: string, json: boolean): void {
  const { scenario, parameters, trials, experiments } = prepareSystemScenario(name);
  const experiment = scenario.preset.experiment.name;
  if (json) {
    process.stdout.write(
      JSON.stringify({
        name: scenario.name,
        system: scenario.system,
        family: scenario.family,
        description: scenario.description,
        source: scenario.source,
        observed: scenario.observed ?? null,
        experiment,
        trials: { unit: scenario.trials.unit, default: trials, max: scenario.trials.max },
        parameters,
        experiments: experiments.map((e) => e.name),
        sweep: scenario.preset.sweep,
        assumptions: scenario.assumptions,
      }) + '\n',
    );
    return;
  }
  const width = Math.max(
    ...parameters.map((p) => `${p.key} = ${valueText(p.value)}${p.unit ? ` ${p.unit}` : ''}`.length),
  );
  const of = (role: ScenarioParameterRow['role']) => parameters.filter((p) => p.role === role);
  const section = (title: string, rows: ScenarioParameterRow[]) =>
    rows.length === 0 ? [] : [title, ...parameterLines(rows, width)];
  process.stdout.write(
    [
      `${scenario.name} (${scenario.family}): ${scenario.description}`,
      `source: ${scenario.source}`,
      `a preset of: ${experiment} (its other parameters keep their defaults: replilab params ${experiment}; any of them is a --set key)`,
      `--trials: ${scenario.trials.unit} (default ${trials}, at most ${scenario.trials.max})`,
      ...section(
        `settings of ${scenario.system}, in its own units (--set KEY=VALUE, sweep keys):`,
        of('setting'),
      ),
      ...section(`${experiment} values the scenario presets (--set KEY=VALUE, sweep keys):`, of('preset')),
      ...section(`${experiment} values derived from the settings (set the settings instead):`, of('derived')),
      ...(scenario.observed === undefined ? [] : [`observed (reference): ${scenario.observed}`]),
      `in a sweep (scenario: ${scenario.name}): ${scenario.preset.sweep}`,
    ].join('\n') + '\n',
  );
}

async function writeReportCsv(report: ScenarioReport, path: string, started: Date): Promise<string[]> {
  const { columns, row } = reportCsvRow(report);
  const finished = new Date();
  return writeExperimentOutputs({
    csvPath: path,
    columns,
    rows: [row],
    run: {
      experiment: `scenario ${report.scenario}`,
      parameters: Object.fromEntries(report.parameters.map((p) => [p.key, p.value])),
      seed: report.seed,
      trials: report.trials,
      threads: 1,
      wallTimeMs: finished.getTime() - started.getTime(),
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
    },
  });
}

async function runScenario(name: string, flags: RunFlags): Promise<void> {
  if (flags.out !== undefined && !/\.csv$/i.test(flags.out))
    throw new ParameterError('--out', JSON.stringify(flags.out), 'a file name ending in .csv');
  const trials = flags.trials === undefined ? undefined : parseWholeNumber('--trials', flags.trials, 1);
  const seed = flags.seed === undefined ? 1 : parseWholeNumber('--seed', flags.seed, 0);
  const options = { set: flags.set, trials, seed };
  prepareSystemScenario(name, options); // refuse bad input before any work or file
  const started = new Date();
  const report = await runSystemScenario(name, options);
  if (flags.out !== undefined) {
    const written = await writeReportCsv(report, flags.out, started);
    if (!flags.json) process.stderr.write(`wrote ${written.join(', ')}\n`);
  }
  // Duration metrics carry every sample in the library (for CDF charts); the JSON keeps the summary.
  const json = {
    ...report,
    metrics: report.metrics.map((m) => (m.kind === 'duration' ? { ...m, values: undefined } : m)),
  };
  process.stdout.write(flags.json ? JSON.stringify(json) + '\n' : reportText(report));
}

/** `replilab scenario`: real systems as named scenarios (list, show, run). */
export function scenarioCommand(): Command {
  const command = new Command('scenario')
    .description(
      'real systems as named scenarios (Dynamo, Riak, Cassandra, PostgreSQL + Patroni, MySQL + Orchestrator, MongoDB, etcd, ...): list, show, run',
    )
    .addHelpText('after', EXAMPLES);
  command
    .command('list')
    .description('every scenario: name, family, one-line description, source')
    .option('--json', 'print one JSON array and nothing else')
    .action((flags: { json?: boolean }) => listScenarios(flags.json === true));
  command
    .command('show')
    .description(
      "a scenario's settings and preset experiment values: value, unit, source; what a sweep of it runs",
    )
    .argument('<name>', 'the scenario (see replilab scenario list)')
    .option('--json', 'print one JSON object and nothing else')
    .action((name: string, flags: { json?: boolean }) => showScenario(name, flags.json === true));
  command
    .command('run')
    .description("run a scenario's experiments and print the headline metrics with their intervals")
    .argument('<name>', 'the scenario (see replilab scenario list)')
    .option(
      '--set <key=value>',
      'set a setting or a parameter of the preset experiment (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--trials <count>', "trials in the scenario's unit (default: the scenario's)")
    .option('--seed <seed>', 'seed of every random stream (default 1)')
    .option('--json', 'print exactly one JSON object on stdout and nothing else')
    .option('--out <file.csv>', 'also write the report as a one-row CSV, with FILE.manifest.json beside it')
    .addHelpText('after', EXAMPLES)
    .action((name: string, flags: RunFlags) => runScenario(name, flags));
  for (const sub of command.commands) sub.exitOverride().configureOutput({ outputError: () => {} });
  return command;
}
