import { ParameterError } from '../../errors.js';
import type { LatencyDistribution } from '../../latency/index.js';
import { SENTINEL_FAILOVER_INFO_PERIOD_MS } from './sentinel-failover.js';
import {
  choiceField,
  distributionField,
  positiveField,
  refuseUnknownFields,
  wholeField,
} from './validate.js';

/**
 * How a new leader is chosen:
 * - `'coordinator'`: an external coordinator (Orchestrator, Patroni style) watches the leader's
 *   heartbeats with its failure detector; on suspicion it asks every other node for its log
 *   position, promotes the most up-to-date one (latest last term, then longest log, then lowest
 *   id) to a new term, and the promoted node persists the term and starts heartbeating.
 * - `'raft'`: a Raft-style election. Each follower waits a random election timeout from
 *   [min, max], reset by every append or heartbeat from the leader and by every vote it grants;
 *   when it expires the follower becomes a candidate of the next term, persists its vote for
 *   itself (disk latency) and requests votes; a voter grants at most one vote per term
 *   (persisted before it answers) and only to a candidate whose log is at least as up to date as
 *   its own; a majority of all nodes elects; split votes run into the next timeout and a new round.
 * - `'sentinel'`: Redis Sentinel (sentinel.c of Redis 7.0): `sentinels` processes on their own
 *   jittered timers ping the primary, each marks it subjectively down `timeoutMs`
 *   (down-after-milliseconds) after its first unanswered PING, `sentinelQuorum` of them agreeing
 *   make it objectively down, one sentinel elected by a majority promotes the replica with the
 *   largest offset and names it to clients once the replica's INFO (polled every second) reports
 *   it a primary. Clients ask the first sentinel when a write is refused. See
 *   {@link SentinelFailover} in sentinel-failover.ts.
 */
export type ElectionMode = 'raft' | 'coordinator' | 'sentinel';

/**
 * How Raft's election timers run (with `election: 'raft'`):
 * - `'paper'`: a continuous timeout drawn from [min, max] again on every leader contact and vote
 *   (Ongaro and Ousterhout 2014, §5.2).
 * - `'etcd'`: etcd's raft library: ticks of one heartbeat interval per node, a randomized timeout of
 *   whole ticks in [T, 2T − 1] with T = floor(min / heartbeat), drawn again only when the node's
 *   state or term changes, CheckQuorum's leader lease on votes, pre-vote off (etcd 3.4) or on (`preVote`). See
 *   {@link EtcdRaftElection} in etcd-raft-election.ts.
 */
export type RaftTiming = 'paper' | 'etcd';

/** The coordinator's failure detector: a fixed timeout, or phi accrual. */
export type DetectorKind = 'timeout' | 'phi';

/**
 * What happens to the leader at the failure instant:
 * - `'crash'`: the process dies (in-flight messages still arrive; nothing more is sent); it
 *   restarts as a follower `faultDurationMs` later with its log and term, and rejoins.
 * - `'pause'`: a stop-the-world pause of a duration drawn from `pause`; messages and timers wait
 *   and run when it resumes, still believing it leads.
 * - `'partition'`: the leader is cut off from every other node and the coordinator (clients still
 *   reach it) for `faultDurationMs`.
 * - `'spike'`: a latency spike on the leader's outgoing link for a duration drawn from
 *   `spikeDuration`: every message it sends meanwhile (heartbeats, appends, votes) arrives an
 *   extra delay drawn once per spike from `spikeDelay` late; what it receives is on time and it
 *   keeps working (see `EgressSpikeNetwork` in egress-spike.ts for why egress only, and one draw per spike).
 *   The leader is alive throughout, so every failover a spike triggers is unnecessary.
 */
export type LeaderFault = 'crash' | 'pause' | 'partition' | 'spike';

