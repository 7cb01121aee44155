/**
 * Setting up a new follower: take a consistent snapshot of the leader at a log
 * position, copy it (size / bandwidth), then apply the log from that position on while the
 * leader keeps writing. The follower has caught up when it has applied everything the leader
 * has: the backlog accumulated during the copy drains at (apply rate - write rate), so the
 * catch-up time is backlog / (apply - write) on average, and never ends when the write rate
 * reaches the apply rate.
 *
 * Exactness: with Poisson writes and exponential apply times this is an M/M/1 queue, and the
 * time to drain a backlog of B entries is a busy period started by B customers, whose mean is
 * exactly B / (mu - lambda) (Kleinrock, Queueing Systems vol. 1, 1975, §5.9); with B ~
 * Poisson(lambda C) for a copy of C ms, the mean catch-up is lambda C / (mu - lambda). With
 * constant inter-write and apply times it is the fluid limit up to one entry.
 *
 * Reference: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Setting Up New
 * Followers" (snapshot, copy, log position, catch up).
 */
import { ParameterError } from '../../errors.js';
import { proportion, type CountEstimate } from '../../check/index.js';
import { constant, exponential } from '../../latency/index.js';
import { deriveStream } from '../../random/index.js';
import { Simulation } from '../../sim/index.js';
import { RowCluster } from './log-cluster.js';
import {
  choiceField,
  distributionField,
  positiveField,
  refuseUnknownFields,
  wholeField,
} from './validate.js';

/** One bootstrap experiment. Defaults in {@link BOOTSTRAP_DEFAULTS}. */
export interface BootstrapConfig {
  /** Snapshot size, MB (> 0). Default 10000 (10 GB). */
  snapshotMb: number;
  /** Copy bandwidth, MB per second (> 0). Default 100. */
  bandwidthMbPerS: number;
  /** Leader writes (log entries) per second, >= 0. Default 500. */
  writeRatePerS: number;
  /** Follower apply rate, entries per second (> 0). Default 1000. */
  applyRatePerS: number;
  /** `'poisson'`: Poisson writes and exponential apply times; `'constant'`: evenly spaced writes, constant apply time. Default `'poisson'`. */
  arrivals: 'poisson' | 'constant';
  /** Trials (independent bootstraps), an integer from 1 to 1e6. Default 200. */
  trials: number;
  /** A trial that has not caught up this long after the copy ends is counted as never catching up, s (> 0). Default 36000 (10 h). */
  horizonS: number;
}

/** The defaults of every {@link BootstrapConfig} field. */
export const BOOTSTRAP_DEFAULTS: Readonly<BootstrapConfig> = Object.freeze({
  snapshotMb: 10000,
  bandwidthMbPerS: 100,
  writeRatePerS: 500,
  applyRatePerS: 1000,
  arrivals: 'poisson',
  trials: 200,
  horizonS: 36000,
} satisfies BootstrapConfig);

/** What {@link runBootstrap} measured. */
export interface BootstrapResult {
  /** Copy time, s: snapshotMb / bandwidthMbPerS. */
  copy_s: number;
  /** Entries written during the copy: the backlog at the start of catch-up, mean over trials. */
  backlog_entries: number;
  /** Catch-up time after the copy, s, over trials that caught up: mean, its 95% interval (normal approximation), and the extremes. */
  catch_up_s: {
    mean: number | null;
    ci_low: number | null;
    ci_high: number | null;
    min: number | null;
    max: number | null;
    samples: number;
  };
  /** The closed form lambda C / (mu - lambda), s (null when the write rate reaches the apply rate: never). */
  catch_up_closed_form_s: number | null;
  /** Copy plus catch-up, s (mean). */
  total_s: number | null;
  /** Trials that never caught up within the horizon, with the Wilson 95% interval. */
  never_caught_up: CountEstimate;
  /** When the follower cannot catch up, how fast its backlog grows, entries per second (write - apply; 0 otherwise). */
  backlog_growth_per_s: number;
}

