/**
 * The replication protocol of one leader and its followers on the event kernel: log shipping with
 * the consistency check of Raft's AppendEntries, heartbeats, per-follower sync or async
 * acknowledgement, semi-synchronous replacement of a slow sync follower, terms, and the role
 * changes (step down, become leader) that elections and promotions drive. Elections, the external
 * coordinator and the fault schedule live in their own modules and call in here.
 *
 * References: D. Ongaro and J. Ousterhout, "In Search of an Understandable Consensus Algorithm",
 * USENIX ATC 2014, §5.3 (log replication); M. Kleppmann, Designing Data-Intensive Applications
 * (2017), ch. 5, "Synchronous Versus Asynchronous Replication" (semi-synchronous: one synchronous
 * follower, replaced by an asynchronous one when it becomes unavailable or slow).
 */
import type { LatencyDistribution } from '../../latency/index.js';
import type { Clocks, Network, Nodes, Simulation } from '../../sim/index.js';
import type { FencingMode } from './failover-config.js';
import {
  APPEND,
  APPEND_ACK,
  DISK_DONE,
  HEARTBEAT,
  HEARTBEAT_TICK,
  LEASE_ACK,
  LEASE_EXPIRY,
  MONITOR_HEARTBEAT,
  SEMI_SYNC_CHECK,
  SHIP,
} from './message-kinds.js';
import { PauseGate } from './pause-gate.js';
import { ReplicationLog } from './replication-log.js';

/** How a follower acknowledges: the leader waits for a sync follower before it commits, not for an async one. */
export type FollowerMode = 'sync' | 'async';

/** A node's role. */
export type Role = 'follower' | 'candidate' | 'leader';

/** The protocol's fixed settings. */
export interface ClusterSettings {
  /** Replicating nodes, ids 0..nodes-1; node 0 leads term 1 from time 0. */
  nodes: number;
  /** Network endpoints: the nodes, then (if any) an external coordinator. */
  endpoints: number;
  /** One-way delay of every message. */
  latency: LatencyDistribution;
  /** Time to persist log entries or a vote (fsync). A node's disk completes writes in the order they were issued. */
  disk: LatencyDistribution;
  /** Each node's mode when it is a follower. */
  modes: readonly FollowerMode[];
  /**
   * Semi-synchronous replication: null for plain sync/async. Otherwise the leader has one
   * designated sync follower (the first `'sync'` node that is not the leader); when it has not
   * acknowledged an entry this many ms after the entry was appended, the leader makes the most
   * up-to-date other follower its sync follower instead.
   */
  semiSyncTimeoutMs: number | null;
  /** Heartbeat interval of the leader, ms. */
  heartbeatMs: number;
  /** An endpoint that also receives the leader's heartbeats (the coordinator), or null. */
  monitor: number | null;
  /**
   * Delay from a leader's append to shipping the entry to the followers (a binlog dump thread or WAL
   * sender waking up, batching); null: at once. Entries not yet shipped die with a crashed leader:
   * with async followers these are the acknowledged writes a failover loses.
   */
  shipDelay: LatencyDistribution | null;
  /**
   * Extra delay (ms) before entries are shipped to each node as a follower (0: none): a follower
   * whose replication connection lags, so its log stays shorter than the others'. Resends never
   * run ahead of it.
   */
  shipLagMs: readonly number[];
  /** A follower short of the leader's log is re-sent its missing entries at most this often (ms); conflicts are answered at once. */
  gapResendMs: number;
  /**
   * Quorum commit: the leader waits for this many of its sync followers, whichever answer first
   * (PostgreSQL's `synchronous_standby_names = 'ANY k (...)'`); absent or null: for every sync
   * follower.
   */
  syncQuorum?: number | null;
  /**
   * The leader ships an entry only once it is durable on its own disk: PostgreSQL's WAL sender
   * sends WAL only up to the primary's flush position (walsender.c XLogSendPhysical reads
   * GetFlushRecPtr), so a synchronous commit takes the local flush, then the round trip. Absent
   * or false: shipping starts at the append, alongside the leader's own write.
   */
  shipAfterDurable?: boolean;
  /**
   * Time from a follower's receipt of entries to its acknowledgement, in place of `disk` on
   * followers: what the follower does before it answers (PostgreSQL: the WAL write for
   * `remote_write`, write and flush for `on`, through replay for `remote_apply`). Absent or null:
   * `disk`.
   */
  followerDisk?: LatencyDistribution | null;
  /**
   * The followers share one host (one CPU pool, one disk): followers that write the same entries
   * take the same draw of their disk time (a write is keyed by its last entry, so followers that
   * batched differently draw apart), so a stall of the host delays them alike and a quorum of the
   * fastest gains nothing from it. Absent or false: independent draws (followers on their own
   * machines).
   */
  followerDiskShared?: boolean;
  /** How a deposed leader is kept from harm (see {@link FencingMode}). Absent: `'epoch'`. */
  fencing?: FencingMode;
  /** Fencing `'lease'`: the lease, ms on each node's own clock. */
  leaseMs?: number;
  /** Each node's clock, on which its heartbeat timer and its leases run; absent or null: every clock is true time. */
  clocks?: Clocks | null;
}

