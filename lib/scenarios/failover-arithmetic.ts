/**
 * The documented failover arithmetic of Patroni and of Raft-style elections (MongoDB, etcd): the
 * window in which the failure is acted on, and the means of its uniform components. The scenarios
 * report it beside the simulated distribution, and the tests hold the simulation to it.
 */
import { ParameterError } from '../errors.js';
import { deriveStream } from '../random/index.js';

/** Patroni's dynamic configuration, ms. */
export interface PatroniTiming {
  /** Leader lease TTL (`ttl`). */
  ttlMs: number;
  /** HA loop period (`loop_wait`): the leader renews its lease, every node checks the DCS, once per loop. */
  loopWaitMs: number;
  /** DCS and PostgreSQL operation retry timeout (`retry_timeout`). */
  retryTimeoutMs: number;
  /** How the replicas learn that the lease expired (absent: `loop`, the documentation's reading). */
  notice?: PatroniNotice;
}

/**
 * How the replicas learn that the leader's lease expired, and what follows until writes.
 *
 * `loop`: the documentation's reading: a replica checks the DCS once per HA loop, so it notices
 * a uniform [0, loop_wait) after the expiry; promotion is the failover model's (4 one-way delays
 * and a disk write).
 *
 * `watch`: what Patroni does (patroni/dcs/etcd3.py, Patroni 3.0): each replica sleeps in
 * dcs.watch(), which the etcd3 watcher thread wakes as soon as the leader key changes
 * (KVCache._process_event sets the DCS event), so the HA loop runs at the deletion, not a loop
 * later; etcd deletes the key of an expired lease at its next sweep (lease/lessor.go of etcd
 * 3.4 looks for expired leases every 500 ms: uniform [0, `leaseSweepMs`)); then the HA cycle,
 * the leader race and `pg_ctl promote` until PostgreSQL leaves recovery take `promoteMs`.
 * Consul's blocking queries, ZooKeeper's watches and Kubernetes' watch wake Patroni the same way.
 */
export interface PatroniNotice {
  rule: 'watch' | 'loop';
  /** The DCS's expiry sweep period, ms (`watch` only). */
  leaseSweepMs: number;
  /** From the wake-up to the first write the new primary accepts, ms (`watch` only). */
  promoteMs: number;
}

/** The documentation's reading: a replica notices within one HA loop. */
export const LOOP_NOTICE: PatroniNotice = { rule: 'loop', leaseSweepMs: 0, promoteMs: 0 };

/** A window [minMs, maxMs] and the mean of the uniform components in it, ms. */
export interface FailoverWindow {
  minMs: number;
  maxMs: number;
  meanMs: number;
  /** Standard deviation of the sum of the uniform components, ms (to size a test's tolerance). */
  sdMs: number;
}

/**
 * Patroni's rule `loop_wait + 2 * retry_timeout <= ttl` (Patroni documentation, dynamic
 * configuration settings): the leader must get through a loop and two retried DCS operations
 * before its lease can expire. Refused naming the key that `names` maps each setting to.
 *
 * @example
 * checkPatroniRule({ ttlMs: 30000, loopWaitMs: 10000, retryTimeoutMs: 10000 }); // ok: 10 + 20 <= 30
 * checkPatroniRule({ ttlMs: 20000, loopWaitMs: 10000, retryTimeoutMs: 10000 }); // throws on ttl
 */
export function checkPatroniRule(
  t: PatroniTiming,
  names = { ttl: 'ttl', loopWait: 'loop_wait', retryTimeout: 'retry_timeout' },
): void {
  if (t.loopWaitMs + 2 * t.retryTimeoutMs > t.ttlMs) {
    throw new ParameterError(
      names.ttl,
      `${t.ttlMs / 1000} s with ${names.loopWait} ${t.loopWaitMs / 1000} s and ${names.retryTimeout} ${t.retryTimeoutMs / 1000} s`,
      `ttl >= loop_wait + 2 * retry_timeout (Patroni's rule), here >= ${(t.loopWaitMs + 2 * t.retryTimeoutMs) / 1000} s`,
    );
  }
}

/**
 * When Patroni acts on a leader crash, measured from the crash (Patroni documentation): the leader
 * renewed its lease a uniform phase u in [0, loop_wait) before the crash, so the lease expires at
 * ttl - u, between ttl - loop_wait and ttl; a replica's HA loop notices the expiry a uniform
 * v in [0, loop_wait) later. Window [ttl - loop_wait, ttl + loop_wait], mean ttl - loop_wait/2 +
 * loop_wait/2 = ttl, standard deviation loop_wait / sqrt(6) (two independent uniforms). Promotion
 * (the leader race and `pg_ctl promote`) comes after.
 *
 * @example
 * patroniDetectionWindow({ ttlMs: 30000, loopWaitMs: 10000, retryTimeoutMs: 10000 });
 * // { minMs: 20000, maxMs: 40000, meanMs: 30000, sdMs: 4082.5 }
 */
