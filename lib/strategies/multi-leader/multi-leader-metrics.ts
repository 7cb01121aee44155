/**
 * The result of a multi-leader run: conflicts (version-vector concurrency), the final merged state
 * and what it lost, convergence, ordering hazards, latency and divergence; kept as the run goes,
 * the history only on request.
 */
import {
  HistoryRecorder,
  proportion,
  SiblingCounter,
  type CountEstimate,
  type History,
} from '../../check/index.js';
import type { Simulation } from '../../sim/index.js';
import {
  latencySummary,
  LogHistogram,
  MEDIAN_AND_TAIL,
  type LatencySummary,
  type LogHistogramData,
} from '../../stats/index.js';
import { Siblings, type Version } from '../versions/index.js';
import { concurrentWrites, type CausalWrite } from './concurrent-writes.js';
import { ConflictCounter } from './conflict-counter.js';
import type { LeaderStores } from './leader-stores.js';
import type { LocalFollowers } from './local-followers.js';
import type { ResolvedMultiLeaderConfig } from './multi-leader-config.js';
import {
  resolveValue,
  settleLineage,
  valueElements,
  valueText,
  type StoredWrite,
  type ValueNode,
} from './resolution.js';

/** One divergence sample. */
export interface DivergenceSample {
  /** Virtual time, ms. */
  t_ms: number;
  /** Keys on which the replicas did not all hold the same versions then. */
  divergent_keys: number;
}

/**
 * What one multi-leader run measured. Field names are the stable JSON names of
 * `replilab conflicts --json` (`writes`, `acked_writes`, `conflicts`, `conflicts_per_1000_writes`,
 * `acked_writes_lost`, `converged`, `convergence_ms`, `out_of_order_applies`) and more in the same
 * style.
 */
export interface MultiLeaderResult {
  /** Writes issued (every one is accepted by some leader). */
  writes: number;
  /** Writes acknowledged to their client (the accepting leader was up when the acknowledgement was due). */
  acked_writes: number;
  /**
   * Writes in conflict: concurrent, by version vectors, with at least one other write to the same
   * key (neither had seen the other when accepted; {@link concurrentWrites}). Out of `writes`.
   */
  conflicts: number;
  /** 1000 * conflicts / writes. */
  conflicts_per_1000_writes: number;
  /** Times a replica received a version concurrent with one it held (each replica detects each conflict it sees). */
  conflict_detections: number;
  /**
   * Acknowledged writes lost: acknowledged, yet their element is absent from the final
   * converged value: lib/check `lostWrites`'s definition with each element as its own record (a
   * set's elements are independent facts: none may legitimately replace another), counted from
   * the final value's elements and each write's acknowledgement; tests hold it equal to
   * `lostWrites` on the recorded history.
   */
  acked_writes_lost: number;
  /** acked_writes_lost split by the datacenter that accepted the write (a device's writes count at its home datacenter). */
  acked_writes_lost_by_datacenter: number[];
  /** Unacknowledged writes (their leader failed first) whose element survives anyway. */
  unacked_writes_surviving: number;
  /**
   * Whether, at the end, every replica (datacenters, devices and local followers) held the same
   * versions and read the same value of every key.
   */
  converged: boolean;
  /**
   * Time from the last write's acceptance until every replica had seen every write (then they hold
   * the same state), ms, local followers included; null when they never did (an outage that never
   * ends); 0 with no write.
   */
  convergence_ms: number | null;
  /**
   * Replicated versions that reached a replica before something their writer had already seen of
   * the same key: an update overtaking the insert (or earlier update) it depends on. Out of
   * `replication_messages`.
   */
  out_of_order_applies: number;
  /** Replication messages delivered (one per version per receiving replica under every topology). */
  replication_messages: number;
  /** Calls of the conflict handler (`custom`: on write, per detection; `siblings` with a handler: on read). */
  handler_calls: number;
  /** The most versions a writer's read of a key found (siblings only; 1 under the other policies, which resolve before returning). */
  max_siblings: number;
  /** Mean versions per writer's read (siblings only; null with no read). */
  mean_siblings: number | null;
  /** Write latency, from arrival at the client's datacenter to the acknowledgement, ms (null: no acknowledged write). */
  write_latency_ms: LatencySummary<'p50' | 'p99' | 'p999'>;
  /** Keys on which replicas differ, sampled every `divergenceSampleMs`. */
  divergence: DivergenceSample[];
  /** Simulation events dispatched. */
  events: number;
  /** Virtual time at the end, ms. */
  sim_time_ms: number;
  /** Local reads served (`localReadRatePerSec`): by a local follower, or by the leader of a datacenter without followers. */
  local_reads: number;
  /** Local reads served by a local follower. */
  follower_reads: number;
  /**
   * Follower reads that missed a version their datacenter's leader had applied before the read
   * began (the follower had not applied it yet). Out of `follower_reads`.
   */
  follower_stale_reads: number;
  /**
   * Replication lag of the local followers: per version and follower, from the leader's apply to
   * the follower's, ms (`samples` follower applies; null quantiles when there was none). p50 and
   * p99 within 0.1% (LogHistogram), max exact.
   */
  follower_lag_ms: FollowerLagMs;
  /** Proportions with their Wilson 95% intervals. */
  intervals: {
    conflicts: CountEstimate;
    acked_writes_lost: CountEstimate;
    out_of_order_applies: CountEstimate;
    follower_stale_reads: CountEstimate;
  };
}

