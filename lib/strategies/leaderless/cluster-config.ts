import { ParameterError } from '../../errors.js';
import type { LatencyDistribution } from '../../latency/distribution.js';
import { parseLatency, resolveLatency, type WarsLegs } from '../../latency/index.js';
import type { ClosedLoopArrivals, OpenLoopArrivals } from '../../workload/index.js';

/**
 * Who coordinates a quorum operation.
 * - `'random-node'`: a node chosen uniformly per operation (a load balancer in front of the
 *   cluster); it need not be one of the key's replicas.
 * - `'first-replica'`: the first node of the key's preference list (a partition-aware client
 *   library handing the operation to the key's "coordinator" in Dynamo's terms).
 * - `'client'`: the client itself (client-side routing, as in Voldemort): it sends to the N
 *   home replicas directly and counts the acks and responses.
 */
export type CoordinatorMode = 'random-node' | 'first-replica' | 'client';

/** How concurrent writes to one key are resolved. */
export type ConflictMode = 'lww' | 'siblings';

/**
 * Read repair (see `LeaderlessConfig.readRepair`): none, repairs sent after the read returns, or
 * the read returns only once its repairs are acknowledged.
 */
export type ReadRepairMode = 'off' | 'background' | 'blocking';

/** Crash-recovery churn of every node (see `Faults.churn` in lib/sim). */
export interface CrashConfig {
  /** Time to failure (up time) of a node, a distribution in text form, e.g. `exp(0.0001)` (mean 10 s). */
  ttf: string;
  /** Time to repair (down time) of a node, a distribution in text form, e.g. `exp(0.002)` (mean 500 ms). */
  ttr: string;
}

/**
 * A network partition in force from `startMs` to `endMs` (a scheduled partition).
 * Every link between nodes of two different groups is cut, both directions (see
 * `Faults.partitionAt` in lib/sim). Nodes named in no group, and every client, keep all their links
 * (a client reaches every coordinator; with `coordinator: 'client'` it reaches every replica).
 */
export interface PartitionConfig {
  /** When the cut starts, ms of virtual time; finite, >= 0. */
  startMs: number;
  /** When it heals, ms; >= startMs (`Infinity`: never). */
  endMs: number;
  /** Two or more disjoint, non-empty lists of node ids (0..nodes-1). */
  groups: number[][];
}

/**
 * Random network partitions, one at a time: after an up time drawn from
 * `every`, `isolate` nodes drawn uniformly are cut off from the other nodes (both directions) for
 * a time drawn from `duration`; then the next up time begins. Clients keep every link. No new cut
 * starts once the workload is over. Draws come from the run's partition stream, so a seed fixes
 * the cuts whatever the traffic (see `Faults.randomPartitions` in lib/sim).
 */
export interface RandomPartitionConfig {
  /** Time between cuts (from the start, or from the last heal), a distribution in text form, e.g. `exp(0.0002)` (mean 5 s). */
  every: string;
  /** How long a cut lasts, a distribution in text form, e.g. `exp(0.001)` (mean 1 s). */
  duration: string;
  /** Nodes cut off from the rest each time, 1..nodes-1. Default 1 (one node isolated). */
  isolate?: number;
}

/**
 * Slow nodes: every message to one of `nodes` arrives an extra delay later,
 * drawn from `delay` after the link's own delay (a long queue, a slow disk or a GC pause in
 * front of its handlers), so it applies writes and answers requests late. See
 * `Network.setNodeDelay` in lib/sim.
 */
export interface SlowNodesConfig {
  /** The slow nodes' ids (0..nodes-1, distinct, at least one). */
  nodes: number[];
  /** The extra delay per message, a distribution in text form, e.g. `exp(0.05)` (mean 20 ms). */
  delay: string;
}

/**
 * A Dynamo-style leaderless cluster and the workload run against it.
 * Every field has a default ({@link LEADERLESS_DEFAULTS}); {@link validateLeaderlessConfig} refuses
 * bad values with a ParameterError naming the field.
 */
