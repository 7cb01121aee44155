/**
 * What a default experiment of `npm start` declares, and how it runs: each of its sweeps goes
 * through lib/sweep's runSweep (the same cells, seeding, journal, CSV and manifest as `replilab
 * sweep`) into `<out>/<experiment>/<name>.csv`, and its figures are then drawn from that CSV by
 * its recipes, as `npm run figures` draws them again from the CSV alone.
 */
import { join } from 'node:path';
import type { CsvValue } from '../lib/output/csv.js';
import type { SweepValue } from '../lib/experiments/sweep-experiment.js';
import { runSweep } from '../lib/sweep/run-sweep.js';
import type { SweepSpec } from '../lib/sweep/spec.js';
import { DEFAULT_FIGURE_STYLE, drawRecipes, type FigureRecipe } from './figure-recipes.js';
import type { ExperimentSettings } from './settings.js';

/** One sweep of a default experiment: the CSV it writes, and how a finished cell is reported. */
export interface ExperimentSweep {
  /** The CSV's name under `<out>/<experiment>/`, without `.csv` (recipes with this `csv` are drawn from it). */
  name: string;
  /** The sweep; its `experiment` is the default experiment's. */
  spec: SweepSpec;
  /** One progress line for a finished cell, from its parameter values and its (first) CSV row. */
  describe: (values: Readonly<Record<string, SweepValue>>, row: Readonly<Record<string, CsvValue>>) => string;
}

/** Trials per cell, in the sweep experiment's unit, at each precision. */
export interface TrialCounts {
  quick: number;
  full: number;
}

/** A default experiment: the sweep experiment it runs, its sweeps and the figures drawn from their CSVs. */
export interface DefaultExperiment {
  /** The sweep experiment (`replilab sweep --help`): its manifests name it, and its outputs go to `<out>/<experiment>/`. */
  experiment: string;
  /** One line printed before it runs. */
  title: string;
  /** Trials per cell of its sweeps. */
  trials: TrialCounts;
  /** Its sweeps, with these trials per cell and this seed. */
  sweeps(trials: number, seed: number): ExperimentSweep[];
  /** Its figures, each drawn from the CSV it names. */
  figures: readonly FigureRecipe[];
}

/**
 * The trials per cell at these settings: the quick or full count, times `trialScale`, at least 1.
 *
 * @example
 * experimentTrials({ quick: 400, full: 4000 }, { full: false, trialScale: 0.02, ...rest }); // 8
 */
export function experimentTrials(trials: TrialCounts, settings: ExperimentSettings): number {
  const base = settings.full ? trials.full : trials.quick;
  return Math.max(1, Math.round(base * (settings.trialScale ?? 1)));
}

/**
 * Runs every sweep of `experiment` into `settings.outDir/<experiment>/` and draws its figures from
 * each CSV written. Returns the paths written (CSV, manifest, then figures, per sweep).
 *
 * @throws Error when a cell fails (the message names the sweep, the cell and its replay command).
 * @example
 * await runDefaultExperiment(failoverTimeouts, { full: false, seed: 1, threads: 2, outDir: 'data', formats: ['svg'], log: console.log });
 */
export async function runDefaultExperiment(
  experiment: DefaultExperiment,
  settings: ExperimentSettings,
): Promise<string[]> {
  const trials = experimentTrials(experiment.trials, settings);
  settings.log(
    `${experiment.title} (${trials} ${trials === 1 ? 'trial' : 'trials'} per cell, ${settings.threads} threads)`,
  );
  const outDir = join(settings.outDir, experiment.experiment);
  const written: string[] = [];
  for (const sweep of experiment.sweeps(trials, settings.seed)) {
    const csvPath = join(outDir, `${sweep.name}.csv`);
    const result = await runSweep(sweep.spec, {
      threads: settings.threads,
      outPath: csvPath,
      onCellDone: (cell) => settings.log(`  ${sweep.name}: ${sweep.describe(cell.values, cell.rows![0])}`),
    });
    if (result.failures.length > 0) {
      const failure = result.failures[0];
      throw new Error(
        `${experiment.experiment}/${sweep.name}: ${result.failures.length} cell(s) failed; cell ${failure.cell}: ${failure.message} (replay: ${failure.replay})`,
      );
    }
    written.push(...result.written);
    // From the CSV just written, as `npm run figures` does: the same input gives the same figures.
    written.push(
      ...(await drawRecipes(csvPath, experiment.figures, {
        ...DEFAULT_FIGURE_STYLE,
        formats: settings.formats,
      })),
    );
  }
  return written;
}