/** The local followers' replication lag, ms: p50 and p99 (null: no sample), the maximum and the sample count. */
export type FollowerLagMs = LatencySummary<'p50' | 'p99' | 'max' | 'samples'>;

/**
 * The result's `follower_lag_ms` from the lag histogram (one run's, or a sweep cell's merged).
 *
 * @example
 * const h = new LogHistogram(); [2, 4].forEach((x) => h.record(x));
 * followerLagSummary(h); // { p50: 2, p99: 4, max: 4, samples: 2 } (quantiles within 0.1%)
 */
export function followerLagSummary(lag: LogHistogram): FollowerLagMs {
  return latencySummary(lag, ['p50', 'p99', 'max', 'samples']);
}

/** Per local read (`localReadRatePerSec`), in time order. */
export interface LocalReadLog {
  /** The datacenter the read arrived at. */
  dc: number[];
  /** The follower that served it (a LocalFollowers id), or -1: the leader. */
  follower: number[];
  key: number[];
  /** When it was served, ms (reads take no time). */
  atMs: number[];
  /** 1 when it missed a version its leader had applied. */
  stale: number[];
}

/** Per write id: where and when it happened. */
export interface WriteLog {
  key: number[];
  /** The accepting node. */
  node: number[];
  /** Where the client was: a datacenter, or the device itself. */
  arrivalNode: number[];
  invokeMs: number[];
  applyMs: number[];
  ackMs: (number | null)[];
  versions: (Version<StoredWrite> | null)[];
}

/** A run's result without its history: what {@link runMultiLeaderSummary} returns. */
export interface MultiLeaderSummaryRun {
  result: MultiLeaderResult;
  /**
   * The samples of the result's quantiles as plain data (what a sweep merges to pool them over
   * runs): the acknowledged writes' latency (`write_latency_ms`) and the follower applies' lag
   * (`follower_lag_ms`, see {@link followerLagSummary}).
   */
  histograms: { write_latency_ms: LogHistogramData; follower_lag_ms: LogHistogramData };
  /** The writers' reads of the siblings policy (`mean_siblings` averages over them); 0 under the other policies. */
  siblingReads: number;
  /** The validated config. */
  config: ResolvedMultiLeaderConfig;
  /** Wall-clock ms simulating and computing metrics (not part of the deterministic result). */
  wallMs: { simulate: number; metrics: number };
}

/** A run's result with its history. */
export interface MultiLeaderRun extends MultiLeaderSummaryRun {
  /** Writes (timestamps: LWW stamps), the siblings policy's reads, and the final value's elements per key. */
  history: History;
  /** Per write: concurrent with another write of its key (1) or not (lib/check-free, from {@link concurrentWrites} on the log). */
  conflicting: Uint8Array;
  /** Per write: the accepting node and its version (dot and context). */
  log: WriteLog;
  /** Per key written: the final value's elements (write ids) and its string. */
  finalValues: Map<number, { elements: number[]; text: string }>;
  /** Every local read. */
  reads: LocalReadLog;
}

/** What the metrics read from the finished run. */
export interface MultiLeaderRunEnd {
  sim: Simulation;
  stores: LeaderStores;
  samples: DivergenceSample[];
  counters: {
    outOfOrder: number;
    detections: number;
    deliveries: number;
    lastWriteMs: number;
    convergedAtMs: number;
  };
  followers: LocalFollowers;
}

