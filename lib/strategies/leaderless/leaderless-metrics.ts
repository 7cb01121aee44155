/**
 * The metrics of a leaderless run, kept as it goes: the model's own counts (acknowledged writes
 * lost, under-replicated, failed writes that landed, quorum overlap), and either lib/check's
 * streaming trackers (the summary path: memory bounded by the keys, clients and operations in
 * flight) or the recorded history for lib/check's history checkers (the replay path); then the
 * replicas' final merged state and the assembly of {@link LeaderlessResult}.
 */
import {
  AsOf,
  HistoryRecorder,
  MonotonicReadTracker,
  NO_VERSIONS,
  proportion,
  ReadAgeTracker,
  ReadYourWritesTracker,
  SiblingCounter,
  StaleReadTracker,
  monotonicReads,
  readYourWrites,
  siblingsPerRead,
  staleReads,
  timestampOrder,
  type Count,
  type CountEstimate,
  type History,
  type OwnWrite,
  type ReadRecord,
  type SiblingSummary,
  type Version,
  type VersionOrder,
} from '../../check/index.js';
import type { Network, Simulation } from '../../sim/index.js';
import {
  latencySummary,
  MEDIAN_AND_TAIL,
  type LatencySummary,
  type LogHistogram,
} from '../../stats/index.js';
import type { AntiEntropy } from './anti-entropy.js';
import {
  readAgeQuantiles,
  versionsBehindQuantiles,
  type ReadAgeQuantiles,
  type VersionsBehindQuantiles,
} from './staleness-quantiles.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import type { Coordinator } from './coordinator.js';
import type { HintStore } from './hints.js';
import type { HintedHandoff, HintData } from './hinted-handoff.js';
import { LwwLossCount } from './lww-loss.js';
import { FAILED, HAS_REF, LANDED, type OpTable, type WriteBook } from './op-table.js';
import type { ReplicaStores, SetValue } from './replica-store.js';
import { Siblings, type VersionVector } from '../versions/index.js';

/** p50, p99 and p99.9 of a latency in ms (null: no successful operation of that kind). */
export type OperationLatencyMs = LatencySummary<'p50' | 'p99' | 'p999'>;

/**
 * What one run of {@link runLeaderless} measured. Field names are the stable JSON names of
 * `replilab leaderless --json`. Every proportion also appears in `intervals` with its count,
 * denominator and Wilson 95% interval.
 */