export interface LeaderlessConfig {
  /** Physical nodes on the ring, ids 0..nodes-1; an integer >= 1. Default 5. */
  nodes: number;
  /** Replicas per key (N): the first N distinct nodes clockwise from the key; 1..nodes. Default 3. */
  n: number;
  /** Read quorum (R): replica responses a read waits for; 1..n. Default 2. */
  r: number;
  /** Write quorum (W): replica acks a write waits for before it is acknowledged; 1..n. Default 2. */
  w: number;
  /** Virtual nodes (ring tokens) per physical node; an integer >= 1. Default 64. */
  vnodes: number;
  /** Seed of the ring's token hashes (the ring layout), an integer in [0, 2^32). Default 0. */
  ringSeed: number;
  /** Number of keys, 0..keys-1 (key 0 the most popular under Zipf); an integer >= 1. Default 1000. */
  keys: number;
  /** Zipf exponent of key popularity, a finite number >= 0; 0 is uniform. Default 0. */
  zipf: number;
  /** Probability that an operation is a write, in [0, 1]. Default 0.5. */
  writeRatio: number;
  /** Number of clients, an integer >= 1. Default 10. */
  clients: number;
  /**
   * When clients issue operations: open loop (`{ kind: 'open', ratePerMs }`, Poisson per client)
   * or closed loop (`{ kind: 'closed', think }`, next op a think time after the previous ended).
   * Default open loop, 0.1 operations per ms per client (1 op/ms for 10 clients).
   */
  arrivals: OpenLoopArrivals | ClosedLoopArrivals;
  /** Mean operations per client session (geometric), >= 1; `Infinity`: one session per client. Default Infinity. */
  sessionLength: number;
  /** Operations issued in the run (reads plus writes), an integer >= 1. Default 10000. */
  ops: number;
  /**
   * The PBS probe, or null (the default): after each acknowledged write, its client reads the same
   * key this many ms after the acknowledgement (finite, >= 0). These reads come on top of `ops`
   * (they count in `reads`). With keys written once each (many keys, `writeRatio: 1`) and clients
   * as coordinators, every read is the single read of PBS's single write, t ms after its commit:
   * the setting of `runStaleness` (Bailis et al., VLDB 2012), on the cluster model. A delay of 0
   * puts the read at the acknowledgement's instant, which the checkers count as concurrent with the
   * write (a write is committed before a read only if acknowledged strictly before it starts), so
   * PBS's t = 0 is the limit t -> 0+ here.
   */
  probeReadAfterMs: number | null;
  /**
   * Message delays: a latency preset (whose W, A, R, S legs delay write requests, write acks,
   * read requests and read responses) or one distribution for all four. Default `'lnkd-ssd'`.
   */
  latency: string;
  /**
   * Per-request timeout in ms, measured by the client from the operation's start: a write without
   * W acks or a read without R responses by then fails (finite, > 0). Default 100.
   */
  timeoutMs: number;
  /** Who coordinates each operation (see {@link CoordinatorMode}). Default `'random-node'`. */
  coordinator: CoordinatorMode;
  /** Concurrent-write resolution: last-writer-wins by timestamp, or siblings with dotted version vectors. Default `'lww'`. */
  conflict: ConflictMode;
  /**
   * Distribution of each endpoint's (node's and client's) clock offset in ms, in text form
   * (e.g. `uniform(0,50)`), drawn once per run; `null`: perfect clocks. Default null.
   */
  clockSkew: string | null;
  /** Maximum clock drift: each clock's rate error is uniform in [-clockDrift, clockDrift]; in [0, 1). Default 0. */
  clockDrift: number;
  /** Crash-recovery churn of every node, or `null` for none. Clients never crash. Default null. */
  crash: CrashConfig | null;
  /**
   * Probability that a crash destroys the node's store (a disk failure), in [0, 1]. Default 0:
   * stores are durable. A destroyed store is restored when the node recovers, key by key, from
   * the first other home replica of the key that is up then (nothing when none is): a copy that
   * may be older than what was lost, so an acknowledged value can drop below W copies or vanish
   * (Kleppmann, DDIA ch. 5, "Limitations of Quorum Consistency"). Needs `crash`. LWW only: a
   * restored dotted-version-vector store would reissue its node's dots (Riak gives a restored
   * vnode a fresh actor id instead), which this model does not do.
   */
  storeLoss: number;
  /** Probability that any one message is lost, in [0, 1]. Default 0. */
  loss: number;
  /** Scheduled network partitions (see {@link PartitionConfig}). Default none. */
  partitions: PartitionConfig[];
  /** Random network partitions (see {@link RandomPartitionConfig}), or `null` for none. Default null. */
  randomPartitions: RandomPartitionConfig | null;
  /** Slow nodes (see {@link SlowNodesConfig}), or `null` for none. Default null. */
  slowNodes: SlowNodesConfig | null;
  /**
   * Sloppy quorum with hinted handoff (Dynamo, DeCandia et al., SOSP 2007, §4.6). Default false:
   * strict quorums over the N home replicas.
   *
   * With `true`:
   * - Failure detector (an assumption, stated): the coordinator sees the true state at send time:
   *   a node is unreachable when it is down or the link from the coordinator to it is cut by a
   *   partition. Crashes after the send are not foreseen (the replica just never answers).
   * - Writes go to the key's sloppy preference list (`HashRing.sloppyPreferenceList`): the
   *   reachable home replicas, and for each unreachable one the next reachable node clockwise past
   *   the N homes (a stand-in), which stores the write as a hint naming the home replica. W counts
   *   acks from home replicas and stand-ins alike.
   * - Reads go to the same sloppy list: a stand-in answers from the hints it holds for that key
   *   and that home replica (nothing if it holds none). So the read and write sets of a key need
   *   not overlap even with R + W > N: reads can be stale (`non_overlapping_reads` counts them).
   * - Hints are volatile: kept in the stand-in's memory, lost when it crashes (`hints_lost`).
   *   Every `hintedHandoffIntervalMs` each up stand-in sends each hint store whose home it can
   *   reach (the same detector) to that home, which merges it into its own store and acks; the
   *   stand-in then deletes the store (`hints_handed_off`) unless a newer hinted write arrived
   *   meanwhile (then the next round sends it again).
   * - After the workload the run goes on handing off hints until none is held, for at most 100
   *   handoff rounds (a bound for homes that stay unreachable); hints still held then count as
   *   held (`hints_stored - hints_handed_off - hints_lost`).
   */
  sloppy: boolean;
  /**
   * How often (ms) a stand-in tries to hand its hints off to their home replicas (Dynamo §4.6:
   * hinted replicas "are scanned periodically"); finite, > 0. Default 1000: a lab-scale choice
   * (a few times the default MTTR in the examples; Cassandra and Riak retry on the order of
   * seconds to a minute). Used only with `sloppy: true`.
   */
  hintedHandoffIntervalMs: number;
  /**
   * Read repair (Dynamo §5; Cassandra's blocking and background read repair). Default `'off'`.
   * Only home replicas are repaired (a stand-in's hints are left to hinted handoff).
   * - `'background'`: the read returns at the R-th response as without repair; the coordinator
   *   keeps collecting responses until all targets answered or the client's timeout, then sends
   *   the merged newest state (LWW winner; siblings: the responses synced) to every home replica
   *   that answered with something older (LWW: an older register; siblings: a causal context short
   *   of the merge's). Repairs are not acknowledged to anyone the client waits for.
   * - `'blocking'`: at the R-th response the coordinator repairs the stale replicas among those R
   *   and the read returns only when every repair is acknowledged (or fails at the timeout): reads
   *   that saw a stale replica pay a write round trip. Later responses are ignored.
   * A repair on the coordinator's own store is applied locally without a message.
   */
  readRepair: ReadRepairMode;
  /**
   * Anti-entropy interval in ms (Dynamo §4.7), or null for none (the default). Every interval,
   * each node that is up starts an exchange with each node it shares keys with: the two compare
   * Merkle trees built over the keys both replicate (one digest per key of each side's stored
   * version) and exchange the differing keys both ways (LWW: both keep the newer register;
   * siblings: both sync). Each step of the exchange (root hash, children hashes of a differing
   * node, a differing leaf's entries, key versions) is a message on the run's network, delayed,
   * lost or cut like any other (anti-entropy.ts); a lost message leaves the keys below it to the
   * next round. Messages and bytes are counted (`anti_entropy_messages`, `anti_entropy_bytes`). After the
   * workload the run keeps doing rounds until every key's home replicas hold the same state, for
   * at most 1000 rounds (see `convergence_ms`). Finite, > 0.
   */
  antiEntropyIntervalMs: number | null;
}

