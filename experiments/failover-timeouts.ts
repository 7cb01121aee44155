/**
 * Experiment: the failover timeout against unnecessary failovers (the `failover` sweep
 * experiment, lib/strategies/leader-follower/run-failover.ts), into data/failover/timeouts.csv.
 *
 * A 5-node cluster's leader pauses (a GC or VM stall) for uniform(0, 1000) ms. A coordinator with
 * a timeout failure detector fails over after T ms without heartbeats (T = 250, 500, 1000, 2000);
 * Raft followers start an election after a timeout drawn from [T, 2T]. Either way a short timeout
 * recovers fast but fails over a leader that was only paused; past the longest pause it never
 * does, and recovery is the pause itself. Figures `timeouts-coordinator` and `timeouts-raft`: the
 * median recovery time and the share of trials with an unnecessary failover (Wilson 95% band)
 * against T.
 *
 * References: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Handling node
 * outages" (timeouts too short cause unnecessary failovers); D. Ongaro and J. Ousterhout, In
 * Search of an Understandable Consensus Algorithm (Raft), USENIX ATC 2014, sections 5.2 and 9.3.
 */
import type { TableRow } from '../lib/charts/index.js';
import type { SweepValue } from '../lib/experiments/sweep-experiment.js';
import type { DefaultExperiment } from './default-experiment.js';
import { cellNumber, csvNumber, withColumns } from './derived-columns.js';
import type { FigureRecipe } from './figure-recipes.js';

/** Failover timeouts T (ms): the coordinator's detector timeout, and the low end of Raft's election timeout [T, 2T]. */
export const FAILOVER_TIMEOUTS_MS = [250, 500, 1000, 2000] as const;

/**
 * The failover chart's columns: `failover_timeout_ms` (the coordinator's `timeout_ms`; Raft's
 * election timeout's low end, from `election_timeout_ms` = [low, high]) and `unnecessary_rate`.
 */
function timeoutAndUnnecessaryRate(rows: readonly TableRow[]): TableRow[] {
  return withColumns(rows, (row) => ({
    failover_timeout_ms:
      row.election === 'raft'
        ? (JSON.parse(row.election_timeout_ms) as number[])[0]
        : cellNumber(row, 'timeout_ms'),
    unnecessary_rate:
      cellNumber(row, 'unnecessary_failover_trials') / cellNumber(row, 'unnecessary_failover_trials_of'),
  }));
}

/** The failover chart of one election mode. */
function failoverFigure(election: 'coordinator' | 'raft', title: string, xTitle: string): FigureRecipe {
  return {
    name: election,
    csv: 'timeouts',
    rows: timeoutAndUnnecessaryRate,
    chart: {
      kind: 'failover',
      where: [`election=${election}`],
      x: 'failover_timeout_ms',
      y: 'recovery_ms_p50',
      right: 'unnecessary_rate',
      rightLow: 'unnecessary_failover_trials_ci_low',
      rightHigh: 'unnecessary_failover_trials_ci_high',
      title,
      xTitle,
    },
  };
}

/** The figures of `timeouts.csv`: one per election mode (the failover chart draws one series). */
export const failoverFigures: readonly FigureRecipe[] = [
  failoverFigure('coordinator', 'Coordinator, leader paused 0-1000 ms', 'failure-detection timeout T (ms)'),
  failoverFigure('raft', 'Raft, leader paused 0-1000 ms', 'election timeout from [T, 2T]: T (ms)'),
];

/** One cell per election mode and timeout T. */
function timeoutCells(): Record<string, SweepValue>[] {
  return [
    ...FAILOVER_TIMEOUTS_MS.map((t) => ({ election: 'coordinator', timeout_ms: t })),
    ...FAILOVER_TIMEOUTS_MS.map((t) => ({ election: 'raft', election_timeout_ms: `${t}-${2 * t}` })),
  ];
}

/** The experiment; trials are failover trials per cell. */
export const failoverTimeouts: DefaultExperiment = {
  experiment: 'failover',
  title: 'failover: recovery time and unnecessary failovers against the timeout, leader paused',
  trials: { quick: 400, full: 4000 },
  sweeps: (trials, seed) => [
    {
      name: 'timeouts',
      spec: {
        experiment: 'failover',
        description:
          'Failover timeout against unnecessary failovers: coordinator timeout T or Raft election timeout [T, 2T], leader paused uniform(0,1000) ms',
        seed,
        trials,
        cells: timeoutCells(),
        fixed: { nodes: 5, fault: 'pause', pause: 'uniform(0,1000)' },
      },
      describe: (values, row) =>
        `${values.election} ${values.election === 'raft' ? `election timeout ${values.election_timeout_ms}` : `timeout ${values.timeout_ms}`} ms: ` +
        `recovery p50 ${csvNumber(row.recovery_ms_p50).toFixed(1)} ms, unnecessary failovers in ${row.unnecessary_failover_trials} of ${row.trials} trials`,
    },
  ],
  figures: failoverFigures,
};
