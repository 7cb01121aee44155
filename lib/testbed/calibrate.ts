/**
 * `replilab calibrate etcd`: the lab's failover model against a real etcd cluster on this
 * machine, setting by setting. Measured side: {@link runEtcdTrial} on a fresh 3-member (or
 * `members`) cluster per setting, peer links through the delay proxy, --pre-vote as asked. Model
 * side: `failover --election raft` with the same heartbeat, election timeout, members and
 * pre-vote, the client's write stream (one write per
 * write interval, Poisson), the proxy's delay plus half the measured
 * loopback round trip as the one-way latency, etcd's mean WAL fsync time (its
 * etcd_disk_wal_fsync_duration_seconds metric; else a probe's fsync median) as the disk, and the
 * killed member kept down for the whole trial (as the testbed restarts it only after recovery).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveLatency } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { ksTwoSample, summarizeSample, type SampleSummary } from '../stats/index.js';
import { validateFailoverConfig, type RaftTiming } from '../strategies/leader-follower/failover-config.js';
import { runFailoverTrial } from '../strategies/leader-follower/failover-trial.js';
import type { EtcdSetting } from './calibrate-params.js';
import { loopbackRoundTrips } from './delay-proxy.js';
import { EtcdCluster, etcdStatus } from './etcd.js';
import { runEtcdTrial, type EtcdTrialOutcome } from './etcd-failover.js';
import { Testbed } from './processes.js';

/** Each put's timeout, ms. */
export const WRITE_TIMEOUT_MS = 250;

export interface CalibrateOptions {
  settings: EtcdSetting[];
  trials: number;
  modelTrials: number;
  latency: string;
  writeIntervalMs: number;
  portBase: number | null;
  seed: number;
  /** The model's election timing (etcd by default: the system being calibrated). */
  raftTiming?: RaftTiming;
  /** Cluster members, and the model's nodes (default 3). */
  members?: number;
  /** etcd --pre-vote, and pre-vote in the model (default off, as etcd 3.4). */
  preVote?: boolean;
  /** Told the pid of every server process started (tests check that none survives). */
  onProcess?: (pid: number) => void;
  /** Told after each measured trial. */
  onTrial?: (setting: EtcdSetting, outcome: EtcdTrialOutcome) => void;
}

export interface Comparison {
  setting: { heartbeat_ms: number; election_timeout_ms: number };
  metric: 'recovery_ms';
  measured: SampleSummary;
  model: SampleSummary;
  ks_distance: number;
  ks_p_value: number;
  /** Measured: kill to a survivor's "became leader" log line, ms. */
  measured_leader: SampleSummary;
  /** Measured election rounds (terms with a candidate) per trial: mean. */
  measured_rounds_mean: number;
  model_rounds_mean: number;
  /** Raw samples (for the CSV and the chart). */
  measured_samples: number[];
  model_samples: number[];
  trials: EtcdTrialOutcome[];
  /** Trials that did not recover before giving up. */
  unrecovered: number;
}

export interface CalibrationResult {
  system: 'etcd';
  version: string;
  trials: number;
  comparisons: Comparison[];
  acked_writes_lost: number[];
  manifest: {
    etcd_version: string;
    latency: string;
    model_latency: string;
    model_disk: string;
    raft_timing: RaftTiming;
    members: number;
    pre_vote: boolean;
    loopback_rtt_ms: { p50: number; p99: number };
    fsync_ms: { p50: number; p99: number };
    etcd_wal_fsync_mean_ms: number | null;
    load_average: number[];
    write_interval_ms: number;
    seed: number;
    wall_time_ms: number;
  };
}

/** fsync latency of 4 KiB appends in `dir` (the data directories' filesystem), ms. */
export function measureFsync(dir: string, count = 50): number[] {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const block = Buffer.alloc(4096, 7);
  const out: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      writeSync(fd, block);
      const t = performance.now();
      fsyncSync(fd);
      out.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

async function walFsyncMeanMs(port: number): Promise<number | null> {
  try {
    const text = await (
      await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) })
    ).text();
    const sum = /^etcd_disk_wal_fsync_duration_seconds_sum (\S+)$/m.exec(text);
    const count = /^etcd_disk_wal_fsync_duration_seconds_count (\S+)$/m.exec(text);
    if (sum === null || count === null || Number(count[1]) === 0) return null;
    return (1000 * Number(sum[1])) / Number(count[1]);
  } catch {
    return null;
  }
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The model's recovery samples for one setting. */
export function modelRecoveries(
  setting: EtcdSetting,
  o: {
    modelLatency: string;
    modelDisk: string;
    trials: number;
    seed: number;
    raftTiming: RaftTiming;
    /** The model's nodes (the cluster's members) and pre-vote; default 3, off. */
    members?: number;
    preVote?: boolean;
    /** The client's put interval, ms: the model's write stream (its appends reset the followers' election timers, as etcd's MsgApp does). */
    writeIntervalMs: number;
  },
): { samples: number[]; roundsMean: number } {
  const cfg = validateFailoverConfig({
    nodes: o.members ?? 3,
    election: 'raft',
    raftTiming: o.raftTiming,
    preVote: o.raftTiming === 'etcd' && (o.preVote ?? false), // the paper's Raft has none
    heartbeatMs: setting.heartbeat,
    electionTimeoutMs: [setting.electionTimeout, 2 * setting.electionTimeout],
    latency: o.modelLatency,
    disk: o.modelDisk,
    // The killed member stays down well past any recovery seen (the testbed restarts it only after).
    faultDurationMs: 10 * setting.electionTimeout,
    observeMs: 2 * setting.electionTimeout,
    // The measured client's write stream: every append of the leader resets a follower's
    // electionElapsed (raft.go stepFollower, MsgApp), so the followers' timers start from the
    // last write before the kill, not from the last heartbeat. etcd ships entries at once.
    writeRate: 1 / o.writeIntervalMs,
    replicationDelay: 'const(0)',
    trials: o.trials,
  });
  const samples: number[] = [];
  let rounds = 0;
  for (let t = 0; t < o.trials; t++) {
    const r = runFailoverTrial(cfg, o.seed, t);
    rounds += r.electionRounds;
    if (r.recoveryMs !== null) samples.push(r.recoveryMs);
  }
  return { samples, roundsMean: rounds / o.trials };
}

