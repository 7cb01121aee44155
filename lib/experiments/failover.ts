/**
 * Leader failover: a leader-follower cluster whose leader fails (crash, pause, partition or a
 * latency spike), detected by a coordinator's failure detector or by Raft-style election
 * timeouts, and replaced; many independent trials.
 */
import type { FailoverConfig } from '../strategies/leader-follower/failover-config.js';
import { FAILOVER_DEFAULTS } from '../strategies/leader-follower/failover-config.js';
import type { FailoverResult } from '../strategies/leader-follower/run-failover.js';
import { meanInterval } from '../stats/index.js';
import { latencySummary } from '../stats/index.js';
import { defineExperiment } from './define.js';
import { msText, pctText } from './format.js';
import { boolean, choice, distribution, integer, number, range, type ParamValues } from './param.js';

const d = FAILOVER_DEFAULTS;

/** Trials per sweep batch: about 0.1 to 0.2 s of work, so batches spread over threads and adaptive precision can stop often. */
export const FAILOVER_BATCH_TRIALS = 25;

const params = {
  nodes: integer({
    doc: 'nodes in the cluster, the leader (node 0) included',
    default: d.nodes,
    min: 2,
    max: 64,
  }),
  election: choice(['raft', 'coordinator', 'sentinel'], {
    doc: "how a new leader is chosen: Raft-style election, a coordinator's failure detector and promotion, or Redis Sentinel's (sentinel.c: jittered timers, SDOWN/ODOWN, a sentinel leader, promotion confirmed by the replica's INFO)",
    default: d.election,
    valueName: 'mode',
  }),
  electionTimeoutMs: range({
    doc: 'raft: election timeout range, ms (Ongaro and Ousterhout 2014, section 9.3)',
    default: [...d.electionTimeoutMs],
    unit: 'ms',
  }),
  raftTiming: choice(['paper', 'etcd'], {
    doc: "raft: election timers as in the paper (a continuous timeout from the range, drawn on every leader contact) or as etcd's raft (ticks of one heartbeat, whole-tick timeouts in [T, 2T-1] with T = min / heartbeat, CheckQuorum lease, no pre-vote); unit-free",
    default: d.raftTiming,
  }),
  preVote: boolean({
    doc: "raft timing etcd: pre-vote (etcd's --pre-vote; off in etcd 3.4, on from 3.5): a timed-out follower asks for pre-votes before it takes a new term; unit-free",
    default: d.preVote,
  }),
  heartbeatMs: number({ doc: 'leader heartbeat interval, ms', default: d.heartbeatMs, gt: 0, unit: 'ms' }),
  detector: choice(['timeout', 'phi'], {
    doc: "coordinator's failure detector: a fixed timeout or phi accrual",
    default: d.detector,
  }),
  timeoutMs: number({
    doc: "coordinator: the timeout detector's timeout; sentinel: down-after-milliseconds; ms",
    default: d.timeoutMs,
    gt: 0,
    unit: 'ms',
  }),
  sentinels: integer({
    doc: 'sentinel: sentinel processes watching the primary',
    default: d.sentinels,
    min: 1,
    max: 15,
  }),
  sentinelQuorum: integer({
    doc: 'sentinel: sentinels that must see the primary down (ODOWN) before a failover',
    default: d.sentinelQuorum,
    min: 1,
    max: 15,
  }),
  sentinelFailoverTimeoutMs: number({
    doc: "sentinel: failover-timeout, ms (an unelected sentinel gives up after min(10 s, it) and retries after twice it; Sentinel's default 180000)",
    default: d.sentinelFailoverTimeoutMs,
    gt: 0,
    unit: 'ms',
  }),
  phiThreshold: number({
    doc: "coordinator: phi-accrual threshold (Cassandra's default 8)",
    default: d.phiThreshold,
    gt: 0,
    valueName: 'phi',
  }),
  phiWindow: integer({
    doc: 'coordinator: inter-arrival times the phi detector keeps',
    default: d.phiWindow,
    min: 1,
    max: 100000,
  }),
  latency: distribution({ doc: 'one-way message delay on every link, ms', default: d.latency }),
  replicationDelay: distribution({
    doc: "delay from the leader's append to shipping the entry, ms (unshipped entries die with a crashed leader)",
    default: d.replicationDelay,
  }),
  disk: distribution({ doc: 'fsync latency of log entries, votes and terms, ms', default: d.disk }),
  staleFollowers: integer({
    doc: 'followers whose logs lag (entries shipped --stale-lag-ms later); 0 to nodes - 1',
    default: d.staleFollowers,
    min: 0,
    max: 63,
  }),
  staleLagMs: number({
    doc: 'how much later a stale follower is shipped entries, ms',
    default: d.staleLagMs,
    min: 0,
    unit: 'ms',
  }),
  fault: choice(['crash', 'pause', 'partition', 'spike'], { doc: "the leader's failure", default: d.fault }),
  pause: distribution({ doc: 'pause durations with --fault pause, ms', default: d.pause }),
  spikeDuration: distribution({
    doc: 'latency spike durations with --fault spike, ms',
    default: d.spikeDuration,
  }),
  spikeDelay: distribution({
    doc: "extra delay of the leader's messages during a spike, one draw per spike, ms",
    default: d.spikeDelay,
  }),
  faultDurationMs: number({
    doc: 'crash downtime or partition length, ms',
    default: d.faultDurationMs,
    gt: 0,
    unit: 'ms',
  }),
  asyncFollowers: integer({
    doc: 'followers that acknowledge asynchronously (the others are sync); all: every follower',
    default: d.asyncFollowers,
    min: 0,
    max: 63,
    nullText: 'all',
  }),
  writeRate: number({
    doc: 'client writes reaching the cluster, per second (Poisson)',
    default: d.writeRate * 1000,
    min: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
  readRate: number({
    doc: 'client reads sent to the node the clients believe leads, per second (Poisson)',
    default: d.readRate * 1000,
    min: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
  fencing: choice(['none', 'epoch', 'lease'], {
    doc: 'what stops a deposed leader: none (followers take any append), epoch (appends of an older term refused), lease (epoch, and a leader serves only while a majority-granted lease runs on its clock)',
    default: d.fencing,
    valueName: 'mode',
  }),
  leaseMs: number({
    doc: "--fencing lease: the lease a majority's acknowledgement grants, ms on each node's own clock",
    default: d.leaseMs,
    gt: 0,
    unit: 'ms',
  }),
  clockDrift: number({
    doc: "clock rate error rho (a fraction, no unit): each node's clock runs at a rate drawn from [1 - rho, 1 + rho] per trial (heartbeat, election and lease timers)",
    default: d.clockDrift,
    min: 0,
    lt: 1,
    valueName: 'rho',
  }),
  trials: integer({ doc: 'independent failovers', default: d.trials, min: 1, max: 1_000_000, sweep: false }),
  warmupHeartbeats: integer({
    doc: "heartbeat intervals before the failure (the detector's history)",
    default: d.warmupHeartbeats,
    min: 1,
    max: 100000,
  }),
  observeMs: number({
    doc: 'how long a trial goes on after the fault ends, ms; auto: max(1000, 4 x the detection scale)',
    default: d.observeMs,
    gt: 0,
    unit: 'ms',
    nullText: 'auto',
  }),
};

/** The quantiles a failover result gives of a merged histogram (runFailover's own summary of its trials). */
function trialQuantiles(h: Parameters<typeof latencySummary>[0]) {
  const { p999: _, ...quantiles } = latencySummary(h);
  return quantiles;
}

function splitBrainInterval(r: Record<string, any>): { low: number | null; high: number | null } {
  const s = r.split_brain_ms as FailoverResult['split_brain_ms'];
  return meanInterval(s.mean, s.mean_square, r.trials as number, { floor: 0 });
}

function summary(r: FailoverResult, seed: number, c: ParamValues<typeof params>): string {
  const iv = r.intervals;
  const asyncCount = c.asyncFollowers ?? c.nodes - 1;
  const how =
    c.election === 'raft'
      ? `raft, election timeout ${c.electionTimeoutMs[0]}-${c.electionTimeoutMs[1]} ms`
      : c.election === 'sentinel'
        ? `sentinel, ${c.sentinels} sentinels (quorum ${c.sentinelQuorum}), down-after ${c.timeoutMs} ms`
        : `coordinator, ${c.detector === 'phi' ? `phi >= ${c.phiThreshold}` : `timeout ${c.timeoutMs} ms`}`;
  return (
    [
      `failover: ${c.nodes} nodes (${asyncCount} async followers, ${c.staleFollowers} stale), ${how}, heartbeat ${c.heartbeatMs} ms, fault ${c.fault}, fencing ${c.fencing}${c.fencing === 'lease' ? ` (lease ${c.leaseMs} ms)` : ''}${c.clockDrift > 0 ? `, clock drift ${c.clockDrift}` : ''}; ${r.trials} trials, seed ${seed}`,
      `recovery:              mean ${msText(r.recovery_ms.mean)}, p50 ${msText(r.recovery_ms.p50)}, p90 ${msText(r.recovery_ms.p90)}, p99 ${msText(r.recovery_ms.p99)}, max ${msText(r.recovery_ms.max)}`,
      `detection:             mean ${msText(r.detection_ms.mean)}, p50 ${msText(r.detection_ms.p50)}, max ${msText(r.detection_ms.max)}`,
      `election rounds:       mean ${r.election_rounds.mean.toFixed(2)}, max ${r.election_rounds.max}`,
      `no leader in trial:    ${pctText(iv.no_leader_trials)}`,
      `unnecessary failovers: ${r.unnecessary_failovers} (trials with one: ${pctText(iv.unnecessary_failover_trials)})`,
      `split brain:           mean ${msText(r.split_brain_ms.mean)} (95% ${r.split_brain_ms.ci_low === null ? '-' : `${msText(r.split_brain_ms.ci_low)} to ${msText(r.split_brain_ms.ci_high)}`}), max ${msText(r.split_brain_ms.max)} (trials with one: ${pctText(iv.split_brain_trials)})`,
      `deposed leader:        ${r.deposed_leader_acked_writes} writes acknowledged (${pctText(iv.deposed_leader_acked_writes)} of acknowledged), ${r.deposed_leader_reads} reads served (${pctText(iv.deposed_leader_reads)} of ${r.reads_served} served)`,
      `acked writes lost:     ${r.acked_writes_lost} of ${r.acked_writes} acknowledged (trials losing writes: ${pctText(iv.trials_losing_writes)})`,
      `discarded at rejoin:   ${r.discarded_writes}; autoincrement ids reused: ${r.reused_ids}`,
    ].join('\n') + '\n'
  );
}

/**
 * `replilab failover`: in each trial the leader (node 0) fails at a uniformly random moment
 * within its heartbeat interval, after `warmupHeartbeats` heartbeats. A sweep runs `trials`
 * failovers per cell in batches of {@link FAILOVER_BATCH_TRIALS}: counts summed, proportions
 * (Wilson 95%) from the pooled counts, recovery and detection quantiles from the merged
 * histograms of every trial, means weighted by trials. Main proportion (for `ci_width`):
 * `unnecessary_failover_trials`, what a failover timeout trades against recovery time.
 */
export const failover = defineExperiment({
  name: 'failover',
  description:
    'simulate leader failures in a leader-follower cluster: detection, promotion or Raft-style election, split brain, lost writes',
  trialsUnit: 'failover trials per cell',
  params,
  checks: [
    (v) =>
      v.election === 'raft' && v.detector === 'phi'
        ? {
            param: 'detector',
            allowed:
              'timeout with election raft (its randomized election timeout is the detector); phi needs election coordinator',
          }
        : undefined,
    (v) =>
      v.election === 'raft' && v.heartbeatMs >= v.electionTimeoutMs[0]
        ? {
            param: 'heartbeatMs',
            allowed: `less than the minimum election timeout (${v.electionTimeoutMs[0]} ms)`,
          }
        : undefined,
    (v) =>
      v.election === 'raft' && v.raftTiming === 'etcd' && v.electionTimeoutMs[0] < 2 * v.heartbeatMs
        ? {
            param: 'electionTimeoutMs',
            allowed: `with raft timing etcd, a minimum of at least 2 heartbeats (${2 * v.heartbeatMs} ms): raft's ElectionTick must exceed its HeartbeatTick`,
          }
        : undefined,
    // etcd's election model runs its tickers on true time and knows no lease fencing (etcd 3.4
    // fences by term only): refuse the combinations it would silently ignore.
    (v) =>
      v.election === 'raft' && v.raftTiming === 'etcd' && v.fencing === 'lease'
        ? { param: 'fencing', allowed: 'none or epoch with raft timing etcd (etcd fences by term)' }
        : undefined,
    (v) =>
      v.election === 'raft' && v.raftTiming === 'etcd' && v.clockDrift > 0
        ? { param: 'clockDrift', allowed: '0 with raft timing etcd (its tickers run on true time)' }
        : undefined,
    (v) =>
      v.preVote && !(v.election === 'raft' && v.raftTiming === 'etcd')
        ? { param: 'preVote', allowed: 'false unless election raft with raft timing etcd' }
        : undefined,
    (v) =>
      v.election === 'sentinel' && v.detector === 'phi'
        ? { param: 'detector', allowed: 'timeout with election sentinel (down-after-milliseconds)' }
        : undefined,
    (v) =>
      v.sentinelQuorum > v.sentinels
        ? { param: 'sentinelQuorum', allowed: `a whole number from 1 to sentinels (${v.sentinels})` }
        : undefined,
    (v) =>
      v.election === 'coordinator' && v.detector === 'timeout' && v.heartbeatMs >= v.timeoutMs
        ? { param: 'heartbeatMs', allowed: `less than the timeout (${v.timeoutMs} ms)` }
        : undefined,
    (v) =>
      v.fencing === 'lease' && v.leaseMs <= v.heartbeatMs
        ? {
            param: 'leaseMs',
            allowed: `more than the heartbeat interval (${v.heartbeatMs} ms) with fencing lease: the heartbeats renew it`,
          }
        : undefined,
    (v) =>
      v.staleFollowers > v.nodes - 1
        ? { param: 'staleFollowers', allowed: `a whole number from 0 to nodes - 1 (${v.nodes - 1})` }
        : undefined,
    (v) =>
      v.asyncFollowers !== null && v.asyncFollowers > v.nodes - 1
        ? { param: 'asyncFollowers', allowed: `a whole number from 0 to nodes - 1 (${v.nodes - 1}), or all` }
        : undefined,
  ],
  config: (v): Partial<FailoverConfig> => ({
    ...v,
    electionTimeoutMs: [v.electionTimeoutMs[0], v.electionTimeoutMs[1]],
    writeRate: v.writeRate / 1000,
    readRate: v.readRate / 1000,
  }),
  run: async (config, seed, options) => {
    const { runFailover } = await import('../strategies/leader-follower/run-failover.js');
    return runFailover(config, seed, { onProgress: options.onProgress });
  },
  trials: (result) => result.trials,
  summary,
  examples: [
    'failover --election raft --election-timeout-ms 150-300 --trials 500',
    'failover --election raft --election-timeout-ms 150-155 --json          # split votes',
    'failover --election coordinator --timeout-ms 1000 --fault pause --pause "uniform(0,3000)"',
    'failover --election sentinel --timeout-ms 1000 --nodes 3 --sentinels 3 --sentinel-quorum 2',
    'failover --election coordinator --detector phi --latency "mix(0.99:exp(1),0.01:const(200))"',
    'failover --fault partition --fencing epoch --async-followers 4 --write-rate 500 --read-rate 500 --json',
    'failover --fault partition --fencing lease --lease-ms 1000 --clock-drift 0.05 --trials 2000 --json',
    'failover --stale-followers 2 --async-followers 4 --json',
    'failover --election coordinator --fault pause --trials 400 --out data/failover/pause.csv',
    'failover --election coordinator --fault spike --spike-duration "const(800)" --spike-delay "const(600)"',
  ],
  notes: `
recovery_ms: from the leader's failure to the moment a leader's heartbeat sent after it has
reached every live follower (writes can be accepted again). --fault spike: for --spike-duration,
every message the leader sends waits an extra delay drawn once per spike from --spike-delay (a
congested egress queue; the leader keeps working and hears its followers on time), so every
failover a spike triggers is unnecessary.

--json prints one object: trials, recovery_ms{mean,p50,p90,p99,max,samples}, detection_ms{...},
election_rounds{mean,max}, no_leader_trials, unnecessary_failovers,
split_brain_ms{mean,max,mean_square,ci_low,ci_high} (the mean's normal 95% interval),
acked_writes_lost, discarded_writes, reused_ids, writes, acked_writes,
deposed_leader_acked_writes, reads, reads_served, deposed_leader_reads, intervals{...} (count,
of, p, Wilson 95% low/high), then seed and the config that ran. A deposed leader is one after a
leader of a newer term was elected; split brain is time with two nodes accepting writes as leader
(with --fencing lease, a leader whose lease has run out on its own clock does not). --out FILE.csv writes the same as one
CSV row (the parameters, then the metrics with _ci_low/_ci_high, then trials and seed) and
FILE.manifest.json beside it; a sweep of failover writes these columns per cell.`,
  batch: {
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
        'deposed_leader_acked_writes',
        'reads',
        'reads_served',
        'deposed_leader_reads',
      ],
      max: ['election_rounds.max', 'split_brain_ms.max'],
      weighted: ['election_rounds.mean', 'split_brain_ms.mean', 'split_brain_ms.mean_square'],
      histograms: { recovery_ms: trialQuantiles, detection_ms: trialQuantiles },
      // The mean's interval again from the pooled mean, mean of squares and trials.
      derived: {
        'split_brain_ms.ci_low': (r) => splitBrainInterval(r).low,
        'split_brain_ms.ci_high': (r) => splitBrainInterval(r).high,
      },
    },
    mainInterval: 'unnecessary_failover_trials',
    template: async () => {
      const { runFailover } = await import('../strategies/leader-follower/run-failover.js');
      // Typed, not asserted: defineExperiment infers the config type from this too.
      const config: Partial<FailoverConfig> = {};
      return { result: runFailover({ trials: 1 }, 1), config };
    },
  },
});