/** What the cluster tells the modules around it. Every hook is optional. */
export interface ClusterHooks {
  /** A follower accepted an append or heartbeat from the leader of its current term. */
  onLeaderContact?(node: number, leader: number): void;
  /** A follower accepted a heartbeat (sent at `sentAtMs`). */
  onHeartbeatAccepted?(node: number, leader: number, term: number, sentAtMs: number): void;
  /** The monitor endpoint got a heartbeat. */
  onMonitorHeartbeat?(leader: number, term: number, sentAtMs: number): void;
  /** A node became leader of `term`. */
  onBecomeLeader?(node: number, term: number): void;
  /** A node's role or term changed (after the change). */
  onRoleChange?(node: number): void;
  /** A node dropped entries that conflicted with the leader's log. */
  onTruncate?(node: number, writeIds: readonly number[]): void;
  /** A leader appended a client write at `index` (the row's autoincrement id). */
  onAppend?(leader: number, index: number, writeId: number): void;
  /** A leader committed a write it had accepted: the client's acknowledgement. */
  onCommit?(leader: number, index: number, writeId: number): void;
  /** A follower made entries up to `index` durable (`applyMs` is now). */
  onDurable?(node: number, index: number): void;
}

/** With `followerDiskShared`: how many recent writes' shared disk times are kept. */
const SHARED_DISK_KEPT = 4096;

/** An append ack's outcome: success (its index is the follower's durable position), a gap (its last position), a conflict (resend after this index), or a stale term. */
const REPLY_OK = 1;
const REPLY_GAP = 0;
const REPLY_CONFLICT = 2;
const REPLY_STALE_TERM = 3;

interface AppendPayload {
  prevIndex: number;
  prevTerm: number;
  terms: number[];
  writeIds: number[];
  sentAtMs: number;
  /** The sender's own clock reading at sending (a lease starts there: the follower echoes it back). */
  sentLocalMs: number;
}

/**
 * One replicated cluster. State is public for the modules that drive it (elections, coordinator,
 * faults) and for metrics; only this class changes logs.
 *
 * @example
 * const cluster = new ReplicationCluster(sim, nodes, net, settings, hooks);
 * cluster.start();                 // node 0 leads term 1 and starts heartbeating
 * cluster.submitWrite(0, 17);      // leader 0 appends write 17 and replicates it
 */
export class ReplicationCluster {
  readonly logs: ReplicationLog[];
  readonly role: Role[];
  readonly currentTerm: Int32Array;
  readonly votedFor: Int32Array;
  /** The leader each node last accepted entries or a heartbeat from (-1: none). */
  readonly knownLeader: Int32Array;
  /** Each node's last durable position (its disk has finished every write up to it). */
  readonly durableIndex: Int32Array;
  /** The leader's commit position (entries up to it are acknowledged or were accepted by earlier leaders). */
  readonly commitIndex: Int32Array;
  /** matchIndex[leader * nodes + f]: the leader's knowledge of f's durable position (this term). */
  readonly matchIndex: Int32Array;
  /** Fencing `'lease'`: each leader's lease end on its own clock (-Infinity: none). */
  readonly leaseUntil: Float64Array;
  /**
   * Fencing `'lease'`: the node each node has promised its backing to (-1: none; -2: unknown, after
   * a restart) and until when, on its own clock. While the promise runs the node votes for, stands
   * as, and promises to no other node.
   */
  readonly grantedTo: Int32Array;
  readonly grantedUntil: Float64Array;
  /** Each leader's designated sync follower under semi-sync (-1: none). */
  readonly semiSyncFollower: Int32Array;
  /** Times a semi-sync leader replaced its sync follower. */
  semiSyncSwitches = 0;
  /** Append and heartbeat messages sent (entries resent included). */
  appendMessages = 0;
  readonly gate: PauseGate;