/** The default arrivals: open loop, 0.1 operations per ms per client (1 op/ms for 10 clients). */
export const DEFAULT_ARRIVALS: Readonly<OpenLoopArrivals> = Object.freeze({ kind: 'open', ratePerMs: 0.1 });

/** Nodes a random partition cuts off when `RandomPartitionConfig.isolate` is not given. */
export const DEFAULT_PARTITION_ISOLATE = 1;

/** The defaults of every {@link LeaderlessConfig} field. */
export const LEADERLESS_DEFAULTS: Readonly<LeaderlessConfig> = Object.freeze({
  nodes: 5,
  n: 3,
  r: 2,
  w: 2,
  vnodes: 64,
  ringSeed: 0,
  keys: 1000,
  zipf: 0,
  writeRatio: 0.5,
  clients: 10,
  arrivals: { ...DEFAULT_ARRIVALS },
  sessionLength: Infinity,
  ops: 10000,
  probeReadAfterMs: null,
  latency: 'lnkd-ssd',
  timeoutMs: 100,
  coordinator: 'random-node',
  conflict: 'lww',
  clockSkew: null,
  clockDrift: 0,
  crash: null,
  storeLoss: 0,
  loss: 0,
  partitions: [],
  randomPartitions: null,
  slowNodes: null,
  sloppy: false,
  hintedHandoffIntervalMs: 1000,
  readRepair: 'off',
  antiEntropyIntervalMs: null,
} satisfies LeaderlessConfig);

