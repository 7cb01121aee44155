/**
 * Replication lag and read routing: partitioned data, each partition a
 * leader with asynchronous followers, clients writing to leaders and reading where a routing
 * policy sends them; session anomalies counted as the run goes by lib/check's streaming trackers.
 */
import {
  ConsistentPrefixTracker,
  HistoryRecorder,
  MonotonicReadTracker,
  NO_DEPENDENCIES,
  NO_VERSIONS,
  proportion,
  ReadYourWritesTracker,
  timestampOrder,
  type CountEstimate,
  type Dependencies,
  type History,
  type OwnWrite,
} from '../../check/index.js';
import { deriveStream } from '../../random/index.js';
import {
  Faults,
  Network,
  Nodes,
  PROGRESS_EVERY_EVENTS,
  Simulation,
  type ProgressCallback,
} from '../../sim/index.js';
import {
  BatchMeans,
  latencySummary,
  LogHistogram,
  type LatencySummary,
  type LogHistogramData,
  type MeanEstimate,
} from '../../stats/index.js';
import { createWorkload, type WorkloadOp } from '../../workload/index.js';
import { validateLagConfig, type LagConfig, type ResolvedLagConfig } from './lag-config.js';
import { APPEND, CLIENT_WRITE, HEARTBEAT, POSITION, POSITION_QUERY } from './message-kinds.js';

/**
 * What one {@link runLag} measured. The first six names are the stable JSON names of
 * `replilab lag --json`.
 */
export interface LagResult {
  /** Read-your-writes violations, out of reads with an own acknowledged write of the key before them. */
  ryw_violations: number;
  /** Monotonic-read violations, out of reads after an earlier read of the key by the same client. */
  monotonic_read_violations: number;
  /** Consistent-prefix violations, out of reads of a key on which the client had seen a dependent write. */
  consistent_prefix_violations: number;
  /** Share of reads served by a leader. */
  leader_read_share: number;
  /** Replication lag: from an entry's append at the leader to its apply at a follower, over every (entry, follower). */
  lag_ms: LatencySummary;
  /** Read latency at the client (waits included), ms. */
  read_latency_ms: LatencySummary;
  /** Reads and writes completed. */
  reads: number;
  writes: number;
  /** Reads that never returned (a follower crashed while the read waited there). */
  failed_reads: number;
  /**
   * The true replication lag of the follower each follower read was routed to, when it was routed:
   * the age of the oldest entry of the leader's log that follower had not applied (0 if none), ms.
   */
  replication_lag_ms: LatencySummary;
  /** The same follower's lag as the lag monitor last reported it, at the same moment, ms. */
  monitored_lag_ms: LatencySummary;
  /**
   * How much the monitor's figure fell short of the true lag at the same moment,
   * max(0, true - monitored), ms. At most the age of the report, which is below a poll interval
   * plus the spread of the poll's round trip.
   */
  monitor_underestimate_ms: LatencySummary;
  /** Share of follower reads routed to a follower whose true lag exceeded `maxLagMs`. */
  lag_bound_exceeded: number;
  /**
   * Per returned read: how long the newest write to the key acknowledged before the read was
   * issued had been committed (appended by the leader) when the read returned, if the read returned
   * an older version (or none); 0 for a fresh read, ms.
   */
  read_age_ms: LatencySummary;
  /** Per returned read: versions of the key from the returned one (exclusive) to that newest acknowledged one. */
  versions_behind: LatencySummary;
  /** Share of returned reads older than the newest write acknowledged before they were issued. */
  stale_reads: number;
  /**
   * The means of the five distributions above with 95% confidence intervals, by batch means over
   * the run (their samples are correlated in time; see lib/stats/batch-means.ts).
   */
  mean_intervals: Record<LagMeanName, MeanEstimate>;
  /** The proportions with counts and Wilson 95% intervals. */
  intervals: {
    ryw_violations: CountEstimate;
    monotonic_read_violations: CountEstimate;
    consistent_prefix_violations: CountEstimate;
    leader_read_share: CountEstimate;
    lag_bound_exceeded: CountEstimate;
    stale_reads: CountEstimate;
  };
}

/** The distributions of a lag run whose means carry a confidence interval (`mean_intervals`). */
export type LagMeanName =
  'replication_lag_ms' | 'monitored_lag_ms' | 'monitor_underestimate_ms' | 'read_age_ms' | 'versions_behind';

