import { performance } from 'node:perf_hooks';
import {
  HistoryRecorder, lostWrites, monotonicReads, proportion, readYourWrites, siblingsPerRead, staleReads,
  timestampOrder, type CountEstimate, type History, type ReadRecord, type VersionOrder, type WriteRecord,
} from '../../check/index.js';
import { deriveStream } from '../../random/index.js';
import { Clocks, Faults, NO_EVENT, Network, Nodes, Simulation } from '../../sim/index.js';
import { LogHistogram } from '../../stats/index.js';
import { createWorkload, type WorkloadOp } from '../../workload/index.js';
import { validateLeaderlessConfig, type LeaderlessConfig, type ResolvedLeaderlessConfig } from './cluster-config.js';
import { HintLedger, type HintStore } from './hints.js';
import { MerkleTree, merkleDiff } from './merkle.js';
import { murmurFinish, murmurMix } from '../../random/hash.js';
import { HashRing } from './ring.js';
import { Siblings } from './siblings.js';
import { VersionVector } from './version-vector.js';

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

/** A run's result together with its full history (for checks and replays). */
export interface LeaderlessRun {
  result: LeaderlessResult;
  /** Every write and returned read, and the final merged state per key written. */
  history: History;
  /** The version order the checkers used: `timestampOrder` (LWW) or the run's `causalOrder` (siblings). */
  order: VersionOrder;
  /** The validated config. */
  config: ResolvedLeaderlessConfig;
  /** Wall-clock ms spent simulating (the event loop, history recording included) and computing the metrics; not part of the deterministic result. */
  wallMs: { simulate: number; metrics: number };
}

/** A siblings-mode value: the write that made it and its element set (union merge: an add-only set of write ids). */
interface SetValue {
  readonly id: number;
  readonly elements: ReadonlySet<number>;
}

/** A stand-in's hinted copy of one key for one home: an LWW register (ts, wid) or a siblings store. */
interface HintData {
  ts: number;
  wid: number;
  sib: Siblings<SetValue> | undefined;
}

/** A hint store in flight to its home: a copy taken at send time, and what the ack must name. */
interface Handoff {
  store: number;
  mutations: number;
  key: number;
  ts: number;
  wid: number;
  sib: Siblings<SetValue> | undefined;
}

// Message kinds (the model owns its simulation, so fixed numbers are safe).
const WRITE_REQ = 0;
const WRITE_ACK = 1;
const READ_REQ = 2;
const READ_RESP = 3;
// Local kinds.
const ISSUE = 4;
const TIMEOUT = 5;
// Sloppy quorum: the handoff round (local), a hint store sent to its home, and the home's ack.
const HANDOFF_TICK = 6;
const HANDOFF = 7;
const HANDOFF_ACK = 8;
// Crash-recovery churn.
const CHURN_CRASH = 9;
const CHURN_RECOVER = 10;
/** Churn streams are deriveStream(seed, 0, CHURN_STREAMS + node). */
const CHURN_STREAMS = 16;
/** Handoff rounds after the workload before the run gives up on hints whose home stays unreachable. */
const DRAIN_ROUNDS = 100;
// Read repair: a repair of one key sent to a stale home replica, and (blocking) its ack.
const REPAIR = 11;
const REPAIR_ACK = 12;
// Anti-entropy rounds (local).
const AE_TICK = 13;
/** Anti-entropy rounds after the workload (and the last finite partition) before the run gives up on convergence. */
const AE_DRAIN_ROUNDS = 1000;

/** One read response kept for read repair: the home replica that sent it (-1: a stand-in, never repaired) and what it held. */
interface RepairResponse {
  node: number;
  wid: number;
  ts: number;
  sib: Siblings<SetValue> | undefined;
}

const IS_WRITE = 1;

/**
 * One leaderless (Dynamo-style) run on the event kernel: a ring of `nodes` nodes with virtual
 * nodes, clients issuing reads and writes, quorum operations with a timeout, LWW or siblings.
 * The result is a pure function of (config, seed).
 *
 * Semantics (the thin path of issue 4):
 * - Each key's N home replicas are its strict preference list on the ring. With `sloppy: true`
 *   (Dynamo, SOSP 2007, §4.6), operations go to the sloppy preference list instead whenever a
 *   home replica is unreachable from the coordinator: stand-ins take hinted writes, answer reads
 *   from their hints, and hand the hints off later (the rules, failure detector and hint
 *   durability are in `LeaderlessConfig.sloppy`). Quorum overlap is measured per read
 *   (`non_overlapping_reads`).
 * - The client-to-coordinator hop takes no time (the client is co-located with the coordinator's
 *   front end); coordinator-to-replica messages use the W/A/R/S legs. When the coordinator is one
 *   of the key's home replicas it applies the write or answers the read locally, without a message.
 * - Write: the coordinator stamps it and sends it to the N home replicas; it is acknowledged at
 *   the W-th ack, or fails when the client's timeout (`timeoutMs` after invocation) fires first.
 *   A failed write stays wherever it landed (counted: `failed_writes_landed`).
 * - Read: sent to the N home replicas; returns at the R-th response the newest version (LWW) or
 *   the merge of the responses' siblings; fails at the timeout. Late responses are ignored unless
 *   `readRepair` is `'background'`; read repair and anti-entropy are described at
 *   `LeaderlessConfig.readRepair` and `LeaderlessConfig.antiEntropyIntervalMs`.
 * - LWW: the stamp is the coordinator's clock reading (`Clocks.local`, i.e. `lwwStamp`) with the
 *   write id as tie-breaker, the same order as lib/check's `timestampOrder`. With the client as
 *   coordinator, the client's clock stamps (clients have skewed clocks too).
 * - Siblings: the client writes with the causal context of its last read of that key (empty if it
 *   never read it: a blind write) and the value `union(elements it read) + {its write id}`. Each
 *   home replica accepts the write as its own actor (`Siblings.put(value, context, replica)`: one dot
 *   per replica that stores it), so every replica's causal context stays exact without
 *   replica-to-replica transfer; a replica drops a version only when a write's context covers its
 *   dot, i.e. the writer had read it (or something that superseded it) and merged its elements.
 *   The copies of one write on several replicas are the same write id; reads and the final state
 *   report distinct write ids. A write that reaches a replica after a write that superseded it
 *   elsewhere survives there as a sibling (no loss, an extra sibling).
 * - Durability: a replica's store is on disk: a crash loses nothing stored, but every message
 *   arriving while it is down is dropped and a coordinator's in-flight operations die with it
 *   (their clients time out). Clients never crash. Hints are the exception: in memory, lost with
 *   their holder's crash. Churn draws from its own stream per node, so a seed fixes the crash
 *   schedule whatever the traffic (strict and sloppy runs of one seed face the same crashes).
 * - Partitions (`partitions`) cut node-to-node links only; clients reach every node.
 * - Final state: what a read of all replicas of a key (up or down), merged, returns after the
 *   run: the winner over all replicas (LWW), or all replicas' siblings synced (siblings), hints
 *   still held included (copies on their way home). The run ends when every operation has
 *   finished, no message is in flight, (sloppy) no hint is held, or 100 handoff rounds after
 *   the last operation, no background read repair is still collecting, and (anti-entropy) the
 *   replicas have converged or 1000 rounds have passed (see `convergence_ms`).
 * - Metrics come from lib/check on the recorded history: `timestampOrder` for LWW and
 *   {@link LeaderlessRun.order} (exact dot coverage) for siblings.
 *
 * @param config - any subset of {@link LeaderlessConfig} (defaults fill the rest)
 * @param seed - seed of every random stream of the run
 * @example
 * const { result } = runLeaderlessWithHistory({ r: 1, w: 1, clockSkew: 'uniform(0,50)' }, 1);
 * result.acked_writes_lost; // > 0: LWW with skewed clocks loses acknowledged writes
 */