/**
 * The metrics of a multi-leader run, kept as it goes: conflicts ({@link ConflictCounter}), the
 * acknowledged writes and where they were accepted (one flag and one node id per write: what the
 * final count of lost writes needs), siblings per read (lib/check `SiblingCounter`), latency and
 * local reads; and, only with `record`, the history, the write log and the local reads one by
 * one. At the end it merges every replica's versions (what anti-entropy would leave), resolves
 * them, counts the lost writes and assembles the result.
 */
export class MultiLeaderMetrics {
  readonly writeLatency = new LogHistogram();
  private readonly history: HistoryRecorder | null;
  private readonly log: WriteLog | null;
  private readonly reads: LocalReadLog | null;
  private readonly conflictCounter: ConflictCounter;
  private readonly siblings = new SiblingCounter();
  /** Per write id: 1 once acknowledged. */
  private acked = new Uint8Array(1024);
  /** Per write id: the node that accepted it (-1: none yet). */
  private acceptedBy = new Int16Array(1024).fill(-1);
  /** Per write id: 1 once its element is sure to be in the final value (see {@link settle}), its lineage node dropped. */
  private settled = new Uint8Array(1024);
  private settledCount = 0;
  private ackedCount = 0;
  private readonly ackedByDc: number[];
  private readonly keysWritten = new Set<number>();
  private writeCount = 0;
  private localReads = 0;
  private followerReads = 0;
  private staleFollowerReads = 0;

  constructor(
    private readonly cfg: ResolvedMultiLeaderConfig,
    stores: LeaderStores,
    record: boolean,
  ) {
    this.history = record ? new HistoryRecorder() : null;
    this.log = record
      ? { key: [], node: [], arrivalNode: [], invokeMs: [], applyMs: [], ackMs: [], versions: [] }
      : null;
    this.reads = record ? { dc: [], follower: [], key: [], atMs: [], stale: [] } : null;
    const actors = Array.from({ length: cfg.nodes }, (_, node) => node);
    this.conflictCounter = new ConflictCounter((key, actor, of) => stores.seen(actor, key, of), actors);
    this.ackedByDc = new Array<number>(cfg.datacenters).fill(0);
    // Without a history, what every replica agrees on is counted as it settles and its lineage
    // dropped, so memory does not grow with the duration (the values are sets of write ids that
    // grow with every write). A handler rebuilds values from element lists, so may drop any: kept.
    const handled =
      cfg.resolution === 'custom' || (cfg.resolution === 'siblings' && cfg.onConflict !== undefined);
    if (!record && !handled)
      stores.onConverged = (_key, store) => {
        if (store.size === 1) this.settle(store.current[0].value.value);
      };
  }

  /**
   * Every replica holds `value` as a key's one version: the elements it was built on are in the
   * final value whatever happens next ({@link settleLineage}); flagged now, their lineage dropped.
   */
  private settle(value: ValueNode): void {
    settleLineage(value, (id) => {
      if (this.settled[id] === 1) return;
      this.settled[id] = 1;
      this.settledCount++;
    });
  }

  /** A client's write `id` of `key` arrived at node `at` now. */
  arrived(id: number, key: number, at: number, nowMs: number): void {
    this.writeCount++;
    this.keysWritten.add(key);
    if (id >= this.acked.length) {
      const size = Math.max(2 * this.acked.length, id + 1);
      const acked = new Uint8Array(size);
      acked.set(this.acked);
      this.acked = acked;
      const by = new Int16Array(size).fill(-1);
      by.set(this.acceptedBy);
      this.acceptedBy = by;
      const settled = new Uint8Array(size);
      settled.set(this.settled);
      this.settled = settled;
    }
    const log = this.log;
    if (log === null) return;
    log.key.push(key);
    log.node.push(-1);
    log.arrivalNode.push(at);
    log.invokeMs.push(nowMs);
    log.applyMs.push(Number.NaN);
    log.ackMs.push(null);
    log.versions.push(null);
  }

  /** The siblings policy: the writer of a write arriving at `client` read `key` and found these versions' writes. */
  writerRead(client: number, key: number, nowMs: number, returned: number[]): void {
    this.siblings.add(returned);
    this.history?.read({ client, session: client, key, invokeMs: nowMs, returnMs: nowMs, returned });
  }