  private readonly n: number;
  private readonly diskFreeAt: Float64Array;
  /** With `followerDiskShared`: per entry index, the followers' one disk time and how many followers have yet to use it. */
  private readonly sharedDisk = new Map<number, { ms: number; left: number }>();
  private readonly shipFreeAt: Float64Array;
  /** shippedTo[leader * nodes + f]: the last position the leader has shipped to f (resends stop there). */
  private readonly shippedTo: Int32Array;
  private readonly lastGapResend: Float64Array;
  private readonly pending: Map<number, number>[];
  private readonly payloads: AppendPayload[] = [];
  private readonly fencing: FencingMode;
  private readonly leaseMs: number;
  private readonly clocks: Clocks | null;
  /** The term of the leader each node last took entries from: with fencing `'none'` its acknowledgements carry that term. */
  private readonly knownLeaderTerm: Int32Array;
  /** leaseEcho[leader * nodes + f]: the latest clock reading of the leader's heartbeats that f promised its backing for (this term). */
  private readonly leaseEcho: Float64Array;
  private readonly leaseGeneration: Int32Array;

  constructor(
    private readonly sim: Simulation,
    readonly nodes: Nodes,
    readonly net: Network,
    readonly settings: ClusterSettings,
    private readonly hooks: ClusterHooks = {},
  ) {
    const n = settings.nodes;
    this.n = n;
    this.logs = Array.from({ length: n }, () => new ReplicationLog());
    this.role = new Array<Role>(n).fill('follower');
    this.currentTerm = new Int32Array(n);
    this.votedFor = new Int32Array(n).fill(-1);
    this.knownLeader = new Int32Array(n).fill(-1);
    this.durableIndex = new Int32Array(n);
    this.commitIndex = new Int32Array(n);
    this.matchIndex = new Int32Array(n * n);
    this.fencing = settings.fencing ?? 'epoch';
    this.leaseMs = settings.leaseMs ?? 0;
    this.clocks = settings.clocks ?? null;
    this.knownLeaderTerm = new Int32Array(n);
    this.leaseUntil = new Float64Array(n).fill(-Infinity);
    this.grantedTo = new Int32Array(n).fill(-1);
    this.grantedUntil = new Float64Array(n).fill(-Infinity);
    this.leaseEcho = new Float64Array(n * n).fill(-Infinity);
    this.leaseGeneration = new Int32Array(n);
    this.semiSyncFollower = new Int32Array(n).fill(-1);
    this.diskFreeAt = new Float64Array(n);
    this.shipFreeAt = new Float64Array(n);
    this.shippedTo = new Int32Array(n * n);
    this.lastGapResend = new Float64Array(n * n).fill(-Infinity);
    this.pending = Array.from({ length: n }, () => new Map<number, number>());
    this.gate = new PauseGate(settings.endpoints);
    const gate = this.gate;

    net.on(
      APPEND,
      gate.message((to: number, from: number, payload: number, term: number) =>
        this.onAppend(to, from, payload, term, false),
      ),
      'append',
    );
    net.on(
      HEARTBEAT,
      gate.message((to: number, from: number, payload: number, term: number) =>
        this.onAppend(to, from, payload, term, true),
      ),
      'heartbeat',
    );
    net.on(
      APPEND_ACK,
      gate.message((to: number, from: number, term: number, ok: number, index: number) =>
        this.onAck(to, from, term, ok, index),
      ),
      'append ack',
    );
    net.on(
      MONITOR_HEARTBEAT,
      gate.message((_to: number, from: number, payload: number, term: number) => {
        this.hooks.onMonitorHeartbeat?.(from, term, this.payloads[payload].sentAtMs);
      }),
      'monitor heartbeat',
    );
    nodes.on(
      DISK_DONE,
      gate.message((node: number, index: number, term: number) => this.onDiskDone(node, index, term)),
      'disk done',
    );
    nodes.on(
      HEARTBEAT_TICK,
      gate.message((node: number, term: number) => {
        if (this.role[node] !== 'leader' || this.currentTerm[node] !== term) return;
        this.sendHeartbeats(node);
        nodes.schedule(node, this.timerMs(node, settings.heartbeatMs), HEARTBEAT_TICK, term);
      }),
      'heartbeat tick',
    );
    net.on(
      LEASE_ACK,
      gate.message((to: number, from: number, term: number, payload: number) =>
        this.onLeaseAck(to, from, term, payload),
      ),
      'lease ack',
    );
    // Not gated: a lease runs out on the clock whether or not the process is running.
    nodes.on(
      LEASE_EXPIRY,
      (node, generation) => {
        if (generation !== this.leaseGeneration[node]) return;
        // The timer fired at the lease's end: rounding in the clock's inverse must not keep it alive.
        this.leaseUntil[node] = Math.min(this.leaseUntil[node], this.localNow(node));
        this.hooks.onRoleChange?.(node);
      },
      'lease expiry',
    );
    nodes.on(
      SHIP,
      gate.message((node: number, to: number, index: number, term: number) =>
        this.shipEntry(node, to, index, term),
      ),
      'ship',
    );
    nodes.on(
      SEMI_SYNC_CHECK,
      gate.message((node: number, index: number, term: number) => this.onSemiSyncCheck(node, index, term)),
      'semi-sync check',
    );
    nodes.onRecover((node) => this.onRecover(node));
  }

