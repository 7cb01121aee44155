import type { CsvValue } from '../output/csv.js';
import { writeExperimentOutputs } from '../sweep/write-outputs.js';

import { checkOutPath } from './check-out-path.js';

export { checkOutPath };

/** One model run of a command, as `--out` writes it. */
export interface RunOutput {
  /** The CSV path (checked by {@link checkOutPath}). */
  out: string;
  /** The command's name, e.g. `failover` (the manifest's `experiment`). */
  experiment: string;
  /** The run's CSV row and its columns (lib/experiments/row.ts `resultCsvRow`). */
  csv: { columns: string[]; row: Record<string, CsvValue> };
  /** The config that ran, as the manifest's `parameters` (what `--json` prints as `config`). */
  parameters: Record<string, unknown>;
  seed: number;
  /** Trials behind the row (the row's `trials`). */
  trials: number;
  started: Date;
  finished: Date;
}

/**
 * Writes a command's run as a one-row CSV with its manifest beside it (atomically, through
 * `writeExperimentOutputs`); returns the paths written.
 *
 * @example
 * const started = new Date(); const result = runFailover(config, seed); const finished = new Date();
 * await writeRunOutput({ out: 'f.csv', experiment: 'failover', csv: failoverCsvRow(result, seed, config), parameters, seed, trials, started, finished });
 */
export function writeRunOutput(run: RunOutput): Promise<string[]> {
  return writeExperimentOutputs({
    csvPath: run.out,
    columns: run.csv.columns,
    rows: [run.csv.row],
    run: {
      experiment: run.experiment,
      parameters: run.parameters,
      seed: run.seed,
      trials: run.trials,
      threads: 1,
      wallTimeMs: run.finished.getTime() - run.started.getTime(),
      startedAt: run.started.toISOString(),
      finishedAt: run.finished.toISOString(),
    },
  });
}

/** What {@link runModelCommand} needs to know about one command's model. */
export interface ModelCommand<C, R> {
  /** The command's name (the manifest's `experiment`). */
  experiment: string;
  /** Flags (and config file) to a validated config and seed; throws ParameterError naming the flag. */
  resolve(): { config: C; seed: number };
  /** One model run, a pure function of (config, seed). */
  run(config: C, seed: number): R;
  /** What `--json` prints: the result's fields, then `seed` and the `config` that ran. */
  json(result: R, seed: number, config: C): Record<string, unknown>;
  /** The run's CSV row for `--out`. */
  csvRow(result: R, seed: number, config: C): { columns: string[]; row: Record<string, CsvValue> };
  /** Trials behind the row (default 1). */
  trials?(result: R): number;
  /** The human summary printed without `--json`. */
  summary(result: R, seed: number, config: C): string;
}

/**
 * The body every model command shares: refuse a bad `--out` before any work, resolve the config,
 * run the model once, write `--out` (CSV and manifest, atomically), and print either exactly one
 * JSON object (`--json`) or the human summary.
 *
 * @example
 * .action((flags) => runModelCommand(flags, { experiment: 'leaderless', resolve: () => leaderlessRunFromFlags(flags), run: runLeaderless, ... }))
 */
export async function runModelCommand<C, R>(
  flags: { out?: unknown; json?: unknown },
  command: ModelCommand<C, R>,
): Promise<void> {
  const out = flags.out as string | undefined;
  checkOutPath(out);
  const { config, seed } = command.resolve();
  const started = new Date();
  const result = command.run(config, seed);
  const finished = new Date();
  const json = command.json(result, seed, config);
  if (out !== undefined) {
    const written = await writeRunOutput({
      out,
      experiment: command.experiment,
      csv: command.csvRow(result, seed, config),
      parameters: json.config as Record<string, unknown>,
      seed,
      trials: command.trials?.(result) ?? 1,
      started,
      finished,
    });
    if (!flags.json) process.stderr.write(`wrote ${written.join(', ')}\n`);
  }
  process.stdout.write(flags.json ? JSON.stringify(json) + '\n' : command.summary(result, seed, config));
}
