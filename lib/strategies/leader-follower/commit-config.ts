import { ParameterError } from '../../errors.js';
import type { LatencyDistribution } from '../../latency/index.js';
import {
  choiceField,
  distributionField,
  positiveField,
  refuseUnknownFields,
  wholeField,
} from './validate.js';

/**
 * How the leader acknowledges writes (Kleppmann, Designing Data-Intensive Applications, 2017, ch. 5):
 * - `'async'`: at its own durable write; followers catch up later.
 * - `'sync'`: once every synchronous follower has the write durably too.
 * - `'semi-sync'`: one follower is synchronous; when it is unavailable or slow (no ack within
 *   `semiSyncTimeoutMs` of an entry), the most up-to-date asynchronous follower takes its place.
 */
export type ReplicationMode = 'async' | 'sync' | 'semi-sync';

/** A follower down for a while (its messages are lost meanwhile; it catches up after). */
export interface FollowerOutage {
  /** The follower, 1..followers (the leader is node 0). */
  follower: number;
  /** When it crashes, ms; >= 0. */
  startMs: number;
  /** When it recovers, ms; > startMs (`Infinity`: never). */
  endMs: number;
}

/**
 * One leader, F followers, a stream of writes: what each replication mode costs in commit
 * latency and buys in durability. Defaults in {@link COMMIT_DEFAULTS}.
 */
export interface CommitConfig {
  /** Followers F (nodes 1..F; the leader is node 0); an integer from 1 to 64. Default 2. */
  followers: number;
  /** The replication mode (see {@link ReplicationMode}). Default `'async'`. */
  mode: ReplicationMode;
  /** With `mode: 'sync'`: how many followers (the first ones) are synchronous, 1..followers; the rest are async. Default: all (null). */
  syncFollowers: number | null;
  /**
   * With `mode: 'sync'`: commit once this many of the sync followers acknowledged, whichever
   * answer first (PostgreSQL's `ANY k (...)` quorum commit), 1..sync followers. Default: all of
   * them (null).
   */
  syncQuorum: number | null;
  /**
   * Time from a follower's receipt of entries to its acknowledgement, a distribution in text form,
   * in place of `disk` on followers (PostgreSQL: WAL write for `remote_write`, write and flush for
   * `on`, through replay for `remote_apply`). Default: `disk` (null).
   */
  followerDisk: string | null;
  /**
   * The followers share one host (one CPU pool, one disk), as on a single test machine: followers
   * writing the same entries take one draw of the follower disk time, so a stall delays them
   * alike. Default false: independent draws.
   */
  followerDiskShared: boolean;
  /**
   * The leader ships an entry only once its own disk has it (PostgreSQL's WAL sender sends WAL up
   * to the flush position only). Default false: shipping starts at the append.
   */
  shipAfterDurable: boolean;
  /** With `mode: 'semi-sync'`: how long the leader waits for its sync follower's ack of an entry before replacing it, ms (> 0). Default 20. */
  semiSyncTimeoutMs: number;
  /** One-way message delay, a distribution in text form. Default `exp(1)` (mean 1 ms). */
  latency: string;
  /**
   * Per-follower override of the one-way delay to and from that follower (index 0 is follower 1),
   * e.g. `[null, 'const(30)']` makes follower 2 slow. Default none.
   */
  followerLatency: (string | null)[];
  /** Time to make log entries durable (fsync) on any node. Default `const(0.5)`. */
  disk: string;
  /** Client writes per ms reaching the leader (Poisson), > 0. Default 0.5. */
  writeRate: number;
  /** Writes in the run, an integer >= 1. Default 10000. */
  writes: number;
  /** The leader's heartbeat interval (followers missing entries are re-sent them on heartbeat replies), ms. Default 50. */
  heartbeatMs: number;
  /** Follower outages. Default none. */
  outages: FollowerOutage[];
  /** Random instants at which the durability exposure is evaluated, an integer >= 1. Default 2000. */
  probes: number;
}