/**
 * Runs `trials` bootstraps; a pure function of (config, seed) (trial t draws from deriveStream(seed, 0, t)).
 *
 * @param config - any subset of {@link BootstrapConfig}
 * @param seed - the seed
 * @example
 * runBootstrap({ snapshotMb: 10000, bandwidthMbPerS: 100, writeRatePerS: 500, applyRatePerS: 1000 }, 1).catch_up_s.mean;
 * // about 100 s: 50000 entries backlog drained at 500 entries/s
 */
export function runBootstrap(config: Partial<BootstrapConfig>, seed: number): BootstrapResult {
  refuseUnknownFields(config, BOOTSTRAP_DEFAULTS);
  const c: BootstrapConfig = { ...BOOTSTRAP_DEFAULTS, ...config };
  positiveField('snapshotMb', c.snapshotMb, 'MB');
  positiveField('bandwidthMbPerS', c.bandwidthMbPerS, 'MB per second');
  positiveField('writeRatePerS', c.writeRatePerS, 'entries per second', true);
  positiveField('applyRatePerS', c.applyRatePerS, 'entries per second');
  if (c.arrivals !== 'poisson' && c.arrivals !== 'constant')
    throw new ParameterError('arrivals', String(c.arrivals), "'poisson' or 'constant'");
  wholeField('trials', c.trials, 1, 1_000_000);
  positiveField('horizonS', c.horizonS, 's');

  const copyS = c.snapshotMb / c.bandwidthMbPerS;
  const lambda = c.writeRatePerS;
  const mu = c.applyRatePerS;
  const poisson = c.arrivals === 'poisson';
  const times: number[] = [];
  let backlogSum = 0;
  let never = 0;
  for (let trial = 0; trial < c.trials; trial++) {
    const rng = deriveStream(seed, 0, trial);
    const gap = () =>
      lambda === 0 ? Infinity : poisson ? -Math.log(rng.nextOpenDouble()) / lambda : 1 / lambda;
    const service = () => (poisson ? -Math.log(rng.nextOpenDouble()) / mu : 1 / mu);
    // Writes from the snapshot's position on, at times measured from the snapshot.
    let nextWrite = gap();
    let queued = 0;
    while (nextWrite <= copyS) {
      queued++;
      nextWrite += gap();
    }
    backlogSum += queued;
    // From the copy's end, apply one entry at a time; writes keep joining the queue.
    let now = copyS;
    const end = copyS + c.horizonS;
    while (queued > 0 && now < end) {
      now += service();
      queued--;
      while (nextWrite <= now) {
        queued++;
        nextWrite += gap();
      }
    }
    if (queued > 0) never++;
    else times.push(now - copyS);
  }
  const catchUp = meanWithInterval(times);
  const mean = catchUp.mean;
  return {
    copy_s: copyS,
    backlog_entries: backlogSum / c.trials,
    catch_up_s: catchUp,
    catch_up_closed_form_s: lambda < mu ? (lambda * copyS) / (mu - lambda) : null,
    total_s: mean === null ? null : copyS + mean,
    never_caught_up: proportion({ count: never, of: c.trials }),
    backlog_growth_per_s: Math.max(0, lambda - mu),
  };
}

