/**
 * The failover experiments the leader-follower scenarios run: a Patroni-managed cluster (its DCS
 * lease as the coordinator's timeout, plus the replicas' HA loop) and a Raft-style election
 * (MongoDB, etcd, the Raft paper), each reported with the documented arithmetic beside it.
 */
import { failover } from '../experiments/failover.js';
import { parseLatency } from '../latency/index.js';
import {
  validateFailoverConfig,
  type FailoverConfig,
} from '../strategies/leader-follower/failover-config.js';
import {
  patroniDetectionWindow,
  patroniHaNoticeMs,
  raftDetectionWindow,
  type FailoverWindow,
  type PatroniTiming,
} from './failover-arithmetic.js';
import type { FailoverTrialOutcome } from '../strategies/leader-follower/failover-trial.js';
import { failoverMetrics, runFailoverTrials, type PerTrialConfig } from './failover-trials.js';
import type { ScenarioValues } from './preset.js';
import { valueMetric, type ScenarioMetric } from './scenario-metric.js';
import type { ScenarioExperiment, ScenarioRunSize } from './system-scenario.js';

/** Means of the one-way delay and of the disk write of failover experiment values, ms. */
function meanDelays(values: ScenarioValues): { d: number; disk: number } {
  return {
    d: parseLatency(String(values.latency), 'latency').mean(),
    disk: parseLatency(String(values.disk), 'disk').mean(),
  };
}

/**
 * The failover model's config of failover experiment values (a scenario's resolved experiment
 * values), through the experiment's own mapping (units, defaults).
 */
export function failoverConfigOf(values: ScenarioValues): Partial<FailoverConfig> {
  return failover.config(values as never);
}

function windowMetrics(window: FailoverWindow, what: string, recoveryMeanMs: number): ScenarioMetric[] {
  return [
    valueMetric('arithmetic_window_min_ms', `documented arithmetic: ${what}, earliest`, window.minMs, 'ms'),
    valueMetric('arithmetic_window_max_ms', `documented arithmetic: ${what}, latest`, window.maxMs, 'ms'),
    valueMetric(
      'arithmetic_recovery_mean_ms',
      "documented arithmetic: mean recovery (window mean + the model's message and disk steps)",
      recoveryMeanMs,
      'ms',
    ),
  ];
}

/**
 * A failover experiment: `size.trials` trials of `base` (with `perTrial` merged into trial t),
 * reported by {@link failoverMetrics} and followed by `extra` metrics.
 *
 * @example
 * failoverExperiment('coordinator failover', { election: 'coordinator', timeoutMs: 1000 }, { trials: 100, seed: 1 });
 */
export function failoverExperiment(
  name: string,
  base: Partial<FailoverConfig>,
  size: ScenarioRunSize,
  extra: ScenarioMetric[] = [],
  perTrial?: PerTrialConfig,
): ScenarioExperiment {
  return {
    name: `${name}, ${size.trials} trials`,
    validate: () => void validateFailoverConfig({ ...base, trials: size.trials }),
    run: async () => [
      ...failoverMetrics(runFailoverTrials(base, size.trials, size.seed, perTrial)),
      ...extra,
    ],
  };
}

/**
 * A Patroni failover of a crashed primary, on the failover model's coordinator (the failover
 * experiment's values, as the Patroni preset derives them): the leader's
 * heartbeat is its lease renewal (every loop_wait), the coordinator's timeout detector is the
 * lease (ttl after the last renewal), and each trial adds the delay from the expiry to the action
 * ({@link patroniHaNoticeMs}; the model's coordinator acts at the deadline itself, so the scenario
 * supplies this stage): with `timing.notice` `watch` (the scenario's default), the DCS's expiry
 * sweep and the measured promotion time; with `loop`, a replica's HA-loop delay, uniform in
 * [0, loop_wait). Then the model's promotion: query the replicas' positions, promote the most up
 * to date, persist the term, first heartbeat (4 one-way delays and a disk write). The old primary stays down for
 * 2 (ttl + loop_wait), past any failover; each trial goes on 2 loops + 1 s after it returns, so the
 * new leader's appends reach it and it discards what it never replicated.
 *
 * @example
 * const e = patroniFailoverExperiment(resolveScenario(patroniScenario).experiment, { ttlMs: 30000, loopWaitMs: 10000, retryTimeoutMs: 10000 }, { trials: 200, seed: 1 });
 * await e.run(); // recovery_ms within [20 s, 40 s] + promotion
 */
