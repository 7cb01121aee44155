/**
 * The leaderless (Dynamo-style) model's entry point: validates the config, builds the simulation
 * (network, clocks, churn, partitions, ring, workload) and wires the model's parts together
 * (replica stores, coordinator, read repair, hinted handoff, anti-entropy), runs it, and returns
 * the result assembled by leaderless-metrics.ts.
 */
import { performance } from 'node:perf_hooks';
import type { History, VersionOrder } from '../../check/index.js';
import { deriveStream } from '../../random/index.js';
import {
  Clocks,
  Network,
  Nodes,
  PROGRESS_EVERY_EVENTS,
  Simulation,
  type ProgressCallback,
} from '../../sim/index.js';
import type { LogHistogramData } from '../../stats/index.js';
import { createWorkload } from '../../workload/index.js';
import { createAntiEntropy } from './anti-entropy.js';
import { planClusterFaults } from './cluster-faults.js';
import { createStoreRestore } from './store-restore.js';
import {
  validateLeaderlessConfig,
  type LeaderlessConfig,
  type ResolvedLeaderlessConfig,
} from './cluster-config.js';
import { createCoordinator } from './coordinator.js';
import { createHintedHandoff } from './hinted-handoff.js';
import { RunMetrics, type LeaderlessResult } from './leaderless-metrics.js';
import {
  HANDOFF,
  HANDOFF_ACK,
  READ_REQ,
  READ_RESP,
  REPAIR,
  REPAIR_ACK,
  WRITE_ACK,
  WRITE_REQ,
} from './message-kinds.js';
import { WriteBook } from './op-table.js';
import { Payloads, ReplicaStores } from './replica-store.js';
import { HashRing } from './ring.js';

export type { LeaderlessResult, OperationLatencyMs } from './leaderless-metrics.js';
export type { ReadAgeQuantiles, VersionsBehindQuantiles } from './staleness-quantiles.js';

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
  /** The samples of `latency_ms` (every successful read and write, invocation to result), as plain data: what a sweep merges over runs. */
  latencyHistograms: { read: LogHistogramData; write: LogHistogramData };
  /** The samples of `read_age_ms` and `versions_behind` (one per returned read), as plain data. */
  stalenessHistograms: StalenessHistograms;
}

/** The samples of a run's `read_age_ms` and `versions_behind`, one per returned read. */
export interface StalenessHistograms {
  readAgeMs: LogHistogramData;
  versionsBehind: LogHistogramData;
}

/** Options of a leaderless run. */
export interface LeaderlessRunOptions {
  /**
   * Called with the fraction of the operations finished, at most every
   * {@link PROGRESS_EVERY_EVENTS} events, and with 1 at the end (after the drain: hints handed
   * off, repairs and anti-entropy settled).
   */
  onProgress?: ProgressCallback;
}

/** A run's result without its history: what {@link runLeaderless} computes, with its timing. */
export interface LeaderlessSummaryRun {
  result: LeaderlessResult;
  /** The validated config. */
  config: ResolvedLeaderlessConfig;
  /** Wall-clock ms spent simulating (the streaming metrics included) and assembling the result; not part of the deterministic result. */
  wallMs: { simulate: number; metrics: number };
  /** The samples of `latency_ms`, as {@link LeaderlessRun.latencyHistograms}. */
  latencyHistograms: { read: LogHistogramData; write: LogHistogramData };
  /** The samples of `read_age_ms` and `versions_behind`, as {@link LeaderlessRun.stalenessHistograms}. */
  stalenessHistograms: StalenessHistograms;
}

/**
 * One leaderless (Dynamo-style) run on the event kernel: a ring of `nodes` nodes with virtual
 * nodes, clients issuing reads and writes, quorum operations with a timeout, LWW or siblings.
 * The result is a pure function of (config, seed).
 *
 * Semantics:
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
 * - Metrics come from lib/check's checkers on the recorded history: `timestampOrder` for LWW and
 *   {@link LeaderlessRun.order} (exact dot coverage) for siblings. {@link runLeaderless} computes
 *   the same result with lib/check's streaming trackers, without recording the history.
 *
 * @param config - any subset of {@link LeaderlessConfig} (defaults fill the rest)
 * @param seed - seed of every random stream of the run
 * @example
 * const { result } = runLeaderlessWithHistory({ r: 1, w: 1, clockSkew: 'uniform(0,50)' }, 1);
 * result.acked_writes_lost; // > 0: LWW with skewed clocks loses acknowledged writes
 */
export function runLeaderlessWithHistory(
  config: Partial<LeaderlessConfig>,
  seed: number,
  options: LeaderlessRunOptions = {},
): LeaderlessRun {
  const run = simulate(config, seed, true, options);
  return { ...run, history: run.history as History };
}

/**
 * {@link runLeaderlessWithHistory}'s result without recording the history: the checkers run as
 * streaming trackers (lib/check), so memory follows the keys, the clients and the operations in
 * flight, not the number of operations (LWW with durable stores; siblings values and lost stores
 * keep per-write state). Same result for the same (config, seed).
 *
 * @example
 * runLeaderless({ nodes: 5, n: 3, r: 2, w: 2 }, 1).stale_read_fraction; // 0
 */
