/**
 * A leader and followers that hold rows ({@link RowStore}) and replicate them through a log of
 * WAL or logical records on the event kernel: clients write to the node they believe leads, the
 * leader writes the row, appends a record and streams it to every follower that asked for it
 * (`resume` from its position), a follower applies records in log order on one apply thread,
 * and a node that has no usable position takes a snapshot: the leader copies its rows as they
 * stand at its current log position, the copy travels at a bandwidth, and the follower resumes
 * from that position through the same log. A planned switchover stops writes on the leader,
 * lets the chosen follower apply up to the leader's last position and promotes it.
 *
 * What couples WAL shipping to the storage engine is in the records: a WAL record carries slot
 * bytes in the writer's storage-format version and a follower of another version refuses it and
 * stops replaying; a logical record carries rows, which any version applies. A snapshot is a
 * logical copy (a dump and restore), so it can cross versions: a rebuild is how a physical
 * replica gets onto a new version.
 *
 * References: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Setting Up New
 * Followers" (snapshot at a log position, copy, catch up) and "Implementation of Replication
 * Logs" (WAL couples replication to the storage engine: version upgrades need downtime; a
 * logical log decouples it); PostgreSQL 16 documentation, 26.2 "Log-Shipping Standby Servers"
 * (a standby of the same major version), 31 "Logical Replication" (across major versions) and
 * pg_basebackup (a base backup at a WAL position, then streaming from it).
 */
import type { LatencyDistribution } from '../../latency/index.js';
import type { RandomStream } from '../../random/index.js';
import { Network, Nodes, type Simulation } from '../../sim/index.js';
import { differingRows, RowStore, type LogRecord } from './row-store.js';

/** The log formats a row cluster ships: physical (WAL) or logical (rows). */
export type ClusterLogFormat = 'wal' | 'row';

/** The table every write goes to (the counters table of the row store, keyed 0..keys-1). */
const TABLE = 3;

// Message kinds (each run owns its simulation).
const WRITE = 0;
const WRITE_ACK = 1;
const WRITE_REFUSED = 2;
const RECORD = 3;
const RESUME = 4;
const SNAPSHOT_REQUEST = 5;
const SNAPSHOT = 6;
const PROMOTE = 7;
const NEW_LEADER = 8;

/** A row cluster's fixed settings. */
export interface RowClusterSettings {
  /** Database nodes, ids 0..nodes-1 (node 0 leads at the start); the client is endpoint `nodes`. */
  nodes: number;
  format: ClusterLogFormat;
  /** Rows of the table, each present from the start (a restored backup on every node). */
  keys: number;
  /** Stored bytes of one row: a snapshot copies rows x rowBytes. */
  rowBytes: number;
  /** Snapshot copy bandwidth, bytes per second. */
  bandwidthBytesPerS: number;
  /** One-way delay of every message. */
  latency: LatencyDistribution;
  /** A follower's time to apply one record. */
  apply: LatencyDistribution;
  /** Storage-format version of every node at the start. */
  version: number;
  /** Time from a promotion decision to accepting writes, ms. */
  promoteMs: number;
  /** Nodes that start empty and outside the stream (new followers, to {@link RowCluster.bootstrap}). Default none. */
  joining?: readonly number[];
}

/** A node's role. `stopped`: a leader that stopped taking writes for a switchover. */
type Role = 'leader' | 'follower' | 'stopped';

/**
 * One row cluster on a simulation. Its state is public for the runs that drive it (the rolling
 * upgrade, the new-follower bootstrap) and for their metrics; nodes act only on messages.
 *
 * @example
 * const c = new RowCluster(sim, settings, rng);
 * c.startWrites(500, 60_000); // Poisson client writes at 500 per second until 60 s
 * c.bootstrap(1);             // node 1 joins: snapshot, copy, catch up
 */
