import { ParameterError } from '../errors.js';
import type { CsvValue } from '../sweep/csv-output.js';
import { writeExperimentOutputs } from '../sweep/write-outputs.js';

/**
 * Refuses an `--out` that is not a CSV file name, before any work (DESIGN.md: bad input is
 * refused before anything runs, and no partial output is left).
 *
 * @example
 * checkOutPath('data/run.csv'); // fine; checkOutPath('run.txt') throws naming --out
 */
export function checkOutPath(out: string | undefined): void {
  if (out !== undefined && !/\.csv$/i.test(out)) throw new ParameterError('--out', JSON.stringify(out), 'a file name ending in .csv');
}

/** One model run of a command, as `--out` writes it. */
export interface RunOutput {
  /** The CSV path (checked by {@link checkOutPath}). */
  out: string;
  /** The command's name, e.g. `failover` (the manifest's `experiment`). */
  experiment: string;
  /** The run's CSV row and its columns (lib/sweep/result-row.ts `resultCsvRow`). */
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