/**
 * What keeps a deposed leader from doing harm, by mechanism (every rule acts through messages, a
 * node's own clock and its own state):
 * - `'none'`: no fencing token. A follower applies the entries of whichever node sends it appends,
 *   whatever that node's term, and acknowledges them (a replica that replicates from whoever
 *   connects); a deposed leader that reaches followers again replicates, commits and overwrites
 *   until it hears a newer leader's heartbeat.
 * - `'epoch'`: every term is a fencing token carried by every append; followers refuse appends of
 *   an older term and answer with their own, which makes the sender step down, so a deposed
 *   leader cannot reach a quorum. Until it hears of the newer term it still believes it leads: it
 *   serves reads and acknowledges the writes it needs no follower for (Kleppmann, DDIA ch. 8,
 *   "The leader and the lock", fencing tokens; Raft's term check, Ongaro and Ousterhout 2014 §5.1).
 * - `'lease'`: `'epoch'`, and the leader serves reads and writes only while it holds a lease: each
 *   heartbeat carries the leader's clock reading; a follower that accepts it promises not to vote
 *   for, stand as, or acknowledge another leader for `leaseMs` on its own clock and says so; once a
 *   majority (the leader included) has, the lease runs to that reading + `leaseMs` on the leader's
 *   own clock. With drifting clocks (`clockDrift`) the leader may believe a lease valid after the
 *   followers think it expired (D. Ongaro, Consensus: Bridging Theory and Practice, PhD thesis,
 *   Stanford 2014, §6.4.1: leases assume a bound on clock drift).
 */
export type FencingMode = 'none' | 'epoch' | 'lease';

