/**
 * Experiment: PBS quorum staleness for N = 3 under each published latency preset.
 *
 * For every preset (LinkedIn SSD and disk, Yammer Riak, WAN) and every (R, W) with N = 3, it
 * estimates P(consistent read) against the time since commit, with Wilson 95% intervals, plus
 * t-visibility and the read/write latency quantiles. It writes one CSV (and manifest) per preset
 * into data/staleness/, a figure of the partial quorums' curves and a latency/staleness trade-off
 * figure with its Pareto front. Each preset is one sweep (lib/sweep): the same path, journal and
 * determinism as `replilab sweep`; the figures are drawn from the CSV (see figure-recipes.ts).
 * Reference: P. Bailis et al., PBS, PVLDB 5(8), 2012, Figures 5-7.
 */
import type { SweepSpec } from '../lib/sweep/spec.js';
import { csvNumber } from './derived-columns.js';
import type { DefaultExperiment } from './default-experiment.js';
import type { FigureRecipe } from './figure-recipes.js';

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
    chart: {
      kind: 'staleness',
      series: 'R={r} W={w}',
      where: ['r=1|2', 'w=1|2'],
      title: 'P(consistent read), N={n}, {latency}',
    },
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

/** The experiment: one sweep (and CSV) per preset; 100,000 write/read pairs per cell, 10,000,000 with --full. */
export const stalenessPresets: DefaultExperiment = {
  experiment: 'staleness',
  title: 'staleness under the latency presets',
  trials: { quick: 100_000, full: 10_000_000 },
  sweeps: (trials, seed) =>
    Object.keys(GRIDS).map((preset) => ({
      name: preset,
      spec: presetSweep(preset, trials, seed),
      describe: (values, row) =>
        `R=${values.r} W=${values.w}: P(consistent at t=0) = ${csvNumber(row.p_consistent).toFixed(4)}, ` +
        `99.9% t-visibility ${csvNumber(row.t_visibility_999_ms).toFixed(2)} ms`,
    })),
  figures: stalenessFigures,
};
