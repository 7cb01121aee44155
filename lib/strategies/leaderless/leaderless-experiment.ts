import { leaderlessCommand, leaderlessCsvRow, leaderlessRunFromFlags } from '../../cli/leaderless-command.js';
import { commandExperiment } from '../../sweep/command-experiment.js';
import { medianAndTail, pooledRate } from '../../sweep/result-pool.js';
import type { LeaderlessConfig } from './cluster-config.js';
import { runLeaderless, type LeaderlessResult } from './run-leaderless.js';

/**
 * `replilab leaderless` as a sweep experiment: parameters are its flags without dashes (`n`, `r`,
 * `w`, `latency`, `clock-skew`, `sloppy`, ...; not `config`, `scenario` or `seed`); `trials` counts
 * independent runs of `ops` operations, one run per batch, each `runLeaderless` with a seed drawn
 * from deriveStream(seed, cell, batch). Pooled over runs: counts summed (stale_read_fraction and
 * availability, and every Wilson 95% interval, from the pooled counts), read and write latency
 * quantiles from the merged histograms of every operation, mean_siblings weighted by returned
 * reads, messages_per_op by operations, max_siblings the largest, events and sim_time_ms summed,
 * replicas_converged when every run converged, convergence_ms the mean over the runs that
 * converged. The row has the columns of `replilab leaderless --out`.
 *
 * Main proportion (for `ci_width`): `stale_read_fraction`.
 */
export const leaderlessExperiment = commandExperiment<LeaderlessConfig, LeaderlessResult>({
  name: 'leaderless',
  description:
    'Dynamo-style leaderless cluster under a client workload: stale reads, lost writes, session anomalies, siblings, availability (replilab leaderless)',
  trialsUnit: 'independent runs of ops operations per cell',
  command: leaderlessCommand,
  fromFlags: (flags) => leaderlessRunFromFlags(flags),
  model: 'leaderless',
  batchTrials: 1,
  pool: {
    sum: [
      'ops',
      'reads',
      'writes',
      'acked_writes',
      'acked_writes_lost',
      'failed_writes',
      'failed_writes_landed',
      'failed_reads',
      'ryw_violations',
      'monotonic_read_violations',
      'hints_stored',
      'hints_handed_off',
      'hints_lost',
      'hints_held',
      'non_overlapping_reads',
      'non_overlapping_stale_reads',
      'acked_writes_under_replicated',
      'read_repairs',
      'keys_repaired_by_read_repair',
      'anti_entropy_messages',
      'anti_entropy_bytes',
      'keys_repaired_by_anti_entropy',
      'events',
      'sim_time_ms',
    ],
    max: ['max_siblings'],
    every: ['replicas_converged'],
    meanOfSet: ['convergence_ms'],
    weighted: ['mean_siblings', 'messages_per_op'],
    histograms: { 'latency_ms.read': medianAndTail, 'latency_ms.write': medianAndTail },
    derived: {
      stale_read_fraction: pooledRate('stale_read_fraction'),
      availability: pooledRate('availability'),
    },
  },
  mainInterval: 'stale_read_fraction',
  row: leaderlessCsvRow,
  template: () => ({ result: runLeaderless({ ops: 10 }, 1), config: {} }),
});
