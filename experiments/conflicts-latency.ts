/**
 * Experiment: multi-leader write conflicts and last-writer-wins loss against the inter-datacenter
 * delay (the `conflicts` sweep experiment, lib/strategies/multi-leader/run-multi-leader.ts), into
 * data/conflicts/latency.csv.
 *
 * Three datacenters, one leader each, all-to-all replication with a constant one-way delay
 * d = 10, 25, 50, 100, 200 ms; 100 writes per second arrive at each datacenter on 100 keys for
 * 10 s, and concurrent writes are resolved by LWW. A write conflicts when another write of its key
 * was accepted elsewhere before either had seen the other, so the share of writes in conflict
 * grows with d; LWW keeps one write of each concurrent set and silently drops the others,
 * acknowledged though they were. Figure `latency-conflicts`: writes in conflict and acknowledged
 * writes lost, per 1000 writes, against d, with Wilson 95% bands.
 *
 * References: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Multi-Leader
 * Replication" and "Handling Write Conflicts" (LWW "achieves convergence at the cost of
 * durability"); D. B. Terry et al., Managing Update Conflicts in Bayou, SOSP 1995.
 */
import type { TableRow } from '../lib/charts/index.js';
import type { DefaultExperiment } from './default-experiment.js';
import { csvNumber, distributionNumber, perThousand, withColumns } from './derived-columns.js';
import type { FigureRecipe } from './figure-recipes.js';

/** One-way inter-datacenter delays d (ms). */
export const INTER_DC_DELAYS_MS = [10, 25, 50, 100, 200] as const;

/** The two curves per 1000 writes, against d, in the lww-loss chart's columns. */
const CURVES = [
  ['writes in conflict', 'conflicts', 'writes'],
  ['acknowledged writes lost (LWW)', 'acked_writes_lost', 'acked_writes'],
] as const;

/** Each CSV row twice, once per curve: `series`, `inter_dc_ms` (d), the rate per 1000 as `lost`, `ci_low`, `ci_high`. */
function conflictsAndLossPerThousand(rows: readonly TableRow[]): TableRow[] {
  return CURVES.flatMap(([series, metric, total]) =>
    withColumns(rows, (row) => {
      const rate = perThousand(row, metric, total);
      return {
        series,
        inter_dc_ms: distributionNumber(row.inter_dc_latency, 'mean'),
        lost: rate.value,
        ci_low: rate.low,
        ci_high: rate.high,
      };
    }),
  );
}

/** The figure of `latency.csv`. */
export const conflictsFigures: readonly FigureRecipe[] = [
  {
    name: 'conflicts',
    csv: 'latency',
    rows: conflictsAndLossPerThousand,
    chart: {
      kind: 'lww-loss',
      x: 'inter_dc_ms',
      title: 'Multi-leader LWW, {datacenters} datacenters',
      xTitle: 'one-way inter-datacenter delay (ms)',
      yTitle: 'per 1000 writes',
    },
  },
];

/** The experiment; trials are independent runs of 10 s of writes per cell. */
export const conflictsLatency: DefaultExperiment = {
  experiment: 'conflicts',
  title: 'multi-leader: conflicts and LWW loss against the inter-datacenter delay',
  trials: { quick: 4, full: 40 },
  sweeps: (trials, seed) => [
    {
      name: 'latency',
      spec: {
        experiment: 'conflicts',
        description:
          'Write conflicts and LWW loss against the one-way inter-datacenter delay, 3 datacenters, all-to-all',
        seed,
        trials,
        grid: { inter_dc_latency: INTER_DC_DELAYS_MS.map((d) => `const(${d})`) },
        fixed: {
          datacenters: 3,
          topology: 'all',
          resolution: 'lww',
          keys: 100,
          write_rate: 100,
          duration_ms: 10_000,
        },
      },
      describe: (values, row) =>
        `delay ${values.inter_dc_latency}: ${csvNumber(row.conflicts_per_1000_writes).toFixed(1)} writes in conflict per 1000, ` +
        `${row.acked_writes_lost} of ${row.acked_writes} acknowledged writes lost`,
    },
  ],
  figures: conflictsFigures,
};