export class RowCluster {
  readonly stores: RowStore[];
  readonly role: Role[];
  /** The node each node believes leads (-1: none). */
  readonly knownLeader: Int32Array;
  /** Each node's last applied log position (the leader's: its last record). */
  readonly applied: Int32Array;
  /** Followers stopped at a record of another storage-format version (WAL). */
  readonly halted: boolean[];
  /** Each node's log: the records it wrote or applied, from position `logStart[node]` on. */
  readonly logs: LogRecord[][];
  readonly logStart: Int32Array;
  readonly nodes: Nodes;
  readonly net: Network;
  /** Counts: client writes acknowledged, refused (or sent to a node that was down), snapshots taken, bytes copied. */
  acked = 0;
  refused = 0;
  snapshots = 0;
  snapshotBytes = 0;
  /** Records followers refused (another storage-format version), and the time followers spent stopped by one, ms. */
  rejected = 0;
  stalledMs = 0;
  private readonly haltedSince: Float64Array;
  /** Times no node took writes: [from, to) intervals (`to` Infinity while open). */
  readonly unavailable: [number, number][] = [];
  /** Called when a follower applies a record (after the position moved). */
  onApplied: ((node: number) => void) | null = null;
  /** Called when a node hears of a new leader. */
  onNewLeader: ((node: number, leader: number) => void) | null = null;
  /** Called when a follower installs a snapshot. */
  onSnapshotInstalled: ((node: number, lsn: number) => void) | null = null;

  private readonly n: number;
  private readonly client: number;
  /** Followers each leader streams to. */
  private readonly subscribers: Set<number>[];
  /** Records arrived and not yet applied, per follower, by position. */
  private readonly arrived: Map<number, LogRecord>[];
  private readonly busy: boolean[];
  /** The position a node must reach before it promotes itself (-1: not asked). */
  private readonly promoteAt: Int32Array;
  /** Bumped at a crash: a follower's apply in progress when it crashed is discarded. */
  private readonly epoch: Int32Array;
  private clientGuess = 0;
  private nextWriteId = 1;
  private readonly APPLIED: number;
  private readonly PROMOTED: number;
  private readonly CLIENT_WRITE: number;
  private readonly SNAPSHOT_SEND: number;
  private readonly EVEN_WRITE: number;

