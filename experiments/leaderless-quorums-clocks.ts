/**
 * Experiment: a Dynamo-style leaderless cluster under a client workload (the `leaderless` sweep
 * experiment, lib/strategies/leaderless/run-leaderless.ts), in two sweeps into data/leaderless/:
 *
 * - `quorums.csv`: the fraction of stale reads for every (R, W) with N = 3 on 5 nodes, 100 keys,
 *   `lnkd-disk` delays (whose slow write tail makes partial quorums visibly stale). Figure
 *   `quorums-stale-reads`: a heatmap of stale reads per 1000 over the (R, W) grid; strict quorums
 *   (R + W > N) are never stale.
 * - `lww-skew.csv`: acknowledged writes lost against clock skew (each endpoint's offset uniform(0,
 *   S)), last-writer-wins beside siblings (dotted version vectors), on hot keys (Zipf 1, 80%
 *   writes, 500 operations per second per client, R = W = 2). Figure `lww-skew-loss`: lost per 1000 acknowledged
 *   writes with Wilson 95% bands; LWW loses more as S grows, siblings lose nothing.
 *
 * The same settings as notebooks/02-leaderless.ipynb, sections 1 and 3. References: G. DeCandia
 * et al., Dynamo, SOSP 2007; P. Bailis et al., PBS, PVLDB 5(8), 2012; M. Kleppmann, Designing
 * Data-Intensive Applications (2017), ch. 5 ("Leaderless replication") and ch. 8 ("Timestamps for
 * ordering events").
 */
import type { TableRow } from '../lib/charts/index.js';
import type { DefaultExperiment, ExperimentSweep } from './default-experiment.js';
import { cellNumber, csvNumber, distributionNumber, perThousand, withColumns } from './derived-columns.js';
import type { FigureRecipe } from './figure-recipes.js';

/** Clock skews S (ms) of the LWW sweep: each endpoint's clock offset is uniform(0, S); 0 is perfect clocks. */
export const LWW_SKEWS_MS = [0, 10, 25, 50, 100] as const;

/** Stale reads per 1000 reads, for the heatmap's cell labels. */
function staleReadsPerThousand(rows: readonly TableRow[]): TableRow[] {
  return withColumns(rows, (row) => ({
    'stale reads per 1000': 1000 * cellNumber(row, 'stale_read_fraction'),
  }));
}

/** The lww-loss chart's columns: series, skew_ms (S), lost per 1000 acknowledged writes and its interval. */
function lostPerThousandBySkew(rows: readonly TableRow[]): TableRow[] {
  return withColumns(rows, (row) => {
    const lost = perThousand(row, 'acked_writes_lost', 'acked_writes');
    return {
      series: row.conflict === 'lww' ? 'LWW' : 'siblings (version vectors)',
      skew_ms: distributionNumber(row.clock_skew, 'max'),
      lost: lost.value,
      ci_low: lost.low,
      ci_high: lost.high,
    };
  });
}

/** The figures: the stale-read heatmap of `quorums.csv` and the loss curves of `lww-skew.csv`. */
export const leaderlessFigures: readonly FigureRecipe[] = [
  {
    name: 'stale-reads',
    csv: 'quorums',
    rows: staleReadsPerThousand,
    chart: {
      kind: 'heatmap',
      x: 'w',
      y: 'r',
      value: 'stale reads per 1000',
      title: 'Stale reads, N={n}, {latency}, {keys} keys',
      xTitle: 'W',
      yTitle: 'R',
    },
  },
  {
    name: 'loss',
    csv: 'lww-skew',
    rows: lostPerThousandBySkew,
    chart: {
      kind: 'lww-loss',
      title: 'LWW loss, hot keys, R=W={r} of N={n}',
      xTitle: 'clock skew S: offsets uniform(0, S) (ms)',
      yTitle: 'lost per 1000 acknowledged writes',
    },
  },
];

/** The experiment; trials are independent runs per cell (10,000 operations each). */
export const leaderlessQuorumsClocks: DefaultExperiment = {
  experiment: 'leaderless',
  title: 'leaderless cluster: stale reads over (R, W), LWW loss against clock skew',
  trials: { quick: 4, full: 40 },
  sweeps: (trials, seed): ExperimentSweep[] => [
    {
      name: 'quorums',
      spec: {
        experiment: 'leaderless',
        description: 'Stale reads for every (R, W), N=3, 5 nodes, 100 keys, lnkd-disk',
        seed,
        trials,
        grid: { r: [1, 2, 3], w: [1, 2, 3] },
        fixed: { n: 3, latency: 'lnkd-disk', keys: 100, ops: 10_000 },
      },
      describe: (values, row) =>
        `R=${values.r} W=${values.w}: stale reads ${csvNumber(row.stale_read_fraction).toFixed(5)} ` +
        `[${csvNumber(row.stale_read_fraction_ci_low).toFixed(5)}, ${csvNumber(row.stale_read_fraction_ci_high).toFixed(5)}] of ${row.reads}`,
    },
    {
      name: 'lww-skew',
      spec: {
        experiment: 'leaderless',
        description: 'Acknowledged writes lost against clock skew, LWW and siblings, hot keys, R=W=2 of N=3',
        seed,
        trials,
        grid: {
          conflict: ['lww', 'siblings'],
          clock_skew: LWW_SKEWS_MS.map((s) => (s === 0 ? 'none' : `uniform(0,${s})`)),
        },
        fixed: { n: 3, r: 2, w: 2, keys: 100, zipf: 1, write_ratio: 0.8, rate: 500, ops: 10_000 },
      },
      describe: (values, row) =>
        `${values.conflict}, skew ${values.clock_skew}: ${row.acked_writes_lost} of ${row.acked_writes} acknowledged writes lost, ` +
        `mean siblings per read ${csvNumber(row.mean_siblings).toFixed(2)}`,
    },
  ],
  figures: leaderlessFigures,
};
