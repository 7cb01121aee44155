/**
 * The result of a leaderless run: the replicas' final merged state, the model's own counts
 * (acknowledged writes lost, under-replicated, failed writes that landed), the version order for
 * the checkers (`timestampOrder`, or the exact causal order of siblings), and the assembly of
 * {@link LeaderlessResult} from lib/check's checkers and the run's counters.
 */
import {
  monotonicReads, proportion, readYourWrites, siblingsPerRead, staleReads,
  timestampOrder, type CountEstimate, type History, type HistoryRecorder, type VersionOrder, type WriteRecord,
} from '../../check/index.js';
import type { Network, Simulation } from '../../sim/index.js';
import type { LogHistogram } from '../../stats/index.js';
import type { AntiEntropy } from './anti-entropy.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import type { Coordinator } from './coordinator.js';
import type { HintStore } from './hints.js';
import type { HintedHandoff, HintData } from './hinted-handoff.js';
import type { WriteBook } from './op-table.js';
import type { ReplicaStores, SetValue } from './replica-store.js';
import { Siblings } from './siblings.js';
import type { VersionVector } from './version-vector.js';

/** p50, p99 and p99.9 of a latency in ms (null: no successful operation of that kind). */
export interface OperationLatencyMs {
  p50: number | null;
  p99: number | null;
  p999: number | null;
}

/**
 * What one run of {@link runLeaderless} measured. Field names are issue 4's JSON names. Every
 * proportion also appears in `intervals` with its count, denominator and Wilson 95% interval.
 */
