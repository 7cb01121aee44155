/**
 * Failover experiments: many independent trials of a leader failure, summarised under stable
 * JSON names.
 */
import { proportion, type CountEstimate } from '../../check/index.js';
import { PROGRESS_EVERY_EVENTS, type ProgressCallback } from '../../sim/index.js';
import {
  latencySummary,
  LogHistogram,
  meanInterval,
  type LatencySummary,
  type LogHistogramData,
} from '../../stats/index.js';
import {
  validateFailoverConfig,
  type FailoverConfig,
  type ResolvedFailoverConfig,
} from './failover-config.js';
import { runFailoverTrial, type FailoverTrialOutcome } from './failover-trial.js';

/** Mean, quantiles and maximum over trials, ms (null when no trial had a value), and how many trials had one. */
export type TrialQuantilesMs = LatencySummary<'mean' | 'p50' | 'p90' | 'p99' | 'max' | 'samples'>;

/** The fields of {@link TrialQuantilesMs}. */
const TRIAL_QUANTILES = ['mean', 'p50', 'p90', 'p99', 'max', 'samples'] as const;

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
  /**
   * Time with two or more nodes accepting writes as leader (up, leading, and with fencing `'lease'`
   * holding a lease), per trial: mean and maximum over trials, the mean of the squares (ms², what
   * the interval is pooled from) and the mean's normal 95% interval (low end clamped at 0).
   */
  split_brain_ms: SplitBrainMs;
  /** Acknowledged writes absent from the final leader's log (lib/check `lostWrites`), over all trials. */
  acked_writes_lost: number;
  /** Entries the old leader discarded when it rejoined, over all trials. */
  discarded_writes: number;
  /** Autoincrement ids issued again after a client had been given them (GitHub, 2012), over all trials. */
  reused_ids: number;
  /** Writes issued and acknowledged, over all trials. */
  writes: number;
  acked_writes: number;
  /** Writes acknowledged by a leader after a leader of a newer term had been elected (it could not know), over all trials. */
  deposed_leader_acked_writes: number;
  /** Reads issued, and served (by a node that believed it led and, with fencing `'lease'`, held a lease), over all trials. */
  reads: number;
  reads_served: number;
  /** Reads served by a leader after a leader of a newer term had been elected, over all trials. */
  deposed_leader_reads: number;
  /** Proportions with Wilson 95% intervals: trials without a leader, trials with an unnecessary failover, trials losing acknowledged writes, trials with split brain, acknowledged writes lost, acknowledged writes a deposed leader acknowledged, served reads a deposed leader served. */
  intervals: {
    no_leader_trials: CountEstimate;
    unnecessary_failover_trials: CountEstimate;
    trials_losing_writes: CountEstimate;
    split_brain_trials: CountEstimate;
    acked_writes_lost: CountEstimate;
    deposed_leader_acked_writes: CountEstimate;
    deposed_leader_reads: CountEstimate;
  };
}

/** {@link FailoverResult.split_brain_ms}. */
export interface SplitBrainMs {
  mean: number;
  max: number;
  mean_square: number;
  ci_low: number | null;
  ci_high: number | null;
}

/**
 * The split-brain summary from the mean, the mean of the squares and the maximum over `trials`
 * trials (also how a sweep re-forms the interval after pooling the means).
 *
 * @example
 * splitBrainSummary(2, 5, 3, 4); // { mean: 2, max: 3, mean_square: 5, ci_low: 0.868..., ci_high: 3.131... }
 */
export function splitBrainSummary(
  mean: number,
  meanSquare: number,
  max: number,
  trials: number,
): SplitBrainMs {
  const { low, high } = meanInterval(mean, meanSquare, trials, { floor: 0 });
  return { mean, max, mean_square: meanSquare, ci_low: low, ci_high: high };
}

/** A run's summary and the samples of its quantiles, without the trials' outcomes: what {@link runFailoverSummary} returns. */
export interface FailoverSummaryRun {
  result: FailoverResult;
  /** The samples of `recovery_ms` and `detection_ms` (one per trial that had one), as plain data: what a sweep merges. */
  histograms: { recovery_ms: LogHistogramData; detection_ms: LogHistogramData };
  config: ResolvedFailoverConfig;
  /** Simulation events dispatched over all trials (not part of the result: a figure for benchmarks). */
  events: number;
}

/** A run's summary with every trial's outcome. */
export interface FailoverRun extends FailoverSummaryRun {
  trials: FailoverTrialOutcome[];
}