export interface LeaderlessResult {
  /** Operations issued (reads + writes). */
  ops: number;
  /** Reads issued. */
  reads: number;
  /** Writes issued. */
  writes: number;
  /** Stale reads (neither the reference write's version nor a newer one), out of reads that returned. */
  stale_read_fraction: number;
  /** Writes acknowledged to their client (W acks before the timeout). */
  acked_writes: number;
  /**
   * Acknowledged writes lost (acknowledged, yet absent from the final state), counted by the model
   * from the replicas' final state: LWW: an acknowledged write that is not the final winner of its
   * key although the winner was acknowledged before it started; siblings: an acknowledged write
   * whose element is missing from the union of the key's final siblings' values. Tests hold it
   * equal to the checker's `lostWrites` on the same history, except siblings with sloppy quorums,
   * where it can exceed it: a write whose only copies were lost hints vanishes while a concurrent
   * write survives, which the checker (a survivor not acknowledged before the write began might
   * have legitimately replaced it) cannot call lost.
   */
  acked_writes_lost: number;
  /** Writes that failed (fewer than W acks by the timeout). Not rolled back where they landed. */
  failed_writes: number;
  /** Failed writes that landed on at least one replica anyway. */
  failed_writes_landed: number;
  /** Reads that failed (fewer than R responses by the timeout). */
  failed_reads: number;
  /** The most distinct write ids one read returned (1 under LWW). */
  max_siblings: number;
  /** Mean distinct write ids per returned read (null: no read returned). */
  mean_siblings: number | null;
  /** Read-your-writes violations (per client), out of eligible reads. */
  ryw_violations: number;
  /** Monotonic-read violations (per client), out of eligible reads. */
  monotonic_read_violations: number;
  /** Fraction of operations that succeeded (did not fail for lack of W acks or R responses). */
  availability: number;
  /** Latency of successful operations, from the client's invocation to its result, ms. */
  latency_ms: { read: OperationLatencyMs; write: OperationLatencyMs };
  /**
   * Quantiles over the returned reads of their age, ms: for a read that missed writes to its key
   * committed (acknowledged) before it started, how long the most recently acknowledged of them
   * had been committed when the read started; 0 for a fresh read (lib/check's `ReadAgeTracker`,
   * a streaming checker). null: no read returned.
   */
  read_age_ms: ReadAgeQuantiles;
  /**
   * Quantiles over the returned reads of the committed versions each missed (0 for a fresh read;
   * at most 64: the checker keeps each key's last 64 committed writes). null: no read returned.
   */
  versions_behind: VersionsBehindQuantiles;
  /** Messages sent (requests, acks, responses; coordinator-local replica steps send none) per operation. */
  messages_per_op: number;
  /**
   * Hints stored: hinted writes accepted by stand-ins for unreachable home replicas (one per write
   * per stand-in); 0 unless `sloppy`. Every hint stored is handed off, lost, or still held at the
   * end: `hints_stored === hints_handed_off + hints_lost + hints_held`.
   */
  hints_stored: number;
  /** Hints whose home replica acknowledged the handoff (the stand-in then deleted them). */
  hints_handed_off: number;
  /** Hints lost: their holder crashed while holding them (hints live in the stand-in's memory). */
  hints_lost: number;
  /** Hints still held by stand-ins when the run ended (their home stayed unreachable through the drain). */
  hints_held: number;
  /**
   * Returned reads whose read quorum did not overlap the write quorum of the key's most recently
   * acknowledged write before the read began (the reference write): no replica slot whose
   * response counted toward R was one whose ack counted toward W. A replica slot is a home
   * replica's store, or a stand-in's hints for one home replica. Always 0 for strict quorums with
   * R + W > N; sloppy quorums break that guarantee (Dynamo §4.6). Reads with no reference write
   * are not counted.
   */
  non_overlapping_reads: number;
  /** Of the {@link non_overlapping_reads}, those the stale-read checker finds stale. */
  non_overlapping_stale_reads: number;
  /**
   * Acknowledged writes that, at the end of the run, are on fewer than W of their N home replicas
   * (stored there, or superseded there by a newer version: LWW register at or past the write's
   * stamp; siblings context covering one of the write's dots). Strict quorums with durable stores:
   * always 0. Sloppy: a hint that carried one of the W acks was lost or is still held. Store loss
   * (`storeLoss`): a store restored from an older copy.
   */
  acked_writes_under_replicated: number;
  /**
   * Time to convergence, ms: from the moment the faults heal to the first moment (at or after it,
   * after the workload) when every key's N home replicas hold the same state with no message in
   * flight and (sloppy) no hint held, checked at each anti-entropy round and as each anti-entropy
   * message lands (so an exchange's repair counts when its last message arrives). The faults heal at the latest of: the
   * end of the workload (its last operation finished), the end of the last partition, and (churn)
   * the recovery of every node that was down at the later of those two; crashes after that are
   * churn going on, and convergence is measured through them. null: anti-entropy off, a partition never heals, or no
   * convergence within 1000 rounds after the workload and the partitions.
   */
  convergence_ms: number | null;
  /** Whether, when the run ended, every key's N home replicas held the same state (LWW register, or siblings and causal context). */
  replicas_converged: boolean;
  /** Read-repair messages sent to stale home replicas (repairs of the coordinator's own store send none; acks not counted). */
  read_repairs: number;
  /** Repairs (read repair, local ones included) that changed a replica's state: (replica, key) pairs brought up to date. */
  keys_repaired_by_read_repair: number;
  /**
   * Anti-entropy messages sent (lost or cut ones included): per pair per round, the Merkle walk's
   * messages (root hash, the children hashes of each differing inner node, the entries of each
   * differing leaf: `merkleDiff`'s cost when none is lost) plus, per differing leaf whose keys
   * differ, one key batch each way.
   */
  anti_entropy_messages: number;
  /**
   * Bytes of those messages: the Merkle walk's (4 per hash, 12 per leaf entry of the side
   * sending the leaf), plus the key transfers (per key, per side
   * holding it: LWW 20 bytes (8 key, 8 timestamp, 4 write id); siblings 8 + 8 per context entry +
   * per version 12 (dot, write id) + 4 per element).
   */
  anti_entropy_bytes: number;
  /** (replica, key) pairs whose state an anti-entropy exchange changed. */
  keys_repaired_by_anti_entropy: number;
  /** Simulation events dispatched. */
  events: number;
  /** Virtual time at the end of the run, ms. */
  sim_time_ms: number;
  /** Proportions with their Wilson 95% intervals. */
  intervals: {
    stale_read_fraction: CountEstimate;
    acked_writes_lost: CountEstimate;
    ryw_violations: CountEstimate;
    monotonic_read_violations: CountEstimate;
    availability: CountEstimate;
    reads_with_siblings: CountEstimate;
  };
}