  /** Node 0 leads term 1 from now. */
  start(): void {
    for (let i = 0; i < this.n; i++) this.currentTerm[i] = 1;
    this.votedFor[0] = 0;
    this.becomeLeader(0, 1);
  }

  /** Whether `node` would accept a client write now: up, not paused, leader, and (fencing `'lease'`) holding a lease. */
  isAccepting(node: number): boolean {
    return (
      node >= 0 &&
      node < this.n &&
      this.nodes.isUp(node) &&
      !this.gate.isPaused(node) &&
      this.role[node] === 'leader' &&
      this.hasLease(node)
    );
  }

  /** `node`'s own clock now (true time without clocks). */
  localNow(node: number): number {
    return this.clocks === null ? this.sim.now : this.clocks.local(node, this.sim.now);
  }

  /** How long `localMs` on `node`'s clock lasts in true time: what a timer set for it waits. */
  timerMs(node: number, localMs: number): number {
    return this.clocks === null ? localMs : this.clocks.trueDuration(node, localMs);
  }

  /** Whether `node` may serve as leader by its lease: always unless fencing is `'lease'`; then while its lease runs on its own clock. */
  hasLease(node: number): boolean {
    return this.fencing !== 'lease' || this.localNow(node) < this.leaseUntil[node];
  }

  /** Fencing `'lease'`: whether `node` still backs a node other than `other` (and so must not vote for, promise to or stand as `other`). */
  promisedElsewhere(node: number, other: number): boolean {
    const to = this.grantedTo[node];
    return (
      this.fencing === 'lease' && to !== -1 && to !== other && this.localNow(node) < this.grantedUntil[node]
    );
  }

  /** True time until `node`'s promise to another node runs out on its clock (0: none runs). */
  promiseRemainingMs(node: number): number {
    if (!this.promisedElsewhere(node, node)) return 0;
    return this.timerMs(node, this.grantedUntil[node] - this.localNow(node));
  }

  /**
   * A client read reaches `node` now: served (`onServed` with the node's term) if the node is up,
   * leads and (fencing `'lease'`) holds a lease; false if refused. A paused node takes it when it
   * resumes (the call returns true; `onRefused` runs if it refuses then).
   */
  submitRead(node: number, onServed: (term: number) => void, onRefused: () => void = () => {}): boolean {
    if (!this.nodes.isUp(node)) return false;
    const serve = (): boolean => {
      if (!this.nodes.isUp(node) || this.role[node] !== 'leader' || !this.hasLease(node)) return false;
      onServed(this.currentTerm[node]);
      return true;
    };
    if (this.gate.isPaused(node)) {
      this.gate.run(node, () => {
        if (!serve()) onRefused();
      });
      return true;
    }
    return serve();
  }

  /**
   * A client write reaches `node` now. Returns true if the node accepted it (appended to its log
   * and replicated); false if it refused (not leader, fenced, down). A paused node takes the write
   * when it resumes: the call returns true and the write waits.
   */
  submitWrite(node: number, writeId: number, onRefused: () => void = () => {}): boolean {
    if (!this.nodes.isUp(node)) return false;
    if (this.gate.isPaused(node)) {
      this.gate.run(node, () => {
        if (!this.acceptWrite(node, writeId)) onRefused();
      });
      return true;
    }
    return this.acceptWrite(node, writeId);
  }

  private acceptWrite(node: number, writeId: number): boolean {
    if (!this.nodes.isUp(node) || this.role[node] !== 'leader' || !this.hasLease(node)) return false;
    const log = this.logs[node];
    const term = this.currentTerm[node];
    const index = log.append(term, writeId);
    this.hooks.onAppend?.(node, index, writeId);
    this.persist(node, index, term);
    if (this.settings.shipAfterDurable !== true) this.ship(node, index, term);
    const timeout = this.settings.semiSyncTimeoutMs;
    if (timeout !== null) this.nodes.schedule(node, timeout, SEMI_SYNC_CHECK, index, term);
    return true;
  }

