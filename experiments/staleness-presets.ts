/**
 * Experiment: PBS quorum staleness for N = 3 under each published latency preset.
 *
 * For every preset (LinkedIn SSD and disk, Yammer Riak, WAN) and every (R, W) with N = 3, it estimates P(consistent read) against the time since commit, with Wilson
 * 95% intervals, plus t-visibility and the read/write latency quantiles. It writes one CSV (and
 * manifest) per preset, a figure of the partial quorums' curves and a latency/staleness trade-off
 * figure with its Pareto front.
 * Reference: P. Bailis et al., PBS, PVLDB 5(8), 2012, Figures 5-7.
 */
import { join } from 'node:path';
import { latencyPreset } from '../lib/latency/index.js';
import { runStaleness, type StalenessResult } from '../lib/strategies/leaderless/staleness.js';
import { STALENESS_COLUMNS, stalenessRows } from '../lib/strategies/leaderless/staleness-rows.js';
import { latencyStalenessTradeoffSpec, stalenessCurveSpec } from '../lib/charts/index.js';
import { writeExperimentOutputs } from '../lib/sweep/write-outputs.js';
import type { ExperimentSettings } from './settings.js';

/** Read-offset grids wide enough for each preset's write tail (ms: start, stop, step). */
const GRIDS: Record<string, [number, number, number]> = {
  'lnkd-ssd': [0, 5, 0.05],
  'lnkd-disk': [0, 100, 0.5],
  ymmr: [0, 500, 2.5],
  wan: [0, 300, 1],
};

/** Every (R, W) for N = 3: the trade-off figure places them all. */
const QUORUMS: [number, number][] = [1, 2, 3].flatMap((r) => [1, 2, 3].map((w): [number, number] => [r, w]));
/** The curves figure: the three partial quorums and the smallest strict one. */
const CURVE_QUORUMS = new Set(['1,1', '1,2', '2,1', '2,2']);

function grid([start, stop, step]: [number, number, number]): number[] {
  const count = Math.round((stop - start) / step) + 1;
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

/** Runs the experiment into `settings.outDir/staleness/`, returning the paths written. */
export async function stalenessPresetsExperiment(settings: ExperimentSettings): Promise<string[]> {
  const outDir = join(settings.outDir, 'staleness');
  const written: string[] = [];
  let cell = 0;
  for (const [preset, range] of Object.entries(GRIDS)) {
    const started = new Date();
    const results: StalenessResult[] = [];
    for (const [r, w] of QUORUMS) {
      const result = await runStaleness({
        n: 3, r, w, legs: latencyPreset(preset).legs, latencyLabel: preset,
        tGridMs: grid(range), trials: settings.trials, seed: settings.seed, threads: settings.threads, cell: cell++,
      });
      results.push(result);
      settings.log(`  ${preset} N=3 R=${r} W=${w}: P(consistent at t=0) = ${result.curve[0].p_consistent.toFixed(4)}, `
        + `99.9% t-visibility ${result.tVisibilityMs['0.999']?.toFixed(2)} ms`);
    }
    const finished = new Date();
    const curveRows = results
      .filter((result) => CURVE_QUORUMS.has(`${result.r},${result.w}`))
      .flatMap((result) => result.curve.map((p) => ({ series: `R=${result.r} W=${result.w}`, ...p })));
    // The trade-off is read off the same results the CSV holds (t_visibility_999_ms, read/write p99).
    const tradeoffRows = results.map((result) => ({
      series: `R=${result.r} W=${result.w}`,
      latency_ms: result.latencyMs.read.p99 + result.latencyMs.write.p99,
      staleness_ms: result.tVisibilityMs['0.999'] ?? 0,
    }));
    written.push(...(await writeExperimentOutputs({
      csvPath: join(outDir, `${preset}.csv`),
      columns: STALENESS_COLUMNS,
      rows: results.flatMap(stalenessRows),
      formats: settings.formats,
      figures: [
        { spec: stalenessCurveSpec(curveRows, { title: `P(consistent read), N=3, ${preset}` }), basePath: join(outDir, `${preset}-curves`) },
        {
          spec: latencyStalenessTradeoffSpec(tradeoffRows, {
            title: `Latency against staleness, N=3, ${preset}`,
            xTitle: 'read p99 + write p99 (ms)',
            yTitle: 't-visibility, 99.9% (ms)',
          }),
          basePath: join(outDir, `${preset}-tradeoff`),
        },
      ],
      run: {
        experiment: 'staleness-presets',
        parameters: { latency: preset, n: 3, quorums: QUORUMS.map(([r, w]) => ({ r, w })), t: range.join(':'), engine: 'fast' },
        seed: settings.seed,
        trials: settings.trials,
        threads: settings.threads,
        wallTimeMs: finished.getTime() - started.getTime(),
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
      },
    })));
  }
  return written;
}
