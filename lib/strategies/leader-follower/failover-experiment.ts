import { failoverCommand, failoverCsvRow, failoverRunFromFlags } from '../../cli/failover-command.js';
import { commandExperiment } from '../../sweep/command-experiment.js';
import type { FailoverConfig } from './failover-config.js';
import { latencySummary } from '../../stats/index.js';
import { runFailover, type FailoverResult, type TrialQuantilesMs } from './run-failover.js';

/** Trials per batch: about 0.1 to 0.2 s of work, so batches spread over threads and adaptive precision can stop often. */
export const FAILOVER_BATCH_TRIALS = 25;

/** The quantiles a failover result gives of a merged histogram (runFailover's own summary of its trials). */
function trialQuantiles(h: Parameters<typeof latencySummary>[0]): TrialQuantilesMs {
  const { p999: _, ...quantiles } = latencySummary(h);
  return quantiles;
}

/**
 * `replilab failover` as a sweep experiment: parameters are its flags without dashes (`timeout`,
 * `election`, `fault`, ...; not `trials`, which is the sweep's), a cell runs `trials` failover
 * trials in batches of {@link FAILOVER_BATCH_TRIALS}, each batch `runFailover` with a seed drawn
 * from deriveStream(seed, cell, batch). Pooled: counts summed, proportions (Wilson 95%) from the
 * pooled counts, recovery and detection quantiles from the merged histograms of every trial, means
 * weighted by trials. The row has the columns of `replilab failover --out`.
 *
 * Main proportion (for `ci_width`): `unnecessary_failover_trials`, the share of trials with a
 * failover started while the leader was alive: what a failover timeout trades against recovery time.
 */
export const failoverExperiment = commandExperiment<FailoverConfig, FailoverResult>({
  name: 'failover',
  description:
    'leader failure, detection and promotion or Raft election: recovery time, unnecessary failovers, split brain, lost writes (replilab failover)',
  trialsUnit: 'failover trials per cell',
  command: failoverCommand,
  exclude: ['trials'],
  fromFlags: failoverRunFromFlags,
  model: 'failover',
  batchTrials: FAILOVER_BATCH_TRIALS,
  pool: {
    sum: [
      'trials',
      'no_leader_trials',
      'unnecessary_failovers',
      'acked_writes_lost',
      'discarded_writes',
      'reused_ids',
      'writes',
      'acked_writes',
    ],
    max: ['election_rounds.max', 'split_brain_ms.max'],
    weighted: ['election_rounds.mean', 'split_brain_ms.mean'],
    histograms: { recovery_ms: trialQuantiles, detection_ms: trialQuantiles },
  },
  mainInterval: 'unnecessary_failover_trials',
  row: (result, seed, config) => failoverCsvRow(result, seed, config),
  template: () => ({ result: runFailover({ trials: 1 }, 1), config: {} }),
});