  /** Starts shipping the leader's entry at `index` to its followers (after the ship delay, if any). */
  private ship(node: number, index: number, term: number): void {
    const ship = this.settings.shipDelay;
    let at = this.sim.now;
    if (ship !== null) {
      // The log sender ships entries in log order, each after its own delay.
      at = Math.max(this.shipFreeAt[node], this.sim.now + ship.sample(this.sim.rng));
      this.shipFreeAt[node] = at;
    }
    for (let f = 0; f < this.n; f++) {
      if (f === node) continue;
      const lag = this.settings.shipLagMs[f];
      if (lag > 0) this.nodes.schedule(node, at + lag - this.sim.now, SHIP, f, index, term);
    }
    if (at === this.sim.now) this.shipEntry(node, -1, index, term);
    else this.nodes.schedule(node, at - this.sim.now, SHIP, -1, index, term);
  }

  /** Ships the entry at `index` to follower `to`, or (-1) to every follower without a ship lag. */
  private shipEntry(leader: number, to: number, index: number, term: number): void {
    if (
      this.role[leader] !== 'leader' ||
      this.currentTerm[leader] !== term ||
      this.logs[leader].termAt(index) !== term
    )
      return;
    for (let f = 0; f < this.n; f++) {
      if (f === leader || (to >= 0 ? f !== to : this.settings.shipLagMs[f] > 0)) continue;
      const slot = leader * this.n + f;
      if (index > this.shippedTo[slot]) this.shippedTo[slot] = index;
      this.sendEntries(leader, f, index - 1, index);
    }
  }

  /** Makes `node` leader of `term` (its term must already be `term`): resets its view of the followers and heartbeats at once. */
  becomeLeader(node: number, term: number): void {
    this.currentTerm[node] = term;
    this.role[node] = 'leader';
    this.knownLeader[node] = node;
    if (this.fencing === 'lease') {
      // No lease until a majority has promised its backing to this term's heartbeats.
      this.leaseUntil[node] = -Infinity;
      this.leaseGeneration[node]++;
      this.leaseEcho.fill(-Infinity, node * this.n, node * this.n + this.n);
      this.grantedTo[node] = node;
      this.grantedUntil[node] = Infinity;
    }
    this.matchIndex.fill(0, node * this.n, node * this.n + this.n);
    // Earlier terms' entries are all shippable at once; this term's go out as the sender ships them.
    this.shippedTo.fill(this.logs[node].lastIndex, node * this.n, node * this.n + this.n);
    // Entries from earlier terms count as settled: their clients were answered (or not) by their own leader.
    this.commitIndex[node] = this.logs[node].lastIndex;
    this.semiSyncFollower[node] =
      this.settings.semiSyncTimeoutMs === null ? -1 : this.firstSyncFollower(node);
    this.hooks.onBecomeLeader?.(node, term);
    this.hooks.onRoleChange?.(node);
    this.sendHeartbeats(node);
    this.nodes.schedule(node, this.timerMs(node, this.settings.heartbeatMs), HEARTBEAT_TICK, term);
  }

  /** `node` learns of a higher term (or loses an election): follower of `term`, its vote cleared if the term is new. */
  stepDown(node: number, term: number): void {
    if (term > this.currentTerm[node]) {
      this.currentTerm[node] = term;
      this.votedFor[node] = -1;
      this.pending[node].clear();
    }
    const changed = this.role[node] !== 'follower';
    this.role[node] = 'follower';
    if (this.fencing === 'lease' && this.grantedTo[node] === node) {
      this.leaseUntil[node] = -Infinity;
      this.leaseGeneration[node]++;
      this.grantedTo[node] = -1;
    }
    if (changed) this.hooks.onRoleChange?.(node);
  }

  /** Sets `node`'s role to candidate (the election module's business). */
  becomeCandidate(node: number, term: number): void {
    this.currentTerm[node] = term;
    this.votedFor[node] = node;
    this.role[node] = 'candidate';
    this.pending[node].clear();
    this.hooks.onRoleChange?.(node);
  }

  private firstSyncFollower(leader: number): number {
    for (let f = 0; f < this.n; f++) if (f !== leader && this.settings.modes[f] === 'sync') return f;
    for (let f = 0; f < this.n; f++) if (f !== leader) return f;
    return -1;
  }

  private sendHeartbeats(leader: number): void {
    const log = this.logs[leader];
    const term = this.currentTerm[leader];
    const payload = this.payload(log.lastIndex, log.lastTerm, [], [], this.sim.now, this.localNow(leader));
    for (let f = 0; f < this.n; f++) {
      if (f === leader) continue;
      this.appendMessages++;
      this.net.send(leader, f, HEARTBEAT, payload, term);
    }
    if (this.settings.monitor !== null)
      this.net.send(leader, this.settings.monitor, MONITOR_HEARTBEAT, payload, term);
  }