export interface LeaderlessResult {
  /** Operations issued (reads + writes). */
  ops: number;
  /** Reads issued. */
  reads: number;
  /** Writes issued. */
  writes: number;
  /** Stale reads (DESIGN.md "consistent read"), out of reads that returned. */
  stale_read_fraction: number;
  /** Writes acknowledged to their client (W acks before the timeout). */
  acked_writes: number;
  /**
   * Acknowledged writes lost (DESIGN.md "lost write"), counted by the model from the replicas'
   * final state: LWW: an acknowledged write that is not the final winner of its key although the
   * winner was acknowledged before it started; siblings: an acknowledged write whose element is
   * missing from the union of the key's final siblings' values. Tests hold it equal to the
   * checker's `lostWrites` on the same history, except siblings with sloppy quorums, where it can
   * exceed it: a write whose only copies were lost hints vanishes while a concurrent write
   * survives, which the checker (a survivor not acknowledged before the write began might have
   * legitimately replaced it) cannot call lost.
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
   * stamp; siblings context covering one of the write's dots). Strict quorums: always 0 (home
   * stores are durable). Sloppy: a hint that carried one of the W acks was lost or is still held.
   */
  acked_writes_under_replicated: number;
  /**
   * Time to convergence, ms: from the moment the faults heal to the first anti-entropy round (at
   * or after it, after the workload) that finds every key's N home replicas holding the same state
   * with no message in flight and (sloppy) no hint held. The faults heal at the latest of: the
   * end of the workload (its last operation finished), the end of the last partition, and (churn)
   * the recovery of every node that was down at the later of those two; crashes after that are
   * churn going on, and convergence is measured through them. Measured at round granularity
   * (`antiEntropyIntervalMs`). null: anti-entropy off, a partition never heals, or no
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
   * Anti-entropy messages: per compared pair per round, the Merkle walk's messages (`merkleDiff`
   * cost: root, differing inner nodes, differing leaves) plus, when keys differ, one key batch
   * each way.
   */
  anti_entropy_messages: number;
  /**
   * Bytes of those messages: the Merkle walk's bytes, plus the key transfers (per key, per side
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

/** What the result assembly reads from the finished run. */
export interface LeaderlessMetricsInput {
  cfg: ResolvedLeaderlessConfig;
  sim: Simulation;
  net: Network;
  /** Preference lists: key k's replicas are prefs[k*n .. k*n+n). */
  prefs: Int32Array;
  history: HistoryRecorder;
  stores: ReplicaStores;
  writes: WriteBook;
  hints: HintedHandoff;
  coordinator: Coordinator;
  antiEntropy: AntiEntropy;
}

/**
 * Records the final state of every key written (all replicas of each key merged, hints still held
 * included), counts the model's lost and under-replicated acknowledged writes, and assembles the
 * result from the checkers on the history.
 */
export function leaderlessMetrics(input: LeaderlessMetricsInput): { result: LeaderlessResult; history: History; order: VersionOrder } {
  const { cfg, sim, net, prefs, history, stores, writes: book, hints: hh, coordinator, antiEntropy } = input;
  const { nodes: nodeCount, n, w, keys, ops } = cfg;
  const siblingsMode = cfg.conflict === 'siblings';
  const { lwwTs, lwwWid, sibStore } = stores;
  const { ledger } = hh;
  const landedBits = book.landed;
  const writeContext = book.context;
  const writeDots = book.dots;
  const nonOverlapReads = coordinator.nonOverlapReads;
  const failedWrites = coordinator.failedWrites();
  const failedReads = coordinator.failedReads();
  const rr = coordinator.readRepair;

  // Final state: all replicas of each key merged; the model's own count of lost acknowledged writes.
  const h = history.history();
  const writes = h.writes;
  const finalIds = new Map<number, number[]>();
  const finalElements = new Map<number, Set<number>>();
  const writtenKeys = new Set<number>();
  for (const wr of writes) writtenKeys.add(wr.key);
  const sortedKeys = [...writtenKeys].sort((a, b) => a - b);
  const heldByKey = new Map<number, HintStore<HintData>[]>();
  for (const store of ledger.stores()) {
    const list = heldByKey.get(store.key);
    if (list === undefined) heldByKey.set(store.key, [store]);
    else list.push(store);
  }
  for (const key of sortedKeys) {
    const base = key * n;
    const held = heldByKey.get(key) ?? [];
    if (!siblingsMode) {
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
      const ids = best < 0 ? [] : [best];
      finalIds.set(key, ids);
      history.final(key, ids);
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
      finalIds.set(key, [...ids]);
      finalElements.set(key, elements);
      history.final(key, [...ids]);
    }
  }
  const byId = new Map<number, WriteRecord>();
  for (const wr of writes) byId.set(wr.id, wr);
  let acked = 0;
  let lost = 0;
  let failedLanded = 0;
  let underReplicated = 0;
  for (const wr of writes) {
    if (wr.ackMs === null) {
      if (landedBits[wr.id] === 1) failedLanded++;
      continue;
    }
    acked++;
    let homes = 0;
    for (let i = 0; i < n; i++) {
      const s = prefs[wr.key * n + i] * keys + wr.key;
      if (!siblingsMode) {
        const ts = wr.timestamp as number;
        if (lwwTs[s] > ts || (lwwTs[s] === ts && lwwWid[s] >= wr.id)) homes++;
      } else {
        const store = sibStore[s];
        const dots = writeDots[wr.id] ?? [];
        let seen = false;
        for (let d = 0; d < dots.length && !seen && store !== undefined; d += 2) seen = store.context.covers(dots[d], dots[d + 1]);
        if (seen) homes++;
      }
    }
    if (homes < w) underReplicated++;
    if (siblingsMode) {
      if (!(finalElements.get(wr.key)?.has(wr.id) ?? false)) lost++;
    } else {
      const ids = finalIds.get(wr.key) ?? [];
      if (ids.length === 0) lost++;
      else if (ids[0] !== wr.id) {
        const winner = byId.get(ids[0]) as WriteRecord;
        if (winner.ackMs !== null && winner.ackMs < wr.invokeMs) lost++;
      }
    }
  }

  // Siblings: version vectors for display, and the exact causal order for the checkers.
  let order: VersionOrder = timestampOrder;
  if (siblingsMode) {
    for (const wr of writes) {
      const ctx = writeContext[wr.id] as VersionVector;
      let vv = ctx;
      const dots = writeDots[wr.id] ?? [];
      for (let i = 0; i < dots.length; i += 2) vv = vv.raise(dots[i], dots[i + 1]);
      // Actors: the nodes, then (sloppy) the hint stores, nodeCount + store id.
      let size = nodeCount;
      for (const [actor] of vv.entries()) if (actor >= size) size = actor + 1;
      const dense = new Array<number>(size).fill(0);
      for (const [actor, counter] of vv.entries()) dense[actor] = counter;
      history.version(wr.id, { vector: dense });
    }
    order = causalOrder(writeContext, writeDots);
  }

  const stale = staleReads(h, order);
  const ryw = readYourWrites(h, order);
  const mono = monotonicReads(h, order);
  const sib = siblingsPerRead(h);
  const nonOverlapStale = nonOverlapReads.length === 0 ? 0
    : staleReads({ writes: h.writes, reads: nonOverlapReads, finalState: h.finalState }, order).stale.count;
  const hints = ledger.counts;
  const succeeded = ops - failedWrites - failedReads;
  const q = (hist: LogHistogram): OperationLatencyMs => hist.total === 0
    ? { p50: null, p99: null, p999: null }
    : { p50: hist.quantile(0.5), p99: hist.quantile(0.99), p999: hist.quantile(0.999) };
  const result: LeaderlessResult = {
    ops: coordinator.issued(),
    reads: coordinator.readsIssued(),
    writes: coordinator.writesIssued(),
    stale_read_fraction: ratio(stale.stale.count, stale.stale.of),
    acked_writes: acked,
    acked_writes_lost: lost,
    failed_writes: failedWrites,
    failed_writes_landed: failedLanded,
    failed_reads: failedReads,
    max_siblings: sib.max,
    mean_siblings: Number.isNaN(sib.mean) ? null : sib.mean,
    ryw_violations: ryw.violations.count,
    monotonic_read_violations: mono.violations.count,
    availability: ratio(succeeded, ops),
    latency_ms: { read: q(coordinator.readLatency), write: q(coordinator.writeLatency) },
    messages_per_op: net.counters.sent / ops,
    hints_stored: hints.stored,
    hints_handed_off: hints.handedOff,
    hints_lost: hints.lost,
    hints_held: hints.held,
    non_overlapping_reads: nonOverlapReads.length,
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
      stale_read_fraction: proportion(stale.stale),
      acked_writes_lost: proportion({ count: lost, of: acked }),
      ryw_violations: proportion(ryw.violations),
      monotonic_read_violations: proportion(mono.violations),
      availability: proportion({ count: succeeded, of: ops }),
      reads_with_siblings: proportion(sib.withSiblings),
    },
  };
  return { result, history: h, order };
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
function causalOrder(contexts: readonly (VersionVector | undefined)[], dots: readonly (number[] | undefined)[]): VersionOrder {
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
