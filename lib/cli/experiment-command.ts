/**
 * The command of an experiment, derived from its parameter schema: one option per parameter
 * (`--` and the key in kebab case, its doc, unit and default in the help), `--config FILE`
 * (the same keys in snake_case; flags win), `--seed`, `--out`, `--json`, `--quiet`.
 */
import { Command, Option } from 'commander';
import { ParameterError } from '../errors.js';
import { flagOf, paramOf, type Experiment } from '../experiments/define.js';
import { describeValue, fromText, type ParamMeta } from '../experiments/param.js';
import { parseWholeNumber } from './parse-values.js';
import { runProgressReporter } from './progress.js';
import { checkOutPath } from './check-out-path.js';

/** A parameter's default as help shows it. */
export function defaultText(meta: ParamMeta): string {
  const value = meta.default;
  if (value === null) return meta.nullText ?? 'none';
  if (meta.kind === 'range' && Array.isArray(value)) return value.join('-');
  return String(value);
}

/** The help line of a parameter: doc, allowed values for choices, default. */
export function helpLine(meta: ParamMeta): string {
  const choices = meta.kind === 'choice' ? `: ${meta.choices!.join(', ')}` : '';
  const fallback = meta.kind === 'boolean' ? '' : ` (default ${defaultText(meta)})`;
  return `${meta.doc}${choices}${fallback}`;
}

/** The commander key of a flag (`--election-timeout-ms` -> `electionTimeoutMs`): the parameter's own key. */
function optionFor(key: string, meta: ParamMeta): Option {
  if (meta.kind === 'boolean') {
    return meta.default === true
      ? new Option(`--no-${flagOf(key).slice(2)}`, meta.doc)
      : new Option(flagOf(key), meta.doc);
  }
  return new Option(`${flagOf(key)} <${meta.valueName}>`, helpLine(meta));
}

/**
 * Adds one option per parameter of the experiment (but the keys in `omit`), in declaration
 * order: `--` and the key in kebab case, its doc and default in the help.
 */
export function addParamOptions(
  command: Command,
  experiment: Experiment,
  { omit = [] }: { omit?: readonly string[] } = {},
): Command {
  for (const key of experiment.keys)
    if (!omit.includes(key)) command.addOption(optionFor(key, paramOf(experiment, key).meta));
  return command;
}

/** Values from the flags given (text read by each parameter's kind) and where each came from. */
function valuesFromFlags(
  experiment: Experiment,
  flags: Record<string, unknown>,
): { values: Record<string, unknown>; given: Map<string, string> } {
  const values: Record<string, unknown> = {};
  const given = new Map<string, string>();
  for (const key of experiment.keys) {
    const raw = flags[key];
    if (raw === undefined) continue;
    const meta = paramOf(experiment, key).meta;
    if (typeof raw === 'boolean') {
      if (raw !== meta.default) values[key] = raw;
      continue;
    }
    const text = String(raw);
    const value = fromText(meta, text);
    if (value === undefined) throw new ParameterError(flagOf(key), JSON.stringify(text), meta.allowed);
    values[key] = value;
    given.set(key, JSON.stringify(text));
  }
  return { values, given };
}

/** Values under the `--config` file's and the flags' (a preset's), and how a refusal names one. */
export interface CommandBase {
  /** Under the parameters' keys (camelCase), not yet checked. */
  values: Readonly<Record<string, unknown>>;
  /** The name of a key whose value came from here, in a refusal. */
  where: (key: string) => string;
}

/** What a command adds to its experiment's: options that are no parameters, and a run of its own for them. */
export interface CommandExtras {
  /** Options after the parameters' (e.g. `--scenario`). */
  options?: readonly Option[];
  /** Help text after the experiment's notes. */
  help?: string;
  /** Called first with the flags: true when it ran the command itself (then the experiment does not run). */
  intercept?: (flags: Record<string, unknown>) => boolean | Promise<boolean>;
}

/**
 * Resolves the command's flags (and `--config` file) to validated values and a seed; a refusal
 * names the flag, or the file's key, as the user wrote it.
 */