export function runLeaderless(
  config: Partial<LeaderlessConfig>,
  seed: number,
  options: LeaderlessRunOptions = {},
): LeaderlessResult {
  return simulate(config, seed, false, options).result;
}

/**
 * {@link runLeaderless} with its timing (for benchmarks) and its latency samples as histograms
 * (for sweeps, which merge them over runs), still without a history.
 *
 * @example
 * const { result, wallMs } = runLeaderlessTimed({ ops: 200_000 }, 1);
 * result.events / (wallMs.simulate + wallMs.metrics); // events per ms, end to end
 */
export function runLeaderlessTimed(
  config: Partial<LeaderlessConfig>,
  seed: number,
  options: LeaderlessRunOptions = {},
): LeaderlessSummaryRun {
  const run = simulate(config, seed, false, options);
  const { result, config: cfg, wallMs, latencyHistograms, stalenessHistograms } = run;
  return { result, config: cfg, wallMs, latencyHistograms, stalenessHistograms };
}

/** One run; with `recordHistory`, the checker metrics come from the recorded history, else from streaming trackers. */
function simulate(
  config: Partial<LeaderlessConfig>,
  seed: number,
  recordHistory: boolean,
  options: LeaderlessRunOptions,
): Omit<LeaderlessRun, 'history'> & { history: History | null } {
  const cfg = validateLeaderlessConfig(config);
  const { nodes: nodeCount, n, keys, clients } = cfg;
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
  // Crashes, partitions and slow nodes, each drawing from its own stream (cluster-faults.ts).
  const faults = planClusterFaults({
    cfg,
    sim,
    nodes,
    net,
    seed,
    workloadDone: () => workloadDone(),
    restoreStore: (node) => storeRestore.restore(node),
  });
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
  const workload = createWorkload(
    {
      clients,
      arrivals: cfg.arrivals,
      writeRatio: cfg.writeRatio,
      keys,
      zipf: cfg.zipf,
      sessionLength: cfg.sessionLength,
    },
    deriveStream(seed, 0, 1),
  );

  const stores = new ReplicaStores(nodeCount, keys, siblingsMode);
  const storeRestore = createStoreRestore({ n, keys, nodes, stores, prefs });
  const writes = new WriteBook();
  const payloads = new Payloads();
  const metrics = new RunMetrics({ cfg, stores, prefs, writes, recordHistory });

  // The parts call each other through these (the run is over only when every part is).
  const workloadDone = () => coordinator.finished() === coordinator.expected();
  const maybeStop = () => {
    if (
      workloadDone() &&
      net.counters.inFlight === 0 &&
      hints.drained() &&
      coordinator.readRepair.openRepairs() === 0 &&
      antiEntropy.settled()
    )
      sim.stop();
  };
  const hints = createHintedHandoff({
    cfg,
    sim,
    nodes,
    net,
    stores,
    payloads,
    writes,
    workloadDone,
    maybeStop,
  });
  // Crash listeners keep the original order: anti-entropy's down intervals (registered inside),
  // then the hint ledger's, then maybeStop (which must see the hints a crash lost).
  const antiEntropy = createAntiEntropy({
    cfg,
    sim,
    nodes,
    net,
    stores,
    prefs,
    faults,
    ledger: hints.ledger,
    workloadDone,
    workloadEndMs: () => coordinator.workloadEndMs(),
    maybeStop,
  });
  // Hints are volatile: a stand-in's crash loses every hint it holds.
  if (cfg.sloppy) nodes.onCrash((node) => hints.ledger.crash(node));
  nodes.onCrash(maybeStop);
  nodes.onRecover(maybeStop);
  const coordinator = createCoordinator({
    cfg,
    sim,
    nodes,
    net,
    clocks,
    ring,
    prefs,
    coordRng,
    workload,
    metrics,
    stores,
    payloads,
    writes,
    hints,
    maybeStop,
  });

  // Start the workload.
  const onProgress = options.onProgress;
  if (onProgress !== undefined)
    sim.onProgress(PROGRESS_EVERY_EVENTS, () => onProgress(coordinator.finished() / coordinator.expected()));
  coordinator.start();
  const simStart = performance.now();
  sim.run();
  const simEnd = performance.now();
  onProgress?.(1);

  const { result, history } = metrics.finish({ sim, net, hints, coordinator, antiEntropy });
  const latencyHistograms = { read: coordinator.readLatency, write: coordinator.writeLatency };
  const stalenessHistograms = { readAgeMs: metrics.age.ageMs, versionsBehind: metrics.age.versionsBehind };
  return {
    result,
    history,
    order: metrics.order,
    config: cfg,
    wallMs: { simulate: simEnd - simStart, metrics: performance.now() - simEnd },
    latencyHistograms,
    stalenessHistograms,
  };
}
