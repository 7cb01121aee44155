import { conflictsCommand, conflictsRunFromFlags } from '../../cli/conflicts-command.js';
import { conflictsCsvRow } from '../../cli/conflicts-row.js';
import { commandExperiment } from '../../sweep/command-experiment.js';
import { medianAndTail } from '../../sweep/result-pool.js';
import { meanDivergence } from './divergence-pool.js';
import type { MultiLeaderConfig } from './multi-leader-config.js';
import { followerLagSummary } from './multi-leader-metrics.js';
import { runMultiLeader, type MultiLeaderResult } from './run-multi-leader.js';

/**
 * `replilab conflicts` (the multi-leader model) as a sweep experiment: parameters are its flags
 * without dashes (`datacenters`, `topology`, `resolution`, `clock-skew`, `write-rate`, ...);
 * `trials` counts independent runs of `duration` ms of writes, one run per batch, each
 * `runMultiLeader` with a seed drawn from deriveStream(seed, cell, batch). Pooled over runs:
 * counts summed (lost writes per datacenter elementwise; conflicts_per_1000_writes and every Wilson
 * 95% interval from the pooled counts), write-latency quantiles from the merged histogram of every
 * acknowledged write and the followers' lag (quantiles, maximum, samples) from that of every
 * follower apply (the runs' own histograms, `MultiLeaderRun.histograms`), max_siblings the
 * largest, mean_siblings weighted by what it averages over, converged when every run converged,
 * convergence_ms the mean over the runs that converged, and the divergence series the mean
 * divergent keys over the runs at each sample time ({@link meanDivergence}: a run whose series
 * ended earlier counts with its last, final value). The row has the columns of
 * `replilab conflicts --out`.
 *
 * Main proportion (for `ci_width`): `conflicts` (writes concurrent with another write to their key, out of all writes).
 */
export const conflictsExperiment = commandExperiment<MultiLeaderConfig, MultiLeaderResult>({
  name: 'conflicts',
  description:
    'multi-leader replication across datacenters: write conflicts, lost writes under a resolution policy, convergence (replilab conflicts)',
  trialsUnit: 'independent runs of duration ms of writes per cell',
  command: conflictsCommand,
  fromFlags: (flags) => conflictsRunFromFlags(flags),
  model: 'conflicts',
  batchTrials: 1,
  pool: {
    sum: [
      'writes',
      'acked_writes',
      'conflicts',
      'conflict_detections',
      'acked_writes_lost',
      'acked_writes_lost_by_datacenter',
      'unacked_writes_surviving',
      'out_of_order_applies',
      'replication_messages',
      'handler_calls',
      'events',
      'sim_time_ms',
      'local_reads',
      'follower_reads',
      'follower_stale_reads',
    ],
    max: ['max_siblings'],
    every: ['converged'],
    meanOfSet: ['convergence_ms'],
    weighted: ['mean_siblings'],
    histograms: { write_latency_ms: medianAndTail, follower_lag_ms: followerLagSummary },
    fold: { divergence: meanDivergence },
    derived: {
      conflicts_per_1000_writes: (pooled) =>
        pooled.writes === 0 ? 0 : (1000 * pooled.conflicts) / pooled.writes,
    },
  },
  mainInterval: 'conflicts',
  row: conflictsCsvRow,
  template: () => ({ result: runMultiLeader({ durationMs: 10 }, 1), config: {} }),
});