/** What the metrics watch during a run. */
export interface RunMetricsDeps {
  cfg: ResolvedLeaderlessConfig;
  stores: ReplicaStores;
  /** Preference lists: key k's replicas are prefs[k*n .. k*n+n). */
  prefs: Int32Array;
  /** Siblings mode's per-write values, contexts and dots. */
  writes: WriteBook;
  /** Record the full history (and take the checker metrics from it), or keep streaming counts only. */
  recordHistory: boolean;
}

/** What the result assembly reads from the finished run. */
export interface RunEnd {
  sim: Simulation;
  net: Network;
  hints: HintedHandoff;
  coordinator: Coordinator;
  antiEntropy: AntiEntropy;
}

/** The checkers' live state (summary path only). */
interface LiveChecks {
  stale: StaleReadTracker;
  ryw: ReadYourWritesTracker;
  mono: MonotonicReadTracker;
  siblings: SiblingCounter;
  nonOverlapStale: number;
}

/**
 * The metrics of one leaderless run, fed by the coordinator as operations are issued, land,
 * are acknowledged, fail, start and return (op-table slots). With `recordHistory`, it records the
 * history and the checker metrics come from lib/check's history checkers; without, from its
 * streaming trackers, which count the same (tests hold the two paths equal). Either way the
 * model's own counts are kept here as the run goes.
 *
 * @example
 * const metrics = new RunMetrics({ cfg, stores, prefs, writes, recordHistory: false });
 * // ... the coordinator calls writeIssued, writeAcked, readStarted, readReturned ...
 * metrics.finish({ sim, net, hints, coordinator, antiEntropy }).result;
 */
export class RunMetrics {
  /** The version order the checkers use: `timestampOrder` (LWW) or the exact causal order of siblings. */
  readonly order: VersionOrder;
  readonly history: HistoryRecorder | null;
  private readonly live: LiveChecks | null;
  /** Read age and versions behind, kept on both paths (a streaming checker). */
  readonly age: ReadAgeTracker;
  private readonly cfg: ResolvedLeaderlessConfig;
  private readonly stores: ReplicaStores;
  private readonly prefs: Int32Array;
  private readonly writes: WriteBook;
  private readonly siblingsMode: boolean;
  private readonly lwwLoss: LwwLossCount | null;
  /** Whether home stores never lose what they hold (no `storeLoss`): a write on W homes stays so. */
  private readonly durable: boolean;
  /** Per key: whether it was written. */
  private readonly written: Uint8Array;
  /**
   * Per key: the quorum (replica slots of the W acks) of its last acknowledged write, as of just
   * before an instant: which of the key's two buffers in `quorums` holds it (-1: none). A new
   * instant writes the buffer that is not current; acknowledgements within one instant overwrite
   * the current one.
   */
  private readonly lastQuorum: (AsOf<number> | undefined)[];
  private readonly quorums: Int32Array;
  /** Per key: acknowledged writes found on fewer than W home replicas so far, as [id, ts, ...]. */
  private readonly underReplicated: (number[] | undefined)[];
  /** The read being judged, as the session trackers ask for it (one object, refilled). */
  private readonly reader = { client: 0, session: 0, key: 0 };
  /** Siblings: which write ids were acknowledged. */
  private ackedIds = new Uint8Array(0);
  private readonly nonOverlapReads: ReadRecord[] = [];
  private acked = 0;
  private failedLanded = 0;
  private nonOverlap = 0;