/** A new follower on the row cluster. Defaults in {@link CLUSTER_BOOTSTRAP_DEFAULTS}. */
export interface ClusterBootstrapConfig {
  /** Rows of the leader's table, an integer >= 1. Default 1000. */
  keys: number;
  /** Stored bytes per row (the snapshot copies keys x rowBytes), > 0. Default 1e6 (1 GB in all). */
  rowBytes: number;
  /** Snapshot copy bandwidth, bytes per second, > 0. Default 1e8 (100 MB/s). */
  bandwidthBytesPerS: number;
  /** Client writes per second on the leader, Poisson (`'constant'`: evenly spaced), > 0. Default 500. */
  writeRatePerS: number;
  /** The new follower's apply rate, records per second (> 0): exponential apply times (`'constant'`: fixed). Default 1000. */
  applyRatePerS: number;
  /** `'poisson'` or `'constant'`: the client's writes (and the apply times: exponential or fixed). Default `'poisson'`. */
  arrivals: 'poisson' | 'constant';
  /** One-way message delay, a distribution (ms). Default `const(1)`. */
  latency: string;
  /** The log shipped: logical rows or WAL. Default `'row'`. */
  format: 'row' | 'wal';
  /** Trials (independent bootstraps), an integer from 1 to 1e5. Default 100. */
  trials: number;
  /** When the new node asks for its snapshot (writes run from time 0), ms (>= 0). Default 1000. */
  joinAtMs: number;
  /** A trial that has not caught up this long after its snapshot is installed never does, s (> 0). Default 3600. */
  horizonS: number;
}

/** The defaults of every {@link ClusterBootstrapConfig} field. */
export const CLUSTER_BOOTSTRAP_DEFAULTS: Readonly<ClusterBootstrapConfig> = Object.freeze({
  keys: 1000,
  rowBytes: 1e6,
  bandwidthBytesPerS: 1e8,
  writeRatePerS: 500,
  applyRatePerS: 1000,
  arrivals: 'poisson',
  latency: 'const(1)',
  format: 'row',
  trials: 100,
  joinAtMs: 1000,
  horizonS: 3600,
} satisfies ClusterBootstrapConfig);

/** What {@link runClusterBootstrap} measured. */
export interface ClusterBootstrapResult {
  /** The copy's duration, s: keys x rowBytes / bandwidth. */
  copy_s: number;
  /** Log position of the snapshot and records behind when it was installed (the leader's last minus the snapshot's), means over trials. */
  snapshot_lsn: number;
  backlog_entries: number;
  /** From the snapshot's install to the first moment the follower has applied the leader's last record, s, over trials that caught up. */
  catch_up_s: BootstrapResult['catch_up_s'];
  /**
   * The closed form: 2 d + lambda (C + 2 d) / (mu - lambda) for copy time C and mean one-way delay d
   * (the resume request and the first records travel 2 d after the install; the backlog is the
   * writes from the snapshot to the resume); null when lambda >= mu. Exact for d = 0 with Poisson
   * writes and exponential apply times (see the module's doc).
   */
  catch_up_closed_form_s: number | null;
  /** Rows that differ between leader and follower when it caught up (summed over trials). */
  divergent_rows: number;
  never_caught_up: CountEstimate;
}

/**
 * New followers on the row cluster (lib/strategies/leader-follower/log-cluster.ts): each trial
 * starts a leader holding `keys` rows with writes going on, and an empty node that asks it for a
 * snapshot. The leader copies its rows at its current log position; the copy arrives after
 * keys x rowBytes / bandwidth; the follower installs it, asks to stream from that position, and
 * applies the backlog and the new writes one record at a time. A pure function of (config,
 * seed): trial t runs on deriveStream(seed, 1, t).
 *
 * @example
 * runClusterBootstrap({}, 1).catch_up_s.mean; // about 10 s: 1 GB at 100 MB/s, 500 writes/s, applied at 1000/s (closed form 10.004)
 */