/** The samples of a lag run's distributions, each named as its summary in {@link LagResult}. */
export interface LagHistograms {
  lag_ms: LogHistogramData;
  read_latency_ms: LogHistogramData;
  replication_lag_ms: LogHistogramData;
  monitored_lag_ms: LogHistogramData;
  monitor_underestimate_ms: LogHistogramData;
  read_age_ms: LogHistogramData;
  versions_behind: LogHistogramData;
}

/**
 * A run's result and the samples of its latency summaries, without its history: what
 * {@link runLagSummary} returns.
 */
export interface LagSummaryRun {
  result: LagResult;
  /**
   * The samples the result's summaries are computed from (`latencySummary` of each gives the
   * summary of the same name), as plain data: what a sweep merges to pool quantiles over runs.
   */
  histograms: LagHistograms;
  config: ResolvedLagConfig;
  /** Simulation events dispatched (not part of the result: a figure for benchmarks). */
  events: number;
}

/**
 * A run's result with its history, the writes' dependencies and commit times (for checks and
 * replays), and its samples.
 */
export interface LagRun extends LagSummaryRun {
  history: History;
  dependsOn: Map<number, number[]>;
  /** Write id -> when its leader appended it (committed it), ms; writes never appended are absent. */
  commitMs: Map<number, number>;
}

/** Options of a lag run. */
export interface LagRunOptions {
  /** Record the full history (every write and returned read, and the final state) and the writes' dependencies. Default false. */
  record?: boolean;
  /** Called with the fraction of the operations finished, at most every {@link PROGRESS_EVERY_EVENTS} events, and with 1 at the end. */
  onProgress?: ProgressCallback;
  /** Told each (entry, follower) apply's lag, ms (the samples of `lag_ms`, for a calibration's KS distance). */
  onApplyLag?: (ms: number) => void;
  /** Told, at each follower read, the true lag and the monitor's figure, ms (the samples of `replication_lag_ms` and `monitored_lag_ms`). */
  onFollowerRead?: (trueMs: number, monitoredMs: number) => void;
}

const REPLICATE = APPEND;
const CATCH_UP = HEARTBEAT;
const ISSUE = CLIENT_WRITE;
const ARRIVE = CLIENT_WRITE + 1;
const RETURN = CLIENT_WRITE + 2;
/** The lag monitor's poll of a follower, carrying the poll's number, and the follower's reply with its applied position. */
const POLL = POSITION_QUERY;
const REPORT = POSITION;

/**
 * Log entries dropped at once, at least: the leader's log is trimmed in steps, not at every apply.
 * Small, so that a write (and the dependency map it carries) is let go soon after every follower
 * reported it applied: held for a thousand entries, every write outlived a young-generation
 * collection, and V8 grows its young generation with the bytes that survive one
 * (Heap::CheckNewSpaceExpansionCriteria in V8's src/heap/heap.cc), so the process's memory grew
 * with the run's length though what it held did not. Trimming copies only the entries kept.
 */
const TRIM_STEP = 64;

/**
 * One write as the run keeps it while anything can still read it or depend on it: a node's value,
 * a log entry not yet applied everywhere, a read in flight, or a client's last read. Its version
 * for the checkers is (its log position, its id), and it carries what reading it brings into a
 * client's view (its consistent-prefix dependencies).
 */
class LagWrite implements OwnWrite {
  /** Its log position in its partition, once the leader has appended it (timestampOrder's timestamp). */
  timestamp = 0;
  /** When the leader appended it, ms. */
  commitMs = 0;
  /** Its version number among the writes to its key, in log order (1 for the first), once appended. */
  keyVersion = 0;
  /**
   * The dependencies of a write that answers this one: built at the first answer and shared by
   * every later one (a function of this write alone, and immutable), so that answers to one
   * question allocate one map between them, not one each.
   */
  answerDependencies: Dependencies | null = null;
  constructor(
    readonly id: number,
    readonly client: number,
    readonly session: number,
    readonly key: number,
    readonly invokeMs: number,
    readonly dependencies: Dependencies,
  ) {}
}

/**
 * A partition leader's replication log from the oldest entry some follower still needs: entries
 * every follower has applied are dropped (they are never read again), so the log follows the
 * replication lag, not the length of the run. Positions count from 1 over the whole run.
 */
class PartitionLog {
  /** Entries dropped so far: position `base + 1` is `writes[0]`. */
  private base = 0;
  private writes: LagWrite[] = [];
  private appendedMs: number[] = [];

  /** Entries appended in all (the position of the last one). */
  get length(): number {
    return this.base + this.writes.length;
  }