  constructor(deps: RunMetricsDeps) {
    const { cfg, stores, prefs, writes, recordHistory } = deps;
    this.cfg = cfg;
    this.stores = stores;
    this.prefs = prefs;
    this.writes = writes;
    this.siblingsMode = cfg.conflict === 'siblings';
    this.order = this.siblingsMode ? causalOrder(writes.context, writes.dots) : timestampOrder;
    this.history = recordHistory ? new HistoryRecorder() : null;
    this.live = recordHistory
      ? null
      : {
          stale: new StaleReadTracker(this.order),
          ryw: new ReadYourWritesTracker(this.order),
          mono: new MonotonicReadTracker(this.order),
          siblings: new SiblingCounter(),
          nonOverlapStale: 0,
        };
    this.age = new ReadAgeTracker(this.order);
    this.durable = cfg.storeLoss === 0;
    this.lwwLoss = this.siblingsMode ? null : new LwwLossCount(stores, prefs, cfg.n, this.durable);
    this.written = new Uint8Array(cfg.keys);
    this.quorums = new Int32Array(cfg.keys * 2 * cfg.w);
    // Filled to the key count: packed arrays, never V8's slow sparse ones.
    this.lastQuorum = new Array<undefined>(cfg.keys).fill(undefined);
    this.underReplicated = new Array<undefined>(cfg.keys).fill(undefined);
  }

  /** Write `op` was issued now (stamped, and in siblings mode its value and context set). */
  writeIssued(t: OpTable, op: number, now: number): void {
    const id = t.writeId[op];
    const key = t.key[op];
    this.written[key] = 1;
    if (this.history !== null) {
      const base = { id, client: t.client[op], session: t.session[op], key, invokeMs: now };
      this.history.write(this.siblingsMode ? base : { ...base, timestamp: t.ts[op] });
    }
    this.lwwLoss?.issued(key, id, t.ts[op], now);
  }

  /** Write `op` reached a replica or a stand-in (counted once). */
  writeLanded(t: OpTable, op: number): void {
    if (t.flags[op] & LANDED) return;
    t.flags[op] |= LANDED;
    if (t.flags[op] & FAILED) this.failedLanded++;
  }

  /** Write `op` failed (timed out) now. */
  writeFailed(t: OpTable, op: number): void {
    t.flags[op] |= FAILED;
    if (t.flags[op] & LANDED) this.failedLanded++;
  }

  /** Write `op` was acknowledged now (its W acks are `t.quorumLocs[op*n .. op*n+w)`). */
  writeAcked(t: OpTable, op: number, now: number): void {
    const { n, w } = this.cfg;
    const id = t.writeId[op];
    const key = t.key[op];
    const ts = t.ts[op];
    this.acked++;
    this.history?.ack(id, now);
    let last = this.lastQuorum[key];
    if (last === undefined) this.lastQuorum[key] = last = new AsOf<number>(-1);
    const buffer = now > last.latestMs ? 1 - Math.max(last.latest, 0) : last.latest;
    for (let j = 0; j < w; j++) this.quorums[(2 * key + buffer) * w + j] = t.quorumLocs[op * n + j];
    last.set(now, buffer);
    this.lwwLoss?.acked(key, id, t.start[op], now);
    if (this.siblingsMode) {
      if (id >= this.ackedIds.length) {
        const grown = new Uint8Array(Math.max(2 * this.ackedIds.length, id + 1, 1024));
        grown.set(this.ackedIds);
        this.ackedIds = grown;
      }
      this.ackedIds[id] = 1;
    }
    // Under-replication: with durable stores, a write held (or superseded) on W home replicas
    // stays so; with store loss every acknowledged write is checked at the end. Strict quorums
    // with durable stores need no check: each of the W acks came from a home replica that had
    // applied the write.
    if (!this.durable || this.cfg.sloppy) {
      let pending = this.underReplicated[key];
      if (pending !== undefined && this.durable) this.settleUnderReplicated(key, pending);
      if (!this.durable || this.homesHolding(key, id, ts) < w) {
        if (pending === undefined) this.underReplicated[key] = pending = [];
        pending.push(id, ts);
      }
    }
    this.ackedLive(t, op, now);
  }

  /** The streaming checkers' part of an acknowledgement (the read age on both paths). */
  private ackedLive(t: OpTable, op: number, now: number): void {
    const key = t.key[op];
    const v = new WrittenVersion(
      t.writeId[op],
      t.client[op],
      t.session[op],
      key,
      t.start[op],
      this.siblingsMode ? undefined : t.ts[op],
    );
    this.age.commit(key, v, now);
    if (this.live === null) return;
    this.live.stale.commit(key, v, now);
    this.live.ryw.acked(v, now);
  }

