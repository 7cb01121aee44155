/**
 * Failover scenarios on the leader-follower model: independent trials of a leader failure
 * (`runFailoverTrial`), optionally with a per-trial config (a detection stage the model does not
 * have, such as Patroni's HA loop), and their headline metrics.
 */
import type { FailoverConfig } from '../strategies/leader-follower/failover-config.js';
import { validateFailoverConfig } from '../strategies/leader-follower/failover-config.js';
import { runFailoverTrial, type FailoverTrialOutcome } from '../strategies/leader-follower/failover-trial.js';
import { countMetric, durationMetric, proportionMetric, type ScenarioMetric } from './scenario-metric.js';

/** A per-trial change of the config (e.g. a detection timeout drawn for that trial). */
export type PerTrialConfig = (trial: number) => Partial<FailoverConfig>;

/**
 * Runs `trials` failover trials of `base` (trial t with `perTrial(t)` merged in). Trial t draws the
 * model's streams from (seed, 0..2, t) as `runFailover` does, so without `perTrial` the outcomes are
 * exactly `runFailoverWithTrials({ ...base, trials }, seed).trials`.
 *
 * @example
 * const outcomes = runFailoverTrials({ election: 'coordinator', timeoutMs: 1000 }, 100, 1);
 * outcomes[0].recoveryMs;
 */
export function runFailoverTrials(
  base: Partial<FailoverConfig>,
  trials: number,
  seed: number,
  perTrial?: PerTrialConfig,
): FailoverTrialOutcome[] {
  const shared = validateFailoverConfig({ ...base, trials });
  const outcomes: FailoverTrialOutcome[] = [];
  for (let t = 0; t < trials; t++) {
    const cfg = perTrial === undefined ? shared : validateFailoverConfig({ ...base, trials, ...perTrial(t) });
    outcomes.push(runFailoverTrial(cfg, seed, t));
  }
  return outcomes;
}

/**
 * The headline metrics of failover trials: recovery and detection time (exact order statistics
 * over the recovered trials), trials without a leader, unnecessary failovers, split brain,
 * acknowledged writes lost (Wilson, out of acknowledged writes), writes discarded by the old
 * leader when it rejoined, and autoincrement ids reissued (GitHub 2012).
 *
 * @example
 * failoverMetrics(runFailoverTrials({ election: 'raft' }, 100, 1)).find((m) => m.name === 'recovery_ms');
 */
export function failoverMetrics(outcomes: readonly FailoverTrialOutcome[]): ScenarioMetric[] {
  const k = outcomes.length;
  const over = `${k} trials`;
  const recovery: number[] = [];
  const detection: number[] = [];
  let noLeader = 0;
  let unnecessaryTrials = 0;
  let splitTrials = 0;
  let lost = 0;
  let acked = 0;
  let discarded = 0;
  let reused = 0;
  for (const o of outcomes) {
    if (o.recoveryMs === null) noLeader++;
    else recovery.push(o.recoveryMs);
    if (o.detectionMs !== null) detection.push(o.detectionMs);
    if (o.unnecessaryFailovers > 0) unnecessaryTrials++;
    if (o.splitBrainMs > 0) splitTrials++;
    lost += o.ackedWritesLost;
    acked += o.ackedWrites;
    discarded += o.discardedWrites;
    reused += o.reusedIds;
  }
  return [
    durationMetric(
      'recovery_ms',
      'recovery time (failure to the new leader heard by the live followers)',
      recovery,
    ),
    durationMetric('detection_ms', 'detection time (failure to the first suspicion or candidacy)', detection),
    proportionMetric('no_leader_trials', 'trials with no leader by the end', { count: noLeader, of: k }),
    proportionMetric('unnecessary_failover_trials', 'trials with a failover of a live leader', {
      count: unnecessaryTrials,
      of: k,
    }),
    proportionMetric('split_brain_trials', 'trials with two nodes accepting writes', {
      count: splitTrials,
      of: k,
    }),
    proportionMetric('acked_writes_lost', 'acknowledged writes lost', { count: lost, of: acked }),
    countMetric(
      'discarded_writes',
      'writes the old leader discarded when it rejoined (never replicated)',
      discarded,
      over,
    ),
    countMetric('reused_ids', 'autoincrement ids issued again after a client had them', reused, over),
  ];
}
