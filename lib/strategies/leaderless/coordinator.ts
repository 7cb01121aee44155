/**
 * The coordinator's side of a leaderless run: issuing each client operation, sending it to its
 * key's replicas (the N homes, or the sloppy targets), counting acks and responses toward W and
 * R, the timeout, and finishing the operation (history, latency, quorum overlap). The replicas'
 * answers to requests are here too: they are one message exchange with the coordinator.
 */
import type { RandomStream } from '../../random/index.js';
import { NO_EVENT, type Clocks, type Network, type Nodes, type Simulation } from '../../sim/index.js';
import { LogHistogram } from '../../stats/index.js';
import type { Workload, WorkloadOp } from '../../workload/index.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import type { HintedHandoff } from './hinted-handoff.js';
import type { HashRing } from './ring.js';
import {
  ISSUE,
  IS_PROBE,
  IS_WRITE,
  READ_REQ,
  READ_RESP,
  TIMEOUT,
  WRITE_ACK,
  WRITE_REQ,
} from './message-kinds.js';
import type { RunMetrics } from './leaderless-metrics.js';
import { OpTable, type WriteBook } from './op-table.js';
import { createReadRepair, type ReadRepair } from './read-repair.js';
import type { Payloads, ReplicaStores, SetValue } from './replica-store.js';
import { type Siblings, VersionVector } from '../versions/index.js';

/** What the coordinator needs from the run. */
export interface CoordinatorDeps {
  cfg: ResolvedLeaderlessConfig;
  sim: Simulation;
  nodes: Nodes;
  net: Network;
  clocks: Clocks;
  ring: HashRing;
  /** Preference lists: key k's replicas are prefs[k*n .. k*n+n). */
  prefs: Int32Array;
  /** The random-node coordinator choice. */
  coordRng: RandomStream;
  workload: Workload;
  metrics: RunMetrics;
  stores: ReplicaStores;
  payloads: Payloads;
  writes: WriteBook;
  hints: HintedHandoff;
  /** Stops the run if it is over. */
  maybeStop: () => void;
}

/** The coordinator's counters and outputs, and the start of the workload. */
export interface Coordinator {
  readonly readRepair: ReadRepair;
  readonly readLatency: LogHistogram;
  readonly writeLatency: LogHistogram;
  /** The operations' state (slots reused once an operation is over). */
  readonly ops: OpTable;
  /** Schedules the workload's first operations. */
  start(): void;
  issued(): number;
  /** Operations the run must finish: the workload's `ops`, plus a probe read for each acknowledged write with `probeReadAfterMs`. */
  expected(): number;
  finished(): number;
  readsIssued(): number;
  writesIssued(): number;
  failedWrites(): number;
  failedReads(): number;
  /** When the workload's last operation finished (Infinity: not yet). */
  workloadEndMs(): number;
}