/** One failover experiment: a cluster, its failure detection and promotion, and the leader's failure. Defaults in {@link FAILOVER_DEFAULTS}. */
export interface FailoverConfig {
  /** Nodes in the cluster (node 0 leads at first), an integer from 2 to 64. Default 5. */
  nodes: number;
  /** Promotion procedure (see {@link ElectionMode}). Default `'raft'`. */
  election: ElectionMode;
  /** Raft election timeout range [min, max] in ms, 0 < min <= max. Default [150, 300] (Ongaro and Ousterhout 2014, §9.3). */
  electionTimeoutMs: [number, number];
  /** Raft election timing (see {@link RaftTiming}). Default `'paper'`. */
  raftTiming: RaftTiming;
  /** Raft timing `'etcd'`: pre-vote (etcd's --pre-vote: a pre-candidate asks for pre-votes before it takes a new term). Default false (etcd 3.4's default). */
  preVote: boolean;
  /** Leader heartbeat interval, ms (> 0; below the coordinator timeout, or below the minimum election timeout). Default 50. */
  heartbeatMs: number;
  /** The coordinator's detector. `'phi'` needs `election: 'coordinator'` (Raft's randomized timeout is its own detector). Default `'timeout'`. */
  detector: DetectorKind;
  /** The coordinator's fixed timeout, ms, > heartbeatMs; with `'sentinel'`, down-after-milliseconds. Default 500. */
  timeoutMs: number;
  /** `'sentinel'`: sentinel processes, an integer from 1 to 15. Default 3. */
  sentinels: number;
  /** `'sentinel'`: sentinels that must see the primary down for ODOWN, 1..sentinels. Default 2. */
  sentinelQuorum: number;
  /** `'sentinel'`: failover-timeout, ms (> 0): election abort after min(10 s, it), retry after twice it. Default 180000 (Sentinel's). */
  sentinelFailoverTimeoutMs: number;
  /** Phi-accrual threshold (phi at which the leader is suspected), > 0. Default 8 (Cassandra's default). */
  phiThreshold: number;
  /** Phi-accrual window: inter-arrival times kept, >= 1. Default 100. */
  phiWindow: number;
  /** One-way message delay (every link, every kind), a distribution in text form. Default `exp(1)`. */
  latency: string;
  /**
   * Delay from the leader's append to shipping the entry to its followers (binlog dump thread,
   * WAL sender, batching), a distribution. Entries not yet shipped die with a crashed leader: with
   * async followers, acknowledged writes lost at failover. Default `exp(0.2)` (mean 5 ms).
   */
  replicationDelay: string;
  /** Time to persist a vote, a term or log entries (fsync), a distribution. Default `const(1)`. */
  disk: string;
  /**
   * The leader ships an entry (after `replicationDelay`) only once its own disk has it, as
   * PostgreSQL's WAL sender sends WAL up to the flush position only (walsender.c
   * XLogSendPhysical). Default false: from the append.
   */
  shipAfterDurable: boolean;
  /**
   * Stale followers K: the leader ships log entries to the last K followers `staleLagMs` later than
   * to the others (a lagging replication connection; heartbeats are not delayed), so at the
   * failure their logs are shorter (the unshipped tail dies with the leader) and they cannot win
   * against an up-to-date follower. 0..nodes-1. Default 0.
   */
  staleFollowers: number;
  /** Extra delay before entries are shipped to a stale follower, ms, >= 0. Default 200. */
  staleLagMs: number;
  /** The leader's failure (see {@link LeaderFault}). Default `'crash'`. */
  fault: LeaderFault;
  /** Pause durations (fault `'pause'`), a distribution. Default `uniform(0,1000)`. */
  pause: string;
  /**
   * Latency spike durations (fault `'spike'`), a distribution. Default `uniform(0,1000)`: a lab
   * default, the same as `pause` so the two faults compare, straddling the default detectors (Raft's
   * 150-300 ms, the coordinator's 500 ms).
   */
  spikeDuration: string;
  /**
   * The extra delay of the leader's outgoing messages during a spike, a distribution drawn once per
   * spike (a standing queue). Default `uniform(0,1000)`: a lab default spanning the queueing delays
   * of congested links, hundreds of ms to about a second (Gettys and Nichols, "Bufferbloat", 2012).
   */
  spikeDelay: string;
  /** How long a crashed leader stays down, or a partition lasts, ms (> 0). Default 2000. */
  faultDurationMs: number;
  /**
   * Asynchronous followers: of the nodes-1 initial followers, the last K acknowledge
   * asynchronously and the others synchronously (the leader waits for every sync follower). The
   * original leader, once a follower, is asynchronous. 0..nodes-1; null: all (the default).
   */
  asyncFollowers: number | null;
  /** Client writes per ms reaching the cluster (Poisson), >= 0. Default 0.1. */
  writeRate: number;
  /** Client reads per ms, sent to the node the clients believe leads (Poisson), >= 0. Default 0. */
  readRate: number;
  /** How a deposed leader is kept from harm (see {@link FencingMode}). Default `'epoch'` (the term check every run had before the choice existed). */
  fencing: FencingMode;
  /** Fencing `'lease'`: the lease a majority's acknowledgement of a heartbeat grants, ms on each node's own clock (> 0). Default 150, the minimum election timeout (Ongaro 2014, §6.4.1). */
  leaseMs: number;
  /** Clock drift bound rho: each node's clock runs at a rate drawn uniformly from [1 - rho, 1 + rho] per trial; its heartbeat, election and lease timers run on it. 0 <= rho < 1. Default 0. */
  clockDrift: number;
  /** Trials (independent failovers), an integer from 1 to 1e6. Default 200. */
  trials: number;
  /** Heartbeat intervals before the failure (the detector's history), an integer >= 1. Default 20. */
  warmupHeartbeats: number;
  /** How long a trial goes on after the fault ends (rejoin, convergence), ms; null: max(1000, 4 x the detection scale: the coordinator timeout, the maximum election timeout, or 10 heartbeats with phi). */
  observeMs: number | null;
}