/**
 * Runs the calibration. Every server it starts is stopped before it returns or throws (and on
 * SIGINT/SIGTERM, by the testbed's handlers).
 */
export async function calibrateEtcd(o: CalibrateOptions): Promise<CalibrationResult> {
  const started = performance.now();
  const raftTiming = o.raftTiming ?? 'etcd';
  const members = o.members ?? 3;
  const preVote = o.preVote ?? false;
  const peerDelay = resolveLatency(o.latency).W;
  const rtt = (await loopbackRoundTrips(200)).sort((a, b) => a - b);
  const comparisons: Comparison[] = [];
  let version = 'unknown';
  let walFsync: number | null = null;
  let fsync: number[] = [];
  const lost: number[] = [];
  const oneWay = round3(q(rtt, 0.5) / 2);
  const modelLatency = `const(${oneWay})+${peerDelay.toString()}`;
  let modelDisk = 'const(1)';
  for (const [si, setting] of o.settings.entries()) {
    const bed = new Testbed('etcd', { onStart: o.onProcess });
    const rng = deriveStream(o.seed, 10 + si, 0);
    const outcomes: EtcdTrialOutcome[] = [];
    try {
      if (si === 0) {
        fsync = measureFsync(bed.dir('fsync')).sort((a, b) => a - b);
        modelDisk = `const(${round3(q(fsync, 0.5))})`;
      }
      const cluster = await EtcdCluster.start(bed, {
        members,
        preVote,
        heartbeatMs: setting.heartbeat,
        electionTimeoutMs: setting.electionTimeout,
        peerDelay,
        rng: deriveStream(o.seed, 20 + si, 0),
        portBase: o.portBase,
      });
      try {
        version = (await etcdStatus(cluster.members[0].clientPort)).version;
        for (let t = 0; t < o.trials; t++) {
          const outcome = await runEtcdTrial(cluster, {
            trial: t,
            rng,
            writeIntervalMs: o.writeIntervalMs,
            // Short: a put blocked during the election (raft's node loop takes no proposal while
            // there is no leader) or forwarded to the dead leader is abandoned, and its context
            // cancelled, instead of piling up into a backlog released at the election, behind
            // which the first new write would wait (measured: 50-80 ms median at a 5 ms interval).
            writeTimeoutMs: WRITE_TIMEOUT_MS,
            warmupMs: 300,
            spanMs: 2 * setting.heartbeat,
            giveUpMs: 20 * setting.electionTimeout,
          });
          outcomes.push(outcome);
          lost.push(outcome.ackedWritesLost);
          o.onTrial?.(setting, outcome);
        }
        await cluster.waitStable(30_000);
        walFsync = (await walFsyncMeanMs(cluster.members[0].clientPort)) ?? walFsync;
        // etcd's own WAL fsync time is the disk the model's votes and entries wait for.
        if (walFsync !== null) modelDisk = `const(${round3(walFsync)})`;
      } finally {
        await cluster.closeProxies();
      }
    } finally {
      await bed.close();
    }
    const measured = outcomes.flatMap((x) => (x.recoveryMs === null ? [] : [x.recoveryMs]));
    const leader = outcomes.flatMap((x) => (x.leaderMs === null ? [] : [x.leaderMs]));
    const model = modelRecoveries(setting, {
      modelLatency,
      modelDisk,
      trials: o.modelTrials,
      seed: o.seed,
      raftTiming,
      members,
      preVote,
      writeIntervalMs: o.writeIntervalMs,
    });
    const ks =
      measured.length > 0 && model.samples.length > 0
        ? ksTwoSample(measured, model.samples)
        : { distance: Number.NaN, pValue: Number.NaN };
    comparisons.push({
      setting: { heartbeat_ms: setting.heartbeat, election_timeout_ms: setting.electionTimeout },
      metric: 'recovery_ms',
      measured: summarizeSample(measured),
      model: summarizeSample(model.samples),
      ks_distance: ks.distance,
      ks_p_value: ks.pValue,
      measured_leader: summarizeSample(leader),
      measured_rounds_mean: outcomes.reduce((s, x) => s + x.electionRounds, 0) / Math.max(1, outcomes.length),
      model_rounds_mean: model.roundsMean,
      measured_samples: measured,
      model_samples: model.samples,
      trials: outcomes,
      unrecovered: outcomes.filter((x) => x.recoveryMs === null).length,
    });
  }
  return {
    system: 'etcd',
    version,
    trials: o.trials,
    comparisons,
    acked_writes_lost: lost,
    manifest: {
      etcd_version: version,
      latency: o.latency,
      model_latency: modelLatency,
      model_disk: modelDisk,
      raft_timing: raftTiming,
      members,
      pre_vote: preVote,
      loopback_rtt_ms: { p50: round3(q(rtt, 0.5)), p99: round3(q(rtt, 0.99)) },
      fsync_ms: { p50: round3(q(fsync, 0.5)), p99: round3(q(fsync, 0.99)) },
      etcd_wal_fsync_mean_ms: walFsync === null ? null : round3(walFsync),
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      write_interval_ms: o.writeIntervalMs,
      seed: o.seed,
      wall_time_ms: Math.round(performance.now() - started),
    },
  };
}