export function patroniDetectionWindow(t: PatroniTiming): FailoverWindow {
  const n = t.notice ?? LOOP_NOTICE;
  if (n.rule === 'watch') {
    // Expiry ttl - u after the crash (u uniform in [0, loop_wait)), then the sweep's uniform wait and the promotion.
    return {
      minMs: t.ttlMs - t.loopWaitMs + n.promoteMs,
      maxMs: t.ttlMs + n.leaseSweepMs + n.promoteMs,
      meanMs: t.ttlMs - t.loopWaitMs / 2 + n.leaseSweepMs / 2 + n.promoteMs,
      sdMs: Math.sqrt((t.loopWaitMs ** 2 + n.leaseSweepMs ** 2) / 12),
    };
  }
  return {
    minMs: t.ttlMs - t.loopWaitMs,
    maxMs: t.ttlMs + t.loopWaitMs,
    meanMs: t.ttlMs,
    sdMs: t.loopWaitMs / Math.sqrt(6),
  };
}

/** The stream cell of the HA-loop notice draws (the failover model uses cells 0 to 2). */
export const PATRONI_NOTICE_CELL = 9;

/**
 * The time from lease expiry to a replica's HA loop noticing it in trial `trial`: uniform in
 * [0, loop_wait), from deriveStream(seed, {@link PATRONI_NOTICE_CELL}, trial), independent of the
 * leader's renewal phase (every node runs its own loop).
 *
 * @example
 * patroniNoticeMs(10000, 1, 0); // in [0, 10000)
 */
export function patroniNoticeMs(loopWaitMs: number, seed: number, trial: number): number {
  return deriveStream(seed, PATRONI_NOTICE_CELL, trial).nextDouble() * loopWaitMs;
}

/**
 * The time from lease expiry to the coordinator's action in trial `trial` under `t.notice`:
 * `loop`, {@link patroniNoticeMs}; `watch`, the sweep's uniform wait (the same stream's draw
 * times the sweep period) plus the promotion time.
 *
 * @example
 * patroniHaNoticeMs({ ttlMs: 30000, loopWaitMs: 10000, retryTimeoutMs: 10000, notice: { rule: 'watch', leaseSweepMs: 500, promoteMs: 500 } }, 1, 0); // in [500, 1000)
 */
export function patroniHaNoticeMs(t: PatroniTiming, seed: number, trial: number): number {
  const n = t.notice ?? LOOP_NOTICE;
  return n.rule === 'watch'
    ? patroniNoticeMs(n.leaseSweepMs, seed, trial) + n.promoteMs
    : patroniNoticeMs(t.loopWaitMs, seed, trial);
}

/** A Raft-style election's timing, ms. */
export interface ElectionTiming {
  /** Election timeout range [min, max]: each follower's timer is drawn uniformly from it at every reset. */
  electionTimeoutMs: [number, number];
  /** Leader heartbeat interval. */
  heartbeatMs: number;
  /** Followers whose timers race (nodes - 1 after the leader's crash). */
  followers: number;
}

/**
 * When the first follower stands for election after a leader crash, measured from the crash,
 * message delays aside (Ongaro and Ousterhout 2014, §5.2; MongoDB manual, replica set elections):
 * the crash falls a uniform phase u in [0, h) after the last heartbeat, which reset every
 * follower's timer to a fresh uniform draw from [min, max]; the first of k timers fires at the
 * minimum, with mean min + (max - min) / (k + 1). Window [min - h, max], mean
 * min + (max - min)/(k + 1) - h/2. Add one-way delays for arrival, and for a one-round election
 * two disk writes and three one-way delays (vote request, vote, first heartbeat).
 *
 * @example
 * raftDetectionWindow({ electionTimeoutMs: [10000, 11500], heartbeatMs: 2000, followers: 2 });
 * // { minMs: 8000, maxMs: 11500, meanMs: 9500, sdMs: ... }
 */
export function raftDetectionWindow(t: ElectionTiming): FailoverWindow {
  const [min, max] = t.electionTimeoutMs;
  const k = t.followers;
  const spread = max - min;
  // Variance of the minimum of k uniforms on [0, s]: k s^2 / ((k + 1)^2 (k + 2)); of the phase: h^2 / 12.
  const variance = (k * spread ** 2) / ((k + 1) ** 2 * (k + 2)) + t.heartbeatMs ** 2 / 12;
  return {
    minMs: min - t.heartbeatMs,
    maxMs: max,
    meanMs: min + spread / (k + 1) - t.heartbeatMs / 2,
    sdMs: Math.sqrt(variance),
  };
}