export async function valuesFromCommand(
  experiment: Experiment,
  flags: Record<string, unknown>,
  base?: CommandBase,
): Promise<{ values: Record<string, unknown>; seed: number }> {
  let fileValues: Record<string, unknown> = {};
  let fileNames = new Map<string, string>();
  let fileGiven: Record<string, unknown> = {};
  let seed = 1;
  const file = typeof flags.config === 'string' ? flags.config : undefined;
  if (file !== undefined) {
    const { readConfigFile } = await import('../sweep/config-file.js');
    const data = readConfigFile(file, {
      unreadable: '--config',
      malformed: `--config ${file}`,
      allowed: `a YAML or JSON mapping of ${experiment.name} parameters (snake_case keys)`,
    });
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new ParameterError(
        `--config ${file}`,
        describeValue(data),
        `a mapping of ${experiment.name} parameters`,
      );
    }
    const { seed: fileSeed, ...rest } = data as Record<string, unknown>;
    if (fileSeed !== undefined) seed = parseWholeNumber(`--config ${file}: seed`, String(fileSeed), 0);
    ({ values: fileValues, names: fileNames } = experiment.readFile(
      rest,
      (name) => `--config ${file}: ${name}`,
    ));
    fileGiven = rest;
  }
  const fromFlags = valuesFromFlags(experiment, flags);
  if (flags.seed !== undefined) seed = parseWholeNumber('--seed', String(flags.seed), 0);
  const fromFile = (key: string) => fromFlags.values[key] === undefined && fileNames.has(key);
  const fromBase = (key: string) =>
    fromFlags.values[key] === undefined && !fileNames.has(key) && base?.values[key] !== undefined;
  const values = experiment.resolve(
    { ...base?.values, ...fileValues, ...fromFlags.values },
    (key) =>
      fromFile(key)
        ? `--config ${file}: ${fileNames.get(key)}`
        : fromBase(key)
          ? base!.where(key)
          : flagOf(key),
    (key) =>
      fromFile(key)
        ? describeValue(fileGiven[fileNames.get(key)!])
        : fromBase(key)
          ? describeValue(base!.values[key])
          : fromFlags.given.get(key),
  );
  return { values, seed };
}

/** `replilab NAME`: the experiment's command, derived from its schema. */
export function experimentCommand(experiment: Experiment, extras: CommandExtras = {}): Command {
  const command = new Command(experiment.name).description(experiment.description);
  command.option(
    '--config <file>',
    `a YAML or JSON file of ${experiment.name} parameters (snake_case keys, and seed); flags override it`,
  );
  addParamOptions(command, experiment);
  command
    .option('--seed <seed>', 'seed of every random stream (default 1)')
    .option('--out <file.csv>', 'also write the run as a one-row CSV, with FILE.manifest.json beside it')
    .option('--json', 'print exactly one JSON object on stdout and nothing else')
    .option('--quiet', 'no progress display on stderr');
  for (const option of extras.options ?? []) command.addOption(option);
  const examples = experiment.examples.map((line) => `  $ replilab ${line}`).join('\n');
  command.addHelpText(
    'after',
    `\nExamples:\n${examples}\n${experiment.notes ? `\n${experiment.notes.trim()}\n` : ''}${extras.help ? `\n${extras.help.trim()}\n` : ''}`,
  );
  command.action(async (flags: Record<string, unknown>) => {
    if (await extras.intercept?.(flags)) return;
    const out = flags.out as string | undefined;
    checkOutPath(out);
    const { values, seed } = await valuesFromCommand(experiment, flags);
    const progress = runProgressReporter(experiment.name, { quiet: flags.quiet === true });
    const started = new Date();
    let result: object;
    try {
      result = (await experiment.runValues(values as never, seed, {
        onProgress: (f) => progress.update(f),
      })) as object;
    } finally {
      progress.stop();
    }
    const finished = new Date();
    const trials = experiment.trials?.(result, values as never) ?? 1;
    if (out !== undefined) {
      const { writeRunOutput } = await import('./run-output.js');
      const written = await writeRunOutput({
        out,
        experiment: experiment.name,
        csv: experiment.row(result, seed, values as never, trials),
        parameters: experiment.parameterRecord(values as never),
        seed,
        trials,
        started,
        finished,
      });
      if (!flags.json) process.stderr.write(`wrote ${written.join(', ')}\n`);
    }
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(experiment.json(result, seed, values as never))}\n`
        : experiment.summary(result, seed, values as never),
    );
  });
  return command;
}