export function patroniFailoverExperiment(
  values: ScenarioValues,
  timing: PatroniTiming,
  size: ScenarioRunSize,
): ScenarioExperiment {
  const { ttlMs, loopWaitMs } = timing;
  const base = failoverConfigOf(values);
  const { d, disk } = meanDelays(values);
  const window = patroniDetectionWindow(timing);
  return failoverExperiment(
    `failover by Patroni (ttl ${ttlMs / 1000} s, loop_wait ${loopWaitMs / 1000} s), crash of the primary`,
    base,
    size,
    windowMetrics(
      window,
      timing.notice?.rule === 'watch'
        ? 'lease expiry + expiry sweep + promotion after the crash'
        : 'lease expiry + HA-loop notice after the crash',
      window.meanMs + d + 4 * d + disk,
    ),
    patroniPerTrial(timing, size.seed),
  );
}

/** Trial t's coordinator timeout: the lease (ttl) plus that trial's notice delay ({@link patroniHaNoticeMs}). */
function patroniPerTrial(timing: PatroniTiming, seed: number): PerTrialConfig {
  return (trial) => ({ timeoutMs: timing.ttlMs + patroniHaNoticeMs(timing, seed, trial) });
}

/**
 * The trials {@link patroniFailoverExperiment} runs, outcome by outcome (the calibration against
 * a real Patroni compares their recovery times with the measured ones).
 *
 * @example
 * patroniFailoverTrials(resolveScenario(patroniScenario).experiment, { ttlMs: 30000, loopWaitMs: 10000, retryTimeoutMs: 10000 }, { trials: 200, seed: 1 })[0].recoveryMs;
 */
export function patroniFailoverTrials(
  values: ScenarioValues,
  timing: PatroniTiming,
  size: ScenarioRunSize,
): FailoverTrialOutcome[] {
  return runFailoverTrials(
    failoverConfigOf(values),
    size.trials,
    size.seed,
    patroniPerTrial(timing, size.seed),
  );
}

/**
 * A Raft-style election after a leader crash (MongoDB, etcd, the Raft paper; the failover
 * experiment's values as the preset derives them): every follower's
 * timer draws from the election timeout range at each leader contact; the first to expire stands.
 * The crashed leader stays down for 4 maximum election timeouts; each trial goes on 2 heartbeats
 * + 1 s after it returns.
 *
 * @example
 * raftFailoverExperiment(resolveScenario(mongodbScenario).experiment, 'MongoDB election', { trials: 200, seed: 1 });
 */
export function raftFailoverExperiment(
  values: ScenarioValues,
  label: string,
  size: ScenarioRunSize,
): ScenarioExperiment {
  const base = failoverConfigOf(values);
  const s = { electionTimeoutMs: base.electionTimeoutMs!, heartbeatMs: base.heartbeatMs! };
  const { d, disk } = meanDelays(values);
  const window = raftDetectionWindow({
    electionTimeoutMs: s.electionTimeoutMs,
    heartbeatMs: s.heartbeatMs,
    followers: (values.nodes as number) - 1,
  });
  return failoverExperiment(
    `${label} (election timeout ${s.electionTimeoutMs[0]}-${s.electionTimeoutMs[1]} ms, heartbeat ${s.heartbeatMs} ms), crash of the leader`,
    base,
    size,
    windowMetrics(
      window,
      'first candidacy after the crash, timers reset by heartbeats only (write_rate=0; appends reset them too)',
      window.meanMs + d + 3 * d + 2 * disk,
    ),
  );
}