  /** Read `op` starts now: takes what it must reflect. */
  readStarted(t: OpTable, op: number, now: number): void {
    const key = t.key[op];
    const buffer = this.lastQuorum[key]?.before(now) ?? -1;
    if (buffer >= 0) {
      const { n, w } = this.cfg;
      for (let j = 0; j < w; j++) t.refQuorum[op * n + j] = this.quorums[(2 * key + buffer) * w + j];
      t.flags[op] |= HAS_REF;
    }
    // The op's slot is the trackers' read slot.
    this.age.start(op, key, now);
    const live = this.live;
    if (live === null) return;
    const reader = this.fill(t, op);
    live.stale.start(op, key, now);
    live.ryw.start(op, reader, now);
    live.mono.start(op, reader, now);
  }

  /**
   * Read `op` returned now, with the write ids `returned` (LWW: at most one, stamped `ts`); its R
   * responses' replica slots are `t.quorumLocs[op*n .. op*n+r)`.
   */
  readReturned(t: OpTable, op: number, now: number, returned: number[], ts: number): void {
    const { n, r, w } = this.cfg;
    let nonOverlap = false;
    if (t.flags[op] & HAS_REF) {
      nonOverlap = true;
      for (let i = 0; i < r && nonOverlap; i++) {
        const loc = t.quorumLocs[op * n + i];
        for (let j = 0; j < w; j++) {
          if (loc === t.refQuorum[op * n + j]) {
            nonOverlap = false;
            break;
          }
        }
      }
      if (nonOverlap) this.nonOverlap++;
    }
    const client = t.client[op];
    const session = t.session[op];
    const key = t.key[op];
    if (this.history !== null) {
      const record: ReadRecord = { client, session, key, invokeMs: t.start[op], returnMs: now, returned };
      this.history.read(record);
      if (nonOverlap) this.nonOverlapReads.push(record);
    }
    let versions: readonly Version[];
    if (this.siblingsMode)
      versions = returned.map((id) => new WrittenVersion(id, -1, -1, key, Number.NaN, undefined));
    else
      versions =
        returned.length === 0 ? NO_VERSIONS : [new WrittenVersion(returned[0], -1, -1, key, Number.NaN, ts)];
    this.age.judge(op, versions);
    const live = this.live;
    if (live === null) return;
    if (live.stale.judge(op, versions) && nonOverlap) live.nonOverlapStale++;
    live.ryw.judge(op, versions);
    live.mono.judge(op, versions);
    live.mono.returned(this.fill(t, op), now, versions);
    live.siblings.add(returned);
  }

  /** The reader of `op`, for the session trackers (they keep nothing of it). */
  private fill(t: OpTable, op: number): { client: number; session: number; key: number } {
    const reader = this.reader;
    reader.client = t.client[op];
    reader.session = t.session[op];
    reader.key = t.key[op];
    return reader;
  }

