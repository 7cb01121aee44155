/**
 * Experiment: PBS quorum staleness for N = 3 under each published latency preset.
 *
 * For every preset (LinkedIn SSD and disk, Yammer Riak, WAN) and every (R, W) with N = 3, it estimates P(consistent read) against the time since commit, with Wilson
 * 95% intervals, plus t-visibility and the read/write latency quantiles. It writes one CSV (and
 * manifest) per preset, a figure of the partial quorums' curves and a latency/staleness trade-off
 * figure with its Pareto front. Each preset is one sweep (lib/sweep): the same path, journal and
 * determinism as `replilab sweep`; the figures are drawn from the CSV (see figure-recipes.ts).
 * Reference: P. Bailis et al., PBS, PVLDB 5(8), 2012, Figures 5-7.
 */
import { join } from 'node:path';
import type { CsvValue } from '../lib/sweep/csv-output.js';
import { runSweep } from '../lib/sweep/run-sweep.js';
import type { SweepSpec } from '../lib/sweep/spec.js';
import { DEFAULT_FIGURE_STYLE, drawRecipes, type FigureRecipe } from './figure-recipes.js';
import type { ExperimentSettings } from './settings.js';

/** Read-offset grids wide enough for each preset's write tail (ms: start, stop, step). */
const GRIDS: Record<string, [number, number, number]> = {
  'lnkd-ssd': [0, 5, 0.05],
  'lnkd-disk': [0, 100, 0.5],
  ymmr: [0, 500, 2.5],
  wan: [0, 300, 1],
};

/** The sweep of one preset: every (R, W) with N = 3 on the preset's grid of read offsets. */
export function presetSweep(preset: string, trials: number, seed: number): SweepSpec {
  return {
    experiment: 'staleness',
    description: `PBS staleness, N=3, every (R, W), ${preset}`,
    seed,
    trials,
    grid: { r: [1, 2, 3], w: [1, 2, 3] },
    fixed: { latency: preset, n: 3, t: GRIDS[preset].join(':') },
  };
}

/**
 * The figures of each preset, drawn from its CSV: the partial quorums' curves and the smallest
 * strict one with their 95% bands, and latency against staleness with the Pareto front (one point
 * per (R, W) cell, from the cell's first row: its latency quantiles and t-visibility).
 */
export const stalenessFigures: readonly FigureRecipe[] = [
  {
    name: 'curves',
    chart: { kind: 'staleness', series: 'R={r} W={w}', where: ['r=1|2', 'w=1|2'], title: 'P(consistent read), N={n}, {latency}' },
  },
  {
    name: 'tradeoff',
    chart: {
      kind: 'tradeoff',
      series: 'R={r} W={w}',
      x: 'read_p99_ms+write_p99_ms',
      y: 't_visibility_999_ms',
      title: 'Latency against staleness, N={n}, {latency}',
      xTitle: 'read p99 + write p99 (ms)',
      yTitle: 't-visibility, 99.9% (ms)',
    },
  },
];

const num = (value: CsvValue) => Number(value);

/** Runs the experiment into `settings.outDir/staleness/`, returning the paths written. */
export async function stalenessPresetsExperiment(settings: ExperimentSettings): Promise<string[]> {
  const outDir = join(settings.outDir, 'staleness');
  const written: string[] = [];
  for (const preset of Object.keys(GRIDS)) {
    const csvPath = join(outDir, `${preset}.csv`);
    const result = await runSweep(presetSweep(preset, settings.trials, settings.seed), {
      threads: settings.threads,
      outPath: csvPath,
      onCellDone: (cell) => settings.log(`  ${preset} R=${cell.values.r} W=${cell.values.w}: `
        + `P(consistent at t=0) = ${num(cell.rows![0].p_consistent).toFixed(4)}, 99.9% t-visibility ${num(cell.rows![0].t_visibility_999_ms).toFixed(2)} ms`),
    });
    if (result.failures.length > 0) throw new Error(`${preset}: ${result.failures.length} cells failed: ${result.failures[0].message}`);
    written.push(...result.written);
    // From the CSV just written, as `npm run figures` does: the same input gives the same figures.
    written.push(...(await drawRecipes(csvPath, stalenessFigures, { ...DEFAULT_FIGURE_STYLE, formats: settings.formats })));
  }
  return written;
}
