/**
 * Read repair (see `LeaderlessConfig.readRepair`): a read keeps its responses, merges them, and
 * sends the merged state to the home replicas that answered with something older, after it
 * returns (background, collecting late responses until its timeout) or before (blocking).
 */
import { NO_EVENT, type Network, type Nodes } from '../../sim/index.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import { REPAIR, REPAIR_ACK } from './message-kinds.js';
import type { OpTable, RepairResponse } from './op-table.js';
import { idsOf, type Payloads, type ReplicaStores, type SetValue } from './replica-store.js';
import { Siblings } from '../versions/index.js';

/** What read repair needs from the run. */
export interface ReadRepairDeps {
  cfg: ResolvedLeaderlessConfig;
  net: Network;
  nodes: Nodes;
  stores: ReplicaStores;
  payloads: Payloads;
  op: OpTable;
  /** Sends a message naming an op (argument a) and holds the op's slot while it is in flight (see the coordinator). */
  send: (from: number, to: number, kind: number, op: number, b?: number, c?: number) => boolean;
  /** The stand-in role `node` plays in `op`: the home it holds a hint for, or -1 (a home replica). */
  hintOf: (op: number, node: number) => number;
  /** Whether a reply to `op` still matters (see the coordinator). */
  live: (op: number) => boolean;
  /** Ends an operation (see the coordinator). */
  finish: (op: number, ok: boolean) => void;
  /** Stops the run if it is over. */
  maybeStop: () => void;
}

/** Read repair's state and steps, called by the coordinator. */
export interface ReadRepair {
  /** Whether read repair is on (its per-read state is in the op table: `repairWait`, `repairOpen`, `targetCount`). */
  readonly on: boolean;
  /** Background reads still collecting after they returned. */
  openRepairs(): number;
  /** Read-repair messages sent. */
  readRepairs(): number;
  /** Repairs that changed a replica's state. */
  keysRepaired(): number;
  /** Keeps a response for read repair (a copy: the read's own merge may mutate what it got). */
  record(op: number, from: number, wid: number, ts: number, copy: Siblings<SetValue> | undefined): void;
  /** Background read repair: the read stops collecting responses and repairs. */
  flush(op: number): void;
  /** A read reached R responses: returns, or (blocking) repairs the stale replicas among them first. */
  quorum(op: number): void;
  /** A returned read (background) keeps collecting until its timeout. */
  keepOpen(op: number): void;
  /** Forgets a read's kept responses unless it is still collecting. */
  forget(op: number): void;
}