/** The defaults of every {@link FailoverConfig} field. */
export const FAILOVER_DEFAULTS: Readonly<FailoverConfig> = Object.freeze({
  nodes: 5,
  election: 'raft',
  electionTimeoutMs: [150, 300],
  raftTiming: 'paper',
  preVote: false,
  heartbeatMs: 50,
  detector: 'timeout',
  timeoutMs: 500,
  sentinels: 3,
  sentinelQuorum: 2,
  sentinelFailoverTimeoutMs: 180_000,
  phiThreshold: 8,
  phiWindow: 100,
  latency: 'exp(1)',
  replicationDelay: 'exp(0.2)',
  disk: 'const(1)',
  shipAfterDurable: false,
  staleFollowers: 0,
  staleLagMs: 200,
  fault: 'crash',
  pause: 'uniform(0,1000)',
  spikeDuration: 'uniform(0,1000)',
  spikeDelay: 'uniform(0,1000)',
  faultDurationMs: 2000,
  asyncFollowers: null,
  writeRate: 0.1,
  readRate: 0,
  fencing: 'epoch',
  leaseMs: 150,
  clockDrift: 0,
  trials: 200,
  warmupHeartbeats: 20,
  observeMs: null,
} satisfies FailoverConfig);

/** A validated {@link FailoverConfig} with its distributions parsed. */
export interface ResolvedFailoverConfig extends FailoverConfig {
  latencyDist: LatencyDistribution;
  diskDist: LatencyDistribution;
  replicationDelayDist: LatencyDistribution;
  pauseDist: LatencyDistribution;
  spikeDurationDist: LatencyDistribution;
  spikeDelayDist: LatencyDistribution;
  /** Async followers as a number (null resolved). */
  asyncCount: number;
  /** The observation window after the fault, ms. */
  observeWindowMs: number;
}

/**
 * Fills in the defaults and checks every field; a ParameterError names the first bad one.
 *
 * @example
 * validateFailoverConfig({ electionTimeoutMs: [300, 150] }); // throws: electionTimeoutMs: got [300,150]; allowed: [min, max] with 0 < min <= max
 * validateFailoverConfig({ election: 'coordinator', heartbeatMs: 500, timeoutMs: 500 }); // throws on heartbeatMs
 */
