import { lagCommand, lagCsvRow, lagRunFromFlags } from '../../cli/lag-command.js';
import { commandExperiment } from '../../sweep/command-experiment.js';
import { pooledRate } from '../../sweep/result-pool.js';
import type { LagConfig } from './lag-config.js';
import { latencySummary } from '../../stats/index.js';
import { runLag, type LagResult, type LagRun } from './run-lag.js';

/**
 * `replilab lag` as a sweep experiment: parameters are its flags without dashes (`routing`,
 * `followers`, `replication-latency`, `window`, ...); `trials` counts independent runs of `ops`
 * operations, one run per batch, each `runLag` with a seed drawn from deriveStream(seed, cell,
 * batch). Pooled: the anomaly counts and their eligible reads summed (the rates and Wilson 95%
 * intervals come from the pooled counts); the replication lag (mean, quantiles, maximum, samples)
 * from the merged histogram of every (entry, follower) apply of every run, and the read latency
 * from that of every returned read (the runs' own histograms, {@link LagRun.histograms}). The row
 * has the columns of `replilab lag --out`.
 *
 * Main proportion (for `ci_width`): `ryw_violations` (read-your-writes violations among eligible reads).
 */
export const lagExperiment = commandExperiment<LagConfig, LagResult>({
  name: 'lag',
  description:
    'asynchronous followers and read routing: read-your-writes, monotonic-read and consistent-prefix violations, replication lag (replilab lag)',
  trialsUnit: 'independent runs of ops operations per cell',
  command: lagCommand,
  fromFlags: lagRunFromFlags,
  model: 'lag',
  batchTrials: 1,
  pool: {
    sum: ['reads', 'writes', 'failed_reads'],
    histograms: { lag_ms: latencySummary, read_latency_ms: latencySummary },
    derived: {
      ryw_violations: pooledRate('ryw_violations'),
      monotonic_read_violations: pooledRate('monotonic_read_violations'),
      consistent_prefix_violations: pooledRate('consistent_prefix_violations'),
      leader_read_share: pooledRate('leader_read_share'),
    },
  },
  mainInterval: 'ryw_violations',
  row: lagCsvRow,
  template: () => ({ result: runLag({ ops: 20 }, 1), config: {} }),
});
