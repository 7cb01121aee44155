/**
 * Failover experiments: many independent trials of a leader failure, summarised under stable
 * JSON names.
 */
import { proportion, type CountEstimate } from '../../check/index.js';
import { LogHistogram } from '../../stats/index.js';
import {
  validateFailoverConfig,
  type FailoverConfig,
  type ResolvedFailoverConfig,
} from './failover-config.js';
import { runFailoverTrial, type FailoverTrialOutcome } from './failover-trial.js';

/** Mean, quantiles and maximum over trials, ms (null when no trial had a value), and how many trials had one. */
export interface TrialQuantilesMs {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  samples: number;
}

/**
 * What {@link runFailover} measured. Field names are the stable JSON names of
 * `replilab failover --json`.
 */
export interface FailoverResult {
  /** Trials run. */
  trials: number;
  /**
   * Failure to recovery (the new leader's first heartbeat has reached every live follower), over
   * recovered trials.
   */
  recovery_ms: TrialQuantilesMs;
  /** Failure to the first suspicion (coordinator) or candidacy (Raft), over trials with one. */
  detection_ms: TrialQuantilesMs;
  /** Raft: terms with a candidate between failure and recovery; coordinator: promotions. */
  election_rounds: { mean: number; max: number };
  /** Trials in which no leader had recovered the cluster by the end of the trial. */
  no_leader_trials: number;
  /** Failovers started while the leader of the moment was alive (paused, cut off, slow), over all trials. */
  unnecessary_failovers: number;
  /** Time with two nodes accepting writes as leader, per trial. */
  split_brain_ms: { mean: number; max: number };
  /** Acknowledged writes absent from the final leader's log (lib/check `lostWrites`), over all trials. */
  acked_writes_lost: number;
  /** Entries the old leader discarded when it rejoined, over all trials. */
  discarded_writes: number;
  /** Autoincrement ids issued again after a client had been given them (GitHub, 2012), over all trials. */
  reused_ids: number;
  /** Writes issued and acknowledged, over all trials. */
  writes: number;
  acked_writes: number;
  /** Proportions with Wilson 95% intervals: trials without a leader, trials with an unnecessary failover, trials losing acknowledged writes, trials with split brain. */
  intervals: {
    no_leader_trials: CountEstimate;
    unnecessary_failover_trials: CountEstimate;
    trials_losing_writes: CountEstimate;
    split_brain_trials: CountEstimate;
    acked_writes_lost: CountEstimate;
  };
}

/** A run's summary with every trial's outcome. */
export interface FailoverRun {
  result: FailoverResult;
  trials: FailoverTrialOutcome[];
  config: ResolvedFailoverConfig;
}

function quantiles(h: LogHistogram): TrialQuantilesMs {
  const none = h.total === 0;
  const q = (p: number) => (none ? null : h.quantile(p));
  return {
    mean: none ? null : h.mean(),
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: none ? null : h.max,
    samples: h.total,
  };
}

/**
 * Runs `config.trials` failovers and returns the summary with every trial. The result is a pure
 * function of (config, seed); trial t draws from its own streams (see {@link runFailoverTrial}).
 *
 * @param config - any subset of {@link FailoverConfig}
 * @param seed - the seed of every stream
 * @example
 * const { result, trials } = runFailoverWithTrials({ election: 'raft', trials: 100 }, 1);
 * result.recovery_ms.p99;  // ms
 * trials[0].electionRounds;
 */
export function runFailoverWithTrials(config: Partial<FailoverConfig>, seed: number): FailoverRun {
  const cfg = validateFailoverConfig(config);
  const recovery = new LogHistogram();
  const detection = new LogHistogram();
  const trials: FailoverTrialOutcome[] = [];
  let rounds = 0;
  let maxRounds = 0;
  let noLeader = 0;
  let unnecessary = 0;
  let unnecessaryTrials = 0;
  let splitSum = 0;
  let splitMax = 0;
  let splitTrials = 0;
  let lost = 0;
  let losingTrials = 0;
  let discarded = 0;
  let reused = 0;
  let writes = 0;
  let acked = 0;
  for (let t = 0; t < cfg.trials; t++) {
    const o = runFailoverTrial(cfg, seed, t);
    trials.push(o);
    if (o.recoveryMs === null) noLeader++;
    else recovery.record(o.recoveryMs);
    if (o.detectionMs !== null) detection.record(o.detectionMs);
    rounds += o.electionRounds;
    maxRounds = Math.max(maxRounds, o.electionRounds);
    unnecessary += o.unnecessaryFailovers;
    if (o.unnecessaryFailovers > 0) unnecessaryTrials++;
    splitSum += o.splitBrainMs;
    splitMax = Math.max(splitMax, o.splitBrainMs);
    if (o.splitBrainMs > 0) splitTrials++;
    lost += o.ackedWritesLost;
    if (o.ackedWritesLost > 0) losingTrials++;
    discarded += o.discardedWrites;
    reused += o.reusedIds;
    writes += o.writes;
    acked += o.ackedWrites;
  }
  const k = cfg.trials;
  const result: FailoverResult = {
    trials: k,
    recovery_ms: quantiles(recovery),
    detection_ms: quantiles(detection),
    election_rounds: { mean: rounds / k, max: maxRounds },
    no_leader_trials: noLeader,
    unnecessary_failovers: unnecessary,
    split_brain_ms: { mean: splitSum / k, max: splitMax },
    acked_writes_lost: lost,
    discarded_writes: discarded,
    reused_ids: reused,
    writes,
    acked_writes: acked,
    intervals: {
      no_leader_trials: proportion({ count: noLeader, of: k }),
      unnecessary_failover_trials: proportion({ count: unnecessaryTrials, of: k }),
      trials_losing_writes: proportion({ count: losingTrials, of: k }),
      split_brain_trials: proportion({ count: splitTrials, of: k }),
      acked_writes_lost: proportion({ count: lost, of: acked }),
    },
  };
  return { result, trials, config: cfg };
}

/**
 * {@link runFailoverWithTrials} without the per-trial outcomes.
 *
 * @example
 * runFailover({ election: 'coordinator', timeoutMs: 1000, fault: 'pause' }, 1).unnecessary_failovers;
 */
export function runFailover(config: Partial<FailoverConfig>, seed: number): FailoverResult {
  return runFailoverWithTrials(config, seed).result;
}
