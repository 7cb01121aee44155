/**
 * Anti-entropy (see `LeaderlessConfig.antiEntropyIntervalMs`): rounds in which every pair of nodes
 * sharing keys compares Merkle trees of their versions (merkle.ts) and exchanges the differing
 * keys, and the convergence measurement (`convergence_ms`) those rounds make.
 *
 * An exchange is a conversation on the run's network, each message delayed, lost or cut like any
 * other (Dynamo, SOSP 2007, §4.7; Cassandra's repair likewise sends trees, then streams the
 * differing ranges): the initiator sends its root hash; under a differing root the responder sends
 * its root's children hashes; each side opens every child whose hash differs from its own and
 * sends that child's children hashes back, or, at a leaf, the leaf's entries; the receiver of a
 * leaf's entries sends its versions of the keys that differ, and the other side merges them and
 * sends its own back. A lost message ends its branch of the walk: the keys under it stay
 * different until the next round's exchange finds them again (no retry within a round). An
 * exchange stays open for 8 rounds, so one slower than the interval still completes. Without
 * loss, an exchange costs what `merkleDiff` counts (root, one message per differing inner node
 * and per differing leaf), plus two key batches per differing leaf.
 */
import type { Faults, Network, Nodes, Simulation } from '../../sim/index.js';
import { murmurFinish, murmurMix } from '../../random/hash.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import type { HintLedger } from './hints.js';
import type { HintData } from './hinted-handoff.js';
import { ENTRY_BYTES, HASH_BYTES, leafDiff, MerkleTree } from './merkle.js';
import {
  AE_DRAIN_ROUNDS,
  AE_HASHES,
  AE_KEYS,
  AE_KEYS_BACK,
  AE_LEAF,
  AE_ROOT,
  AE_TICK,
} from './message-kinds.js';
import { sibSame, type ReplicaStores, type SetValue } from './replica-store.js';
import type { Siblings } from '../versions/index.js';

/** Exchanges of a pair kept open: those of the last rounds (anti-entropy.ts, the round handler). */
const EXCHANGES_KEPT = 8;

/** A Merkle node as a message names it: level x NODE_LEVEL + index (at most 16^4 nodes a level). */
const NODE_LEVEL = 1 << 20;

/** One replica's version of a key, as a key batch carries it (LWW register, or a siblings copy). */
interface KeyVersion {
  key: number;
  ts: number;
  wid: number;
  sib: Siblings<SetValue> | null;
}

/**
 * One exchange between a pair of nodes: the trees each side built when it joined (the messages'
 * hashes and entries are read from the sender's), and the key batches in flight by number.
 */
