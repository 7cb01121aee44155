/**
 * Sloppy quorum's stand-in side (Dynamo, SOSP 2007, §4.6): hinted writes taken for unreachable
 * home replicas, reads answered from hints, and the handoff rounds that carry hints home. The
 * bookkeeping of the hints themselves is {@link HintLedger} (hints.ts).
 */
import { NO_EVENT, type Network, type Nodes, type Simulation } from '../../sim/index.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import { HintLedger } from './hints.js';
import { DRAIN_ROUNDS, HANDOFF, HANDOFF_ACK, HANDOFF_TICK } from './message-kinds.js';
import type { WriteBook } from './op-table.js';
import type { Payloads, ReplicaStores, SetValue } from './replica-store.js';
import { Siblings, type VersionVector } from '../versions/index.js';

/** A stand-in's hinted copy of one key for one home: an LWW register (ts, wid) or a siblings store. */
export interface HintData {
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

/** What the stand-in side needs from the run. */
export interface HintedHandoffDeps {
  cfg: ResolvedLeaderlessConfig;
  sim: Simulation;
  nodes: Nodes;
  net: Network;
  stores: ReplicaStores;
  payloads: Payloads;
  writes: WriteBook;
  /** Whether every operation of the workload has finished. */
  workloadDone: () => boolean;
  /** Stops the run if it is over. */
  maybeStop: () => void;
}

/** The stand-ins' hints and the handoff rounds. */
export interface HintedHandoff {
  readonly ledger: HintLedger<HintData>;
  /** The failure detector (see `LeaderlessConfig.sloppy`): the node is up and the link to it is not cut. */
  reachable: (from: number, node: number) => boolean;
  /** A hinted write of write `id` (LWW stamp `ts`) to `key` at stand-in `holder` for the unreachable `home` (the caller counts the write as landed). */
  applyHinted: (holder: number, home: number, key: number, id: number, ts: number) => void;
  /** A copy of the siblings `holder` holds for `home`'s `key` (empty if none). */
  hintSnapshot: (holder: number, home: number, key: number) => Siblings<SetValue>;
  /** Whether the hints no longer hold the run open: none held, or the drain rounds are spent. */
  drained(): boolean;
}

/** Builds the stand-in side and registers the handoff round and message handlers. */
export function createHintedHandoff(deps: HintedHandoffDeps): HintedHandoff {
  const { cfg, sim, nodes, net, stores, payloads, writes, workloadDone, maybeStop } = deps;
  const { nodes: nodeCount, keys } = cfg;
  const siblingsMode = cfg.conflict === 'siblings';
  const ledger = new HintLedger<HintData>(nodeCount, keys);
  const handoffs = new Map<number, Handoff>();
  let tickPending = false;
  let drainRounds = 0;
  const reachable = (from: number, node: number) =>
    nodes.isUp(node) && (from === node || !net.isCut(from, node));

  const applyHinted = (holder: number, home: number, key: number, id: number, ts: number) => {
    const store = ledger.store(holder, home, key, () => ({
      ts: -Infinity,
      wid: -1,
      sib: siblingsMode ? new Siblings<SetValue>() : undefined,
    }));
    const data = store.data;
    if (!siblingsMode) {
      if (ts > data.ts || (ts === data.ts && id > data.wid)) {
        data.ts = ts;
        data.wid = id;
      }
    } else {
      // Each hint store is its own actor (nodeCount + store id, never reused), so its dots never
      // collide with a replica's or with an earlier store's (as Riak's fresh vnode ids after state loss).
      const version = (data.sib as Siblings<SetValue>).put(
        writes.value[id] as SetValue,
        writes.context[id] as VersionVector,
        nodeCount + store.id,
      );
      writes.addDot(id, version.dot.actor, version.dot.counter);
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

  // Hinted handoff: every round, each stand-in sends each hint store whose home it can reach.
  sim.on(HANDOFF_TICK, () => {
    tickPending = false;
    if (workloadDone()) drainRounds++;
    for (const store of ledger.stores()) {
      if (!reachable(store.holder, store.home)) continue;
      const slot = payloads.nextSlot();
      const { data } = store;
      let sib: Siblings<SetValue> | undefined;
      if (data.sib !== undefined) {
        sib = new Siblings<SetValue>();
        sib.sync(data.sib);
      }
      handoffs.set(slot, {
        store: store.id,
        mutations: store.mutations,
        key: store.key,
        ts: data.ts,
        wid: data.wid,
        sib,
      });
      if (net.send(store.holder, store.home, HANDOFF, slot) === NO_EVENT) handoffs.delete(slot);
    }
    if (ledger.size > 0 && drainRounds < DRAIN_ROUNDS) {
      tickPending = true;
      sim.schedule(cfg.hintedHandoffIntervalMs, HANDOFF_TICK, 0);
    }
    maybeStop();
  });
  net.on(
    HANDOFF,
    (home, from, slot) => {
      const h = handoffs.get(slot) as Handoff;
      handoffs.delete(slot);
      const s = stores.slot(home, h.key);
      if (!siblingsMode) stores.mergeLww(s, h.ts, h.wid);
      else {
        // Whole-store sync (never `apply` of single versions: see siblings.ts).
        stores.siblingsAt(s).sync(h.sib as Siblings<SetValue>);
      }
      net.send(home, from, HANDOFF_ACK, h.store, h.mutations);
      maybeStop();
    },
    'hinted handoff',
    (_home, _from, slot) => handoffs.delete(slot),
  );
  net.on(
    HANDOFF_ACK,
    (_holder, _from, store, mutations) => {
      ledger.acknowledge(store, mutations);
      maybeStop();
    },
    'handoff ack',
  );

  return {
    ledger,
    reachable,
    applyHinted,
    hintSnapshot,
    drained: () => ledger.size === 0 || drainRounds >= DRAIN_ROUNDS,
  };
}