  /** Node `node` accepted write `id` now, as `version` (context: what it had seen of the key). */
  accepted(
    id: number,
    key: number,
    node: number,
    client: number,
    invokeMs: number,
    nowMs: number,
    version: Version<StoredWrite>,
  ): void {
    this.acceptedBy[id] = node;
    this.conflictCounter.accepted(key, node, version.dot.counter, version.context);
    if (this.log !== null) {
      this.log.node[id] = node;
      this.log.applyMs[id] = nowMs;
      this.log.versions[id] = version;
    }
    this.history?.write({ id, client, session: client, key, invokeMs, timestamp: version.value.timestamp });
  }

  /** Write `id` (invoked at `invokeMs`) was acknowledged now. */
  ackedWrite(id: number, invokeMs: number, nowMs: number): void {
    this.acked[id] = 1;
    this.ackedCount++;
    this.ackedByDc[this.datacenterOf(this.acceptedBy[id])]++;
    if (this.log !== null) this.log.ackMs[id] = nowMs;
    this.history?.ack(id, nowMs);
    this.writeLatency.record(nowMs - invokeMs);
  }

  /** A local read of `key` at datacenter `dc`, served by `follower` (-1: the leader), stale or not. */
  localRead(dc: number, follower: number, key: number, nowMs: number, stale: boolean): void {
    this.localReads++;
    if (follower >= 0) {
      this.followerReads++;
      if (stale) this.staleFollowerReads++;
    }
    const reads = this.reads;
    if (reads === null) return;
    reads.dc.push(dc);
    reads.follower.push(follower);
    reads.key.push(key);
    reads.atMs.push(nowMs);
    reads.stale.push(stale ? 1 : 0);
  }

  /** The datacenter a node's writes count at: its own, or a device's home. */
  private datacenterOf(node: number): number {
    const D = this.cfg.datacenters;
    return node >= D ? (node - D) % D : node;
  }