  /** Sends entries (prevIndex, toIndex] of the leader's log to f. */
  private sendEntries(leader: number, f: number, prevIndex: number, toIndex: number): void {
    const log = this.logs[leader];
    const { terms, writeIds } = log.slice(prevIndex, toIndex);
    const payload = this.payload(
      prevIndex,
      log.termAt(prevIndex),
      terms,
      writeIds,
      this.sim.now,
      this.localNow(leader),
    );
    this.appendMessages++;
    this.net.send(leader, f, APPEND, payload, this.currentTerm[leader]);
  }

  private payload(
    prevIndex: number,
    prevTerm: number,
    terms: number[],
    writeIds: number[],
    sentAtMs: number,
    sentLocalMs: number,
  ): number {
    this.payloads.push({ prevIndex, prevTerm, terms, writeIds, sentAtMs, sentLocalMs });
    return this.payloads.length - 1;
  }

  /** Persists `node`'s log up to `index` (entry term `term`): the disk finishes writes in order. */
  private persist(node: number, index: number, term: number): void {
    const leader = this.role[node] === 'leader';
    const disk = leader ? this.settings.disk : (this.settings.followerDisk ?? this.settings.disk);
    const ms =
      !leader && this.settings.followerDiskShared === true
        ? this.sharedDiskMs(index, disk)
        : disk.sample(this.sim.rng);
    const done = Math.max(this.diskFreeAt[node], this.sim.now + ms);
    this.diskFreeAt[node] = done;
    this.nodes.schedule(node, done - this.sim.now, DISK_DONE, index, term);
  }

  /** The followers' shared disk time of entry `index`: drawn by the first follower to write it. */
  private sharedDiskMs(index: number, disk: LatencyDistribution): number {
    const held = this.sharedDisk.get(index);
    if (held !== undefined) {
      if (--held.left <= 0) this.sharedDisk.delete(index);
      return held.ms;
    }
    const ms = disk.sample(this.sim.rng);
    if (this.settings.nodes > 2) {
      this.sharedDisk.set(index, { ms, left: this.settings.nodes - 2 });
      // A draw no other follower came for (it batched the entry with others) is dropped once
      // newer ones crowd it out: the map holds recent writes only.
      if (this.sharedDisk.size > SHARED_DISK_KEPT)
        this.sharedDisk.delete(this.sharedDisk.keys().next().value!);
    }
    return ms;
  }

  private onDiskDone(node: number, index: number, term: number): void {
    const log = this.logs[node];
    if (log.termAt(index) !== term || index <= this.durableIndex[node]) return; // truncated since, or already covered
    const before = this.durableIndex[node];
    this.durableIndex[node] = index;
    this.hooks.onDurable?.(node, index);
    if (this.role[node] === 'leader') {
      if (this.settings.shipAfterDurable === true) {
        const current = this.currentTerm[node];
        for (let i = before + 1; i <= index; i++) if (log.termAt(i) === current) this.ship(node, i, current);
      }
      this.advanceCommit(node);
      return;
    }
    const leader = this.knownLeader[node];
    // Without fencing a follower's acknowledgement tells its leader nothing of newer terms.
    const ackTerm = this.fencing === 'none' ? this.knownLeaderTerm[node] : this.currentTerm[node];
    if (leader >= 0 && leader !== node) this.net.send(node, leader, APPEND_ACK, ackTerm, REPLY_OK, index);
  }