/** Options of a failover run. */
export interface FailoverRunOptions {
  /** Keep every trial's outcome ({@link FailoverRun.trials}). Default false. */
  record?: boolean;
  /** Called with the fraction of the trials done, after a trial once {@link PROGRESS_EVERY_EVENTS} events have passed since the last call, and with 1 at the end. */
  onProgress?: ProgressCallback;
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
export function runFailoverWithTrials(
  config: Partial<FailoverConfig>,
  seed: number,
  options: Omit<FailoverRunOptions, 'record'> = {},
): FailoverRun {
  return simulateFailover(config, seed, { ...options, record: true }) as FailoverRun;
}

/**
 * {@link runFailoverWithTrials}'s summary and samples without keeping the trials' outcomes (each
 * trial's own state is dropped when it ends). Same result for the same (config, seed). With
 * `record: true`, the run with every trial ({@link runFailoverWithTrials}).
 *
 * @example
 * runFailoverSummary({ trials: 1000 }, 1).histograms.recovery_ms.total; // recovered trials
 */
export function runFailoverSummary(
  config: Partial<FailoverConfig>,
  seed: number,
  options: FailoverRunOptions & { record: true },
): FailoverRun;
export function runFailoverSummary(
  config: Partial<FailoverConfig>,
  seed: number,
  options?: FailoverRunOptions,
): FailoverSummaryRun;
export function runFailoverSummary(
  config: Partial<FailoverConfig>,
  seed: number,
  options: FailoverRunOptions = {},
): FailoverSummaryRun | FailoverRun {
  return simulateFailover(config, seed, options);
}

function simulateFailover(
  config: Partial<FailoverConfig>,
  seed: number,
  options: FailoverRunOptions,
): FailoverSummaryRun | FailoverRun {
  const cfg = validateFailoverConfig(config);
  const record = options.record === true;
  const counters = { events: 0 };
  let reportAt = PROGRESS_EVERY_EVENTS;
  const recovery = new LogHistogram();
  const detection = new LogHistogram();
  const trials: FailoverTrialOutcome[] = [];
  let rounds = 0;
  let maxRounds = 0;
  let noLeader = 0;
  let unnecessary = 0;
  let unnecessaryTrials = 0;
  let splitSum = 0;
  let splitSquares = 0;
  let splitMax = 0;
  let splitTrials = 0;
  let lost = 0;
  let losingTrials = 0;
  let discarded = 0;
  let reused = 0;
  let writes = 0;
  let acked = 0;
  let deposedAcked = 0;
  let reads = 0;
  let readsServed = 0;
  let deposedReads = 0;
  for (let t = 0; t < cfg.trials; t++) {
    const o = runFailoverTrial(cfg, seed, t, counters);
    if (record) trials.push(o);
    if (options.onProgress !== undefined && counters.events >= reportAt && t + 1 < cfg.trials) {
      reportAt = counters.events + PROGRESS_EVERY_EVENTS;
      options.onProgress((t + 1) / cfg.trials);
    }
    if (o.recoveryMs === null) noLeader++;
    else recovery.record(o.recoveryMs);
    if (o.detectionMs !== null) detection.record(o.detectionMs);
    rounds += o.electionRounds;
    maxRounds = Math.max(maxRounds, o.electionRounds);
    unnecessary += o.unnecessaryFailovers;
    if (o.unnecessaryFailovers > 0) unnecessaryTrials++;
    splitSum += o.splitBrainMs;
    splitSquares += o.splitBrainMs * o.splitBrainMs;
    splitMax = Math.max(splitMax, o.splitBrainMs);
    if (o.splitBrainMs > 0) splitTrials++;
    lost += o.ackedWritesLost;
    if (o.ackedWritesLost > 0) losingTrials++;
    discarded += o.discardedWrites;
    reused += o.reusedIds;
    writes += o.writes;
    acked += o.ackedWrites;
    deposedAcked += o.deposedAckedWrites;
    reads += o.reads;
    readsServed += o.readsServed;
    deposedReads += o.deposedReads;
  }
  const k = cfg.trials;
  const result: FailoverResult = {
    trials: k,
    recovery_ms: latencySummary(recovery, TRIAL_QUANTILES),
    detection_ms: latencySummary(detection, TRIAL_QUANTILES),
    election_rounds: { mean: rounds / k, max: maxRounds },
    no_leader_trials: noLeader,
    unnecessary_failovers: unnecessary,
    split_brain_ms: splitBrainSummary(splitSum / k, splitSquares / k, splitMax, k),
    acked_writes_lost: lost,
    discarded_writes: discarded,
    reused_ids: reused,
    writes,
    acked_writes: acked,
    deposed_leader_acked_writes: deposedAcked,
    reads,
    reads_served: readsServed,
    deposed_leader_reads: deposedReads,
    intervals: {
      no_leader_trials: proportion({ count: noLeader, of: k }),
      unnecessary_failover_trials: proportion({ count: unnecessaryTrials, of: k }),
      trials_losing_writes: proportion({ count: losingTrials, of: k }),
      split_brain_trials: proportion({ count: splitTrials, of: k }),
      acked_writes_lost: proportion({ count: lost, of: acked }),
      deposed_leader_acked_writes: proportion({ count: deposedAcked, of: acked }),
      deposed_leader_reads: proportion({ count: deposedReads, of: readsServed }),
    },
  };
  options.onProgress?.(1);
  const summary: FailoverSummaryRun = {
    result,
    histograms: { recovery_ms: recovery, detection_ms: detection },
    config: cfg,
    events: counters.events,
  };
  return record ? { ...summary, trials } : summary;
}

/**
 * {@link runFailoverSummary}'s result: {@link runFailoverWithTrials}'s, without the per-trial outcomes.
 *
 * @example
 * runFailover({ election: 'coordinator', timeoutMs: 1000, fault: 'pause' }, 1).unnecessary_failovers;
 */
export function runFailover(
  config: Partial<FailoverConfig>,
  seed: number,
  options: FailoverRunOptions = {},
): FailoverResult {
  return simulateFailover(config, seed, options).result;
}