  constructor(
    private readonly sim: Simulation,
    readonly settings: RowClusterSettings,
    private readonly rng: RandomStream,
  ) {
    const n = settings.nodes;
    this.n = n;
    this.client = n;
    this.nodes = new Nodes(sim, n + 1);
    this.net = new Network(sim, { size: n + 1, delay: settings.latency, nodes: this.nodes, rng });
    const joining = new Set(settings.joining ?? []);
    this.stores = Array.from({ length: n }, (_, i) => {
      const s = new RowStore(settings.version);
      if (!joining.has(i)) for (let k = 0; k < settings.keys; k++) s.write(TABLE, k, 0);
      return s;
    });
    this.role = Array.from({ length: n }, (_, i) => (i === 0 ? 'leader' : 'follower'));
    this.knownLeader = new Int32Array(n);
    this.applied = new Int32Array(n);
    this.halted = new Array<boolean>(n).fill(false);
    this.haltedSince = new Float64Array(n);
    this.logs = Array.from({ length: n }, () => []);
    this.logStart = new Int32Array(n).fill(1);
    this.subscribers = Array.from({ length: n }, () => new Set<number>());
    this.arrived = Array.from({ length: n }, () => new Map<number, LogRecord>());
    this.busy = new Array<boolean>(n).fill(false);
    this.promoteAt = new Int32Array(n).fill(-1);
    this.epoch = new Int32Array(n);

    const net = this.net;
    net.on(WRITE, (to, from, writeId, key) => this.onWrite(to, from, writeId, key));
    net.on(WRITE_ACK, () => this.acked++);
    net.on(WRITE_REFUSED, (_to, _from, hint) => {
      this.refused++;
      if (hint >= 0) this.clientGuess = hint;
    });
    net.on(RECORD, (to, from, lsn) => this.onRecord(to, from, lsn));
    net.on(RESUME, (to, from, lsn) => this.onResume(to, from, lsn));
    net.on(SNAPSHOT_REQUEST, (to, from) => this.onSnapshotRequest(to, from));
    net.on(SNAPSHOT, (to, from, id) => this.onSnapshot(to, from, id));
    net.on(PROMOTE, (to, _from, lsn) => this.onPromote(to, lsn));
    net.on(NEW_LEADER, (to, from) => {
      if (to === this.client) this.clientGuess = from;
      else this.handleNewLeader(to, from);
    });
    this.APPLIED = sim.addKind('applied', (node, epoch) => this.onApplyDone(node, epoch));
    this.PROMOTED = sim.addKind('promoted', (node) => this.becomeLeader(node));
    this.CLIENT_WRITE = sim.addKind('client write', (_t, ratePerMs, untilMs) => {
      const key = this.rng.nextInt(this.settings.keys);
      this.net.send(this.client, this.clientGuess, WRITE, this.nextWriteId++, key);
      const next = this.sim.now + -Math.log(this.rng.nextOpenDouble()) / ratePerMs;
      if (next <= untilMs) this.sim.scheduleAt(next, this.CLIENT_WRITE, 0, ratePerMs, untilMs);
    });
    this.EVEN_WRITE = sim.addKind('even write', (_t, gap, untilMs) => {
      const key = this.rng.nextInt(this.settings.keys);
      this.net.send(this.client, this.clientGuess, WRITE, this.nextWriteId++, key);
      if (this.sim.now + gap <= untilMs) this.sim.schedule(gap, this.EVEN_WRITE, 0, gap, untilMs);
    });
    this.SNAPSHOT_SEND = sim.addKind('snapshot copied', (from, to, id) =>
      this.net.send(from, to, SNAPSHOT, id),
    );
    this.nodes.onCrash((node) => {
      if (node >= n) return;
      this.epoch[node]++;
      this.busy[node] = false;
      this.arrived[node].clear();
      for (const subs of this.subscribers) subs.delete(node);
    });
    // Every node starts as a follower of node 0, streaming from position 0.
    for (let f = 1; f < n; f++) if (!joining.has(f)) this.subscribers[0].add(f);
  }

  /** Client writes, Poisson at `ratePerS` per second, from now until `untilMs`, each to a random row. */
  startWrites(ratePerS: number, untilMs: number): void {
    if (ratePerS <= 0) return;
    const ratePerMs = ratePerS / 1000;
    const first = this.sim.now + -Math.log(this.rng.nextOpenDouble()) / ratePerMs;
    if (first <= untilMs) this.sim.scheduleAt(first, this.CLIENT_WRITE, 0, ratePerMs, untilMs);
  }

  /** Client writes evenly spaced at `ratePerS` per second, from one interval on until `untilMs`, each to a random row. */
  startEvenWrites(ratePerS: number, untilMs: number): void {
    const gap = 1000 / ratePerS;
    if (this.sim.now + gap <= untilMs) this.sim.schedule(gap, this.EVEN_WRITE, 0, gap, untilMs);
  }

  /** The last position of a node's log. */
  lastLsn(node: number): number {
    return this.logStart[node] - 1 + this.logs[node].length;
  }

  /** Takes a node down (an upgrade's restart): its rows and position survive, its buffers do not. */
  crash(node: number): void {
    this.nodes.crash(node);
  }

  /**
   * Brings a node back, its storage converted to `version` (an in-place upgrade of the storage
   * format, as pg_upgrade does), and has it resume from its position with the leader it knows.
   */
  restart(node: number, version: number): void {
    this.nodes.recover(node);
    if (version !== this.stores[node].version) this.stores[node].convert(version);
    this.unhalt(node);
    const leader = this.knownLeader[node];
    if (this.role[node] !== 'leader' && leader >= 0) this.net.send(node, leader, RESUME, this.applied[node]);
  }