  /**
   * After the run: the replicas' final merged state (recorded in the history), the lost and
   * under-replicated acknowledged writes, and the result.
   */
  finish(end: RunEnd): { result: LeaderlessResult; history: History | null } {
    const { sim, net, hints: hh, coordinator, antiEntropy } = end;
    const { n, keys, ops, nodes: nodeCount } = this.cfg;
    const { lwwTs, lwwWid, sibStore } = this.stores;
    const prefs = this.prefs;
    const history = this.history;
    const failedWrites = coordinator.failedWrites();
    const failedReads = coordinator.failedReads();
    const rr = coordinator.readRepair;

    // Final state: all replicas of each key merged, hints still held included.
    const heldByKey = new Map<number, HintStore<HintData>[]>();
    for (const store of hh.ledger.stores()) {
      const list = heldByKey.get(store.key);
      if (list === undefined) heldByKey.set(store.key, [store]);
      else list.push(store);
    }
    let lost = 0;
    let ackedSurviving = 0;
    for (let key = 0; key < keys; key++) {
      if (this.written[key] === 0) continue;
      const base = key * n;
      const held = heldByKey.get(key) ?? [];
      if (!this.siblingsMode) {
        let bestTs = -Infinity;
        let best = -1;
        for (let i = 0; i < n; i++) {
          const s = prefs[base + i] * keys + key;
          if (lwwTs[s] > bestTs || (lwwTs[s] === bestTs && lwwWid[s] > best)) {
            bestTs = lwwTs[s];
            best = lwwWid[s];
          }
        }
        for (const { data } of held) {
          if (data.ts > bestTs || (data.ts === bestTs && data.wid > best)) {
            bestTs = data.ts;
            best = data.wid;
          }
        }
        lost += (this.lwwLoss as LwwLossCount).lostWith(key, best);
        history?.final(key, best < 0 ? [] : [best]);
      } else {
        const acc = new Siblings<SetValue>();
        for (let i = 0; i < n; i++) {
          const store = sibStore[prefs[base + i] * keys + key];
          if (store !== undefined) acc.sync(store);
        }
        for (const { data } of held) acc.sync(data.sib as Siblings<SetValue>);
        const ids = new Set<number>();
        const elements = new Set<number>();
        for (const v of acc.read().values) {
          ids.add(v.id);
          for (const e of v.elements) elements.add(e);
        }
        for (const e of elements) if (this.ackedIds[e] === 1) ackedSurviving++;
        history?.final(key, [...ids]);
      }
    }
    if (this.siblingsMode) lost = this.acked - ackedSurviving;
    let underReplicated = 0;
    this.underReplicated.forEach((pending, key) => {
      if (pending !== undefined) underReplicated += this.settleUnderReplicated(key, pending);
    });

    let stale: Count;
    let ryw: Count;
    let mono: Count;
    let sib: SiblingSummary;
    let nonOverlapStale: number;
    let h: History | null = null;
    if (history !== null) {
      h = history.history();
      if (this.siblingsMode) this.recordVectors(h, nodeCount);
      stale = staleReads(h, this.order).stale;
      ryw = readYourWrites(h, this.order).violations;
      mono = monotonicReads(h, this.order).violations;
      sib = siblingsPerRead(h);
      nonOverlapStale =
        this.nonOverlapReads.length === 0
          ? 0
          : staleReads(
              { writes: h.writes, reads: this.nonOverlapReads, finalState: h.finalState },
              this.order,
            ).stale.count;
    } else {
      const live = this.live as LiveChecks;
      stale = live.stale.counts;
      ryw = live.ryw.counts;
      mono = live.mono.counts;
      sib = live.siblings.summary();
      nonOverlapStale = live.nonOverlapStale;
    }

    const hintCounts = hh.ledger.counts;
    const acked = this.acked;
    const succeeded = ops - failedWrites - failedReads;
    const q = (hist: LogHistogram): OperationLatencyMs => latencySummary(hist, MEDIAN_AND_TAIL);
    const result: LeaderlessResult = {
      ops: coordinator.issued(),
      reads: coordinator.readsIssued(),
      writes: coordinator.writesIssued(),
      stale_read_fraction: ratio(stale.count, stale.of),
      acked_writes: acked,
      acked_writes_lost: lost,
      failed_writes: failedWrites,
      failed_writes_landed: this.failedLanded,
      failed_reads: failedReads,
      max_siblings: sib.max,
      mean_siblings: Number.isNaN(sib.mean) ? null : sib.mean,
      ryw_violations: ryw.count,
      monotonic_read_violations: mono.count,
      availability: ratio(succeeded, ops),
      latency_ms: { read: q(coordinator.readLatency), write: q(coordinator.writeLatency) },
      read_age_ms: readAgeQuantiles(this.age.ageMs),
      versions_behind: versionsBehindQuantiles(this.age.versionsBehind),
      messages_per_op: net.counters.sent / ops,
      hints_stored: hintCounts.stored,
      hints_handed_off: hintCounts.handedOff,
      hints_lost: hintCounts.lost,
      hints_held: hintCounts.held,
      non_overlapping_reads: this.nonOverlap,
      non_overlapping_stale_reads: nonOverlapStale,
      acked_writes_under_replicated: underReplicated,
      convergence_ms: antiEntropy.convergedAt() >= 0 ? antiEntropy.convergedAt() : null,
      replicas_converged: antiEntropy.replicasEqual(),
      read_repairs: rr.readRepairs(),
      keys_repaired_by_read_repair: rr.keysRepaired(),
      anti_entropy_messages: antiEntropy.messages(),
      anti_entropy_bytes: antiEntropy.bytes(),
      keys_repaired_by_anti_entropy: antiEntropy.keysRepaired(),
      events: sim.eventsProcessed,
      sim_time_ms: sim.now,
      intervals: {
        stale_read_fraction: proportion(stale),
        acked_writes_lost: proportion({ count: lost, of: acked }),
        ryw_violations: proportion(ryw),
        monotonic_read_violations: proportion(mono),
        availability: proportion({ count: succeeded, of: ops }),
        reads_with_siblings: proportion(sib.withSiblings),
      },
    };
    return { result, history: h };
  }