interface Exchange {
  pair: number;
  serial: number;
  /** The initiator and the responder. */
  a: number;
  b: number;
  trees: [MerkleTree | null, MerkleTree | null];
  payloads: Map<number, { keys: number[]; versions: KeyVersion[] }>;
  nextPayload: number;
}

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
  const fanout = 16;
  const cfgTree = { start: 0, end: keys, fanout, depth: merkleDepth };
  /** The tree of `node`'s versions of the keys it shares with its partner (a snapshot, as a validation compaction builds one). */
  const buildTree = (node: number, shared: readonly number[]): MerkleTree => {
    const entries: [number, number][] = [];
    for (const k of shared) {
      const d = digest(node, k);
      if (d >= 0) entries.push([k, d]);
    }
    return MerkleTree.build(cfgTree, entries);
  };
  // Each round starts a new exchange per pair; the last EXCHANGES_KEPT of a pair stay open, so one
  // slower than the interval (a slow node, a short interval) still completes, and older ones are
  // forgotten (their late messages are ignored: what they had not repaired, a newer one finds
  // again). Memory follows the pairs, not the rounds.
  const exchanges: (Exchange | undefined)[] = new Array<undefined>(pairs.length * EXCHANGES_KEPT).fill(
    undefined,
  );
  let serial = 0;
  const send = (ex: Exchange, from: number, kind: number, c: number, bytes: number): void => {
    aeMessages++;
    aeBytes += bytes;
    net.send(from, from === ex.a ? ex.b : ex.a, kind, ex.pair, ex.serial, c);
  };
  /** The exchange a message belongs to, if it is still open. */
  const current = (pair: number, id: number): Exchange | undefined => {
    const ex = exchanges[pair * EXCHANGES_KEPT + (id % EXCHANGES_KEPT)];
    return ex !== undefined && ex.serial === id ? ex : undefined;
  };
  const treeOf = (ex: Exchange, node: number): MerkleTree => {
    const side = node === ex.a ? 0 : 1;
    let tree = ex.trees[side];
    if (tree === null) ex.trees[side] = tree = buildTree(node, pairKeys.get(pairs[ex.pair]) as number[]);
    return tree;
  };
  const sendHashes = (ex: Exchange, from: number, level: number, index: number): void =>
    send(ex, from, AE_HASHES, level * NODE_LEVEL + index, HASH_BYTES * fanout);
  const sendLeaf = (ex: Exchange, from: number, leaf: number): void =>
    send(ex, from, AE_LEAF, leaf, ENTRY_BYTES * treeOf(ex, from).leafEntries(leaf).length);
  /** Opens a differing node of the walk: its children hashes, or at the leaf level its entries. */
  const open = (ex: Exchange, from: number, level: number, index: number): void => {
    if (level < merkleDepth) sendHashes(ex, from, level, index);
    else sendLeaf(ex, from, index);
  };
  /** Sends `from`'s current versions of `diff` (what it holds when the message leaves). */
  const sendKeys = (ex: Exchange, from: number, kind: number, diff: number[]): void => {
    let bytes = 0;
    const versions: KeyVersion[] = [];
    for (const k of diff) {
      bytes += transferBytes(from, k);
      const s = from * keys + k;
      versions.push(
        siblingsMode
          ? { key: k, ts: 0, wid: -1, sib: stores.snapshot(from, k) }
          : { key: k, ts: lwwTs[s], wid: lwwWid[s], sib: null },
      );
    }
    const id = ex.nextPayload++;
    ex.payloads.set(id, { keys: diff, versions });
    send(ex, from, kind, id, bytes);
  };
  /** Merges versions received by `node`; counts the (replica, key) pairs they changed. */
  const apply = (node: number, versions: readonly KeyVersion[]): void => {
    for (const v of versions) {
      const s = node * keys + v.key;
      if (!siblingsMode) {
        if (v.wid < 0) continue;
        if (v.ts > lwwTs[s] || (v.ts === lwwTs[s] && v.wid > lwwWid[s])) {
          lwwTs[s] = v.ts;
          lwwWid[s] = v.wid;
          keysRepairedAE++;
        }
      } else {
        const before = stores.snapshot(node, v.key);
        const store = stores.siblingsAt(s);
        store.sync(v.sib as NonNullable<KeyVersion['sib']>);
        if (!sibSame(before, store)) keysRepairedAE++;
      }
    }
  };
  /** Convergence, checked at each round and as each exchange's last message lands. */
  const checkConverged = (): void => {
    if (convergedAt >= 0 || net.counters.inFlight !== 0 || ledger.size !== 0) return;
    const heal = healMs();
    if (heal !== null && replicasEqual()) convergedAt = sim.now - heal;
  };
  const after = (): void => {
    checkConverged();
    maybeStop();
  };

  // The responder compares the initiator's root with its own: equal, the exchange ends there.
  net.on(
    AE_ROOT,
    (to, from, pair, id) => {
      const ex = current(pair, id);
      if (ex !== undefined && treeOf(ex, to).rootHash() !== treeOf(ex, from).rootHash()) open(ex, to, 0, 0);
      after();
    },
    'anti-entropy: root hash',
  );
  // The children hashes of a differing node: the receiver opens each child whose hash differs
  // from its own, sending that child's children hashes back, or its entries if it is a leaf.
  net.on(
    AE_HASHES,
    (to, from, pair, id, code) => {
      const ex = current(pair, id);
      if (ex !== undefined) {
        const level = Math.floor(code / NODE_LEVEL);
        const node = code % NODE_LEVEL;
        const mine = treeOf(ex, to);
        const theirs = treeOf(ex, from);
        for (let c = 0; c < fanout; c++) {
          const child = node * fanout + c;
          if (mine.hashAt(level + 1, child) !== theirs.hashAt(level + 1, child))
            open(ex, to, level + 1, child);
        }
      }
      after();
    },
    'anti-entropy: child hashes',
  );
  // A differing leaf's entries: the receiver finds the keys that differ and sends its versions.
  net.on(
    AE_LEAF,
    (to, from, pair, id, leaf) => {
      const ex = current(pair, id);
      if (ex !== undefined) {
        const diff = leafDiff(treeOf(ex, from).leafEntries(leaf), treeOf(ex, to).leafEntries(leaf));
        if (diff.length > 0) sendKeys(ex, to, AE_KEYS, diff);
      }
      after();
    },
    'anti-entropy: leaf entries',
  );
  // Versions of the differing keys: merged; the responder to AE_KEYS sends its (merged) versions
  // back as AE_KEYS_BACK, which the initiator merges in turn.
  const receiveKeys =
    (reply: boolean) =>
    (to: number, _from: number, pair: number, id: number, payload: number): void => {
      const ex = current(pair, id);
      const batch = ex?.payloads.get(payload);
      if (ex !== undefined && batch !== undefined) {
        ex.payloads.delete(payload);
        apply(to, batch.versions);
        if (reply) sendKeys(ex, to, AE_KEYS_BACK, batch.keys);
      }
      after();
    };
  net.on(AE_KEYS, receiveKeys(true), 'anti-entropy: key versions');
  net.on(AE_KEYS_BACK, receiveKeys(false), 'anti-entropy: key versions back');

  // Anti-entropy rounds: every node that is up starts an exchange with each node it shares keys
  // with (the lower id initiates); the network delays, loses or cuts its messages like any other.
  sim.on(AE_TICK, () => {
    checkConverged();
    if (workloadDone() && sim.now >= finitePartitionEnd) aeDrain++;
    if (!(workloadDone() && (convergedAt >= 0 || aeDrain >= AE_DRAIN_ROUNDS))) {
      serial++;
      for (let pair = 0; pair < pairs.length; pair++) {
        const a = Math.floor(pairs[pair] / nodeCount);
        const b = pairs[pair] % nodeCount;
        const slot = pair * EXCHANGES_KEPT + (serial % EXCHANGES_KEPT);
        exchanges[slot] = undefined;
        if (!nodes.isUp(a)) continue;
        const ex: Exchange = { pair, serial, a, b, trees: [null, null], payloads: new Map(), nextPayload: 0 };
        exchanges[slot] = ex;
        treeOf(ex, a);
        send(ex, a, AE_ROOT, 0, HASH_BYTES);
      }
      sim.schedule(cfg.antiEntropyIntervalMs as number, AE_TICK, 0);
    }
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