/** A validated config with its distributions parsed. */
export interface ResolvedLeaderlessConfig extends LeaderlessConfig {
  /** The four message legs. */
  legs: WarsLegs;
  /** The clock-offset distribution, or null. */
  skew: LatencyDistribution | null;
  /** The churn distributions, or null. */
  churn: { ttf: LatencyDistribution; ttr: LatencyDistribution } | null;
  /** The random partitions' distributions and size, or null. */
  randomCuts: { every: LatencyDistribution; duration: LatencyDistribution; isolate: number } | null;
  /** The slow nodes' extra delay, or null. */
  slowDelay: LatencyDistribution | null;
}

function whole(
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  maxText = '',
): number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new ParameterError(
      field,
      String(value),
      maxText === '' ? `an integer >= ${min}` : `an integer from ${min} to ${maxText}`,
    );
  }
  return value;
}

function probability(field: string, value: unknown): number {
  if (!(typeof value === 'number' && value >= 0 && value <= 1))
    throw new ParameterError(field, String(value), 'a number from 0 to 1');
  return value;
}

/**
 * Fills in the defaults, checks every field and parses the distributions. Throws a ParameterError
 * naming the first bad field (e.g. `w: got 4; allowed: an integer from 1 to n (3)`), before any work.
 *
 * @param config - any subset of the fields; the rest take {@link LEADERLESS_DEFAULTS}
 * @example
 * validateLeaderlessConfig({ n: 3, w: 3, r: 1 }).legs.W; // the lnkd-ssd write leg
 * validateLeaderlessConfig({ n: 3, w: 4 });              // throws: w: got 4; allowed: an integer from 1 to n (3)
 */