export function runLeaderlessWithHistory(config: Partial<LeaderlessConfig>, seed: number): LeaderlessRun {
  const cfg = validateLeaderlessConfig(config);
  const { nodes: nodeCount, n, r, w, keys, ops, clients } = cfg;
  const siblingsMode = cfg.conflict === 'siblings';
  const endpoints = nodeCount + clients;

  const sim = new Simulation(deriveStream(seed, 0, 0), 1024);
  const nodes = new Nodes(sim, endpoints);
  const net = new Network(sim, { size: endpoints, delay: cfg.legs.W, nodes, loss: cfg.loss });
  net.setKindDelay(WRITE_REQ, cfg.legs.W);
  net.setKindDelay(WRITE_ACK, cfg.legs.A);
  net.setKindDelay(READ_REQ, cfg.legs.R);
  net.setKindDelay(READ_RESP, cfg.legs.S);
  const clocks = new Clocks(endpoints);
  if (cfg.skew !== null || cfg.clockDrift > 0) {
    const crng = deriveStream(seed, 0, 2);
    for (let e = 0; e < endpoints; e++) {
      const offset = cfg.skew === null ? 0 : cfg.skew.sample(crng);
      const drift = (2 * crng.nextDouble() - 1) * cfg.clockDrift;
      clocks.set(e, offset, drift);
    }
  }
  const faults = new Faults(sim, nodes, net);
  if (cfg.churn !== null) {
    // Churn draws from one stream per node, not from the simulation's shared stream (which the
    // network also draws from): a seed gives the same crash schedule whatever the traffic, so
    // strict and sloppy runs (or two quorum settings) face the same crashes.
    const { ttf, ttr } = cfg.churn;
    const churnRng = Array.from({ length: nodeCount }, (_, node) => deriveStream(seed, 0, CHURN_STREAMS + node));
    sim.on(CHURN_CRASH, (node) => {
      nodes.crash(node);
      sim.schedule(ttr.sample(churnRng[node]), CHURN_RECOVER, node);
    }, 'churn: crash');
    sim.on(CHURN_RECOVER, (node) => {
      nodes.recover(node);
      sim.schedule(ttf.sample(churnRng[node]), CHURN_CRASH, node);
    }, 'churn: recover');
    for (let node = 0; node < nodeCount; node++) sim.scheduleAt(ttf.sample(churnRng[node]), CHURN_CRASH, node);
  }
  for (const p of cfg.partitions) {
    for (let i = 0; i < p.groups.length; i++) {
      for (let j = i + 1; j < p.groups.length; j++) faults.partitionAt(p.startMs, p.endMs, p.groups[i], p.groups[j]);
    }
  }
  net.setKindDelay(REPAIR, cfg.legs.W);
  net.setKindDelay(REPAIR_ACK, cfg.legs.A);
  if (cfg.sloppy) {
    net.setKindDelay(HANDOFF, cfg.legs.W);
    net.setKindDelay(HANDOFF_ACK, cfg.legs.A);
  }

  // Preference lists, precomputed: key k's replicas are prefs[k*n .. k*n+n).
  const ring = new HashRing({ nodes: nodeCount, vnodesPerNode: cfg.vnodes, seed: cfg.ringSeed });
  const prefs = new Int32Array(keys * n);
  for (let k = 0; k < keys; k++) prefs.set(ring.preferenceList(k, n), k * n);
  const coordRng = deriveStream(seed, 0, 3);
  const workload = createWorkload({
    clients, arrivals: cfg.arrivals, writeRatio: cfg.writeRatio, keys, zipf: cfg.zipf, sessionLength: cfg.sessionLength,
  }, deriveStream(seed, 0, 1));

  // Per-operation state, indexed by the workload's seq.
  const opFlags = new Uint8Array(ops);
  const opKey = new Int32Array(ops);
  const opClient = new Int32Array(ops);
  const opSession = new Int32Array(ops);
  const opWriteId = new Int32Array(ops);
  const opStart = new Float64Array(ops);
  const opCoord = new Int32Array(ops);
  const opInc = new Int32Array(ops);
  const opCount = new Int32Array(ops);
  const opDone = new Uint8Array(ops);
  const opTimer = new Float64Array(ops);
  const opTs = new Float64Array(ops);
  const readBestWid = new Int32Array(ops).fill(-1);
  const readBestTs = new Float64Array(ops).fill(-Infinity);
  const readAcc: (Siblings<SetValue> | undefined)[] = siblingsMode ? new Array<undefined>(ops).fill(undefined) : [];
  const writeValue: (SetValue | undefined)[] = [];
  const writeContext: (VersionVector | undefined)[] = [];
  const writeDots: (number[] | undefined)[] = [];

  // Replica stores: LWW registers as arrays; siblings objects created on first write.
  const lwwTs = siblingsMode ? new Float64Array(0) : new Float64Array(nodeCount * keys).fill(-Infinity);
  const lwwWid = siblingsMode ? new Int32Array(0) : new Int32Array(nodeCount * keys).fill(-1);
  const sibStore: (Siblings<SetValue> | undefined)[] = siblingsMode ? new Array<undefined>(nodeCount * keys).fill(undefined) : [];
  // Write ids are below ops (one id per write operation): which writes reached a replica.
  const landedBits = new Uint8Array(ops);
  const payloads = new Map<number, Siblings<SetValue>>();
  let nextPayload = 0;
  const clientState = new Map<number, { context: VersionVector; elements: ReadonlySet<number> }>();

  // Quorum overlap: the replica slots (node * (nodeCount + 1) + hintFor + 1) whose acks or
  // responses counted, in order; the reference write of each read; acknowledged writes per key.
  const quorumLocs = new Int32Array(ops * n);
  const opRef = new Int32Array(ops).fill(-1);
  const opAckMs = new Float64Array(ops);
  const ackedByKey = new Map<number, number[]>();
  const nonOverlapReads: ReadRecord[] = [];

  // Sloppy quorum: each operation's sloppy targets ([node, hintFor, ...]; undefined: the N homes),
  // the hints held by stand-ins, and the handoff rounds.
  const opTargets: (Int32Array | undefined)[] = cfg.sloppy ? new Array<undefined>(ops).fill(undefined) : [];
  const ledger = new HintLedger<HintData>(nodeCount, keys);
  const handoffs = new Map<number, Handoff>();
  let tickPending = false;
  let drainRounds = 0;
  /** The failure detector (see `LeaderlessConfig.sloppy`): the node is up and the link to it is not cut. */
  const reachable = (from: number, node: number) => nodes.isUp(node) && (from === node || !net.isCut(from, node));
  /** The stand-in role `node` plays in `op`: the home it holds a hint for, or -1 (a home replica). */
  const hintOf = (op: number, node: number): number => {
    const t = cfg.sloppy ? opTargets[op] : undefined;
    if (t === undefined) return -1;
    for (let i = 0; i < t.length; i += 2) if (t[i] === node) return t[i + 1];
    return -1;
  };
  /** Counts a reply (ack or response) from `node` to `op`, recording its slot while the op is open; returns the new count. */
  const tally = (op: number, node: number): number => {
    const c = opCount[op]++;
    if (opDone[op] === 0 && c < n) quorumLocs[op * n + c] = node * (nodeCount + 1) + hintOf(op, node) + 1;
    return c + 1;
  };
  /** The sloppy targets of `op` from `coord` as [node, hintFor, ...], or null when every home replica is reachable (the strict list). */
  const sloppyTargets = (op: number, coord: number, key: number): Int32Array | null => {
    if (!cfg.sloppy) return null;
    let all = true;
    for (let i = 0; i < n && all; i++) all = reachable(coord, prefs[key * n + i]);
    if (all) return null;
    const list = ring.sloppyPreferenceList(key, n, (node) => reachable(coord, node));
    const t = new Int32Array(list.length * 2);
    list.forEach((rep, i) => {
      t[2 * i] = rep.node;
      t[2 * i + 1] = rep.hintFor ?? -1;
    });
    opTargets[op] = t;
    return t;
  };

  const history = new HistoryRecorder();
  const readLatency = new LogHistogram();
  const writeLatency = new LogHistogram();
  let issued = 0;
  let finished = 0;
  let readsIssued = 0;
  let writesIssued = 0;
  let failedWrites = 0;
  let failedReads = 0;

  const applyWrite = (replica: number, op: number) => {
    const key = opKey[op];
    const id = opWriteId[op];
    landedBits[id] = 1;
    if (!siblingsMode) {
      const slot = replica * keys + key;
      const ts = opTs[op];
      const cur = lwwTs[slot];
      if (ts > cur || (ts === cur && id > lwwWid[slot])) {
        lwwTs[slot] = ts;
        lwwWid[slot] = id;
      }
      return;
    }
    const slot = replica * keys + key;
    let store = sibStore[slot];
    if (store === undefined) sibStore[slot] = store = new Siblings<SetValue>();
    const version = store.put(writeValue[id] as SetValue, writeContext[id] as VersionVector, replica);
    let dots = writeDots[id];
    if (dots === undefined) writeDots[id] = dots = [];
    dots.push(version.dot.actor, version.dot.counter);
  };

  /** A hinted write of `op` at stand-in `holder` for the unreachable `home`. */
  const applyHinted = (holder: number, home: number, op: number) => {
    const key = opKey[op];
    const id = opWriteId[op];
    landedBits[id] = 1;
    const store = ledger.store(holder, home, key, () => ({ ts: -Infinity, wid: -1, sib: siblingsMode ? new Siblings<SetValue>() : undefined }));
    const data = store.data;
    if (!siblingsMode) {
      const ts = opTs[op];
      if (ts > data.ts || (ts === data.ts && id > data.wid)) {
        data.ts = ts;
        data.wid = id;
      }
    } else {
      // Each hint store is its own actor (nodeCount + store id, never reused), so its dots never
      // collide with a replica's or with an earlier store's (as Riak's fresh vnode ids after state loss).
      const version = (data.sib as Siblings<SetValue>).put(writeValue[id] as SetValue, writeContext[id] as VersionVector, nodeCount + store.id);
      let dots = writeDots[id];
      if (dots === undefined) writeDots[id] = dots = [];
      dots.push(version.dot.actor, version.dot.counter);
    }
    if (!tickPending) {
      tickPending = true;
      sim.schedule(cfg.hintedHandoffIntervalMs, HANDOFF_TICK, 0);
    }
  };
  const hintSnapshot = (holder: number, home: number, key: number): Siblings<SetValue> => {
    const copy = new Siblings<SetValue>();
    const store = ledger.get(holder, home, key);
    if (store !== undefined) copy.sync(store.data.sib as Siblings<SetValue>);
    return copy;
  };

  const snapshot = (replica: number, key: number): Siblings<SetValue> => {
    const copy = new Siblings<SetValue>();
    const store = sibStore[replica * keys + key];
    if (store !== undefined) copy.sync(store);
    return copy;
  };

  // Read repair: each read's responses (while collecting), the repairs a blocking read awaits
  // (-1: not repairing), background reads still collecting after they returned, targets per read.
  const rrMode = cfg.readRepair;
  const rrOn = rrMode !== 'off';
  const rrResp: (RepairResponse[] | undefined)[] = rrOn ? new Array<undefined>(ops).fill(undefined) : [];
  const opRepairWait = rrOn ? new Int32Array(ops).fill(-1) : new Int32Array(0);
  const rrOpen = rrOn ? new Uint8Array(ops) : new Uint8Array(0);
  const opTargetCount = rrOn ? new Int32Array(ops) : new Int32Array(0);
  let openRepairs = 0;
  let readRepairs = 0;
  let keysRepairedRR = 0;

  /** Whether two siblings stores (undefined: empty) hold the same versions and causal context. */
  const sibSame = (a: Siblings<SetValue> | undefined, b: Siblings<SetValue> | undefined): boolean => {
    const ea = a === undefined || (a.size === 0 && a.context.size === 0);
    const eb = b === undefined || (b.size === 0 && b.context.size === 0);
    if (ea || eb) return ea && eb;
    if (a.size !== b.size || !a.context.equals(b.context)) return false;
    const bv = b.read().versions;
    return a.read().versions.every((v) => bv.some((x) => x.dot.actor === v.dot.actor && x.dot.counter === v.dot.counter));
  };
  /** Merges a read's kept responses: the LWW winner, or all siblings synced. */
  const rrMerged = (list: readonly RepairResponse[]): RepairResponse => {
    const m: RepairResponse = { node: -1, wid: -1, ts: -Infinity, sib: siblingsMode ? new Siblings<SetValue>() : undefined };
    for (const x of list) {
      if (siblingsMode) (m.sib as Siblings<SetValue>).sync(x.sib as Siblings<SetValue>);
      else if (x.wid >= 0 && (x.ts > m.ts || (x.ts === m.ts && x.wid > m.wid))) {
        m.ts = x.ts;
        m.wid = x.wid;
      }
    }
    return m;
  };
  /** The distinct write ids a siblings store shows a read, sorted, as text (each replica's copy of a write has its own dot, so stores compare by what a read sees). */
  const idsOf = (sib: Siblings<SetValue> | undefined): string => sib === undefined ? ''
    : [...new Set(sib.read().values.map((v) => v.id))].sort((a, b) => a - b).join(',');
  /** Whether a response is older than the merge: an older LWW register, or (siblings) other write ids than the merge shows. */
  const rrStale = (x: RepairResponse, m: RepairResponse): boolean => siblingsMode
    ? idsOf(x.sib) !== idsOf(m.sib)
    : m.wid >= 0 && (x.ts < m.ts || (x.ts === m.ts && x.wid < m.wid));
  /** Applies a repair of `key` at `replica`; counts it when it changed the replica's state. */
  const applyRepair = (replica: number, key: number, wid: number, ts: number, sib: Siblings<SetValue> | undefined) => {
    const s = replica * keys + key;
    if (!siblingsMode) {
      if (wid >= 0 && (ts > lwwTs[s] || (ts === lwwTs[s] && wid > lwwWid[s]))) {
        lwwTs[s] = ts;
        lwwWid[s] = wid;
        keysRepairedRR++;
      }
      return;
    }
    let store = sibStore[s];
    if (store === undefined) sibStore[s] = store = new Siblings<SetValue>();
    const before = idsOf(store);
    store.sync(sib as Siblings<SetValue>);
    if (idsOf(store) !== before) keysRepairedRR++;
  };
  /** Keeps a response for read repair (a copy: the read's own merge may mutate what it got). */
  const rrRecord = (op: number, from: number, wid: number, ts: number, copy: Siblings<SetValue> | undefined) => {
    let sib: Siblings<SetValue> | undefined;
    if (copy !== undefined) {
      sib = new Siblings<SetValue>();
      sib.sync(copy);
    }
    const entry: RepairResponse = { node: hintOf(op, from) < 0 ? from : -1, wid, ts, sib };
    const list = rrResp[op];
    if (list === undefined) rrResp[op] = [entry];
    else list.push(entry);
  };
  /** Sends the merged state of `op`'s responses to its stale home replicas; returns the repair messages sent. */
  const rrSend = (op: number, ack: boolean): number => {
    const list = rrResp[op] ?? [];
    rrResp[op] = undefined;
    const m = rrMerged(list);
    const coord = opCoord[op];
    const key = opKey[op];
    let sent = 0;
    for (const x of list) {
      if (x.node < 0 || !rrStale(x, m)) continue;
      if (x.node === coord) {
        applyRepair(coord, key, m.wid, m.ts, m.sib);
        continue;
      }
      let slot = 0;
      if (siblingsMode) {
        slot = nextPayload++;
        const copy = new Siblings<SetValue>();
        copy.sync(m.sib as Siblings<SetValue>);
        payloads.set(slot, copy);
      }
      readRepairs++;
      sent++;
      // a: op, plus ops when an ack is wanted; b: the wid or payload slot; c: the timestamp.
      net.send(coord, x.node, REPAIR, ack ? op + ops : op, siblingsMode ? slot : m.wid, m.ts);
    }
    return sent;
  };
  /** Background read repair: the read stops collecting responses and repairs. */
  const rrFlush = (op: number) => {
    if (rrOpen[op] === 0) return;
    rrOpen[op] = 0;
    openRepairs--;
    if (nodes.incarnation(opCoord[op]) === opInc[op]) rrSend(op, false);
    else rrResp[op] = undefined;
  };
  /** A read reached R responses: returns, or (blocking) repairs the stale replicas among them first. */
  const rrQuorum = (op: number) => {
    if (rrMode === 'blocking') {
      const waiting = rrSend(op, true);
      if (waiting === 0) finish(op, true);
      else opRepairWait[op] = waiting;
      return;
    }
    finish(op, true);
    if (rrOpen[op] === 1 && opCount[op] >= opTargetCount[op]) rrFlush(op);
  };

  // Anti-entropy: the keys each pair of nodes both replicate, the rounds, and convergence.
  const aeOn = cfg.antiEntropyIntervalMs !== null;
  const pairKeys = new Map<number, number[]>();
  if (aeOn) {
    for (let k = 0; k < keys; k++) {
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const a = Math.min(prefs[k * n + i], prefs[k * n + j]);
          const b = Math.max(prefs[k * n + i], prefs[k * n + j]);
          const id = a * nodeCount + b;
          const list = pairKeys.get(id);
          if (list === undefined) pairKeys.set(id, [k]);
          else list.push(k);
        }
      }
    }
  }
  const pairs = [...pairKeys.keys()].sort((x, y) => x - y);
  const merkleDepth = keys <= 16 ? 0 : Math.min(4, Math.ceil(Math.log(keys) / Math.log(16)) - 1);
  let aeMessages = 0;
  let aeBytes = 0;
  let keysRepairedAE = 0;
  let aeDrain = 0;
  let convergedAt = -1;
  let workloadEndMs = Infinity;
  const finitePartitionEnd = cfg.partitions.reduce((t, p) => (Number.isFinite(p.endMs) ? Math.max(t, p.endMs) : t), 0);
  const partitionsHeal = cfg.partitions.every((p) => Number.isFinite(p.endMs));
  // Down intervals per node (crash time, recovery time; NaN while down), for the heal moment.
  const downs: number[][] = Array.from({ length: aeOn ? nodeCount : 0 }, () => []);
  if (aeOn) {
    nodes.onCrash((node) => downs[node].push(sim.now, Number.NaN));
    nodes.onRecover((node) => {
      const d = downs[node];
      if (d.length > 0) d[d.length - 1] = sim.now;
    });
  }
  /** When the faults healed (see `convergence_ms`), or null if they have not yet. */
  const healMs = (): number | null => {
    if (!partitionsHeal || finished < ops) return null;
    const base = Math.max(workloadEndMs, finitePartitionEnd);
    if (sim.now < base) return null;
    let heal = base;
    for (const d of downs) {
      for (let i = 0; i < d.length; i += 2) {
        if (d[i] <= base && !(d[i + 1] <= base)) {
          if (Number.isNaN(d[i + 1])) return null;
          heal = Math.max(heal, d[i + 1]);
        }
      }
    }
    return heal;
  };
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  /** A replica's version digest for a key (Merkle leaf entry), or -1 when it holds nothing. */
  const digest = (replica: number, key: number): number => {
    const s = replica * keys + key;
    if (!siblingsMode) {
      if (lwwWid[s] < 0) return -1;
      f64[0] = lwwTs[s];
      return murmurFinish(murmurMix(murmurMix(murmurMix(0, lwwWid[s]), u32[0]), u32[1]), 3);
    }
    const store = sibStore[s];
    if (store === undefined || (store.size === 0 && store.context.size === 0)) return -1;
    let h = 1;
    let words = 0;
    for (const [actor, counter] of store.context.entries()) {
      h = murmurMix(murmurMix(h, actor), counter);
      words += 2;
    }
    const dots = store.read().versions.map((v) => [v.dot.actor, v.dot.counter]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (const [actor, counter] of dots) {
      h = murmurMix(murmurMix(h, actor + 0x10000), counter);
      words += 2;
    }
    return murmurFinish(h, words);
  };
  const transferBytes = (replica: number, key: number): number => {
    const s = replica * keys + key;
    if (!siblingsMode) return lwwWid[s] < 0 ? 0 : 20;
    const store = sibStore[s];
    if (store === undefined) return 0;
    let bytes = 8 + 8 * store.context.size;
    for (const v of store.read().values) bytes += 12 + 4 * v.elements.size;
    return bytes;
  };
  /** Whether every key's home replicas hold the same state. */
  const replicasEqual = (): boolean => {
    for (let k = 0; k < keys; k++) {
      const s0 = prefs[k * n] * keys + k;
      for (let i = 1; i < n; i++) {
        const s = prefs[k * n + i] * keys + k;
        if (siblingsMode ? !sibSame(sibStore[s0], sibStore[s]) : (lwwWid[s] !== lwwWid[s0] || lwwTs[s] !== lwwTs[s0])) return false;
      }
    }
    return true;
  };
  const aeExchange = (a: number, b: number, shared: readonly number[]) => {
    const cfgTree = { start: 0, end: keys, fanout: 16, depth: merkleDepth };
    const ea: [number, number][] = [];
    const eb: [number, number][] = [];
    for (const k of shared) {
      const da = digest(a, k);
      const db = digest(b, k);
      if (da >= 0) ea.push([k, da]);
      if (db >= 0) eb.push([k, db]);
    }
    const diff = merkleDiff(MerkleTree.build(cfgTree, ea), MerkleTree.build(cfgTree, eb));
    aeMessages += diff.cost.messages;
    aeBytes += diff.cost.bytes;
    if (diff.keys.length === 0) return;
    aeMessages += 2;
    for (const k of diff.keys) {
      aeBytes += transferBytes(a, k) + transferBytes(b, k);
      const sa = a * keys + k;
      const sb = b * keys + k;
      if (!siblingsMode) {
        const aNewer = lwwTs[sa] > lwwTs[sb] || (lwwTs[sa] === lwwTs[sb] && lwwWid[sa] > lwwWid[sb]);
        const [from, to] = aNewer ? [sa, sb] : [sb, sa];
        if (lwwTs[to] !== lwwTs[from] || lwwWid[to] !== lwwWid[from]) {
          lwwTs[to] = lwwTs[from];
          lwwWid[to] = lwwWid[from];
          keysRepairedAE++;
        }
      } else {
        const before = snapshot(a, k);
        const beforeB = snapshot(b, k);
        let storeA = sibStore[sa];
        if (storeA === undefined) sibStore[sa] = storeA = new Siblings<SetValue>();
        let storeB = sibStore[sb];
        if (storeB === undefined) sibStore[sb] = storeB = new Siblings<SetValue>();
        storeA.sync(beforeB);
        storeB.sync(before);
        if (!sibSame(before, storeA)) keysRepairedAE++;
        if (!sibSame(beforeB, storeB)) keysRepairedAE++;
      }
    }
  };

  const maybeStop = () => {
    if (finished === ops && net.counters.inFlight === 0 && (ledger.size === 0 || drainRounds >= DRAIN_ROUNDS)
      && openRepairs === 0 && (!aeOn || convergedAt >= 0 || aeDrain >= AE_DRAIN_ROUNDS)) sim.stop();
  };
  // Hints are volatile: a stand-in's crash loses every hint it holds.
  if (cfg.sloppy) nodes.onCrash((node) => ledger.crash(node));
  nodes.onCrash(maybeStop);
  nodes.onRecover(maybeStop);

  const finish = (op: number, ok: boolean) => {
    opDone[op] = 1;
    finished++;
    const now = sim.now;
    if (finished === ops) workloadEndMs = now;
    const isWrite = opFlags[op] & IS_WRITE;
    if (ok && rrMode === 'background' && !isWrite && nodes.incarnation(opCoord[op]) === opInc[op]) {
      // Keep the timer: background read repair collects late responses until the timeout.
      rrOpen[op] = 1;
      openRepairs++;
    } else if (ok) sim.cancel(opTimer[op]);
    if (rrOn && rrOpen[op] === 0) rrResp[op] = undefined;
    if (isWrite) {
      if (ok) {
        history.ack(opWriteId[op], now);
        writeLatency.record(now - opStart[op]);
        opAckMs[op] = now;
        const acked = ackedByKey.get(opKey[op]);
        if (acked === undefined) ackedByKey.set(opKey[op], [op]);
        else acked.push(op);
      } else failedWrites++;
    } else if (ok) {
      readLatency.record(now - opStart[op]);
      const client = opClient[op];
      const key = opKey[op];
      let returned: number[];
      if (!siblingsMode) returned = readBestWid[op] < 0 ? [] : [readBestWid[op]];
      else {
        const got = (readAcc[op] as Siblings<SetValue>).read();
        readAcc[op] = undefined;
        const ids = new Set<number>();
        const elements = new Set<number>();
        for (const v of got.values) {
          ids.add(v.id);
          for (const e of v.elements) elements.add(e);
        }
        returned = [...ids];
        clientState.set(client * keys + key, { context: got.context, elements });
      }
      const record: ReadRecord = { client, session: opSession[op], key, invokeMs: opStart[op], returnMs: now, returned };
      history.read(record);
      const ref = opRef[op];
      if (ref >= 0) {
        let overlap = false;
        for (let i = 0; i < r && !overlap; i++) {
          for (let j = 0; j < w; j++) {
            if (quorumLocs[op * n + i] === quorumLocs[ref * n + j]) {
              overlap = true;
              break;
            }
          }
        }
        if (!overlap) nonOverlapReads.push(record);
      }
    } else failedReads++;
    if (workload.kind === 'closed' && issued < ops) scheduleOp(workload.nextAfter(opClient[op], now));
    maybeStop();
  };

  const scheduleOp = (o: WorkloadOp) => {
    const op = o.seq;
    issued++;
    opFlags[op] = o.op === 'write' ? IS_WRITE : 0;
    opKey[op] = o.key;
    opClient[op] = o.client;
    opSession[op] = o.session;
    opWriteId[op] = o.writeId;
    opStart[op] = o.timeMs;
    sim.scheduleAt(o.timeMs, ISSUE, op);
  };

  sim.on(ISSUE, (op) => {
    const now = sim.now;
    if (workload.kind === 'open' && issued < ops) scheduleOp(workload.next());
    const key = opKey[op];
    const client = opClient[op];
    const base = key * n;
    let coord: number;
    if (cfg.coordinator === 'client') coord = nodeCount + client;
    else if (cfg.coordinator === 'first-replica') coord = prefs[base];
    else coord = nodeCount === 1 ? 0 : coordRng.nextInt(nodeCount);
    opCoord[op] = coord;
    opInc[op] = nodes.incarnation(coord);
    opTimer[op] = sim.schedule(cfg.timeoutMs, TIMEOUT, op);
    const coordUp = nodes.isUp(coord);
    if (opFlags[op] & IS_WRITE) {
      writesIssued++;
      const id = opWriteId[op];
      const ts = clocks.local(coord, now);
      opTs[op] = ts;
      if (siblingsMode) {
        const state = clientState.get(client * keys + key);
        const elements = new Set<number>(state?.elements ?? []);
        elements.add(id);
        writeValue[id] = { id, elements };
        writeContext[id] = state?.context ?? VersionVector.empty;
        history.write({ id, client, session: opSession[op], key, invokeMs: now });
      } else {
        history.write({ id, client, session: opSession[op], key, invokeMs: now, timestamp: ts });
      }
      if (!coordUp) return; // the client's request dies at a down coordinator: it will time out
      const targets = sloppyTargets(op, coord, key);
      const count = targets === null ? n : targets.length / 2;
      for (let i = 0; i < count; i++) {
        const replica = targets === null ? prefs[base + i] : targets[2 * i];
        const hint = targets === null ? -1 : targets[2 * i + 1];
        if (replica === coord) {
          if (hint < 0) applyWrite(replica, op);
          else applyHinted(replica, hint, op);
          if (tally(op, replica) >= w && opDone[op] === 0) finish(op, true);
        } else net.send(coord, replica, WRITE_REQ, op, hint + 1);
      }
    } else {
      readsIssued++;
      // The reference write: the key's last write acknowledged strictly before the read starts.
      const acked = ackedByKey.get(key);
      if (acked !== undefined) {
        let j = acked.length - 1;
        while (j >= 0 && opAckMs[acked[j]] >= now) j--;
        if (j >= 0) opRef[op] = acked[j];
      }
      if (!coordUp) return;
      const targets = sloppyTargets(op, coord, key);
      const count = targets === null ? n : targets.length / 2;
      if (rrOn) opTargetCount[op] = count;
      for (let i = 0; i < count; i++) {
        const replica = targets === null ? prefs[base + i] : targets[2 * i];
        const hint = targets === null ? -1 : targets[2 * i + 1];
        if (replica === coord && rrOn) {
          if (opDone[op] !== 0 || opRepairWait[op] >= 0) continue;
          if (siblingsMode) {
            const copy = hint >= 0 ? hintSnapshot(replica, hint, key) : snapshot(replica, key);
            rrRecord(op, replica, -1, -Infinity, copy);
            mergeResponse(op, copy);
          } else {
            const held = hint >= 0 ? ledger.get(replica, hint, key) : undefined;
            const wid = hint >= 0 ? held?.data.wid ?? -1 : lwwWid[replica * keys + key];
            const ts = hint >= 0 ? held?.data.ts ?? -Infinity : lwwTs[replica * keys + key];
            rrRecord(op, replica, wid, ts, undefined);
            mergeLww(op, wid, ts);
          }
          if (tally(op, replica) >= r) rrQuorum(op);
        } else if (replica === coord) {
          if (hint >= 0) {
            const held = ledger.get(replica, hint, key);
            if (siblingsMode) mergeResponse(op, hintSnapshot(replica, hint, key));
            else if (held !== undefined) mergeLww(op, held.data.wid, held.data.ts);
          } else if (siblingsMode) mergeResponse(op, snapshot(replica, key));
          else mergeLww(op, lwwWid[replica * keys + key], lwwTs[replica * keys + key]);
          if (tally(op, replica) >= r && opDone[op] === 0) finish(op, true);
        } else net.send(coord, replica, READ_REQ, op, hint + 1);
      }
    }
  });

  sim.on(TIMEOUT, (op) => {
    if (opDone[op] === 0) finish(op, false);
    else if (rrOn) {
      rrFlush(op);
      maybeStop();
    }
  });

  const mergeLww = (op: number, wid: number, ts: number) => {
    if (wid < 0) return;
    if (ts > readBestTs[op] || (ts === readBestTs[op] && wid > readBestWid[op])) {
      readBestTs[op] = ts;
      readBestWid[op] = wid;
    }
  };
  const mergeResponse = (op: number, copy: Siblings<SetValue>) => {
    const acc = readAcc[op];
    if (acc === undefined) readAcc[op] = copy;
    else acc.sync(copy);
  };
  /** Whether a reply to `op` still matters: the operation is open and its coordinator has not restarted since. */
  const live = (op: number) => opDone[op] === 0 && nodes.incarnation(opCoord[op]) === opInc[op];

  // Message argument b of a request is the home replica a stand-in acts for, plus 1 (0: a home replica itself).
  net.on(WRITE_REQ, (replica, from, op, hintPlus1) => {
    if (hintPlus1 === 0) applyWrite(replica, op);
    else applyHinted(replica, hintPlus1 - 1, op);
    net.send(replica, from, WRITE_ACK, op);
  }, 'write request');
  net.on(WRITE_ACK, (_coord, from, op) => {
    if (live(op) && tally(op, from) >= w) finish(op, true);
    maybeStop();
  }, 'write ack');
  net.on(READ_REQ, (replica, from, op, hintPlus1) => {
    const key = opKey[op];
    if (hintPlus1 !== 0) {
      const home = hintPlus1 - 1;
      if (siblingsMode) {
        const slot = nextPayload++;
        payloads.set(slot, hintSnapshot(replica, home, key));
        net.send(replica, from, READ_RESP, op, slot);
      } else {
        const held = ledger.get(replica, home, key);
        net.send(replica, from, READ_RESP, op, held?.data.wid ?? -1, held?.data.ts ?? -Infinity);
      }
    } else if (siblingsMode) {
      const slot = nextPayload++;
      payloads.set(slot, snapshot(replica, key));
      net.send(replica, from, READ_RESP, op, slot);
    } else {
      const s = replica * keys + key;
      net.send(replica, from, READ_RESP, op, lwwWid[s], lwwTs[s]);
    }
  }, 'read request');
  net.on(READ_RESP, (_coord, from, op, b, c) => {
    if (rrOn) {
      let copy: Siblings<SetValue> | undefined;
      if (siblingsMode) {
        copy = payloads.get(b) as Siblings<SetValue>;
        payloads.delete(b);
      }
      const wid = siblingsMode ? -1 : b;
      const ts = siblingsMode ? -Infinity : c;
      if (live(op)) {
        if (opRepairWait[op] < 0) {
          rrRecord(op, from, wid, ts, copy);
          if (copy !== undefined) mergeResponse(op, copy);
          else mergeLww(op, wid, ts);
          if (tally(op, from) >= r) rrQuorum(op);
        }
      } else if (rrOpen[op] === 1) {
        rrRecord(op, from, wid, ts, copy);
        if (++opCount[op] >= opTargetCount[op]) rrFlush(op);
      }
      maybeStop();
      return;
    }
    if (siblingsMode) {
      const copy = payloads.get(b) as Siblings<SetValue>;
      payloads.delete(b);
      if (live(op)) mergeResponse(op, copy);
    } else if (live(op)) mergeLww(op, b, c);
    if (live(op) && tally(op, from) >= r) finish(op, true);
    maybeStop();
  }, 'read response');

  net.on(REPAIR, (replica, from, a, b, c) => {
    const ack = a >= ops;
    const op = ack ? a - ops : a;
    let sib: Siblings<SetValue> | undefined;
    if (siblingsMode) {
      sib = payloads.get(b) as Siblings<SetValue>;
      payloads.delete(b);
    }
    applyRepair(replica, opKey[op], b, c, sib);
    if (ack) net.send(replica, from, REPAIR_ACK, op);
    maybeStop();
  }, 'read repair');
  net.on(REPAIR_ACK, (_coord, _from, op) => {
    if (live(op) && opRepairWait[op] > 0 && --opRepairWait[op] === 0) finish(op, true);
    maybeStop();
  }, 'read repair ack');

  // Anti-entropy rounds: every pair of nodes sharing keys, both up and connected, compares and repairs.
  sim.on(AE_TICK, () => {
    for (const id of pairs) {
      const a = Math.floor(id / nodeCount);
      const b = id % nodeCount;
      if (!nodes.isUp(a) || !nodes.isUp(b) || net.isCut(a, b) || net.isCut(b, a)) continue;
      aeExchange(a, b, pairKeys.get(id) as number[]);
    }
    if (finished === ops && sim.now >= finitePartitionEnd) aeDrain++;
    if (convergedAt < 0 && net.counters.inFlight === 0 && ledger.size === 0) {
      const heal = healMs();
      if (heal !== null && replicasEqual()) convergedAt = sim.now - heal;
    }
    if (!(finished === ops && (convergedAt >= 0 || aeDrain >= AE_DRAIN_ROUNDS))) sim.schedule(cfg.antiEntropyIntervalMs as number, AE_TICK, 0);
    maybeStop();
  });
  if (aeOn) sim.schedule(cfg.antiEntropyIntervalMs as number, AE_TICK, 0);

  // Hinted handoff: every round, each stand-in sends each hint store whose home it can reach.
  sim.on(HANDOFF_TICK, () => {
    tickPending = false;
    if (finished === ops) drainRounds++;
    for (const store of ledger.stores()) {
      if (!reachable(store.holder, store.home)) continue;
      const slot = nextPayload++;
      const { data } = store;
      let sib: Siblings<SetValue> | undefined;
      if (data.sib !== undefined) {
        sib = new Siblings<SetValue>();
        sib.sync(data.sib);
      }
      handoffs.set(slot, { store: store.id, mutations: store.mutations, key: store.key, ts: data.ts, wid: data.wid, sib });
      if (net.send(store.holder, store.home, HANDOFF, slot) === NO_EVENT) handoffs.delete(slot);
    }
    if (ledger.size > 0 && drainRounds < DRAIN_ROUNDS) {
      tickPending = true;
      sim.schedule(cfg.hintedHandoffIntervalMs, HANDOFF_TICK, 0);
    }
    maybeStop();
  });
  net.on(HANDOFF, (home, from, slot) => {
    const h = handoffs.get(slot) as Handoff;
    handoffs.delete(slot);
    const s = home * keys + h.key;
    if (!siblingsMode) {
      if (h.wid >= 0 && (h.ts > lwwTs[s] || (h.ts === lwwTs[s] && h.wid > lwwWid[s]))) {
        lwwTs[s] = h.ts;
        lwwWid[s] = h.wid;
      }
    } else {
      // Whole-store sync (never `apply` of single versions: see siblings.ts).
      let store = sibStore[s];
      if (store === undefined) sibStore[s] = store = new Siblings<SetValue>();
      store.sync(h.sib as Siblings<SetValue>);
    }
    net.send(home, from, HANDOFF_ACK, h.store, h.mutations);
    maybeStop();
  }, 'hinted handoff');
  net.on(HANDOFF_ACK, (_holder, _from, store, mutations) => {
    ledger.acknowledge(store, mutations);
    maybeStop();
  }, 'handoff ack');

  // Start the workload.
  if (workload.kind === 'open') scheduleOp(workload.next());
  else for (let c = 0; c < clients && issued < ops; c++) scheduleOp(workload.nextAfter(c, 0));
  const simStart = performance.now();
  sim.run();
  const simEnd = performance.now();

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
    ops: issued,
    reads: readsIssued,
    writes: writesIssued,
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
    latency_ms: { read: q(readLatency), write: q(writeLatency) },
    messages_per_op: net.counters.sent / ops,
    hints_stored: hints.stored,
    hints_handed_off: hints.handedOff,
    hints_lost: hints.lost,
    hints_held: hints.held,
    non_overlapping_reads: nonOverlapReads.length,
    non_overlapping_stale_reads: nonOverlapStale,
    acked_writes_under_replicated: underReplicated,
    convergence_ms: convergedAt >= 0 ? convergedAt : null,
    replicas_converged: replicasEqual(),
    read_repairs: readRepairs,
    keys_repaired_by_read_repair: keysRepairedRR,
    anti_entropy_messages: aeMessages,
    anti_entropy_bytes: aeBytes,
    keys_repaired_by_anti_entropy: keysRepairedAE,
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
  return { result, history: h, order, config: cfg, wallMs: { simulate: simEnd - simStart, metrics: performance.now() - simEnd } };
}

/**
 * {@link runLeaderlessWithHistory} without the history: the summary only.
 *
 * @example
 * runLeaderless({ nodes: 5, n: 3, r: 2, w: 2 }, 1).stale_read_fraction; // 0
 */
export function runLeaderless(config: Partial<LeaderlessConfig>, seed: number): LeaderlessResult {
  return runLeaderlessWithHistory(config, seed).result;
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
