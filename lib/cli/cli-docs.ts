/**
 * docs/cli.md: every command's `--help` as the CLI prints it, and for each experiment declared by
 * a schema its parameter table, so the reference is derived from the same declarations as the
 * commands themselves (and a test keeps the committed file current).
 */
import { paramOf } from '../experiments/define.js';
import { describeParams } from '../experiments/describe.js';
import { EXPERIMENTS } from '../experiments/registry.js';
import { COMMANDS } from './commands.js';
import { defaultText } from './experiment-command.js';

/** A command's full help text (with its examples) at a fixed width, as `replilab NAME --help` prints it. */
async function helpText(name: string): Promise<string> {
  const command = await COMMANDS[name]();
  let text = '';
  command.configureHelp({ helpWidth: 100 });
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text.replace(/^Usage: /, 'Usage: replilab ').trimEnd();
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The parameter table of one experiment, as markdown. */
export function parameterTable(name: string): string {
  const experiment = EXPERIMENTS.find((e) => e.name === name)!;
  const lines = [
    '| flag | file / sweep key, CSV column | type | unit | default | meaning |',
    '|---|---|---|---|---|---|',
  ];
  for (const p of describeParams(experiment)) {
    const meta = paramOf(experiment, p.key).meta;
    const fallback = meta.kind === 'boolean' ? String(p.default) : defaultText(meta);
    const choices = p.choices ? `: ${p.choices.join(', ')}` : '';
    lines.push(
      `| \`${p.flag}\` | \`${p.name}\`${p.sweep ? '' : ' (not a sweep key)'} | ${p.kind} | ${p.unit ?? ''} | \`${cell(fallback)}\` | ${cell(p.doc + choices)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The whole of docs/cli.md.
 *
 * @example
 * writeFileSync('docs/cli.md', await cliDocs());
 */
export async function cliDocs(): Promise<string> {
  const parts = [
    '# The `replilab` command line',
    '',
    '<!-- Generated from the commands and their parameter schemas by `npm run build`; do not edit. -->',
    '',
    'Every experiment parameter has one name: the flag in kebab case (`--election-timeout-ms`), the key',
    'in config files, sweep files, `--set` and the CSV column in snake_case (`election_timeout_ms`), and',
    'the key in library calls in camelCase (`electionTimeoutMs`). Durations are in ms, rates per second.',
    '`replilab params EXPERIMENT --json` lists them for tools; `replilab sweep --schema` prints the JSON',
    'Schema of sweep files (also in schema/sweep.schema.json).',
    '',
  ];
  for (const name of Object.keys(COMMANDS)) {
    parts.push(`## replilab ${name}`, '', '```text', await helpText(name), '```', '');
    if (EXPERIMENTS.some((e) => e.name === name)) parts.push('Parameters:', '', parameterTable(name), '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
