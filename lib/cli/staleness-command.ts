import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import {
  staleness,
  stalenessCellOptions,
  stalenessSummary,
  type StalenessValues,
} from '../experiments/staleness.js';
import type { StalenessOptions } from '../experiments/staleness-run.js';
import { addParamOptions, valuesFromCommand } from './experiment-command.js';
import { parseFormats, parseWholeNumber } from './parse-values.js';
import { progressBar } from './progress.js';

/**
 * The run's options from the command's flags (and `--config` file): the cell from the staleness
 * schema, then trials, seed and threads; every refusal names its flag (ParameterError).
 */
export async function optionsFromFlags(
  flags: Record<string, unknown>,
  threads: number,
): Promise<{ options: StalenessOptions; values: StalenessValues }> {
  const { values, seed } = await valuesFromCommand(staleness, flags);
  const v = values as StalenessValues;
  return { options: { ...stalenessCellOptions(v), trials: v.trials, seed, threads }, values: v };
}

/** `replilab staleness`: the PBS quorum staleness experiment, its options from its schema. */
export function stalenessCommand(): Command {
  const command = new Command('staleness').description(staleness.description);
  command.option(
    '--config <file>',
    'a YAML or JSON file of staleness parameters (snake_case keys, and seed); flags override it',
  );
  addParamOptions(command, staleness);
  command
    .option('--seed <seed>', 'seed of every random stream (default 1)')
    .option(
      '--threads <count>',
      'worker threads (default: the number of cores); results are identical at any count',
    )
    .option('--out <file.csv>', 'write the curve as CSV, with FILE.manifest.json beside it')
    .option('--figures <formats>', 'with --out: also write the chart beside the CSV (comma list of svg, png)')
    .option('--json', 'print exactly one JSON object on stdout (the documented contract) and nothing else')
    .option('--quiet', 'no progress display on stderr');
  const examples = staleness.examples.map((line) => `  $ replilab ${line}`).join('\n');
  command.addHelpText('after', `\nExamples:\n${examples}\n\n${staleness.notes!.trim()}\n`);
  command.action(async (flags: Record<string, unknown>) => {
    const { defaultThreads } = await import('../experiments/worker-pool.js');
    const threads =
      flags.threads === undefined
        ? defaultThreads()
        : parseWholeNumber('--threads', String(flags.threads), 1, 1024);
    const { options, values } = await optionsFromFlags(flags, threads);
    const out = flags.out as string | undefined;
    const figures = flags.figures as string | undefined;
    const formats = figures === undefined ? [] : parseFormats('--figures', figures);
    if (formats.length > 0 && !out)
      throw new ParameterError('--figures', figures ?? '', 'only together with --out FILE.csv');
    if (out !== undefined && !/\.csv$/i.test(out))
      throw new ParameterError('--out', JSON.stringify(out), 'a file name ending in .csv');

    const { runStaleness } = await import('../experiments/staleness-run.js');
    const started = new Date();
    const progress = flags.quiet === true ? { update() {}, stop() {} } : progressBar('staleness');
    let result;
    try {
      result = await runStaleness({
        ...options,
        onProgress: (_fraction, done, total) => progress.update(done, total),
      });
    } finally {
      progress.stop();
    }
    const finished = new Date();

    if (out) {
      const [{ writeExperimentOutputs }, { stalenessCurveSpec }, rows, { legsToText }] = await Promise.all([
        import('../sweep/write-outputs.js'),
        import('../charts/index.js'),
        import('../experiments/staleness-rows.js'),
        import('../experiments/batch/staleness.js'),
      ]);
      const label = `N=${result.n} R=${result.r} W=${result.w}`;
      const written = await writeExperimentOutputs({
        csvPath: out,
        columns: rows.STALENESS_COLUMNS,
        rows: rows.stalenessRows(result),
        formats,
        figures: [
          {
            spec: stalenessCurveSpec(
              result.curve.map((p) => ({ series: label, ...p })),
              { title: `P(consistent read), ${result.latencyLabel}` },
            ),
            basePath: out.replace(/\.csv$/i, ''),
          },
        ],
        run: {
          experiment: 'staleness',
          parameters: {
            latency: result.latencyLabel,
            legs: legsToText(options.legs),
            n: options.n,
            r: options.r,
            w: options.w,
            t: values.t,
            engine: options.engine,
          },
          seed: options.seed,
          trials: options.trials,
          threads,
          wallTimeMs: finished.getTime() - started.getTime(),
          startedAt: started.toISOString(),
          finishedAt: finished.toISOString(),
        },
      });
      if (!flags.json) process.stderr.write(`wrote ${written.join(', ')}\n`);
    }
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(staleness.json(result, options.seed, values))}\n`
        : stalenessSummary(result),
    );
  });
  return command;
}