  /**
   * Merges every replica's versions (what anti-entropy would leave), resolves them, records the
   * final state, counts lost writes, and assembles the result.
   */
  finish(end: MultiLeaderRunEnd): MultiLeaderSummaryRun | MultiLeaderRun {
    const { sim, stores, samples, counters, followers } = end;
    const cfg = this.cfg;
    const N = cfg.nodes;
    const keys = this.keysWritten;
    const handlerCalls = stores.handlerCalls; // before the convergence check reads every replica
    const record = this.history !== null;

    // Final state and convergence; the surviving acknowledged writes.
    const finalValues = new Map<number, { elements: number[]; text: string }>();
    let converged = true;
    let ackedSurviving = 0;
    let unackedSurviving = 0;
    const lostByDc = this.ackedByDc.slice();
    for (const key of [...keys].sort((a, b) => a - b)) {
      const merged = new Siblings<StoredWrite>();
      // Every replica reads the same value; the strings are compared only where the values are not
      // the same object (replicas holding the same versions resolve to the same lineage).
      let referenceValue: ValueNode | null = null;
      let reference: string | null = null;
      for (let node = 0; node < N; node++) {
        const store = stores.store(node, key);
        merged.sync(store);
        const seen = stores.value(node, key);
        if (referenceValue === null) referenceValue = seen;
        else if (converged && seen !== referenceValue) {
          reference ??= describeValue(cfg.resolution === 'merge-concat', referenceValue);
          if (describeValue(cfg.resolution === 'merge-concat', seen) !== reference) converged = false;
        }
      }
      const value = resolveValue(cfg.resolution, merged.read().versions, cfg.onConflict);
      const elements = valueElements(value);
      for (let i = 0; i < elements.length; i++) {
        const e = elements[i];
        // Ascending; a handler's value can hold the same element twice (a copy beside the original).
        if (i > 0 && elements[i - 1] === e) continue;
        if (this.acked[e] === 1) {
          ackedSurviving++;
          lostByDc[this.datacenterOf(this.acceptedBy[e])]--;
        } else unackedSurviving++;
      }
      if (record) finalValues.set(key, { elements, text: valueText(value) });
    }
    // The elements settled during the run: in the final value, no longer in any lineage walked above.
    for (let e = 0, left = this.settledCount; left > 0; e++) {
      if (this.settled[e] === 0) continue;
      left--;
      if (this.acked[e] === 1) {
        ackedSurviving++;
        lostByDc[this.datacenterOf(this.acceptedBy[e])]--;
      } else unackedSurviving++;
    }
    if (
      stores.divergentKeys !== 0 ||
      followers.inFlight !== 0 ||
      !followersMatchLeaders(cfg, stores, followers, keys)
    )
      converged = false;

    const writes = this.writeCount;
    const acked = this.ackedCount;
    const lost = acked - ackedSurviving;
    const conflicts = this.conflictCounter.conflicts;
    const siblings = this.siblings.summary();
    const writeLatency = this.writeLatency;
    // No write at all: nothing to converge on (0).
    const convergence = !converged
      ? null
      : writes === 0
        ? 0
        : counters.convergedAtMs >= 0
          ? Math.max(0, counters.convergedAtMs - counters.lastWriteMs)
          : null;
    const result: MultiLeaderResult = {
      writes,
      acked_writes: acked,
      conflicts,
      conflicts_per_1000_writes: writes === 0 ? 0 : (1000 * conflicts) / writes,
      conflict_detections: counters.detections,
      acked_writes_lost: lost,
      acked_writes_lost_by_datacenter: lostByDc,
      unacked_writes_surviving: unackedSurviving,
      converged,
      convergence_ms: convergence,
      out_of_order_applies: counters.outOfOrder,
      replication_messages: counters.deliveries,
      handler_calls: handlerCalls,
      max_siblings: cfg.resolution === 'siblings' ? siblings.max : writes > 0 ? 1 : 0,
      mean_siblings:
        cfg.resolution === 'siblings'
          ? Number.isNaN(siblings.mean)
            ? null
            : siblings.mean
          : writes > 0
            ? 1
            : null,
      write_latency_ms: latencySummary(writeLatency, MEDIAN_AND_TAIL),
      divergence: samples,
      events: sim.eventsProcessed,
      sim_time_ms: sim.now,
      local_reads: this.localReads,
      follower_reads: this.followerReads,
      follower_stale_reads: this.staleFollowerReads,
      follower_lag_ms: followerLagSummary(followers.lag),
      intervals: {
        conflicts: proportion({ count: conflicts, of: writes }),
        acked_writes_lost: proportion({ count: lost, of: acked }),
        out_of_order_applies: proportion({ count: counters.outOfOrder, of: counters.deliveries }),
        follower_stale_reads: proportion({ count: this.staleFollowerReads, of: this.followerReads }),
      },
    };
    const summary: MultiLeaderSummaryRun = {
      result,
      histograms: { write_latency_ms: writeLatency, follower_lag_ms: followers.lag },
      siblingReads: siblings.withSiblings.of,
      config: cfg,
      wallMs: { simulate: 0, metrics: 0 },
    };
    const history = this.history;
    const log = this.log;
    if (history === null || log === null) return summary;
    for (const [key, { elements }] of finalValues) history.final(key, elements);
    // Conflicts, as a second count: concurrency of every pair of writes, by version vectors.
    const causal: CausalWrite[] = log.versions.map((v, id) => {
      const version = v as Version<StoredWrite>;
      return {
        key: log.key[id],
        actor: version.dot.actor,
        counter: version.dot.counter,
        context: version.context,
      };
    });
    return {
      ...summary,
      history: history.history(),
      conflicting: concurrentWrites(causal),
      log,
      finalValues,
      reads: this.reads as LocalReadLog,
    };
  }
}

/**
 * Whether every local follower holds exactly its leader's versions (same dots) of every key, and
 * resolves them to the same value. The follower's versions come from its own applies of the
 * stream, so this checks the stream, not a copy of the leader.
 */
function followersMatchLeaders(
  cfg: ResolvedMultiLeaderConfig,
  stores: LeaderStores,
  followers: LocalFollowers,
  keys: ReadonlySet<number>,
): boolean {
  const dots = (versions: readonly Version<StoredWrite>[]): string =>
    versions
      .map((v) => `${v.dot.actor}:${v.dot.counter}`)
      .sort()
      .join(',');
  const asText = cfg.resolution === 'merge-concat';
  for (let f = 0; f < followers.count; f++) {
    const leader = followers.datacenterOf(f);
    for (const key of followers.keysAt(f)) if (!keys.has(key)) return false;
    for (const key of keys) {
      const mine = followers.versions(f, key);
      const theirs = stores.store(leader, key).read().versions;
      if (dots(mine) !== dots(theirs)) return false;
      if (mine.length === 0) continue;
      const value = resolveValue(cfg.resolution, mine, cfg.onConflict);
      const leaderValue = stores.value(leader, key);
      if (value !== leaderValue && describeValue(asText, value) !== describeValue(asText, leaderValue))
        return false;
    }
  }
  return true;
}

function describeValue(asText: boolean, value: Parameters<typeof valueText>[0]): string {
  return asText ? valueText(value) : valueElements(value).join(',');
}
