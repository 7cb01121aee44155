import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import { paramOf } from '../experiments/define.js';
import { describeParams } from '../experiments/describe.js';
import { EXPERIMENTS, experimentNamed } from '../experiments/registry.js';
import { SYSTEM_SCENARIOS } from '../scenarios/catalog.js';
import {
  scenarioExperiment,
  scenarioParameterRows,
  sourceText,
  type ValueSource,
} from '../scenarios/preset.js';
import type { SystemScenario } from '../scenarios/system-scenario.js';
import { defaultText } from './experiment-command.js';

/**
 * `replilab params SCENARIO`: the scenario's keys (its settings, then the preset experiment's
 * parameters it does not derive) with type, unit, default (the scenario's) and source, then the
 * derived experiment values; `--set KEY=VALUE` and sweep files (`scenario: NAME`) take these keys.
 */
function scenarioParams(scenario: SystemScenario, json: boolean): void {
  const experiment = scenarioExperiment(scenario);
  const rows = scenarioParameterRows(scenario);
  const role = new Map(rows.map((r) => [r.key, r]));
  const experimentDefault: ValueSource = {
    kind: 'experiment default',
    text: `replilab params ${scenario.preset.experiment.name}`,
  };
  const params = describeParams(experiment).map((p) => ({
    ...p,
    flag: null,
    role: role.get(p.name)?.role ?? 'experiment',
    source: role.get(p.name)?.source ?? experimentDefault,
  }));
  const derived = rows
    .filter((r) => r.role === 'derived')
    .map((r) => ({ name: r.key, value: r.value, unit: r.unit, how: r.source.text }));
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ scenario: scenario.name, experiment: scenario.preset.experiment.name, description: scenario.description, trials_unit: scenario.trials.unit, params, derived, sweep: scenario.preset.sweep })}\n`,
    );
    return;
  }
  const table = params.map((p) => {
    const meta = paramOf(experiment, p.key).meta;
    return [
      p.name,
      p.role,
      p.kind + (p.unit ? ` (${p.unit})` : ''),
      meta.kind === 'boolean' ? String(p.default) : defaultText(meta),
      sourceText(p.source),
    ];
  });
  const header = ['--set / sweep key', 'role', 'type (unit)', 'default', 'source'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  process.stdout.write(
    [
      `${scenario.name}: a preset of ${scenario.preset.experiment.name} (${scenario.description})`,
      '',
      line(header),
      ...table.map(line),
      ...(derived.length === 0
        ? []
        : [
            '',
            `derived ${scenario.preset.experiment.name} values (set the settings they come from):`,
            ...derived.map((d) => `  ${d.name} = ${JSON.stringify(d.value)}: ${d.how}`),
          ]),
      '',
      `in a sweep: ${scenario.preset.sweep}`,
    ].join('\n') + '\n',
  );
}

/** `replilab params EXPERIMENT [--json]`: every parameter with its flag, file key, type, unit, default and doc. */
export function paramsCommand(): Command {
  return new Command('params')
    .description(
      "an experiment's parameters: flag, file and sweep key (the CSV column), type, unit, default, doc; or a scenario's settings and keys with their sources",
    )
    .argument(
      '<experiment>',
      `one of ${EXPERIMENTS.map((e) => e.name).join(', ')}; or a scenario (replilab scenario list)`,
    )
    .option('--json', 'print one JSON object: {experiment, description, trials_unit, params: [...]}')
    .addHelpText(
      'after',
      `
Examples:
  $ replilab params failover
  $ replilab params failover --json | jq '.params[] | select(.unit == "ms") | .name'
  $ replilab params patroni`,
    )
    .action((name: string, flags: { json?: boolean }) => {
      const experiment = experimentNamed(name);
      const scenario = SYSTEM_SCENARIOS.find((s) => s.name === name);
      if (experiment === undefined && scenario !== undefined)
        return scenarioParams(scenario, flags.json === true);
      if (experiment === undefined) {
        throw new ParameterError(
          'experiment',
          JSON.stringify(name),
          `one of ${EXPERIMENTS.map((e) => e.name).join(', ')}; or a scenario: ${SYSTEM_SCENARIOS.map((s) => s.name).join(', ')}`,
        );
      }
      const params = describeParams(experiment);
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ experiment: experiment.name, description: experiment.description, trials_unit: experiment.trialsUnit, params })}\n`,
        );
        return;
      }
      const rows = params.map((p) => {
        const meta = paramOf(experiment, p.key).meta;
        return [
          p.flag,
          p.name,
          p.kind + (p.unit ? ` (${p.unit})` : ''),
          meta.kind === 'boolean' ? String(p.default) : defaultText(meta),
          p.doc,
        ];
      });
      const header = ['flag', 'file/sweep key, CSV column', 'type (unit)', 'default', 'doc'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (cells: string[]) =>
        cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
      process.stdout.write(
        `${experiment.name}: ${experiment.description}\n\n${[line(header), ...rows.map(line)].join('\n')}\n`,
      );
    });
}