  /**
   * How many of `key`'s N home replicas hold write `id` (LWW stamp `ts`) or something that
   * superseded it: LWW register at or past (ts, id); siblings context covering one of its dots.
   */
  private homesHolding(key: number, id: number, ts: number): number {
    const { n, keys } = this.cfg;
    const { lwwTs, lwwWid, sibStore } = this.stores;
    let homes = 0;
    for (let i = 0; i < n; i++) {
      const s = this.prefs[key * n + i] * keys + key;
      if (!this.siblingsMode) {
        if (lwwTs[s] > ts || (lwwTs[s] === ts && lwwWid[s] >= id)) homes++;
      } else {
        const store = sibStore[s];
        const dots = this.writes.dots[id] ?? [];
        let seen = false;
        for (let d = 0; d < dots.length && !seen && store !== undefined; d += 2)
          seen = store.context.covers(dots[d], dots[d + 1]);
        if (seen) homes++;
      }
    }
    return homes;
  }

  /** Drops from `pending` ([id, ts, ...]) the writes of `key` now on W home replicas; returns how many remain. */
  private settleUnderReplicated(key: number, pending: number[]): number {
    let kept = 0;
    for (let i = 0; i < pending.length; i += 2) {
      if (this.homesHolding(key, pending[i], pending[i + 1]) >= this.cfg.w) continue;
      pending[kept++] = pending[i];
      pending[kept++] = pending[i + 1];
    }
    pending.length = kept;
    return kept / 2;
  }

  /** Siblings: records each write's version vector (its context raised by its dots), for display. */
  private recordVectors(h: History, nodeCount: number): void {
    const history = this.history as HistoryRecorder;
    for (const wr of h.writes) {
      const ctx = this.writes.context[wr.id] as VersionVector;
      let vv = ctx;
      const dots = this.writes.dots[wr.id] ?? [];
      for (let i = 0; i < dots.length; i += 2) vv = vv.raise(dots[i], dots[i + 1]);
      // Actors: the nodes, then (sloppy) the hint stores, nodeCount + store id.
      let size = nodeCount;
      for (const [actor] of vv.entries()) if (actor >= size) size = actor + 1;
      const dense = new Array<number>(size).fill(0);
      for (const [actor, counter] of vv.entries()) dense[actor] = counter;
      history.version(wr.id, { vector: dense });
    }
  }
}

/**
 * A write's version as the streaming trackers see it: acknowledged writes (with who wrote them and
 * when) and the versions reads return (writer unknown: -1, NaN) share this one shape, so the
 * checkers' order comparisons read one hidden class.
 */
class WrittenVersion implements OwnWrite {
  constructor(
    readonly id: number,
    readonly client: number,
    readonly session: number,
    readonly key: number,
    readonly invokeMs: number,
    readonly timestamp: number | undefined,
  ) {}
}

function ratio(count: number, of: number): number {
  return of === 0 ? 0 : count / of;
}

/**
 * The exact causal order of siblings-mode writes: `a` is older than `b` when `b`'s context covers
 * one of the dots `a` got on a replica (b's writer had seen a, directly or through a successor);
 * concurrent (NaN) otherwise. Plain vector comparison (`vectorOrder`) would misorder writes whose
 * context has gaps, as dotted version vectors exist to avoid.
 */
function causalOrder(
  contexts: readonly (VersionVector | undefined)[],
  dots: readonly (number[] | undefined)[],
): VersionOrder {
  const sees = (later: number, earlier: number): boolean => {
    const ctx = contexts[later];
    const d = dots[earlier];
    if (ctx === undefined || d === undefined) return false;
    for (let i = 0; i < d.length; i += 2) if (ctx.covers(d[i], d[i + 1])) return true;
    return false;
  };
  return {
    name: 'causal (dotted)',
    total: false,
    compare(a, b) {
      if (a.id === b.id) return 0;
      if (sees(b.id, a.id)) return -1;
      if (sees(a.id, b.id)) return 1;
      return Number.NaN;
    },
  };
}