  /** A new or emptied node asks the leader it knows (node 0 by default) for a snapshot. */
  bootstrap(node: number, leader = this.knownLeader[node]): void {
    this.knownLeader[node] = leader;
    this.net.send(node, leader, SNAPSHOT_REQUEST);
  }

  /** A planned switchover: the leader stops taking writes and asks `target` to take over at its last position. */
  switchover(leader: number, target: number): void {
    this.role[leader] = 'stopped';
    this.markUnavailable();
    this.net.send(leader, target, PROMOTE, this.lastLsn(leader));
  }

  /** Rows that differ between two nodes. */
  divergence(a: number, b: number): number {
    return differingRows(this.stores[a], this.stores[b]).reduce((x, y) => x + y, 0);
  }

  /** Closes the books: the time no node took writes, up to `endMs` for an interval still open. */
  downtimeMs(endMs: number): number {
    return this.unavailable.reduce((sum, [from, to]) => sum + Math.min(to, endMs) - from, 0);
  }

  /** Stalled time up to `endMs` of followers still stopped. */
  stalledUpTo(endMs: number): number {
    return this.halted.reduce(
      (sum, h, node) => sum + (h ? endMs - this.haltedSince[node] : 0),
      this.stalledMs,
    );
  }

  private unhalt(node: number): void {
    if (this.halted[node]) this.stalledMs += this.sim.now - this.haltedSince[node];
    this.halted[node] = false;
  }

  private markUnavailable(): void {
    if (!this.role.includes('leader')) this.unavailable.push([this.sim.now, Infinity]);
  }

  private onWrite(node: number, client: number, _writeId: number, key: number): void {
    if (this.role[node] !== 'leader') {
      this.net.send(node, client, WRITE_REFUSED, this.role[node] === 'stopped' ? -1 : this.knownLeader[node]);
      return;
    }
    const store = this.stores[node];
    const value = (store.read(TABLE, key) ?? 0) + 1;
    const image = store.write(TABLE, key, value);
    const lsn = this.lastLsn(node) + 1;
    const record: LogRecord =
      this.settings.format === 'wal'
        ? { lsn, format: 'wal', version: store.version, slots: [image] }
        : { lsn, format: 'row', rows: [{ table: TABLE, key, value }] };
    this.logs[node].push(record);
    this.applied[node] = lsn;
    for (const f of this.subscribers[node]) this.net.send(node, f, RECORD, lsn);
    this.net.send(node, client, WRITE_ACK);
  }

  private onRecord(node: number, from: number, lsn: number): void {
    if (from !== this.knownLeader[node] || this.role[node] !== 'follower') return;
    const record = this.logs[from][lsn - this.logStart[from]];
    if (record === undefined || lsn <= this.applied[node]) return;
    this.arrived[node].set(lsn, record);
    this.tryApply(node);
  }

  private tryApply(node: number): void {
    if (this.busy[node] || this.halted[node]) return;
    const record = this.arrived[node].get(this.applied[node] + 1);
    if (record === undefined) return;
    const store = this.stores[node];
    if (record.format === 'wal' && record.version !== store.version) {
      // A standby cannot read another version's pages: it stops replaying here.
      this.halted[node] = true;
      this.haltedSince[node] = this.sim.now;
      this.rejected++;
      if (this.promoteAt[node] >= 0) this.bootstrap(node);
      return;
    }
    this.busy[node] = true;
    this.sim.schedule(this.settings.apply.sample(this.rng), this.APPLIED, node, this.epoch[node]);
  }

  private onApplyDone(node: number, epoch: number): void {
    if (epoch !== this.epoch[node]) return;
    this.busy[node] = false;
    const lsn = this.applied[node] + 1;
    const record = this.arrived[node].get(lsn);
    if (record === undefined) return;
    this.arrived[node].delete(lsn);
    const store = this.stores[node];
    if (record.format === 'wal') for (const image of record.slots) store.writeSlot(image);
    else if (record.format === 'row') for (const r of record.rows) store.write(r.table, r.key, r.value);
    this.logs[node].push(record);
    this.applied[node] = lsn;
    this.onApplied?.(node);
    this.checkPromotion(node);
    this.tryApply(node);
  }

