/**
 * Experiment: PBS quorum staleness for N = 3 under each published latency preset.
 *
 * For every preset (LinkedIn SSD and disk, Yammer Riak, WAN) and every (R, W) with N = 3, it estimates P(consistent read) against the time since commit, with Wilson
 * 95% intervals, plus t-visibility and the read/write latency quantiles. It writes one CSV (and
 * manifest) per preset, a figure of the partial quorums' curves and a latency/staleness trade-off
 * figure with its Pareto front. Each preset is one sweep (lib/sweep): the same path, journal and
 * determinism as `replilab sweep`; the figures are drawn from the sweep's rows, as from its CSV.
 * Reference: P. Bailis et al., PBS, PVLDB 5(8), 2012, Figures 5-7.
 */
import { join } from 'node:path';
import { latencyStalenessTradeoffSpec, stalenessCurveSpec, writeFigure } from '../lib/charts/index.js';
import type { CsvValue } from '../lib/sweep/csv-output.js';
import { runSweep } from '../lib/sweep/run-sweep.js';
import type { SweepSpec } from '../lib/sweep/spec.js';
import type { ExperimentSettings } from './settings.js';

/** Read-offset grids wide enough for each preset's write tail (ms: start, stop, step). */
const GRIDS: Record<string, [number, number, number]> = {
  'lnkd-ssd': [0, 5, 0.05],
  'lnkd-disk': [0, 100, 0.5],
  ymmr: [0, 500, 2.5],
  wan: [0, 300, 1],
};

/** The curves figure: the three partial quorums and the smallest strict one. */
const CURVE_QUORUMS = new Set(['1,1', '1,2', '2,1', '2,2']);

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

type Row = Record<string, CsvValue>;
const num = (row: Row, column: string) => Number(row[column]);

/** Runs the experiment into `settings.outDir/staleness/`, returning the paths written. */
export async function stalenessPresetsExperiment(settings: ExperimentSettings): Promise<string[]> {
  const outDir = join(settings.outDir, 'staleness');
  const written: string[] = [];
  for (const preset of Object.keys(GRIDS)) {
    const result = await runSweep(presetSweep(preset, settings.trials, settings.seed), {
      threads: settings.threads,
      outPath: join(outDir, `${preset}.csv`),
      onCellDone: (cell) => settings.log(`  ${preset} R=${cell.values.r} W=${cell.values.w}: `
        + `P(consistent at t=0) = ${num(cell.rows![0], 'p_consistent').toFixed(4)}, 99.9% t-visibility ${num(cell.rows![0], 't_visibility_999_ms').toFixed(2)} ms`),
    });
    if (result.failures.length > 0) throw new Error(`${preset}: ${result.failures.length} cells failed: ${result.failures[0].message}`);
    written.push(...result.written);
    const rows = result.cells.flatMap((cell) => cell.rows ?? []);
    const series = (row: Row) => `R=${row.r} W=${row.w}`;
    const curveRows = rows
      .filter((row) => CURVE_QUORUMS.has(`${row.r},${row.w}`))
      .map((row) => ({ series: series(row), t: num(row, 't'), p_consistent: num(row, 'p_consistent'), ci_low: num(row, 'ci_low'), ci_high: num(row, 'ci_high') }));
    // One trade-off point per cell: its first row carries the cell's latency quantiles and t-visibility.
    const tradeoffRows = result.cells.map((cell) => {
      const row = cell.rows![0];
      return {
        series: series(row),
        latency_ms: num(row, 'read_p99_ms') + num(row, 'write_p99_ms'),
        staleness_ms: num(row, 't_visibility_999_ms'),
      };
    });
    written.push(...(await writeFigure(stalenessCurveSpec(curveRows, { title: `P(consistent read), N=3, ${preset}` }), join(outDir, `${preset}-curves`), settings.formats)));
    written.push(...(await writeFigure(latencyStalenessTradeoffSpec(tradeoffRows, {
      title: `Latency against staleness, N=3, ${preset}`,
      xTitle: 'read p99 + write p99 (ms)',
      yTitle: 't-visibility, 99.9% (ms)',
    }), join(outDir, `${preset}-tradeoff`), settings.formats)));
  }
  return written;
}
