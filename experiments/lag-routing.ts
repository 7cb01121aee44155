/**
 * Experiment: read routing against session anomalies with asynchronous followers (the `lag` sweep
 * experiment, lib/strategies/leader-follower/run-lag.ts), into data/lag/routing.csv.
 *
 * Two partitions, each a leader with 3 asynchronous followers (replication delay lognormal(2,1)
 * ms), 20 clients on 20 keys, 20% writes. Each read routing policy (a random follower, the
 * client's own follower, the leader for keys the client wrote, the leader for 100 ms after a
 * write, a follower the lag monitor last saw with the client's last write and read or else the
 * leader, a follower the monitor last saw lagging at most 20 ms; the monitor polls every second)
 * trades reads sent to the leader against read-your-writes and monotonic-read violations. Figures
 * `routing-ryw` and `routing-monotonic`: one labelled point per policy, the leader's share of
 * reads against the violation rate, the Pareto-optimal policies joined (the rates' Wilson 95%
 * intervals are in the CSV).
 *
 * References: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Problems with
 * replication lag"; D. Terry et al., Session Guarantees for Weakly Consistent Replicated Data,
 * PDIS 1994.
 */
import { csvNumber } from './derived-columns.js';
import type { DefaultExperiment } from './default-experiment.js';
import type { FigureRecipe } from './figure-recipes.js';

/** Every read routing policy of the lag model. */
export const ROUTING_POLICIES = [
  'random',
  'sticky',
  'leader-for-own',
  'leader-window',
  'client-position',
  'lag-bounded',
] as const;

/** The trade-off chart of one violation rate against the leader's share of reads. */
function routingFigure(name: string, violations: string, yTitle: string): FigureRecipe {
  return {
    name,
    csv: 'routing',
    chart: {
      kind: 'tradeoff',
      series: 'routing',
      x: 'leader_read_share',
      y: violations,
      low: `${violations}_ci_low`,
      high: `${violations}_ci_high`,
      title: 'Read routing, {followers} async followers per leader',
      xTitle: 'share of reads served by the leader',
      yTitle,
    },
  };
}

/** The figures of `routing.csv`. */
export const lagFigures: readonly FigureRecipe[] = [
  routingFigure('ryw', 'ryw_violations', 'P(read-your-writes violation)'),
  routingFigure('monotonic', 'monotonic_read_violations', 'P(monotonic-read violation)'),
];

/** The experiment; trials are independent runs of 10,000 operations per cell. */
export const lagRouting: DefaultExperiment = {
  experiment: 'lag',
  title: 'replication lag: session anomalies against leader reads, per read routing policy',
  trials: { quick: 10, full: 100 },
  sweeps: (trials, seed) => [
    {
      name: 'routing',
      spec: {
        experiment: 'lag',
        description:
          'Read routing against read-your-writes and monotonic-read violations, asynchronous followers',
        seed,
        trials,
        grid: { routing: [...ROUTING_POLICIES] },
        fixed: { ops: 10_000 },
      },
      describe: (values, row) =>
        `${values.routing}: read-your-writes violations ${csvNumber(row.ryw_violations).toFixed(4)}, ` +
        `monotonic-read ${csvNumber(row.monotonic_read_violations).toFixed(4)}, leader reads ${csvNumber(row.leader_read_share).toFixed(3)}`,
    },
  ],
  figures: lagFigures,
};