/** The defaults of every {@link CommitConfig} field. */
export const COMMIT_DEFAULTS: Readonly<CommitConfig> = Object.freeze({
  followers: 2,
  mode: 'async',
  syncFollowers: null,
  syncQuorum: null,
  followerDisk: null,
  followerDiskShared: false,
  shipAfterDurable: false,
  semiSyncTimeoutMs: 20,
  latency: 'exp(1)',
  followerLatency: [],
  disk: 'const(0.5)',
  writeRate: 0.5,
  writes: 10000,
  heartbeatMs: 50,
  outages: [],
  probes: 2000,
} satisfies CommitConfig);

/** A validated {@link CommitConfig} with its distributions parsed. */
export interface ResolvedCommitConfig extends CommitConfig {
  latencyDist: LatencyDistribution;
  followerLatencyDist: (LatencyDistribution | null)[];
  diskDist: LatencyDistribution;
  followerDiskDist: LatencyDistribution | null;
}

/**
 * Fills in defaults and checks every field (a ParameterError names the first bad one).
 *
 * @example
 * validateCommitConfig({ mode: 'sync', followers: 3, syncFollowers: 2 }).syncFollowers; // 2
 * validateCommitConfig({ writeRate: -1 }); // throws: writeRate: got -1; allowed: a finite number of writes per ms > 0
 */
export function validateCommitConfig(config: Partial<CommitConfig> = {}): ResolvedCommitConfig {
  refuseUnknownFields(config, COMMIT_DEFAULTS);
  const c: CommitConfig = { ...COMMIT_DEFAULTS, ...config };
  wholeField('followers', c.followers, 1, 64);
  choiceField('mode', c.mode, ['async', 'sync', 'semi-sync'] as const);
  if (c.syncFollowers !== null) wholeField('syncFollowers', c.syncFollowers, 1, c.followers);
  if (c.syncQuorum !== null) {
    const sync = c.mode === 'sync' ? (c.syncFollowers ?? c.followers) : 0;
    if (sync === 0)
      throw new ParameterError('syncQuorum', String(c.syncQuorum), "null unless mode is 'sync'");
    wholeField('syncQuorum', c.syncQuorum, 1, sync);
  }
  const followerDiskDist = c.followerDisk === null ? null : distributionField('followerDisk', c.followerDisk);
  if (typeof c.shipAfterDurable !== 'boolean')
    throw new ParameterError('shipAfterDurable', String(c.shipAfterDurable), 'true or false');
  if (typeof c.followerDiskShared !== 'boolean')
    throw new ParameterError('followerDiskShared', String(c.followerDiskShared), 'true or false');
  positiveField('semiSyncTimeoutMs', c.semiSyncTimeoutMs);
  const latencyDist = distributionField('latency', c.latency);
  if (!Array.isArray(c.followerLatency) || c.followerLatency.length > c.followers) {
    throw new ParameterError(
      'followerLatency',
      JSON.stringify(c.followerLatency),
      `a list of at most ${c.followers} distributions or nulls`,
    );
  }
  const followerLatencyDist = c.followerLatency.map((s, i) =>
    s === null ? null : distributionField(`followerLatency[${i}]`, s),
  );
  const diskDist = distributionField('disk', c.disk);
  positiveField('writeRate', c.writeRate, 'writes per ms');
  wholeField('writes', c.writes, 1);
  positiveField('heartbeatMs', c.heartbeatMs);
  if (!Array.isArray(c.outages))
    throw new ParameterError('outages', String(c.outages), 'a list of { follower, startMs, endMs }');
  c.outages.forEach((o, i) => {
    wholeField(`outages[${i}].follower`, o?.follower, 1, c.followers);
    positiveField(`outages[${i}].startMs`, o.startMs, 'ms', true);
    if (!(typeof o.endMs === 'number' && o.endMs > o.startMs))
      throw new ParameterError(
        `outages[${i}].endMs`,
        String(o.endMs),
        `a number of ms > startMs (${o.startMs}), or Infinity`,
      );
  });
  wholeField('probes', c.probes, 1, 1e7);
  return { ...c, latencyDist, followerLatencyDist, diskDist, followerDiskDist };
}