/** Builds the coordinator and registers the operation, timeout and request/reply handlers. */
export function createCoordinator(deps: CoordinatorDeps): Coordinator {
  const {
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
  } = deps;
  const { nodes: nodeCount, n, r, w, keys, ops } = cfg;
  const siblingsMode = cfg.conflict === 'siblings';
  const { lwwTs, lwwWid } = stores;
  const { ledger, reachable, applyHinted, hintSnapshot } = hints;
  const t = new OpTable(n);
  const clientState = new Map<number, { context: VersionVector; elements: ReadonlySet<number> }>();
  const readLatency = new LogHistogram();
  const writeLatency = new LogHistogram();
  let issued = 0;
  let finished = 0;
  let readsIssued = 0;
  let writesIssued = 0;
  let failedWrites = 0;
  let failedReads = 0;
  let workloadEndMs = Infinity;

  /** Sends a message naming `op` (argument a) and holds the op's slot while it is in flight; returns whether it left (not dropped at send time). */
  const send = (from: number, to: number, kind: number, op: number, b = 0, c = 0): boolean => {
    if (net.send(from, to, kind, op, b, c) === NO_EVENT) return false;
    t.hold(op);
    return true;
  };
  /** Sends a siblings copy (a payload) in a read response; takes it back if the message is dropped at send time. */
  const sendCopy = (from: number, to: number, op: number, copy: Siblings<SetValue>) => {
    const slot = payloads.put(copy);
    if (!send(from, to, READ_RESP, op, slot)) payloads.take(slot);
  };
  /** The stand-in role `node` plays in `op`: the home it holds a hint for, or -1 (a home replica). */
  const hintOf = (op: number, node: number): number => {
    const tg = cfg.sloppy ? t.targets[op] : undefined;
    if (tg === undefined) return -1;
    for (let i = 0; i < tg.length; i += 2) if (tg[i] === node) return tg[i + 1];
    return -1;
  };
  /** Counts a reply (ack or response) from `node` to `op`, recording its slot while the op is open; returns the new count. */
  const tally = (op: number, node: number): number => {
    const c = t.count[op]++;
    if (t.done[op] === 0 && c < n) t.quorumLocs[op * n + c] = node * (nodeCount + 1) + hintOf(op, node) + 1;
    return c + 1;
  };
  /** The sloppy targets of `op` from `coord` as [node, hintFor, ...], or null when every home replica is reachable (the strict list). */
  const sloppyTargets = (op: number, coord: number, key: number): Int32Array | null => {
    if (!cfg.sloppy) return null;
    let all = true;
    for (let i = 0; i < n && all; i++) all = reachable(coord, prefs[key * n + i]);
    if (all) return null;
    const list = ring.sloppyPreferenceList(key, n, (node) => reachable(coord, node));
    const tg = new Int32Array(list.length * 2);
    list.forEach((rep, i) => {
      tg[2 * i] = rep.node;
      tg[2 * i + 1] = rep.hintFor ?? -1;
    });
    t.targets[op] = tg;
    return tg;
  };

  /** A write of `op` at its home `replica`. */
  const applyWrite = (replica: number, op: number) => {
    const key = t.key[op];
    const id = t.writeId[op];
    metrics.writeLanded(t, op);
    const slot = stores.slot(replica, key);
    if (!siblingsMode) {
      stores.mergeLww(slot, t.ts[op], id);
      return;
    }
    const version = stores
      .siblingsAt(slot)
      .put(writes.value[id] as SetValue, writes.context[id] as VersionVector, replica);
    writes.addDot(id, version.dot.actor, version.dot.counter);
  };
  const mergeLww = (op: number, wid: number, ts: number) => {
    if (wid < 0) return;
    if (ts > t.readBestTs[op] || (ts === t.readBestTs[op] && wid > t.readBestWid[op])) {
      t.readBestTs[op] = ts;
      t.readBestWid[op] = wid;
    }
  };
  const mergeResponse = (op: number, copy: Siblings<SetValue>) => {
    const acc = t.readAcc[op];
    if (acc === undefined) t.readAcc[op] = copy;
    else acc.sync(copy);
  };
  /** Whether a reply to `op` still matters: the operation is open and its coordinator has not restarted since. */
  const live = (op: number) => t.done[op] === 0 && nodes.incarnation(t.coord[op]) === t.inc[op];

  const finish = (op: number, ok: boolean) => {
    t.done[op] = 1;
    finished++;
    const now = sim.now;
    const isWrite = t.flags[op] & IS_WRITE;
    if (isWrite && ok && cfg.probeReadAfterMs !== null) scheduleProbe(op, now + cfg.probeReadAfterMs);
    if (finished === ops + probes) workloadEndMs = now;
    if (ok && cfg.readRepair === 'background' && !isWrite && nodes.incarnation(t.coord[op]) === t.inc[op]) {
      // Keep the timer: background read repair collects late responses until the timeout.
      rr.keepOpen(op);
    } else if (ok && sim.cancel(t.timer[op])) t.release(op);
    rr.forget(op);
    if (isWrite) {
      if (ok) {
        writeLatency.record(now - t.start[op]);
        metrics.writeAcked(t, op, now);
      } else {
        failedWrites++;
        metrics.writeFailed(t, op);
      }
    } else if (ok) {
      readLatency.record(now - t.start[op]);
      const client = t.client[op];
      const key = t.key[op];
      let returned: number[];
      if (!siblingsMode) returned = t.readBestWid[op] < 0 ? [] : [t.readBestWid[op]];
      else {
        const got = (t.readAcc[op] as Siblings<SetValue>).read();
        t.readAcc[op] = undefined;
        const ids = new Set<number>();
        const elements = new Set<number>();
        for (const v of got.values) {
          ids.add(v.id);
          for (const e of v.elements) elements.add(e);
        }
        returned = [...ids];
        clientState.set(client * keys + key, { context: got.context, elements });
      }
      metrics.readReturned(t, op, now, returned, t.readBestTs[op]);
    } else failedReads++;
    if (workload.kind === 'closed' && issued < ops && !(t.flags[op] & IS_PROBE))
      scheduleOp(workload.nextAfter(t.client[op], now));
    maybeStop();
  };

  const rr = createReadRepair({
    cfg,
    net,
    nodes,
    stores,
    payloads,
    op: t,
    send,
    hintOf,
    live,
    finish,
    maybeStop,
  });
  const rrOn = rr.on;

  const scheduleOp = (o: WorkloadOp) => {
    const op = t.alloc();
    issued++;
    t.flags[op] = o.op === 'write' ? IS_WRITE : 0;
    t.key[op] = o.key;
    t.client[op] = o.client;
    t.session[op] = o.session;
    t.writeId[op] = o.writeId;
    t.start[op] = o.timeMs;
    t.hold(op);
    sim.scheduleAt(o.timeMs, ISSUE, op);
  };

  /**
   * The PBS probe (`probeReadAfterMs`): the writer reads the key it just wrote, `probeReadAfterMs`
   * after the acknowledgement. Not a workload operation: it does not count toward `ops`.
   */
  let probes = 0;
  const scheduleProbe = (write: number, atMs: number) => {
    const op = t.alloc();
    probes++;
    t.flags[op] = IS_PROBE;
    t.key[op] = t.key[write];
    t.client[op] = t.client[write];
    t.session[op] = t.session[write];
    t.writeId[op] = -1;
    t.start[op] = atMs;
    t.hold(op);
    sim.scheduleAt(atMs, ISSUE, op);
  };

  sim.on(ISSUE, (op) => {
    issue(op);
    t.release(op);
  });
  const issue = (op: number) => {
    const now = sim.now;
    if (workload.kind === 'open' && issued < ops) scheduleOp(workload.next());
    const key = t.key[op];
    const client = t.client[op];
    const base = key * n;
    let coord: number;
    if (cfg.coordinator === 'client') coord = nodeCount + client;
    else if (cfg.coordinator === 'first-replica') coord = prefs[base];
    else coord = nodeCount === 1 ? 0 : coordRng.nextInt(nodeCount);
    t.coord[op] = coord;
    t.inc[op] = nodes.incarnation(coord);
    t.timer[op] = sim.schedule(cfg.timeoutMs, TIMEOUT, op);
    t.hold(op);
    const coordUp = nodes.isUp(coord);
    if (t.flags[op] & IS_WRITE) {
      writesIssued++;
      const id = t.writeId[op];
      const ts = clocks.local(coord, now);
      t.ts[op] = ts;
      if (siblingsMode) {
        const state = clientState.get(client * keys + key);
        const elements = new Set<number>(state?.elements ?? []);
        elements.add(id);
        writes.value[id] = { id, elements };
        writes.context[id] = state?.context ?? VersionVector.empty;
      }
      metrics.writeIssued(t, op, now);
      if (!coordUp) return; // the client's request dies at a down coordinator: it will time out
      const targets = sloppyTargets(op, coord, key);
      const count = targets === null ? n : targets.length / 2;
      for (let i = 0; i < count; i++) {
        const replica = targets === null ? prefs[base + i] : targets[2 * i];
        const hint = targets === null ? -1 : targets[2 * i + 1];
        if (replica === coord) {
          if (hint < 0) applyWrite(replica, op);
          else {
            applyHinted(replica, hint, key, id, ts);
            metrics.writeLanded(t, op);
          }
          if (tally(op, replica) >= w && t.done[op] === 0) finish(op, true);
        } else send(coord, replica, WRITE_REQ, op, hint + 1);
      }
    } else {
      readsIssued++;
      metrics.readStarted(t, op, now);
      if (!coordUp) return;
      const targets = sloppyTargets(op, coord, key);
      const count = targets === null ? n : targets.length / 2;
      if (rrOn) t.targetCount[op] = count;
      for (let i = 0; i < count; i++) {
        const replica = targets === null ? prefs[base + i] : targets[2 * i];
        const hint = targets === null ? -1 : targets[2 * i + 1];
        if (replica === coord && rrOn) {
          if (t.done[op] !== 0 || t.repairWait[op] >= 0) continue;
          if (siblingsMode) {
            const copy = hint >= 0 ? hintSnapshot(replica, hint, key) : stores.snapshot(replica, key);
            rr.record(op, replica, -1, -Infinity, copy);
            mergeResponse(op, copy);
          } else {
            const held = hint >= 0 ? ledger.get(replica, hint, key) : undefined;
            const wid = hint >= 0 ? (held?.data.wid ?? -1) : lwwWid[replica * keys + key];
            const ts = hint >= 0 ? (held?.data.ts ?? -Infinity) : lwwTs[replica * keys + key];
            rr.record(op, replica, wid, ts, undefined);
            mergeLww(op, wid, ts);
          }
          if (tally(op, replica) >= r) rr.quorum(op);
        } else if (replica === coord) {
          if (hint >= 0) {
            const held = ledger.get(replica, hint, key);
            if (siblingsMode) mergeResponse(op, hintSnapshot(replica, hint, key));
            else if (held !== undefined) mergeLww(op, held.data.wid, held.data.ts);
          } else if (siblingsMode) mergeResponse(op, stores.snapshot(replica, key));
          else mergeLww(op, lwwWid[replica * keys + key], lwwTs[replica * keys + key]);
          if (tally(op, replica) >= r && t.done[op] === 0) finish(op, true);
        } else send(coord, replica, READ_REQ, op, hint + 1);
      }
    }
  };

  sim.on(TIMEOUT, (op) => {
    if (t.done[op] === 0) finish(op, false);
    else if (rrOn) {
      rr.flush(op);
      maybeStop();
    }
    t.release(op);
  });
  /** A message naming `op` arrived at a down node: it names the op no more. */
  const dropped = (_to: number, _from: number, op: number) => t.release(op);

  // Message argument b of a request is the home replica a stand-in acts for, plus 1 (0: a home replica itself).
  net.on(
    WRITE_REQ,
    (replica, from, op, hintPlus1) => {
      if (hintPlus1 === 0) applyWrite(replica, op);
      else {
        applyHinted(replica, hintPlus1 - 1, t.key[op], t.writeId[op], t.ts[op]);
        metrics.writeLanded(t, op);
      }
      send(replica, from, WRITE_ACK, op);
      t.release(op);
    },
    'write request',
    dropped,
  );
  net.on(
    WRITE_ACK,
    (_coord, from, op) => {
      if (live(op) && tally(op, from) >= w) finish(op, true);
      t.release(op);
      maybeStop();
    },
    'write ack',
    dropped,
  );
  net.on(
    READ_REQ,
    (replica, from, op, hintPlus1) => {
      const key = t.key[op];
      if (hintPlus1 !== 0) {
        const home = hintPlus1 - 1;
        if (siblingsMode) sendCopy(replica, from, op, hintSnapshot(replica, home, key));
        else {
          const held = ledger.get(replica, home, key);
          send(replica, from, READ_RESP, op, held?.data.wid ?? -1, held?.data.ts ?? -Infinity);
        }
      } else if (siblingsMode) sendCopy(replica, from, op, stores.snapshot(replica, key));
      else {
        const s = replica * keys + key;
        send(replica, from, READ_RESP, op, lwwWid[s], lwwTs[s]);
      }
      t.release(op);
    },
    'read request',
    dropped,
  );
  net.on(
    READ_RESP,
    (_coord, from, op, b, c) => {
      if (rrOn) {
        let copy: Siblings<SetValue> | undefined;
        if (siblingsMode) copy = payloads.take(b);
        const wid = siblingsMode ? -1 : b;
        const ts = siblingsMode ? -Infinity : c;
        if (live(op)) {
          if (t.repairWait[op] < 0) {
            rr.record(op, from, wid, ts, copy);
            if (copy !== undefined) mergeResponse(op, copy);
            else mergeLww(op, wid, ts);
            if (tally(op, from) >= r) rr.quorum(op);
          }
        } else if (t.repairOpen[op] === 1) {
          rr.record(op, from, wid, ts, copy);
          if (++t.count[op] >= t.targetCount[op]) rr.flush(op);
        }
        t.release(op);
        maybeStop();
        return;
      }
      if (siblingsMode) {
        const copy = payloads.take(b);
        if (live(op)) mergeResponse(op, copy);
      } else if (live(op)) mergeLww(op, b, c);
      if (live(op) && tally(op, from) >= r) finish(op, true);
      t.release(op);
      maybeStop();
    },
    'read response',
    (_to, _from, op, b) => {
      if (siblingsMode) payloads.take(b);
      t.release(op);
    },
  );

  return {
    readRepair: rr,
    readLatency,
    writeLatency,
    ops: t,
    start: () => {
      if (workload.kind === 'open') scheduleOp(workload.next());
      else for (let c = 0; c < cfg.clients && issued < ops; c++) scheduleOp(workload.nextAfter(c, 0));
    },
    issued: () => issued,
    expected: () => ops + probes,
    finished: () => finished,
    readsIssued: () => readsIssued,
    writesIssued: () => writesIssued,
    failedWrites: () => failedWrites,
    failedReads: () => failedReads,
    workloadEndMs: () => workloadEndMs,
  };
}