export function validateLeaderlessConfig(config: Partial<LeaderlessConfig> = {}): ResolvedLeaderlessConfig {
  if (config === null || typeof config !== 'object')
    throw new ParameterError('config', String(config), 'a config object');
  const c: LeaderlessConfig = { ...LEADERLESS_DEFAULTS, ...config };
  for (const key of Object.keys(config)) {
    if (!Object.hasOwn(LEADERLESS_DEFAULTS, key))
      throw new ParameterError(key, 'an unknown field', Object.keys(LEADERLESS_DEFAULTS).join(', '));
  }
  whole('nodes', c.nodes, 1, 4096, '4096');
  whole('n', c.n, 1, c.nodes, `nodes (${c.nodes})`);
  whole('r', c.r, 1, c.n, `n (${c.n})`);
  whole('w', c.w, 1, c.n, `n (${c.n})`);
  whole('vnodes', c.vnodes, 1, 65536, '65536');
  whole('ringSeed', c.ringSeed, 0, 0xffffffff, '4294967295');
  whole('keys', c.keys, 1, 2 ** 24, '16777216');
  if (!(typeof c.zipf === 'number' && Number.isFinite(c.zipf) && c.zipf >= 0))
    throw new ParameterError('zipf', String(c.zipf), 'a finite number >= 0 (0: uniform)');
  probability('writeRatio', c.writeRatio);
  whole('clients', c.clients, 1, 2 ** 20, '1048576');
  const arrivals = c.arrivals as OpenLoopArrivals | ClosedLoopArrivals | undefined;
  if (arrivals?.kind === 'open') {
    if (!(
      typeof arrivals.ratePerMs === 'number' &&
      Number.isFinite(arrivals.ratePerMs) &&
      arrivals.ratePerMs > 0
    )) {
      throw new ParameterError(
        'arrivals.ratePerMs',
        String(arrivals.ratePerMs),
        'a finite number > 0 (operations per ms per client)',
      );
    }
  } else if (arrivals?.kind === 'closed') {
    if (typeof arrivals.think === 'string') parseLatency(arrivals.think, 'arrivals.think');
    else if (typeof arrivals.think?.sample !== 'function')
      throw new ParameterError('arrivals.think', String(arrivals.think), 'a distribution, e.g. exp(0.1)');
  } else {
    throw new ParameterError(
      'arrivals.kind',
      String((arrivals as { kind?: unknown } | undefined)?.kind),
      "'open' or 'closed'",
    );
  }
  if (!(typeof c.sessionLength === 'number' && c.sessionLength >= 1))
    throw new ParameterError('sessionLength', String(c.sessionLength), 'a number >= 1, or Infinity');
  whole('ops', c.ops, 1, 2 ** 31 - 1, '2147483647');
  if (
    c.probeReadAfterMs !== null &&
    !(
      typeof c.probeReadAfterMs === 'number' &&
      Number.isFinite(c.probeReadAfterMs) &&
      c.probeReadAfterMs >= 0
    )
  ) {
    throw new ParameterError(
      'probeReadAfterMs',
      String(c.probeReadAfterMs),
      'a finite number of ms >= 0, or null (no probe reads)',
    );
  }
  const legs = resolveLatency(c.latency, 'latency');
  if (legs.wan !== undefined)
    throw new ParameterError('latency', c.latency, 'a preset or distribution without a WAN layout');
  if (!(typeof c.timeoutMs === 'number' && Number.isFinite(c.timeoutMs) && c.timeoutMs > 0))
    throw new ParameterError('timeoutMs', String(c.timeoutMs), 'a finite number of ms > 0');
  if (c.coordinator !== 'random-node' && c.coordinator !== 'first-replica' && c.coordinator !== 'client') {
    throw new ParameterError(
      'coordinator',
      String(c.coordinator),
      "'random-node', 'first-replica' or 'client'",
    );
  }
  if (c.conflict !== 'lww' && c.conflict !== 'siblings')
    throw new ParameterError('conflict', String(c.conflict), "'lww' or 'siblings'");
  const skew = c.clockSkew === null ? null : parseLatency(c.clockSkew, 'clockSkew');
  if (!(typeof c.clockDrift === 'number' && c.clockDrift >= 0 && c.clockDrift < 1))
    throw new ParameterError('clockDrift', String(c.clockDrift), 'a number in [0, 1)');
  let churn: ResolvedLeaderlessConfig['churn'] = null;
  if (c.crash !== null) {
    if (typeof c.crash !== 'object')
      throw new ParameterError('crash', String(c.crash), '{ ttf, ttr } distributions, or null');
    churn = { ttf: parseLatency(c.crash.ttf, 'crash.ttf'), ttr: parseLatency(c.crash.ttr, 'crash.ttr') };
  }
  probability('storeLoss', c.storeLoss);
  if (c.storeLoss > 0 && c.crash === null)
    throw new ParameterError(
      'storeLoss',
      String(c.storeLoss),
      '0 without crash churn (a store is lost in a crash): set crash too',
    );
  if (c.storeLoss > 0 && c.conflict === 'siblings')
    throw new ParameterError(
      'storeLoss',
      String(c.storeLoss),
      "0 with conflict 'siblings' (restoring a version-vector store is not modelled)",
    );
  probability('loss', c.loss);
  validatePartitions(c.partitions, c.nodes);
  const randomCuts = validateRandomPartitions(c.randomPartitions, c.nodes);
  const slowDelay = validateSlowNodes(c.slowNodes, c.nodes);
  if (typeof c.sloppy !== 'boolean') throw new ParameterError('sloppy', String(c.sloppy), 'true or false');
  if (!(
    typeof c.hintedHandoffIntervalMs === 'number' &&
    Number.isFinite(c.hintedHandoffIntervalMs) &&
    c.hintedHandoffIntervalMs > 0
  )) {
    throw new ParameterError(
      'hintedHandoffIntervalMs',
      String(c.hintedHandoffIntervalMs),
      'a finite number of ms > 0',
    );
  }
  if (c.readRepair !== 'off' && c.readRepair !== 'background' && c.readRepair !== 'blocking') {
    throw new ParameterError('readRepair', String(c.readRepair), "'off', 'background' or 'blocking'");
  }
  if (
    c.antiEntropyIntervalMs !== null &&
    !(
      typeof c.antiEntropyIntervalMs === 'number' &&
      Number.isFinite(c.antiEntropyIntervalMs) &&
      c.antiEntropyIntervalMs > 0
    )
  ) {
    throw new ParameterError(
      'antiEntropyIntervalMs',
      String(c.antiEntropyIntervalMs),
      'a finite number of ms > 0, or null (none)',
    );
  }
  return { ...c, legs, skew, churn, randomCuts, slowDelay };
}