/** Builds read repair and registers the repair message handlers. */
export function createReadRepair(deps: ReadRepairDeps): ReadRepair {
  const { cfg, net, nodes, stores, payloads, op: t, send, hintOf, live, finish, maybeStop } = deps;
  const { keys } = cfg;
  const siblingsMode = cfg.conflict === 'siblings';
  const { lwwTs, lwwWid } = stores;
  const rrMode = cfg.readRepair;
  const rrOn = rrMode !== 'off';
  let openRepairs = 0;
  let readRepairs = 0;
  let keysRepairedRR = 0;

  /** Merges a read's kept responses: the LWW winner, or all siblings synced. */
  const rrMerged = (list: readonly RepairResponse[]): RepairResponse => {
    const m: RepairResponse = {
      node: -1,
      wid: -1,
      ts: -Infinity,
      sib: siblingsMode ? new Siblings<SetValue>() : undefined,
    };
    for (const x of list) {
      if (siblingsMode) (m.sib as Siblings<SetValue>).sync(x.sib as Siblings<SetValue>);
      else if (x.wid >= 0 && (x.ts > m.ts || (x.ts === m.ts && x.wid > m.wid))) {
        m.ts = x.ts;
        m.wid = x.wid;
      }
    }
    return m;
  };
  /** Whether a response is older than the merge: an older LWW register, or (siblings) other write ids than the merge shows. */
  const rrStale = (x: RepairResponse, m: RepairResponse): boolean =>
    siblingsMode
      ? idsOf(x.sib) !== idsOf(m.sib)
      : m.wid >= 0 && (x.ts < m.ts || (x.ts === m.ts && x.wid < m.wid));
  /** Applies a repair of `key` at `replica`; counts it when it changed the replica's state. */
  const applyRepair = (
    replica: number,
    key: number,
    wid: number,
    ts: number,
    sib: Siblings<SetValue> | undefined,
  ) => {
    const s = replica * keys + key;
    if (!siblingsMode) {
      if (wid >= 0 && (ts > lwwTs[s] || (ts === lwwTs[s] && wid > lwwWid[s]))) {
        lwwTs[s] = ts;
        lwwWid[s] = wid;
        keysRepairedRR++;
      }
      return;
    }
    const store = stores.siblingsAt(s);
    const before = idsOf(store);
    store.sync(sib as Siblings<SetValue>);
    if (idsOf(store) !== before) keysRepairedRR++;
  };
  const rrRecord = (
    op: number,
    from: number,
    wid: number,
    ts: number,
    copy: Siblings<SetValue> | undefined,
  ) => {
    let sib: Siblings<SetValue> | undefined;
    if (copy !== undefined) {
      sib = new Siblings<SetValue>();
      sib.sync(copy);
    }
    const entry: RepairResponse = { node: hintOf(op, from) < 0 ? from : -1, wid, ts, sib };
    const list = t.repairResponses[op];
    if (list === undefined) t.repairResponses[op] = [entry];
    else list.push(entry);
  };
  /** Sends the merged state of `op`'s responses to its stale home replicas; returns the repair messages sent. */
  const rrSend = (op: number, ack: boolean): number => {
    const list = t.repairResponses[op] ?? [];
    t.repairResponses[op] = undefined;
    const m = rrMerged(list);
    const coord = t.coord[op];
    const key = t.key[op];
    let sent = 0;
    for (const x of list) {
      if (x.node < 0 || !rrStale(x, m)) continue;
      if (x.node === coord) {
        applyRepair(coord, key, m.wid, m.ts, m.sib);
        continue;
      }
      let slot = 0;
      if (siblingsMode) {
        const copy = new Siblings<SetValue>();
        copy.sync(m.sib as Siblings<SetValue>);
        slot = payloads.put(copy);
      }
      readRepairs++;
      sent++;
      // a: 2 op, plus 1 when an ack is wanted; b: the wid or payload slot; c: the timestamp.
      if (
        net.send(coord, x.node, REPAIR, 2 * op + (ack ? 1 : 0), siblingsMode ? slot : m.wid, m.ts) !==
        NO_EVENT
      )
        t.hold(op);
      else if (siblingsMode) payloads.take(slot); // dropped at send time: nothing will take the copy
    }
    return sent;
  };
  const rrFlush = (op: number) => {
    if (t.repairOpen[op] === 0) return;
    t.repairOpen[op] = 0;
    openRepairs--;
    if (nodes.incarnation(t.coord[op]) === t.inc[op]) rrSend(op, false);
    else t.repairResponses[op] = undefined;
  };
  const rrQuorum = (op: number) => {
    if (rrMode === 'blocking') {
      const waiting = rrSend(op, true);
      if (waiting === 0) finish(op, true);
      else t.repairWait[op] = waiting;
      return;
    }
    finish(op, true);
    if (t.repairOpen[op] === 1 && t.count[op] >= t.targetCount[op]) rrFlush(op);
  };

  net.on(
    REPAIR,
    (replica, from, a, b, c) => {
      const op = a >> 1;
      let sib: Siblings<SetValue> | undefined;
      if (siblingsMode) sib = payloads.take(b);
      applyRepair(replica, t.key[op], b, c, sib);
      if ((a & 1) === 1) send(replica, from, REPAIR_ACK, op);
      t.release(op);
      maybeStop();
    },
    'read repair',
    (_to, _from, a, b) => {
      if (siblingsMode) payloads.take(b);
      t.release(a >> 1);
    },
  );
  net.on(
    REPAIR_ACK,
    (_coord, _from, op) => {
      if (live(op) && t.repairWait[op] > 0 && --t.repairWait[op] === 0) finish(op, true);
      t.release(op);
      maybeStop();
    },
    'read repair ack',
    (_to, _from, op) => t.release(op),
  );

  return {
    on: rrOn,
    openRepairs: () => openRepairs,
    readRepairs: () => readRepairs,
    keysRepaired: () => keysRepairedRR,
    record: rrRecord,
    flush: rrFlush,
    quorum: rrQuorum,
    keepOpen: (op) => {
      t.repairOpen[op] = 1;
      openRepairs++;
    },
    forget: (op) => {
      if (rrOn && t.repairOpen[op] === 0) t.repairResponses[op] = undefined;
    },
  };
}