export function validateFailoverConfig(config: Partial<FailoverConfig> = {}): ResolvedFailoverConfig {
  refuseUnknownFields(config, FAILOVER_DEFAULTS);
  const c: FailoverConfig = { ...FAILOVER_DEFAULTS, ...config };
  wholeField('nodes', c.nodes, 2, 64);
  const election = choiceField('election', c.election, ['raft', 'coordinator', 'sentinel'] as const);
  const range = c.electionTimeoutMs;
  if (!(
    Array.isArray(range) &&
    range.length === 2 &&
    range.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
    range[0] > 0 &&
    range[0] <= range[1]
  )) {
    throw new ParameterError(
      'electionTimeoutMs',
      JSON.stringify(range),
      '[min, max] with 0 < min <= max (ms)',
    );
  }
  positiveField('heartbeatMs', c.heartbeatMs);
  const raftTiming = choiceField('raftTiming', c.raftTiming, ['paper', 'etcd'] as const);
  if (election === 'raft' && raftTiming === 'etcd' && range[0] < 2 * c.heartbeatMs) {
    throw new ParameterError(
      'electionTimeoutMs',
      JSON.stringify(range),
      `with raftTiming 'etcd', a minimum of at least 2 heartbeats (${2 * c.heartbeatMs} ms): raft's ElectionTick must exceed its HeartbeatTick`,
    );
  }
  if (typeof c.preVote !== 'boolean') throw new ParameterError('preVote', String(c.preVote), 'true or false');
  if (c.preVote && !(election === 'raft' && raftTiming === 'etcd'))
    throw new ParameterError('preVote', 'true', "false unless election 'raft' with raftTiming 'etcd'");
  const detector = choiceField('detector', c.detector, ['timeout', 'phi'] as const);
  positiveField('timeoutMs', c.timeoutMs);
  wholeField('sentinels', c.sentinels, 1, 15);
  wholeField('sentinelQuorum', c.sentinelQuorum, 1, c.sentinels);
  positiveField('sentinelFailoverTimeoutMs', c.sentinelFailoverTimeoutMs);
  if (election === 'sentinel' && detector === 'phi') {
    throw new ParameterError(
      'detector',
      'phi',
      "'timeout' with election 'sentinel' (down-after-milliseconds)",
    );
  }
  if (election === 'raft' && detector === 'phi') {
    throw new ParameterError(
      'detector',
      'phi',
      "'timeout' with election 'raft' (its randomized election timeout is the detector); phi needs election 'coordinator'",
    );
  }
  if (election === 'raft' && c.heartbeatMs >= range[0]) {
    throw new ParameterError(
      'heartbeatMs',
      String(c.heartbeatMs),
      `less than the minimum election timeout (${range[0]} ms)`,
    );
  }
  if (election === 'coordinator' && detector === 'timeout' && c.heartbeatMs >= c.timeoutMs) {
    throw new ParameterError(
      'heartbeatMs',
      String(c.heartbeatMs),
      `less than the timeout (${c.timeoutMs} ms)`,
    );
  }
  positiveField('phiThreshold', c.phiThreshold, 'phi');
  wholeField('phiWindow', c.phiWindow, 1, 100000);
  const latencyDist = distributionField('latency', c.latency);
  const diskDist = distributionField('disk', c.disk);
  const replicationDelayDist = distributionField('replicationDelay', c.replicationDelay);
  if (typeof c.shipAfterDurable !== 'boolean')
    throw new ParameterError('shipAfterDurable', String(c.shipAfterDurable), 'true or false');
  wholeField('staleFollowers', c.staleFollowers, 0, c.nodes - 1);
  positiveField('staleLagMs', c.staleLagMs, 'ms', true);
  choiceField('fault', c.fault, ['crash', 'pause', 'partition', 'spike'] as const);
  const pauseDist = distributionField('pause', c.pause);
  const spikeDurationDist = distributionField('spikeDuration', c.spikeDuration);
  const spikeDelayDist = distributionField('spikeDelay', c.spikeDelay);
  positiveField('faultDurationMs', c.faultDurationMs);
  const asyncCount =
    c.asyncFollowers === null ? c.nodes - 1 : wholeField('asyncFollowers', c.asyncFollowers, 0, c.nodes - 1);
  positiveField('writeRate', c.writeRate, 'writes per ms', true);
  positiveField('readRate', c.readRate, 'reads per ms', true);
  choiceField('fencing', c.fencing, ['none', 'epoch', 'lease'] as const);
  positiveField('leaseMs', c.leaseMs);
  if (c.fencing === 'lease' && c.leaseMs <= c.heartbeatMs) {
    throw new ParameterError(
      'leaseMs',
      String(c.leaseMs),
      `more than the heartbeat interval (${c.heartbeatMs} ms) with fencing 'lease': the heartbeats renew it`,
    );
  }
  if (!(typeof c.clockDrift === 'number' && c.clockDrift >= 0 && c.clockDrift < 1))
    throw new ParameterError('clockDrift', String(c.clockDrift), 'a number with 0 <= rho < 1');
  wholeField('trials', c.trials, 1, 1_000_000);
  wholeField('warmupHeartbeats', c.warmupHeartbeats, 1, 100000);
  if (c.observeMs !== null) positiveField('observeMs', c.observeMs);
  const scale =
    election === 'raft'
      ? range[1]
      : election === 'sentinel'
        ? c.timeoutMs + 2 * SENTINEL_FAILOVER_INFO_PERIOD_MS
        : detector === 'timeout'
          ? c.timeoutMs
          : 10 * c.heartbeatMs;
  const observeWindowMs = c.observeMs ?? Math.max(1000, 4 * scale);
  return {
    ...c,
    latencyDist,
    diskDist,
    replicationDelayDist,
    pauseDist,
    spikeDurationDist,
    spikeDelayDist,
    asyncCount,
    observeWindowMs,
  };
}
