/**
 * The default experiments, in the order `npm start` runs them: PBS staleness under the latency
 * presets, then one experiment per replication family (leaderless, leader-follower failover and
 * replication lag, multi-leader conflicts). `npm run figures` finds each one's figures here by the
 * experiment name its manifests carry. To add one: write its script (see failover-timeouts.ts)
 * and list it here.
 */
import { conflictsLatency } from './conflicts-latency.js';
import type { DefaultExperiment } from './default-experiment.js';
import { failoverTimeouts } from './failover-timeouts.js';
import type { FigureRecipe } from './figure-recipes.js';
import { lagRouting } from './lag-routing.js';
import { leaderlessQuorumsClocks } from './leaderless-quorums-clocks.js';
import { stalenessPresets } from './staleness-presets.js';

export const DEFAULT_EXPERIMENTS: readonly DefaultExperiment[] = [
  stalenessPresets,
  leaderlessQuorumsClocks,
  failoverTimeouts,
  lagRouting,
  conflictsLatency,
];

/** The figures of each experiment, by the experiment name its manifests carry. */
export const FIGURE_RECIPES: Readonly<Record<string, readonly FigureRecipe[]>> = Object.fromEntries(
  DEFAULT_EXPERIMENTS.map((experiment) => [experiment.experiment, experiment.figures]),
);