export function runClusterBootstrap(
  config: Partial<ClusterBootstrapConfig>,
  seed: number,
): ClusterBootstrapResult {
  refuseUnknownFields(config, CLUSTER_BOOTSTRAP_DEFAULTS);
  const c: ClusterBootstrapConfig = { ...CLUSTER_BOOTSTRAP_DEFAULTS, ...config };
  wholeField('keys', c.keys, 1, 10_000_000);
  positiveField('rowBytes', c.rowBytes, 'bytes');
  positiveField('bandwidthBytesPerS', c.bandwidthBytesPerS, 'bytes per second');
  positiveField('writeRatePerS', c.writeRatePerS, 'writes per second');
  positiveField('applyRatePerS', c.applyRatePerS, 'records per second');
  choiceField('arrivals', c.arrivals, ['poisson', 'constant'] as const);
  const latency = distributionField('latency', c.latency);
  choiceField('format', c.format, ['row', 'wal'] as const);
  wholeField('trials', c.trials, 1, 100_000);
  positiveField('joinAtMs', c.joinAtMs, 'ms', true);
  positiveField('horizonS', c.horizonS, 's');

  const copyMs = (1000 * c.keys * c.rowBytes) / c.bandwidthBytesPerS;
  const applyMean = 1000 / c.applyRatePerS;
  const apply = c.arrivals === 'poisson' ? exponential(applyMean) : constant(applyMean);
  const times: number[] = [];
  let never = 0;
  let lsnSum = 0;
  let backlogSum = 0;
  let divergent = 0;
  for (let trial = 0; trial < c.trials; trial++) {
    const sim = new Simulation(deriveStream(seed, 1, trial));
    const cluster = new RowCluster(
      sim,
      {
        nodes: 2,
        format: c.format,
        keys: c.keys,
        rowBytes: c.rowBytes,
        bandwidthBytesPerS: c.bandwidthBytesPerS,
        latency,
        apply,
        version: 1,
        promoteMs: 0,
        joining: [1],
      },
      sim.rng,
    );
    let installedAt = NaN;
    let caughtAt = NaN;
    const check = () => {
      if (cluster.applied[1] < cluster.lastLsn(0)) return;
      caughtAt = sim.now;
      divergent += cluster.divergence(0, 1);
      sim.stop();
    };
    cluster.onSnapshotInstalled = (_node, lsn) => {
      installedAt = sim.now;
      lsnSum += lsn;
      backlogSum += cluster.lastLsn(0) - lsn;
      check();
    };
    cluster.onApplied = () => check();
    const horizonMs = 1000 * c.horizonS;
    const endMs = c.joinAtMs + copyMs + horizonMs + 100 * latency.mean();
    if (c.arrivals === 'poisson') cluster.startWrites(c.writeRatePerS, endMs);
    else cluster.startEvenWrites(c.writeRatePerS, endMs);
    const JOIN = sim.addKind('join', () => cluster.bootstrap(1, 0));
    sim.scheduleAt(c.joinAtMs, JOIN, 1);
    sim.run(endMs);
    if (!(caughtAt - installedAt <= horizonMs)) never++;
    else times.push((caughtAt - installedAt) / 1000);
  }
  const lambda = c.writeRatePerS;
  const mu = c.applyRatePerS;
  const d = latency.mean() / 1000;
  const copyS = copyMs / 1000;
  return {
    copy_s: copyS,
    snapshot_lsn: lsnSum / c.trials,
    backlog_entries: backlogSum / c.trials,
    catch_up_s: meanWithInterval(times),
    catch_up_closed_form_s: lambda < mu ? 2 * d + (lambda * (copyS + 2 * d)) / (mu - lambda) : null,
    divergent_rows: divergent,
    never_caught_up: proportion({ count: never, of: c.trials }),
  };
}

/** Mean, normal-approximation 95% interval and extremes of samples. */
function meanWithInterval(times: readonly number[]): BootstrapResult['catch_up_s'] {
  const n = times.length;
  const mean = n === 0 ? null : times.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 || mean === null ? 0 : Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (1.959963984540054 * sd) / Math.sqrt(Math.max(n, 1));
  return {
    mean,
    ci_low: mean === null ? null : mean - half,
    ci_high: mean === null ? null : mean + half,
    min: n === 0 ? null : times.reduce((a, b) => Math.min(a, b)),
    max: n === 0 ? null : times.reduce((a, b) => Math.max(a, b)),
    samples: n,
  };
}