  private onResume(node: number, follower: number, lsn: number): void {
    if (this.role[node] === 'follower') return;
    if (lsn < this.logStart[node] - 1) {
      // The records after its position are gone from this log: the follower needs a snapshot.
      this.onSnapshotRequest(node, follower);
      return;
    }
    this.subscribers[node].add(follower);
    for (let p = lsn + 1; p <= this.lastLsn(node); p++) this.net.send(node, follower, RECORD, p);
  }

  private readonly snapshotsInFlight = new Map<number, { store: RowStore; lsn: number }>();
  private nextSnapshotId = 1;

  private onSnapshotRequest(node: number, follower: number): void {
    // A consistent copy at the leader's current position (MVCC: writes go on meanwhile), dumped
    // logically, so it restores in the follower's own storage-format version.
    const lsn = this.lastLsn(node);
    const copy = this.stores[node].copy();
    const bytes = copy.table(TABLE).size * this.settings.rowBytes;
    const id = this.nextSnapshotId++;
    this.snapshotsInFlight.set(id, { store: copy, lsn });
    this.snapshots++;
    this.snapshotBytes += bytes;
    this.sim.schedule(
      (1000 * bytes) / this.settings.bandwidthBytesPerS,
      this.SNAPSHOT_SEND,
      node,
      follower,
      id,
    );
  }

  private onSnapshot(node: number, from: number, id: number): void {
    const snap = this.snapshotsInFlight.get(id);
    this.snapshotsInFlight.delete(id);
    if (snap === undefined) return;
    const version = this.stores[node].version;
    this.stores[node] = snap.store.version === version ? snap.store : snap.store.copy(version);
    this.applied[node] = snap.lsn;
    this.logs[node] = [];
    this.logStart[node] = snap.lsn + 1;
    this.arrived[node].clear();
    this.unhalt(node);
    this.busy[node] = false;
    this.epoch[node]++;
    this.knownLeader[node] = from;
    this.onSnapshotInstalled?.(node, snap.lsn);
    if (!this.checkPromotion(node)) this.net.send(node, from, RESUME, snap.lsn);
  }

  private onPromote(node: number, lsn: number): void {
    this.promoteAt[node] = lsn;
    if (this.halted[node]) this.bootstrap(node);
    else this.checkPromotion(node);
  }

  /** Promotes the node (after promoteMs) once it has applied up to the position it was asked to reach. */
  private checkPromotion(node: number): boolean {
    const at = this.promoteAt[node];
    if (at < 0 || this.applied[node] < at) return false;
    this.promoteAt[node] = -1;
    this.sim.schedule(this.settings.promoteMs, this.PROMOTED, node);
    return true;
  }

  private becomeLeader(node: number): void {
    this.role[node] = 'leader';
    this.knownLeader[node] = node;
    this.stores[node].reindex();
    const open = this.unavailable.at(-1);
    if (open !== undefined && open[1] === Infinity) open[1] = this.sim.now;
    // Every node and the client are told (the client as by a DNS or proxy update).
    for (let other = 0; other <= this.n; other++) if (other !== node) this.net.send(node, other, NEW_LEADER);
  }

  private handleNewLeader(node: number, leader: number): void {
    if (this.role[node] !== 'follower') this.role[node] = 'follower';
    this.knownLeader[node] = leader;
    this.arrived[node].clear();
    this.onNewLeader?.(node, leader);
    // A stopped replica of another version cannot follow the new leader's WAL: rebuild it.
    if (this.halted[node]) this.bootstrap(node, leader);
    else this.net.send(node, leader, RESUME, this.applied[node]);
  }
}