  append(w: LagWrite, atMs: number): number {
    this.writes.push(w);
    this.appendedMs.push(atMs);
    return this.length;
  }

  /** The write at `position` (not dropped). */
  write(position: number): LagWrite {
    return this.writes[position - 1 - this.base];
  }

  /** When the entry at `position` was appended, ms. */
  appendMs(position: number): number {
    return this.appendedMs[position - 1 - this.base];
  }

  /** Drops the entries up to `position` once there are {@link TRIM_STEP} of them or more. */
  trim(position: number): void {
    const drop = position - this.base;
    if (drop < TRIM_STEP) return;
    this.writes = this.writes.slice(drop);
    this.appendedMs = this.appendedMs.slice(drop);
    this.base = position;
  }
}

/**
 * The log positions a follower has received beyond the next one it can apply (an entry overtaken
 * in flight waits for the ones before it), as flags in a ring over the positions just above its
 * applied one: nothing allocated per entry.
 */
class ReceivedAhead {
  private marks = new Uint8Array(64);

  /** Position `position`, above `applied` (the follower's last applied position), was received. */
  add(position: number, applied: number): void {
    while (position - applied > this.marks.length) this.grow(applied);
    this.marks[position & (this.marks.length - 1)] = 1;
  }

  /** Whether `position` (the next to apply) was received; forgets it if so. */
  take(position: number): boolean {
    const i = position & (this.marks.length - 1);
    if (this.marks[i] === 0) return false;
    this.marks[i] = 0;
    return true;
  }

  /** Forgets everything received (a crash). */
  clear(): void {
    this.marks.fill(0);
  }

  /** Doubles the ring; positions in flight are those in (applied, applied + length]. */
  private grow(applied: number): void {
    const old = this.marks;
    const marks = new Uint8Array(2 * old.length);
    for (let p = applied + 1; p <= applied + old.length; p++)
      marks[p & (marks.length - 1)] = old[p & (old.length - 1)];
    this.marks = marks;
  }
}

/** Copies a workload operation's fields into `to` (the workload reuses its object). */
function copyOp(from: WorkloadOp, to: WorkloadOp): WorkloadOp {
  to.seq = from.seq;
  to.timeMs = from.timeMs;
  to.client = from.client;
  to.session = from.session;
  to.op = from.op;
  to.key = from.key;
  to.writeId = from.writeId;
  return to;
}

/** A read in flight, in a slot reused once it has returned or is lost. */
interface ReadState {
  client: number;
  session: number;
  key: number;
  invokeMs: number;
  node: number;
  returned: LagWrite | null;
  position: number;
  /** The newest write to the key acknowledged before the read was issued (the staleness reference), if any. */
  fresh: LagWrite | null;
}

/**
 * One run of the replication-lag model, a pure function of (config, seed), with its history.
 *
 * Nodes: partition p has leader p (F+1) and followers p (F+1) + 1..F. A write travels to its
 * key's leader (`clientLatency`), is applied there (its log position is its version) and
 * acknowledged back; the leader ships it to each follower (`replicationLatency`), which applies
 * entries in log order. A read is routed when issued, using what the client knows then (its
 * writes' positions once acknowledged, the positions it has read) and, for `'lag-bounded'` and
 * `'client-position'`, what the lag monitor last heard: each leader polls its followers' applied
 * positions every `monitorIntervalMs` over the network (the poll and the reply each take a
 * `replicationLatency` draw, from a stream of their own so that monitoring shifts no other draw),
 * and between replies the router sees the positions and the lag as of the last reply (the lag the
 * leader computed when it arrived: the age of the oldest entry the follower had not applied, as
 * pg_stat_replication or SHOW REPLICA STATUS show between refreshes). The read returns the value
 * the node holds when the read arrives. A crashed
 * follower keeps its applied log and is sent the entries it missed when it recovers. Clients
 * never fail. A write answers (depends on) the last write its client read on another key, with
 * probability `replyRatio`.
 *
 * The session anomalies are counted as the run goes by lib/check's streaming trackers
 * (read-your-writes, monotonic reads, consistent prefix), the latencies in histograms, so a run
 * without `record` keeps state for the keys, clients and operations in flight only. Tests hold
 * the counts equal to lib/check's history checkers on the recorded history.
 *
 * @param config - any subset of {@link LagConfig}
 * @param seed - the seed of every stream
 * @example
 * runLagWithHistory({ routing: 'leader-for-own' }, 1).result.ryw_violations; // 0
 * runLag({ routing: 'random' }, 1).ryw_violations;                          // > 0
 */
