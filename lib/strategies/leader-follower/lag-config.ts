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
 * Read-routing policies (Kleppmann, Designing Data-Intensive
 * Applications, 2017, ch. 5, "Problems with Replication Lag"):
 * - `'random'`: any follower of the key's partition, at random.
 * - `'sticky'`: each client always reads from the same follower (client id modulo followers;
 *   the next live one in order while it is down).
 * - `'leader-for-own'`: keys the client has written are read from the leader, others from a random follower.
 * - `'leader-window'`: for `windowMs` after the client's last write, every read goes to the leader.
 * - `'client-position'`: the client remembers, per partition, the log position of its last write
 *   and of the newest entry it has read (its session token), and reads from a random follower only
 *   if the lag monitor's last report from that follower has it applied; otherwise it goes to the
 *   leader (`positionWait: false`), or it sends the read to the follower with its token and the
 *   follower, which knows its own position, holds it until it has applied it (`positionWait: true`;
 *   MongoDB's afterClusterTime reads).
 * - `'lag-bounded'`: a random follower among those whose lag, as the lag monitor last reported it,
 *   is at most `maxLagMs`; the leader if there is none (ProxySQL's max_replication_lag, MaxScale's
 *   max_slave_replication_lag).
 *
 * Routing never reads a follower's true position: only the monitor's reports (stale by up to a
 * poll interval and a round trip) and the client's own tokens.
 */
export type ReadRouting =
  'random' | 'sticky' | 'leader-for-own' | 'leader-window' | 'client-position' | 'lag-bounded';

/** Every policy, in a fixed order (the order above). */
export const READ_ROUTINGS: readonly ReadRouting[] = [
  'random',
  'sticky',
  'leader-for-own',
  'leader-window',
  'client-position',
  'lag-bounded',
];

/**
 * Replication lag and read routing: keys spread over partitions, each with a
 * leader and asynchronous followers; clients write to the leader and read as the policy says.
 * Defaults in {@link LAG_DEFAULTS}.
 */
export interface LagConfig {
  /** The read-routing policy (see {@link ReadRouting}). Default `'random'`. */
  routing: ReadRouting;
  /** Followers per partition, an integer from 1 to 64. Default 3. */
  followers: number;
  /** Partitions (key k lives in partition k mod partitions), each with its own leader, an integer from 1 to 64. Default 2. */
  partitions: number;
  /**
   * One-way delay of each replicated entry from a leader to a follower, a distribution. Followers
   * apply entries in log order, so an entry overtaken in flight waits for the ones before it and
   * the lag's tail is heavier than the delay's. Default `lognormal(2,1)` (median 7.4 ms, mean 12 ms).
   */
  replicationLatency: string;
  /** One-way delay between a client and any node, a distribution. Default `const(0.5)`. */
  clientLatency: string;
  /** leader-window: how long after a client's last write its reads go to the leader, ms (>= 0). Default 100. */
  windowMs: number;
  /** lag-bounded: followers lagging more than this (ms, >= 0) are excluded. Default 20. */
  maxLagMs: number;
  /** client-position: wait at the follower until it has the position (true), or read from the leader (false). Default false. */
  positionWait: boolean;
  /**
   * The lag monitor on each leader polls its followers' applied positions over the network every
   * this many ms (> 0); between replies the router sees the lag as of the last reply. Real
   * monitors poll every few seconds: ProxySQL's mysql-monitor_replication_lag_interval (default
   * 10000 ms), MaxScale's monitor_interval (default 2000 ms). Default 1000.
   */
  monitorIntervalMs: number;
  /**
   * Causally related writes to one partition: a write that answers a write the client read (see
   * `replyRatio`) is stored under a key of the answered write's partition (Kleppmann, DDIA ch. 5,
   * "Consistent Prefix Reads"). Default false.
   */
  causalPartitioning: boolean;
  /** The leaders in another datacenter: extra one-way delay on every client <-> leader trip, ms (>= 0). Default 0. */
  leaderLatency: number;
  /** Clients, an integer from 1 to 10000. Default 20. */
  clients: number;
  /** Keys, an integer >= 1. Default 20. */
  keys: number;
  /** Zipf exponent of key popularity (>= 0, 0 uniform). Default 0. */
  zipf: number;
  /** P(an operation is a write), in [0, 1]. Default 0.2. */
  writeRatio: number;
  /** Operations per ms per client (Poisson), > 0. Default 0.1. */
  ratePerMs: number;
  /** Operations in the run, an integer >= 1. Default 20000. */
  ops: number;
  /**
   * P(a write answers the last write its client read, on another key): the answer causally
   * depends on it, which the consistent-prefix checker tracks. In [0, 1]. Default 1.
   */
  replyRatio: number;
  /** Follower crash-recovery: up and down time distributions, or null (followers never fail). Default null. */
  followerCrash: { ttf: string; ttr: string } | null;
}

/** The defaults of every {@link LagConfig} field. */
export const LAG_DEFAULTS: Readonly<LagConfig> = Object.freeze({
  routing: 'random',
  followers: 3,
  partitions: 2,
  replicationLatency: 'lognormal(2,1)',
  clientLatency: 'const(0.5)',
  windowMs: 100,
  maxLagMs: 20,
  positionWait: false,
  monitorIntervalMs: 1000,
  causalPartitioning: false,
  leaderLatency: 0,
  clients: 20,
  keys: 20,
  zipf: 0,
  writeRatio: 0.2,
  ratePerMs: 0.1,
  ops: 20000,
  replyRatio: 1,
  followerCrash: null,
} satisfies LagConfig);

/** A validated {@link LagConfig} with its distributions parsed. */
export interface ResolvedLagConfig extends LagConfig {
  replicationDist: LatencyDistribution;
  clientDist: LatencyDistribution;
  crashDists: { ttf: LatencyDistribution; ttr: LatencyDistribution } | null;
}

function probability(field: string, value: unknown): number {
  if (!(typeof value === 'number' && value >= 0 && value <= 1))
    throw new ParameterError(field, String(value), 'a number from 0 to 1');
  return value;
}

/**
 * Fills in the defaults and checks every field; a ParameterError names the first bad one.
 *
 * @example
 * validateLagConfig({ routing: 'sticky', followers: 4 }).followers; // 4
 * validateLagConfig({ routing: 'nearest' as never }); // throws: routing: got nearest; allowed: 'random', 'sticky', ...
 */
export function validateLagConfig(config: Partial<LagConfig> = {}): ResolvedLagConfig {
  refuseUnknownFields(config, LAG_DEFAULTS);
  const c: LagConfig = { ...LAG_DEFAULTS, ...config };
  choiceField('routing', c.routing, READ_ROUTINGS);
  wholeField('followers', c.followers, 1, 64);
  wholeField('partitions', c.partitions, 1, 64);
  const replicationDist = distributionField('replicationLatency', c.replicationLatency);
  const clientDist = distributionField('clientLatency', c.clientLatency);
  positiveField('windowMs', c.windowMs, 'ms', true);
  positiveField('maxLagMs', c.maxLagMs, 'ms', true);
  if (typeof c.positionWait !== 'boolean')
    throw new ParameterError('positionWait', String(c.positionWait), 'true or false');
  positiveField('monitorIntervalMs', c.monitorIntervalMs, 'ms');
  if (typeof c.causalPartitioning !== 'boolean')
    throw new ParameterError('causalPartitioning', String(c.causalPartitioning), 'true or false');
  positiveField('leaderLatency', c.leaderLatency, 'ms', true);
  wholeField('clients', c.clients, 1, 10000);
  wholeField('keys', c.keys, 1, 2 ** 24);
  positiveField('zipf', c.zipf, 'exponent', true);
  probability('writeRatio', c.writeRatio);
  positiveField('ratePerMs', c.ratePerMs, 'operations per ms');
  wholeField('ops', c.ops, 1);
  probability('replyRatio', c.replyRatio);
  let crashDists: ResolvedLagConfig['crashDists'] = null;
  if (c.followerCrash !== null) {
    if (typeof c.followerCrash !== 'object')
      throw new ParameterError(
        'followerCrash',
        String(c.followerCrash),
        '{ ttf, ttr } distributions, or null',
      );
    crashDists = {
      ttf: distributionField('followerCrash.ttf', c.followerCrash.ttf),
      ttr: distributionField('followerCrash.ttr', c.followerCrash.ttr),
    };
  }
  return { ...c, replicationDist, clientDist, crashDists };
}