  private onAppend(f: number, leader: number, payloadId: number, term: number, heartbeat: boolean): void {
    if (f >= this.n) return;
    const older = term < this.currentTerm[f];
    if (older) {
      // The term is the fencing token: refused, and the answer tells the sender of the newer term.
      // Without fencing a follower takes entries from whoever sends them (a leader or a candidate
      // of a newer term has its own to keep, and ignores them).
      if (this.fencing !== 'none') {
        this.net.send(f, leader, APPEND_ACK, this.currentTerm[f], REPLY_STALE_TERM, -1);
        return;
      }
      if (this.role[f] !== 'follower') return;
    } else if (term > this.currentTerm[f] || this.role[f] !== 'follower') this.stepDown(f, term);
    this.knownLeader[f] = leader;
    this.knownLeaderTerm[f] = term;
    this.hooks.onLeaderContact?.(f, leader);
    const p = this.payloads[payloadId];
    if (heartbeat && this.fencing === 'lease') this.promise(f, leader, term, payloadId);
    if (heartbeat) this.hooks.onHeartbeatAccepted?.(f, leader, term, p.sentAtMs);
    const log = this.logs[f];
    if (p.prevIndex > log.lastIndex) {
      // A gap: entries reordered in flight wait for the ones before them; a heartbeat asks for a resend.
      if (heartbeat) this.net.send(f, leader, APPEND_ACK, term, REPLY_GAP, log.lastIndex);
      else this.pending[f].set(p.prevIndex, payloadId);
      return;
    }
    if (log.termAt(p.prevIndex) !== p.prevTerm) {
      // Conflict: the logs differ at prevIndex. Point the leader at the start of the conflicting term.
      this.net.send(f, leader, APPEND_ACK, term, REPLY_CONFLICT, log.firstIndexOfTermAt(p.prevIndex) - 1);
      return;
    }
    const before = log.lastIndex;
    let changed = this.applyEntries(f, p, term, heartbeat);
    // Reordered entries that now fit.
    const pending = this.pending[f];
    while (pending.size > 0) {
      const next = pending.get(log.lastIndex);
      if (next === undefined) break;
      pending.delete(log.lastIndex);
      const q = this.payloads[next];
      if (log.termAt(q.prevIndex) !== q.prevTerm) break;
      changed = this.applyEntries(f, q, term, false) || changed;
    }
    if (changed && log.lastIndex > 0) this.persist(f, log.lastIndex, log.lastTerm);
    else if (heartbeat || log.lastIndex === before) {
      this.net.send(
        f,
        leader,
        APPEND_ACK,
        term,
        REPLY_OK,
        Math.min(this.durableIndex[f], p.prevIndex + p.terms.length),
      );
    }
  }

  /**
   * Fencing `'lease'`: f accepted a heartbeat of `leader`; unless it still backs another node, it
   * promises `leader` its backing for the lease on its own clock, and says so, echoing the heartbeat.
   */
  private promise(f: number, leader: number, term: number, payloadId: number): void {
    if (this.promisedElsewhere(f, leader)) return;
    this.grantedTo[f] = leader;
    this.grantedUntil[f] = this.localNow(f) + this.leaseMs;
    this.net.send(f, leader, LEASE_ACK, term, payloadId);
  }

  /**
   * Fencing `'lease'`: f promised its backing for the leader's heartbeat `payloadId`. The lease runs
   * from the latest heartbeat a majority (the leader included) has promised for, its clock reading
   * at sending, for leaseMs on the leader's own clock: every promise began after that reading.
   */
  private onLeaseAck(leader: number, f: number, term: number, payloadId: number): void {
    if (leader >= this.n || this.role[leader] !== 'leader' || this.currentTerm[leader] !== term) return;
    const slot = leader * this.n + f;
    const sent = this.payloads[payloadId].sentLocalMs;
    if (sent <= this.leaseEcho[slot]) return;
    this.leaseEcho[slot] = sent;
    const echoes: number[] = [];
    for (let x = 0; x < this.n; x++) if (x !== leader) echoes.push(this.leaseEcho[leader * this.n + x]);
    echoes.sort((a, b) => b - a);
    const until = echoes[Math.floor(this.n / 2) - 1] + this.leaseMs; // a majority less the leader
    const now = this.localNow(leader);
    if (!(until > this.leaseUntil[leader]) || until <= now) return;
    const had = this.hasLease(leader);
    this.leaseUntil[leader] = until;
    const generation = ++this.leaseGeneration[leader];
    this.nodes.schedule(leader, this.timerMs(leader, until - now), LEASE_EXPIRY, generation);
    if (!had) this.hooks.onRoleChange?.(leader);
  }

  /** Applies a matching append to f's log; true if the log changed. */
  private applyEntries(f: number, p: AppendPayload, term: number, heartbeat: boolean): boolean {
    const log = this.logs[f];
    let changed = false;
    for (let j = 0; j < p.terms.length; j++) {
      const index = p.prevIndex + 1 + j;
      if (index <= log.lastIndex) {
        if (log.termAt(index) === p.terms[j]) continue;
        this.truncate(f, index - 1);
      }
      log.append(p.terms[j], p.writeIds[j]);
      changed = true;
    }
    // A heartbeat from the leader ends its log at prevIndex: entries past it from older terms are not in the leader's log.
    if (heartbeat && log.lastIndex > p.prevIndex && log.termAt(p.prevIndex + 1) !== term) {
      this.truncate(f, p.prevIndex);
      changed = true;
    }
    return changed;
  }

  private truncate(node: number, index: number): void {
    const dropped = this.logs[node].truncateAfter(index);
    if (this.durableIndex[node] > index) this.durableIndex[node] = index;
    if (dropped.length > 0) this.hooks.onTruncate?.(node, dropped);
  }

