/**
 * Anti-entropy (see `LeaderlessConfig.antiEntropyIntervalMs`): rounds in which every connected
 * pair of nodes sharing keys compares Merkle trees of their versions (merkle.ts) and exchanges
 * the differing keys, and the convergence measurement (`convergence_ms`) those rounds make.
 */
import type { Faults, Network, Nodes, Simulation } from '../../sim/index.js';
import { murmurFinish, murmurMix } from '../../random/hash.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import type { HintLedger } from './hints.js';
import type { HintData } from './hinted-handoff.js';
import { MerkleTree, merkleDiff } from './merkle.js';
import { AE_DRAIN_ROUNDS, AE_TICK } from './message-kinds.js';
import { sibSame, type ReplicaStores } from './replica-store.js';

/** What anti-entropy needs from the run. */
export interface AntiEntropyDeps {
  cfg: ResolvedLeaderlessConfig;
  sim: Simulation;
  nodes: Nodes;
  net: Network;
  stores: ReplicaStores;
  /** Preference lists: key k's replicas are prefs[k*n .. k*n+n). */
  prefs: Int32Array;
  /** The run's faults: whether a partition is in force, and when the last one healed. */
  faults: Faults;
  ledger: HintLedger<HintData>;
  /** Whether every operation of the workload has finished. */
  workloadDone: () => boolean;
  /** When the workload's last operation finished (Infinity: not yet). */
  workloadEndMs: () => number;
  /** Stops the run if it is over. */
  maybeStop: () => void;
}

/** Anti-entropy's counters and convergence. */
export interface AntiEntropy {
  /** Whether anti-entropy is on. */
  readonly on: boolean;
  /** Whether anti-entropy no longer holds the run open: off, converged, or the drain rounds are spent. */
  settled(): boolean;
  /** Convergence time, ms (-1: not converged). */
  convergedAt(): number;
  /** Whether every key's home replicas hold the same state. */
  replicasEqual(): boolean;
  messages(): number;
  bytes(): number;
  keysRepaired(): number;
}

/**
 * Builds anti-entropy: tracks down intervals (for the heal moment), registers the round handler
 * and, when on, schedules the first round.
 */
export function createAntiEntropy(deps: AntiEntropyDeps): AntiEntropy {
  const { cfg, sim, nodes, net, stores, prefs, faults, ledger, workloadDone, workloadEndMs, maybeStop } =
    deps;
  const { nodes: nodeCount, n, keys } = cfg;
  const siblingsMode = cfg.conflict === 'siblings';
  const { lwwTs, lwwWid, sibStore } = stores;

  // The keys each pair of nodes both replicate, the rounds, and convergence.
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
  const finitePartitionEnd = cfg.partitions.reduce(
    (t, p) => (Number.isFinite(p.endMs) ? Math.max(t, p.endMs) : t),
    0,
  );
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
    // Random partitions start no cut after the workload: once none is in force, the network has healed for good.
    if (!partitionsHeal || !workloadDone() || faults.partitionsInForce > 0) return null;
    const base = Math.max(workloadEndMs(), finitePartitionEnd, faults.lastHealMs);
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
    const dots = store
      .read()
      .versions.map((v) => [v.dot.actor, v.dot.counter])
      .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
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
  const replicasEqual = (): boolean => {
    for (let k = 0; k < keys; k++) {
      const s0 = prefs[k * n] * keys + k;
      for (let i = 1; i < n; i++) {
        const s = prefs[k * n + i] * keys + k;
        if (
          siblingsMode
            ? !sibSame(sibStore[s0], sibStore[s])
            : lwwWid[s] !== lwwWid[s0] || lwwTs[s] !== lwwTs[s0]
        )
          return false;
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
        const before = stores.snapshot(a, k);
        const beforeB = stores.snapshot(b, k);
        const storeA = stores.siblingsAt(sa);
        const storeB = stores.siblingsAt(sb);
        storeA.sync(beforeB);
        storeB.sync(before);
        if (!sibSame(before, storeA)) keysRepairedAE++;
        if (!sibSame(beforeB, storeB)) keysRepairedAE++;
      }
    }
  };

  // Anti-entropy rounds: every pair of nodes sharing keys, both up and connected, compares and repairs.
  sim.on(AE_TICK, () => {
    for (const id of pairs) {
      const a = Math.floor(id / nodeCount);
      const b = id % nodeCount;
      if (!nodes.isUp(a) || !nodes.isUp(b) || net.isCut(a, b) || net.isCut(b, a)) continue;
      aeExchange(a, b, pairKeys.get(id) as number[]);
    }
    if (workloadDone() && sim.now >= finitePartitionEnd) aeDrain++;
    if (convergedAt < 0 && net.counters.inFlight === 0 && ledger.size === 0) {
      const heal = healMs();
      if (heal !== null && replicasEqual()) convergedAt = sim.now - heal;
    }
    if (!(workloadDone() && (convergedAt >= 0 || aeDrain >= AE_DRAIN_ROUNDS)))
      sim.schedule(cfg.antiEntropyIntervalMs as number, AE_TICK, 0);
    maybeStop();
  });
  if (aeOn) sim.schedule(cfg.antiEntropyIntervalMs as number, AE_TICK, 0);

  return {
    on: aeOn,
    settled: () => !aeOn || convergedAt >= 0 || aeDrain >= AE_DRAIN_ROUNDS,
    convergedAt: () => convergedAt,
    replicasEqual,
    messages: () => aeMessages,
    bytes: () => aeBytes,
    keysRepaired: () => keysRepairedAE,
  };
}