export function runLagWithHistory(
  config: Partial<LagConfig>,
  seed: number,
  options: Omit<LagRunOptions, 'record'> = {},
): LagRun {
  return simulateLag(config, seed, { ...options, record: true }) as LagRun;
}

/**
 * {@link runLagWithHistory}'s result and samples without recording the history: memory follows
 * the keys, clients, log entries not yet applied everywhere and operations in flight, not the
 * number of operations. Same result for the same (config, seed). With `record: true`, the run
 * with its history ({@link runLagWithHistory}).
 *
 * @example
 * runLagSummary({ routing: 'sticky', ops: 1e6 }, 1).histograms.lag_ms.total; // every (entry, follower) apply
 * runLagSummary({ ops: 2000 }, 1, { record: true }).history.reads.length;
 */
export function runLagSummary(
  config: Partial<LagConfig>,
  seed: number,
  options: LagRunOptions & { record: true },
): LagRun;
export function runLagSummary(
  config: Partial<LagConfig>,
  seed: number,
  options?: LagRunOptions,
): LagSummaryRun;
export function runLagSummary(
  config: Partial<LagConfig>,
  seed: number,
  options: LagRunOptions = {},
): LagSummaryRun | LagRun {
  return simulateLag(config, seed, options);
}

function simulateLag(
  config: Partial<LagConfig>,
  seed: number,
  options: LagRunOptions,
): LagSummaryRun | LagRun {
  const cfg = validateLagConfig(config);
  const record = options.record === true;
  const F = cfg.followers;
  const P = cfg.partitions;
  const group = F + 1;
  const size = P * group;
  const sim = new Simulation(deriveStream(seed, 0, 0), 1024);
  const nodes = new Nodes(sim, size);
  const net = new Network(sim, { size, delay: cfg.replicationDist, nodes });
  const routeRng = deriveStream(seed, 0, 3);
  // The lag monitor's connection: same delays as replication, its own stream (see runLagWithHistory).
  const monitorNet = new Network(sim, {
    size,
    delay: cfg.replicationDist,
    nodes,
    rng: deriveStream(seed, 0, 4),
  });
  const workload = createWorkload(
    {
      clients: cfg.clients,
      arrivals: { kind: 'open', ratePerMs: cfg.ratePerMs },
      writeRatio: cfg.writeRatio,
      keys: cfg.keys,
      zipf: cfg.zipf,
    },
    deriveStream(seed, 0, 1),
  );
  if (cfg.crashDists !== null) {
    const faults = new Faults(sim, nodes, net);
    for (let p = 0; p < P; p++)
      for (let f = 1; f <= F; f++) faults.churn(p * group + f, cfg.crashDists.ttf, cfg.crashDists.ttr);
  }

  // Leaders' logs and every node's state.
  const logs = Array.from({ length: P }, () => new PartitionLog());
  const applied = new Int32Array(size);
  const values = Array.from({ length: size }, () => new Map<number, LagWrite>());
  const pending = Array.from({ length: size }, () => new ReceivedAhead());
  const waiting = Array.from({ length: size }, () => [] as { position: number; read: number }[]);
  const lag = new LogHistogram();
  const readLatency = new LogHistogram();
  const trueLag = new LogHistogram();
  const monitoredLag = new LogHistogram();
  const underestimate = new LogHistogram();
  const readAge = new LogHistogram();
  const versionsBehind = new LogHistogram();
  // The same samples by where in the run they were taken (the operation's index), for the means' intervals.
  const means = {
    replication_lag_ms: new BatchMeans(cfg.ops),
    monitored_lag_ms: new BatchMeans(cfg.ops),
    monitor_underestimate_ms: new BatchMeans(cfg.ops),
    read_age_ms: new BatchMeans(cfg.ops),
    versions_behind: new BatchMeans(cfg.ops),
  };
  let followerReads = 0;
  let beyondBound = 0;
  let staleReads = 0;

  // The lag monitor's view, per follower: the applied position and the lag of its newest reply
  // (the leader's figure when that reply arrived), and the number of the poll it answered.
  const reportedPosition = new Int32Array(size);
  const reportedLag = new Float64Array(size);
  const reportedPoll = new Int32Array(size);
  let polls = 0;

  // Per key: the newest acknowledged write (by log position), and the versions appended so far.
  const newestAcked = new Map<number, LagWrite>();
  const keyVersions = new Map<number, number>();
  const commitMs = new Map<number, number>();

  // Clients: positions (per partition) of their acknowledged writes and of what they read, written keys, last write, last read write.
  const writePos = new Int32Array(cfg.clients * P);
  const readPos = new Int32Array(cfg.clients * P);
  const written = Array.from({ length: cfg.clients }, () => new Set<number>());
  const lastWriteAck = new Float64Array(cfg.clients).fill(-Infinity);
  const lastRead: (LagWrite | null)[] = new Array<LagWrite | null>(cfg.clients).fill(null);

  // Operations in flight, by slot (the events name the slot): reads' state, writes.
  const reads: ReadState[] = [];
  const freeReads: number[] = [];
  const writesInFlight: (LagWrite | null)[] = [];
  const freeWrites: number[] = [];
  const history = record ? new HistoryRecorder() : null;
  const dependsOn = new Map<number, number[]>();
  const ryw = new ReadYourWritesTracker(timestampOrder);
  const mono = new MonotonicReadTracker(timestampOrder);
  const prefix = new ConsistentPrefixTracker(timestampOrder);
  // What a read returned, for the trackers (which keep neither array): its write, and that write's dependencies.
  const one: LagWrite[] = [];
  const oneDependencies: Dependencies[] = [NO_DEPENDENCIES];
  let leaderReads = 0;
  let readsIssued = 0;
  let readsDone = 0;
  let writesDone = 0;
  let issued = 0;
  let readsLost = 0;

  const partitionOf = (key: number) => key % P;
  const leaderOf = (p: number) => p * group;
  /** A key of partition `p`, near `key` (an answer stored beside its question, for causal partitioning). */
  const keyIn = (p: number, key: number): number => {
    const k = key - partitionOf(key) + p;
    return k < cfg.keys ? k : p;
  };
  /** The true lag of `node` now: measured, never routed on. */
  const lagOf = (node: number, p: number): number => {
    const log = logs[p];
    return applied[node] >= log.length ? 0 : sim.now - log.appendMs(applied[node] + 1);
  };
  const candidates = new Int32Array(F);
  /**
   * A random follower of partition `p` that is up (and, with `maxLag`, whose lag the monitor last
   * reported at most that), else its leader.
   */
  const randomUpFollower = (p: number, maxLag = Infinity): number => {
    let count = 0;
    for (let f = 1; f <= F; f++) {
      const node = p * group + f;
      if (nodes.isUp(node) && (maxLag === Infinity || reportedLag[node] <= maxLag))
        candidates[count++] = node;
    }
    return count === 0 ? leaderOf(p) : candidates[routeRng.nextInt(count)];
  };

  const route = (client: number, key: number): number => {
    const p = partitionOf(key);
    switch (cfg.routing) {
      case 'random':
        return randomUpFollower(p);
      case 'sticky': {
        for (let i = 0; i < F; i++) {
          const node = p * group + 1 + ((client + i) % F);
          if (nodes.isUp(node)) return node;
        }
        return leaderOf(p);
      }
      case 'leader-for-own':
        return written[client].has(key) ? leaderOf(p) : randomUpFollower(p);
      case 'leader-window':
        return sim.now - lastWriteAck[client] < cfg.windowMs ? leaderOf(p) : randomUpFollower(p);
      case 'client-position': {
        const node = randomUpFollower(p);
        const need = Math.max(writePos[client * P + p], readPos[client * P + p]);
        return cfg.positionWait || reportedPosition[node] >= need || node === leaderOf(p)
          ? node
          : leaderOf(p);
      }
      case 'lag-bounded':
        return randomUpFollower(p, cfg.maxLagMs);
    }
  };

  /**
   * Drops the log entries of partition `p` that every follower has reported applied (the monitor
   * still needs the append time of the entry after each reported position).
   */
  const trimLog = (p: number): void => {
    let oldest = logs[p].length;
    for (let f = 1; f <= F; f++) oldest = Math.min(oldest, reportedPosition[p * group + f]);
    logs[p].trim(oldest);
  };
  const applyEntry = (node: number, p: number, position: number): void => {
    const log = logs[p];
    const w = log.write(position);
    values[node].set(w.key, w);
    applied[node] = position;
    lag.record(sim.now - log.appendMs(position));
    options.onApplyLag?.(sim.now - log.appendMs(position));
  };
  const drain = (node: number, p: number): void => {
    const buffer = pending[node];
    while (buffer.take(applied[node] + 1)) applyEntry(node, p, applied[node] + 1);
    const queue = waiting[node];
    for (let i = queue.length - 1; i >= 0; i--) {
      if (queue[i].position <= applied[node]) {
        const { read } = queue[i];
        queue.splice(i, 1);
        serveRead(read);
      }
    }
  };
  net.on(
    REPLICATE,
    (to, _from, position) => {
      if (position <= applied[to]) return;
      pending[to].add(position, applied[to]);
      drain(to, Math.floor(to / group));
    },
    'replicate',
  );
  net.on(
    CATCH_UP,
    (to, _from, fromPosition, toPosition) => {
      for (let i = Math.max(fromPosition, applied[to] + 1); i <= toPosition; i++)
        pending[to].add(i, applied[to]);
      drain(to, Math.floor(to / group));
    },
    'catch up',
  );
  nodes.onCrash((node) => {
    pending[node].clear();
    // Reads waiting there are lost with it.
    for (let i = 0; i < waiting[node].length; i++) lostRead(waiting[node][i].read);
    waiting[node].length = 0;
  });
  // The lag monitor: each leader polls every follower each monitorIntervalMs; a follower answers
  // with its applied position; the leader keeps the newest answer and the lag it implies then.
  const pollKind = sim.addKind('lag monitor: poll', () => {
    polls++;
    for (let p = 0; p < P; p++)
      for (let f = 1; f <= F; f++) monitorNet.send(leaderOf(p), leaderOf(p) + f, POLL, polls);
    sim.schedule(cfg.monitorIntervalMs, pollKind, 0);
  });
  monitorNet.on(POLL, (to, from, poll) => monitorNet.send(to, from, REPORT, applied[to], poll), 'poll');
  monitorNet.on(
    REPORT,
    (_to, from, position, poll) => {
      if (poll <= reportedPoll[from]) return; // overtaken by a newer reply
      const log = logs[Math.floor(from / group)];
      reportedPoll[from] = poll;
      reportedPosition[from] = position;
      reportedLag[from] = position >= log.length ? 0 : sim.now - log.appendMs(position + 1);
    },
    'report',
  );
  sim.schedule(cfg.monitorIntervalMs, pollKind, 0);
  nodes.onRecover((node) => {
    const p = Math.floor(node / group);
    net.send(leaderOf(p), node, CATCH_UP, applied[node] + 1, logs[p].length);
  });

  /**
   * A read routed to follower `node` of partition `p`: what the router believed against the truth,
   * at the moment it chose. (A function of its own, called with integers: the lag figures stay
   * unboxed doubles inside it rather than being passed to the histograms from the issue handler.)
   */
  function followerRead(node: number, p: number): void {
    const truth = lagOf(node, p);
    const seen = reportedLag[node];
    const under = Math.max(0, truth - seen);
    trueLag.record(truth);
    monitoredLag.record(seen);
    options.onFollowerRead?.(truth, seen);
    underestimate.record(under);
    means.replication_lag_ms.add(truth, issued);
    means.monitored_lag_ms.add(seen, issued);
    means.monitor_underestimate_ms.add(under, issued);
    followerReads++;
    if (truth > cfg.maxLagMs) beyondBound++;
  }

  function serveRead(read: number): void {
    const r = reads[read];
    r.returned = values[r.node].get(r.key) ?? null;
    const atLeader = r.node % group === 0;
    r.position = atLeader ? logs[partitionOf(r.key)].length : applied[r.node];
    sim.schedule(cfg.clientDist.sample(sim.rng) + (atLeader ? cfg.leaderLatency : 0), RETURN, read, 0);
  }

  // One operation is drawn ahead: the workload hands them out in time order (reusing one object,
  // so each is copied into one of two kept here: the one being issued, and the next).
  let next: WorkloadOp = { ...workload.next() };
  let spare: WorkloadOp = { ...next };
  function scheduleNext(): void {
    sim.scheduleAt(Math.max(sim.now, next.timeMs), ISSUE, 0);
  }
  sim.on(
    ISSUE,
    () => {
      const op = next;
      if (issued + 1 < cfg.ops) {
        next = copyOp(workload.next(), spare);
        spare = op;
      }
      const { client, session } = op;
      let key = op.key;
      if (op.op === 'write') {
        const id = op.writeId;
        let dependencies = NO_DEPENDENCIES;
        const question = lastRead[client];
        if (question !== null && routeRng.nextDouble() < cfg.replyRatio && question.key !== key) {
          if (record) dependsOn.set(id, [question.id]);
          dependencies = question.answerDependencies ??= prefix.dependency(
            question,
            question.key,
            question.dependencies,
          );
          // The answer is stored in its question's partition, so one log orders the two.
          if (cfg.causalPartitioning) key = keyIn(partitionOf(question.key), key);
        }
        history?.write({ id, client, session, key, invokeMs: op.timeMs });
        const w = new LagWrite(id, client, session, key, op.timeMs, dependencies);
        const slot = freeWrites.length > 0 ? (freeWrites.pop() as number) : writesInFlight.length;
        writesInFlight[slot] = w;
        sim.schedule(cfg.clientDist.sample(sim.rng) + cfg.leaderLatency, ARRIVE, slot, 1);
      } else {
        const node = route(client, key);
        if (node % group === 0) leaderReads++;
        else followerRead(node, partitionOf(key));
        readsIssued++;
        let slot: number;
        if (freeReads.length > 0) {
          slot = freeReads.pop() as number;
          const r = reads[slot];
          r.client = client;
          r.session = session;
          r.key = key;
          r.invokeMs = op.timeMs;
          r.node = node;
          r.returned = null;
          r.position = 0;
          r.fresh = newestAcked.get(key) ?? null;
        } else {
          slot = reads.length;
          const fresh = newestAcked.get(key) ?? null;
          reads.push({ client, session, key, invokeMs: op.timeMs, node, returned: null, position: 0, fresh });
        }
        const r = reads[slot];
        ryw.start(slot, r, op.timeMs);
        mono.start(slot, r, op.timeMs);
        prefix.start(slot, r, op.timeMs);
        const toLeader = node % group === 0 ? cfg.leaderLatency : 0;
        sim.schedule(cfg.clientDist.sample(sim.rng) + toLeader, ARRIVE, slot, 0);
      }
      if (++issued < cfg.ops) scheduleNext();
    },
    'issue',
  );

  sim.on(
    ARRIVE,
    (index, isWrite) => {
      if (isWrite === 1) {
        const w = writesInFlight[index] as LagWrite;
        const p = partitionOf(w.key);
        const log = logs[p];
        const position = log.append(w, sim.now);
        w.timestamp = position;
        w.commitMs = sim.now;
        const version = (keyVersions.get(w.key) ?? 0) + 1;
        keyVersions.set(w.key, version);
        w.keyVersion = version;
        if (record) commitMs.set(w.id, sim.now);
        const leader = leaderOf(p);
        values[leader].set(w.key, w);
        applied[leader] = position;
        history?.version(w.id, { timestamp: position });
        for (let f = 1; f <= F; f++) net.send(leader, leader + f, REPLICATE, position);
        if (position % TRIM_STEP === 0) trimLog(p);
        sim.schedule(cfg.clientDist.sample(sim.rng) + cfg.leaderLatency, RETURN, index, 1);
        return;
      }
      const r = reads[index];
      if (!nodes.isUp(r.node)) {
        // lost: the client never hears back
        lostRead(index);
        return;
      }
      const need = Math.max(
        writePos[r.client * P + partitionOf(r.key)],
        readPos[r.client * P + partitionOf(r.key)],
      );
      if (
        cfg.routing === 'client-position' &&
        cfg.positionWait &&
        applied[r.node] < need &&
        r.node % group !== 0
      ) {
        waiting[r.node].push({ position: need, read: index });
        return;
      }
      serveRead(index);
    },
    'arrive',
  );

  sim.on(
    RETURN,
    (index, isWrite) => {
      if (isWrite === 1) {
        const w = writesInFlight[index] as LagWrite;
        writesInFlight[index] = null;
        freeWrites.push(index);
        history?.ack(w.id, sim.now);
        ryw.acked(w, sim.now);
        const slot = w.client * P + partitionOf(w.key);
        writePos[slot] = Math.max(writePos[slot], w.timestamp);
        written[w.client].add(w.key);
        lastWriteAck[w.client] = sim.now;
        const newest = newestAcked.get(w.key);
        if (newest === undefined || w.timestamp > newest.timestamp) newestAcked.set(w.key, w);
        writesDone++;
      } else {
        const r = reads[index];
        const got = r.returned;
        history?.read({
          client: r.client,
          session: r.session,
          key: r.key,
          invokeMs: r.invokeMs,
          returnMs: sim.now,
          returned: got === null ? [] : [got.id],
        });
        readLatency.record(sim.now - r.invokeMs);
        const fresh = r.fresh;
        let age = 0;
        let behind = 0;
        if (fresh !== null && (got === null || got.timestamp < fresh.timestamp)) {
          age = sim.now - fresh.commitMs;
          behind = fresh.keyVersion - (got === null ? 0 : got.keyVersion);
          staleReads++;
        }
        readAge.record(age);
        versionsBehind.record(behind);
        const at = readsDone + writesDone + readsLost;
        means.read_age_ms.add(age, at);
        means.versions_behind.add(behind, at);
        r.fresh = null;
        let versions: readonly LagWrite[] = NO_VERSIONS as readonly LagWrite[];
        if (got !== null) {
          one[0] = got;
          oneDependencies[0] = got.dependencies;
          versions = one;
        }
        ryw.judge(index, versions);
        mono.judge(index, versions);
        prefix.judge(index, versions);
        mono.returned(r, sim.now, versions);
        if (got !== null) prefix.returned(r, sim.now, oneDependencies);
        const slot = r.client * P + partitionOf(r.key);
        readPos[slot] = Math.max(readPos[slot], r.position);
        if (got !== null) lastRead[r.client] = got;
        r.returned = null;
        freeReads.push(index);
        readsDone++;
      }
      if (readsDone + writesDone + readsLost === cfg.ops) sim.stop();
    },
    'return',
  );
  function lostRead(read: number): void {
    reads[read].returned = null;
    freeReads.push(read);
    readsLost++;
    if (readsDone + writesDone + readsLost === cfg.ops) sim.stop();
  }

  const onProgress = options.onProgress;
  if (onProgress !== undefined)
    sim.onProgress(PROGRESS_EVERY_EVENTS, () => onProgress((readsDone + writesDone + readsLost) / cfg.ops));
  scheduleNext();
  sim.run();
  onProgress?.(1);

  const rywCounts = ryw.counts;
  const monoCounts = mono.counts;
  const prefixCounts = prefix.counts;
  const share = { count: leaderReads, of: readsIssued };
  const exceeded = { count: beyondBound, of: followerReads };
  const stale = { count: staleReads, of: readsDone };
  const rate = (c: { count: number; of: number }) => (c.of === 0 ? 0 : c.count / c.of);
  const result: LagResult = {
    ryw_violations: rate(rywCounts),
    monotonic_read_violations: rate(monoCounts),
    consistent_prefix_violations: rate(prefixCounts),
    leader_read_share: rate(share),
    lag_ms: latencySummary(lag),
    read_latency_ms: latencySummary(readLatency),
    reads: readsDone,
    writes: writesDone,
    failed_reads: readsLost,
    replication_lag_ms: latencySummary(trueLag),
    monitored_lag_ms: latencySummary(monitoredLag),
    monitor_underestimate_ms: latencySummary(underestimate),
    lag_bound_exceeded: rate(exceeded),
    read_age_ms: latencySummary(readAge),
    versions_behind: latencySummary(versionsBehind),
    stale_reads: rate(stale),
    mean_intervals: {
      replication_lag_ms: means.replication_lag_ms.estimate(),
      monitored_lag_ms: means.monitored_lag_ms.estimate(),
      monitor_underestimate_ms: means.monitor_underestimate_ms.estimate(),
      read_age_ms: means.read_age_ms.estimate(),
      versions_behind: means.versions_behind.estimate(),
    },
    intervals: {
      ryw_violations: proportion(rywCounts),
      monotonic_read_violations: proportion(monoCounts),
      consistent_prefix_violations: proportion(prefixCounts),
      leader_read_share: proportion(share),
      lag_bound_exceeded: proportion(exceeded),
      stale_reads: proportion(stale),
    },
  };
  const summary: LagSummaryRun = {
    result,
    histograms: {
      lag_ms: lag,
      read_latency_ms: readLatency,
      replication_lag_ms: trueLag,
      monitored_lag_ms: monitoredLag,
      monitor_underestimate_ms: underestimate,
      read_age_ms: readAge,
      versions_behind: versionsBehind,
    },
    config: cfg,
    events: sim.eventsProcessed,
  };
  if (history === null) return summary;
  for (let p = 0; p < P; p++) for (const [key, w] of values[leaderOf(p)]) history.final(key, [w.id]);
  return { ...summary, history: history.history(), dependsOn, commitMs };
}

/**
 * {@link runLagSummary}'s result: {@link runLagWithHistory}'s, without the history.
 *
 * @example
 * runLag({ routing: 'sticky' }, 1).monotonic_read_violations; // 0 while followers do not fail
 */
export function runLag(config: Partial<LagConfig>, seed: number, options: LagRunOptions = {}): LagResult {
  return simulateLag(config, seed, options).result;
}