function validateRandomPartitions(p: unknown, nodes: number): ResolvedLeaderlessConfig['randomCuts'] {
  if (p === null) return null;
  if (typeof p !== 'object' || Array.isArray(p))
    throw new ParameterError('randomPartitions', String(p), '{ every, duration, isolate }, or null');
  const { every, duration, isolate = DEFAULT_PARTITION_ISOLATE } = p as RandomPartitionConfig;
  const everyDist = parseLatency(every, 'randomPartitions.every');
  const durationDist = parseLatency(duration, 'randomPartitions.duration');
  if (nodes < 2)
    throw new ParameterError('randomPartitions', 'with one node', 'at least 2 nodes to partition');
  whole('randomPartitions.isolate', isolate, 1, nodes - 1, `nodes - 1 (${nodes - 1})`);
  return { every: everyDist, duration: durationDist, isolate };
}

function validateSlowNodes(p: unknown, nodes: number): LatencyDistribution | null {
  if (p === null) return null;
  if (typeof p !== 'object' || Array.isArray(p))
    throw new ParameterError('slowNodes', String(p), '{ nodes: [ids], delay: SPEC }, or null');
  const { nodes: ids, delay } = p as SlowNodesConfig;
  const seen = new Set<number>();
  const ok =
    Array.isArray(ids) &&
    ids.length >= 1 &&
    ids.every((id) => {
      const fine = Number.isInteger(id) && id >= 0 && id < nodes && !seen.has(id);
      seen.add(id);
      return fine;
    });
  if (!ok)
    throw new ParameterError(
      'slowNodes.nodes',
      JSON.stringify(ids),
      `a non-empty list of distinct node ids from 0 to ${nodes - 1}`,
    );
  return parseLatency(delay, 'slowNodes.delay');
}

function validatePartitions(partitions: unknown, nodes: number): void {
  if (!Array.isArray(partitions))
    throw new ParameterError('partitions', String(partitions), 'a list of { startMs, endMs, groups }');
  partitions.forEach((p: unknown, i: number) => {
    const field = `partitions[${i}]`;
    if (p === null || typeof p !== 'object')
      throw new ParameterError(field, String(p), '{ startMs, endMs, groups }');
    const { startMs, endMs, groups } = p as Partial<PartitionConfig>;
    if (!(typeof startMs === 'number' && Number.isFinite(startMs) && startMs >= 0)) {
      throw new ParameterError(`${field}.startMs`, String(startMs), 'a finite number of ms >= 0');
    }
    if (!(typeof endMs === 'number' && endMs >= startMs))
      throw new ParameterError(
        `${field}.endMs`,
        String(endMs),
        `a number of ms >= startMs (${startMs}), or Infinity`,
      );
    const seen = new Set<number>();
    const ok =
      Array.isArray(groups) &&
      groups.length >= 2 &&
      groups.every(
        (g) =>
          Array.isArray(g) &&
          g.length >= 1 &&
          g.every((node) => {
            const fine = Number.isInteger(node) && node >= 0 && node < nodes && !seen.has(node);
            seen.add(node);
            return fine;
          }),
      );
    if (!ok) {
      throw new ParameterError(
        `${field}.groups`,
        JSON.stringify(groups),
        `two or more disjoint, non-empty lists of node ids from 0 to ${nodes - 1}`,
      );
    }
  });
}
