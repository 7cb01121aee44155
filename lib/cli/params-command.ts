import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import { paramOf } from '../experiments/define.js';
import { describeParams } from '../experiments/describe.js';
import { EXPERIMENTS, experimentNamed } from '../experiments/registry.js';
import { defaultText } from './experiment-command.js';

/** `replilab params EXPERIMENT [--json]`: every parameter with its flag, file key, type, unit, default and doc. */
export function paramsCommand(): Command {
  return new Command('params')
    .description(
      "an experiment's parameters: flag, file and sweep key (the CSV column), type, unit, default, doc",
    )
    .argument('<experiment>', `one of ${EXPERIMENTS.map((e) => e.name).join(', ')}`)
    .option('--json', 'print one JSON object: {experiment, description, trials_unit, params: [...]}')
    .addHelpText(
      'after',
      `
Examples:
  $ replilab params failover
  $ replilab params failover --json | jq '.params[] | select(.unit == "ms") | .name'`,
    )
    .action((name: string, flags: { json?: boolean }) => {
      const experiment = experimentNamed(name);
      if (experiment === undefined) {
        throw new ParameterError(
          'experiment',
          JSON.stringify(name),
          `one of ${EXPERIMENTS.map((e) => e.name).join(', ')}`,
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