  private onAck(leader: number, f: number, term: number, ok: number, index: number): void {
    if (leader >= this.n) return;
    if (term > this.currentTerm[leader]) {
      this.stepDown(leader, term);
      return;
    }
    if (this.role[leader] !== 'leader' || term < this.currentTerm[leader]) return;
    const log = this.logs[leader];
    if (ok === REPLY_OK) {
      const slot = leader * this.n + f;
      if (index > this.matchIndex[slot] && log.termAt(index) >= 0) this.matchIndex[slot] = index;
      this.advanceCommit(leader);
      return;
    }
    if (ok === REPLY_STALE_TERM) return;
    const slot = leader * this.n + f;
    const to = Math.min(log.lastIndex, this.shippedTo[slot]);
    const from = Math.min(index, to);
    if (from >= to) return;
    // A gap (the follower's log just ends early) may mean entries are still in flight: resend at a bounded rate.
    // A conflict is answered at once, walking back to where the logs agree.
    if (ok === REPLY_GAP) {
      if (this.sim.now - this.lastGapResend[slot] < this.settings.gapResendMs) return;
      this.lastGapResend[slot] = this.sim.now;
    }
    this.sendEntries(leader, f, from, to);
  }

  /** The highest position every follower the leader must wait for has made durable, and the leader too. */
  private advanceCommit(leader: number): void {
    if (this.role[leader] !== 'leader') return;
    let c = this.durableIndex[leader];
    const base = leader * this.n;
    const semi = this.semiSyncFollower[leader];
    if (this.settings.semiSyncTimeoutMs !== null) {
      if (semi >= 0) c = Math.min(c, this.matchIndex[base + semi]);
    } else if ((this.settings.syncQuorum ?? null) !== null) {
      // ANY k: the k-th highest position among the sync followers.
      const acked: number[] = [];
      for (let f = 0; f < this.n; f++)
        if (f !== leader && this.settings.modes[f] === 'sync') acked.push(this.matchIndex[base + f]);
      acked.sort((a, b) => b - a);
      const k = Math.min(this.settings.syncQuorum!, acked.length);
      if (k > 0) c = Math.min(c, acked[k - 1]);
    } else {
      for (let f = 0; f < this.n; f++) {
        if (f !== leader && this.settings.modes[f] === 'sync') c = Math.min(c, this.matchIndex[base + f]);
      }
    }
    const from = this.commitIndex[leader];
    if (c <= from) return;
    this.commitIndex[leader] = c;
    const log = this.logs[leader];
    const term = this.currentTerm[leader];
    // Fencing 'lease': a leader whose lease has run out cannot know it still leads, so it answers
    // no client (the write's outcome is unknown to it, as after a timeout).
    if (!this.hasLease(leader)) return;
    for (let i = from + 1; i <= c; i++) {
      if (log.termAt(i) === term) this.hooks.onCommit?.(leader, i, log.writeAt(i));
    }
  }

  private onSemiSyncCheck(leader: number, index: number, term: number): void {
    if (
      this.role[leader] !== 'leader' ||
      this.currentTerm[leader] !== term ||
      this.commitIndex[leader] >= index
    )
      return;
    const base = leader * this.n;
    const current = this.semiSyncFollower[leader];
    if (current >= 0 && this.matchIndex[base + current] >= index) return;
    // The sync follower is slow or unavailable: the most up-to-date other follower takes its place.
    let best = -1;
    for (let f = 0; f < this.n; f++) {
      if (f === leader || f === current) continue;
      if (best < 0 || this.matchIndex[base + f] > this.matchIndex[base + best]) best = f;
    }
    if (best < 0) return;
    this.semiSyncFollower[leader] = best;
    this.semiSyncSwitches++;
    this.advanceCommit(leader);
  }

  /** A restarted process: a follower with its durable state (term, vote, log), no timers, nothing pending. */
  private onRecover(node: number): void {
    if (node >= this.n) return;
    const changed = this.role[node] !== 'follower';
    this.role[node] = 'follower';
    this.knownLeader[node] = -1;
    if (this.fencing === 'lease') {
      // A restarted process does not know what it promised before the crash: it waits out a lease.
      this.leaseUntil[node] = -Infinity;
      this.leaseGeneration[node]++;
      this.grantedTo[node] = -2;
      this.grantedUntil[node] = this.localNow(node) + this.leaseMs;
    }
    this.pending[node].clear();
    this.durableIndex[node] = this.logs[node].lastIndex;
    this.diskFreeAt[node] = this.sim.now;
    this.shipFreeAt[node] = this.sim.now;
    if (changed) this.hooks.onRoleChange?.(node);
  }
}
