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
import { deriveStream } from '../../random/index.js';
import { positiveField, refuseUnknownFields, wholeField } from './validate.js';

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
  const n = times.length;
  const mean = n === 0 ? null : times.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 || mean === null ? 0 : Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (1.959963984540054 * sd) / Math.sqrt(Math.max(n, 1));
  return {
    copy_s: copyS,
    backlog_entries: backlogSum / c.trials,
    catch_up_s: {
      mean,
      ci_low: mean === null ? null : mean - half,
      ci_high: mean === null ? null : mean + half,
      min: n === 0 ? null : times.reduce((a, b) => Math.min(a, b)),
      max: n === 0 ? null : times.reduce((a, b) => Math.max(a, b)),
      samples: n,
    },
    catch_up_closed_form_s: lambda < mu ? (lambda * copyS) / (mu - lambda) : null,
    total_s: mean === null ? null : copyS + mean,
    never_caught_up: proportion({ count: never, of: c.trials }),
    backlog_growth_per_s: Math.max(0, lambda - mu),
  };
}
