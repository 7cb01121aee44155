/**
 * Failover by Redis Sentinel: a set of sentinel processes, each with its own timer, watching the
 * primary and its replicas over connections, agreeing that the primary is down, electing one of
 * themselves to act, promoting the replica with the largest replication offset, and naming the
 * promoted replica to clients only once they have seen it report the role of a primary.
 *
 * Each rule follows sentinel.c of Redis 7.0 (https://github.com/redis/redis/blob/7.0/src/sentinel.c):
 * - the timer: sentinelTimer runs in serverCron, which Sentinel re-arms every 1000/hz ms with hz
 *   drawn again on every run from 10 + rand() % 10 (so 52.6 to 100 ms), to desynchronise sentinels;
 * - connections (sentinelReconnectInstance): a closed link is reopened at most once per
 *   SENTINEL_PING_PERIOD (1000 ms), and a PING is queued at once, which starts the pending-ping
 *   clock (act_ping_time) even if the connect then fails: a `kill -9`ed process's kernel closes its
 *   sockets (FIN), the next reconnect is refused (RST), and the instance is subjectively down
 *   down-after-milliseconds after that first queued PING (sentinelCheckSubjectivelyDown);
 * - PING every min(down-after, 1000) ms since the last reply; INFO to replicas every 10 s, every
 *   1 s once the primary is objectively down or a failover runs (sentinelSendPeriodicCommands);
 * - ODOWN (sentinelCheckObjectivelyDown): this sentinel's SDOWN plus the SDOWN flags of the other
 *   sentinels, as they answered SENTINEL is-master-down-by-addr (asked when a sentinel sees SDOWN,
 *   at most once per second per peer unless forced; answers older than 5 s are forgotten), reach
 *   the quorum;
 * - the failover (sentinelStartFailover): a new epoch, +try-failover, votes asked with this
 *   sentinel's id (forced ask); a sentinel votes once per epoch for the first asker
 *   (sentinelVoteLeader) and, voting for another, delays its own attempts by rand() % 1000 ms plus
 *   twice the failover-timeout; the leader (sentinelGetLeader) needs a majority of the sentinels
 *   and at least the quorum; one that is not elected within min(10 s, failover-timeout) aborts;
 * - then one state per timer run: select the replica (lowest priority, then largest replication
 *   offset as its last INFO reported, then smallest run id; only replicas whose INFO is fresh), send
 *   it REPLICAOF NO ONE, and wait until its INFO reports the role master (WAIT_PROMOTION):
 *   +promoted-slave, the new configuration epoch; from then on this sentinel answers
 *   get-master-addr-by-name with the promoted replica (sentinelGetCurrentMasterAddress) and sends
 *   hello messages at its next timer run (sentinelForceHelloUpdateForMaster), through which the
 *   other sentinels switch (sentinelProcessHelloMessage: a newer configuration epoch wins).
 *
 * Not modelled: TILT mode, the replicas' reconfiguration (REPLICAOF the new primary, RECONF_SLAVES
 * to failover-end): the other replicas follow the promoted node by its newer term (its
 * replication stream), which is when Redis would have them resync; replica priorities (all equal).
 */
import type { LatencyDistribution } from '../../latency/index.js';
import type { Network, Nodes, Simulation } from '../../sim/index.js';
import type { ReplicationCluster } from './cluster.js';
import { registerPromotion } from './coordinator-promotion.js';
import {
  PROMOTE,
  SENTINEL_ASK,
  SENTINEL_ASK_REPLY,
  SENTINEL_CLIENT_ANSWER,
  SENTINEL_CLIENT_ASK,
  SENTINEL_HELLO,
  SENTINEL_INFO,
  SENTINEL_INFO_REPLY,
  SENTINEL_LINK_CLOSED,
  SENTINEL_PING,
  SENTINEL_PONG,
  SENTINEL_TIMER,
} from './message-kinds.js';

/** sentinel.c's fixed periods, ms. */
export const SENTINEL_PING_PERIOD_MS = 1000;
export const SENTINEL_INFO_PERIOD_MS = 10_000;
/** INFO to replicas while the primary is objectively down or a failover runs. */
export const SENTINEL_FAILOVER_INFO_PERIOD_MS = 1000;
export const SENTINEL_ASK_PERIOD_MS = 1000;
export const SENTINEL_PUBLISH_PERIOD_MS = 2000;
export const SENTINEL_ELECTION_TIMEOUT_MS = 10_000;
export const SENTINEL_MAX_DESYNC_MS = 1000;
/** server.c's CONFIG_DEFAULT_HZ: Sentinel's timer runs at hz in [10, 19]. */
export const SENTINEL_DEFAULT_HZ = 10;

/** The failover states of sentinel.c (SENTINEL_FAILOVER_STATE_*), those the model runs through. */
const NONE = 0;
const WAIT_START = 1;
const SELECT_SLAVE = 2;
const SEND_SLAVEOF_NOONE = 3;
const WAIT_PROMOTION = 4;
const RECONF_SLAVES = 5;

/** One sentinel's connection to a Redis node and what it last learnt through it. */
interface Link {
  disconnected: boolean;
  /** When the oldest PING still unanswered was queued; 0: none pending. */
  actPingTime: number;
  lastPingTime: number;
  lastPongTime: number;
  lastAvailTime: number;
  lastReconnTime: number;
  infoRefresh: number;
  /** From the last INFO: 1 master, 0 replica; the replication offset (log position). */
  role: number;
  offset: number;
}

/** What one sentinel knows of another (sentinelRedisInstance of type SRI_SENTINEL). */
interface Peer {
  masterDown: boolean;
  lastReplyTime: number;
  leader: number;
  leaderEpoch: number;
}

interface SentinelState {
  /** The Redis node this sentinel believes is the primary, and its configuration epoch. */
  master: number;
  configEpoch: number;
  currentEpoch: number;
  /** This sentinel's vote (sentinel index, -1 none) and its epoch. */
  leader: number;
  leaderEpoch: number;
  sdown: boolean;
  odown: boolean;
  failoverState: number;
  failoverEpoch: number;
  failoverStartTime: number;
  failoverStateChangeTime: number;
  promoted: number;
  lastPubTime: number;
  links: Link[];
  peers: Peer[];
}

/** What the sentinels report. */
export interface SentinelListener {
  /** Sentinel `s` logged +try-failover against primary `leader`. */
  onTryFailover?(s: number, leader: number): void;
  /** Sentinel `s` logged +promoted-slave for node `node`. */
  onPromoted?(s: number, node: number): void;
}

export interface SentinelOptions {
  sentinels: number;
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  /** One-way delay of the client's questions to a sentinel and their answers. */
  latency: LatencyDistribution;
  /** Time to persist the promoted replica's new term (disk). */
  disk: LatencyDistribution;
}

/**
 * The sentinels, at endpoints `firstEndpoint` .. `firstEndpoint + sentinels - 1` of the network
 * (after the Redis nodes 0 .. nodes-1). Node 0 is the primary at first.
 *
 * @example
 * const sentinels = new SentinelFailover(sim, nodes, net, cluster, n, { sentinels: 3, quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 3000, latency, disk });
 * sentinels.start();
 * sentinels.askMaster((node) => { clientLeader = node; }); // get-master-addr-by-name to the first sentinel
 */
export class SentinelFailover {
  private readonly state: SentinelState[] = [];
  private readonly n: number;
  private readonly pingPeriod: number;

  constructor(
    private readonly sim: Simulation,
    private readonly nodes: Nodes,
    private readonly net: Network,
    private readonly cluster: ReplicationCluster,
    private readonly firstEndpoint: number,
    private readonly options: SentinelOptions,
    private readonly listener: SentinelListener = {},
  ) {
    this.n = cluster.settings.nodes;
    this.pingPeriod = Math.min(options.downAfterMs, SENTINEL_PING_PERIOD_MS);
    for (let s = 0; s < options.sentinels; s++) this.state.push(this.fresh(0));
    const gate = cluster.gate;
    registerPromotion(sim, nodes, net, cluster, options.disk);
    // The Redis nodes' side: PONG, INFO (role and replication offset). A message reaching a dead
    // process's port is refused by its kernel (RST): the sentinel's connection closes.
    const refused = (to: number, from: number) => this.closeLater(from, to);
    net.on(
      SENTINEL_PING,
      gate.message((to: number, from: number) => net.send(to, from, SENTINEL_PONG)),
      'sentinel ping',
      refused,
    );
    net.on(
      SENTINEL_INFO,
      gate.message((to: number, from: number) => {
        const role = cluster.role[to] === 'leader' ? 1 : 0;
        net.send(to, from, SENTINEL_INFO_REPLY, role, cluster.logs[to].lastIndex);
      }),
      'sentinel info',
      refused,
    );
    net.on(SENTINEL_PONG, (to, from) => this.onPong(to - firstEndpoint, from), 'sentinel pong');
    net.on(
      SENTINEL_INFO_REPLY,
      (to, from, role, offset) => this.onInfo(to - firstEndpoint, from, role, offset),
      'sentinel info reply',
    );
    net.on(
      SENTINEL_ASK,
      (to, from, epoch, runid) => this.onAsk(to - firstEndpoint, from - firstEndpoint, epoch, runid),
      'sentinel is-master-down-by-addr',
    );
    net.on(
      SENTINEL_ASK_REPLY,
      (to, from, down, leader, epoch) => {
        const p = this.state[to - firstEndpoint].peers[from - firstEndpoint];
        p.lastReplyTime = sim.now;
        p.masterDown = down === 1;
        if (leader >= 0) {
          p.leader = leader;
          p.leaderEpoch = epoch;
        }
      },
      'sentinel is-master-down reply',
    );
    net.on(
      SENTINEL_HELLO,
      (to, _from, currentEpoch, master, configEpoch) =>
        this.onHello(to - firstEndpoint, currentEpoch, master, configEpoch),
      'sentinel hello',
    );
    nodes.on(SENTINEL_TIMER, (endpoint) => this.timer(endpoint - firstEndpoint), 'sentinel timer');
    sim.on(
      SENTINEL_LINK_CLOSED,
      (endpoint, node) => {
        this.state[endpoint - firstEndpoint].links[node].disconnected = true;
      },
      'sentinel link closed',
    );
    // kill -9: the process is gone but its kernel is not; it closes the process's sockets, so every
    // sentinel connected to it reads end-of-file one network delay later.
    nodes.onCrash((node) => {
      if (node < this.n) for (let s = 0; s < options.sentinels; s++) this.closeLater(firstEndpoint + s, node);
    });
    sim.on(
      SENTINEL_CLIENT_ASK,
      (_target, s, ticket) => {
        const answer = this.currentMasterAddress(s);
        sim.schedule(options.latency.sample(sim.rng), SENTINEL_CLIENT_ANSWER, 0, answer, ticket);
      },
      'sentinel client ask',
    );
    sim.on(
      SENTINEL_CLIENT_ANSWER,
      (_target, answer, ticket) => {
        const callback = this.waiting.get(ticket);
        this.waiting.delete(ticket);
        callback?.(answer);
      },
      'sentinel client answer',
    );
  }

  private readonly waiting = new Map<number, (node: number) => void>();
  private tickets = 0;

  /** Starts every sentinel's timer at a random phase of its first period. */
  start(): void {
    for (let s = 0; s < this.options.sentinels; s++)
      this.nodes.schedule(this.firstEndpoint + s, this.sim.rng.nextDouble() * this.period(), SENTINEL_TIMER);
  }

  /**
   * A Sentinel client's `SENTINEL get-master-addr-by-name` to sentinel `s` (the first one, as the
   * clients of the Redis docs ask the first sentinel that answers): `onAnswer` gets the node named.
   */
  askMaster(onAnswer: (node: number) => void, s = 0): void {
    const ticket = this.tickets++;
    this.waiting.set(ticket, onAnswer);
    this.sim.schedule(this.options.latency.sample(this.sim.rng), SENTINEL_CLIENT_ASK, 0, s, ticket);
  }

  /** The address sentinel `s` gives clients (sentinelGetCurrentMasterAddress). */
  currentMasterAddress(s: number): number {
    const st = this.state[s];
    return st.failoverState >= RECONF_SLAVES && st.promoted >= 0 ? st.promoted : st.master;
  }

  private fresh(master: number): SentinelState {
    const now = this.sim.now;
    return {
      master,
      configEpoch: 0,
      currentEpoch: 0,
      leader: -1,
      leaderEpoch: 0,
      sdown: false,
      odown: false,
      failoverState: NONE,
      failoverEpoch: 0,
      failoverStartTime: -Infinity, // never: mstime() is far from 0
      failoverStateChangeTime: 0,
      promoted: -1,
      lastPubTime: now,
      // createInstanceLink: not connected yet, the pending-ping clock started now.
      links: Array.from({ length: this.n }, () => ({
        disconnected: true,
        actPingTime: now,
        lastPingTime: 0,
        lastPongTime: now,
        lastAvailTime: now,
        lastReconnTime: -Infinity,
        infoRefresh: -Infinity,
        role: 0,
        offset: 0,
      })),
      peers: Array.from({ length: this.options.sentinels }, () => ({
        masterDown: false,
        lastReplyTime: -Infinity,
        leader: -1,
        leaderEpoch: 0,
      })),
    };
  }

  /** serverCron's period: 1000 / hz ms, hz = 10 + rand() % 10 drawn again on every run. */
  private period(): number {
    return 1000 / (SENTINEL_DEFAULT_HZ + Math.floor(this.sim.rng.nextDouble() * SENTINEL_DEFAULT_HZ));
  }

  private closeLater(endpoint: number, node: number): void {
    this.sim.schedule(this.options.latency.sample(this.sim.rng), SENTINEL_LINK_CLOSED, endpoint, node);
  }

  private send(s: number, to: number, kind: number, a = 0, b = 0, c = 0): void {
    this.net.send(this.firstEndpoint + s, to, kind, a, b, c);
  }

  /** sentinelTimer: the primary first (acting half), then its replicas, then the other sentinels. */
  private timer(s: number): void {
    const st = this.state[s];
    const now = this.sim.now;
    this.handleInstance(s, st.master);
    this.checkSubjectivelyDown(s);
    this.checkObjectivelyDown(s);
    if (this.startFailoverIfNeeded(s)) this.askOthers(s, true);
    this.failoverStateMachine(s);
    this.askOthers(s, false);
    for (let x = 0; x < this.n; x++) if (x !== st.master) this.handleInstance(s, x);
    // Hello to the other sentinels every SENTINEL_PUBLISH_PERIOD (sooner when forced).
    if (now - st.lastPubTime > SENTINEL_PUBLISH_PERIOD_MS) {
      st.lastPubTime = now;
      const addr = this.currentMasterAddress(s);
      for (let p = 0; p < this.options.sentinels; p++)
        if (p !== s)
          this.send(s, this.firstEndpoint + p, SENTINEL_HELLO, st.currentEpoch, addr, st.configEpoch);
    }
    this.nodes.schedule(this.firstEndpoint + s, this.period(), SENTINEL_TIMER);
  }

  /** sentinelReconnectInstance and sentinelSendPeriodicCommands for Redis node `x`. */
  private handleInstance(s: number, x: number): void {
    const st = this.state[s];
    const l = st.links[x];
    const now = this.sim.now;
    if (l.disconnected) {
      if (now - l.lastReconnTime < SENTINEL_PING_PERIOD_MS) return;
      l.lastReconnTime = now;
      l.disconnected = false; // the connect is under way; a refusal closes it again
      this.ping(s, x);
      return;
    }
    const replica = x !== st.master;
    const infoPeriod =
      replica && (st.odown || st.failoverState !== NONE)
        ? SENTINEL_FAILOVER_INFO_PERIOD_MS
        : SENTINEL_INFO_PERIOD_MS;
    if (replica && now - l.infoRefresh > infoPeriod) this.send(s, x, SENTINEL_INFO);
    if (now - l.lastPongTime > this.pingPeriod && now - l.lastPingTime > this.pingPeriod / 2) this.ping(s, x);
  }

  private ping(s: number, x: number): void {
    const l = this.state[s].links[x];
    l.lastPingTime = this.sim.now;
    if (l.actPingTime === 0) l.actPingTime = l.lastPingTime;
    this.send(s, x, SENTINEL_PING);
  }

  private onPong(s: number, x: number): void {
    const l = this.state[s].links[x];
    l.lastAvailTime = this.sim.now;
    l.actPingTime = 0;
    l.lastPongTime = this.sim.now;
  }

  private checkSubjectivelyDown(s: number): void {
    const st = this.state[s];
    const l = st.links[st.master];
    const now = this.sim.now;
    const elapsed = l.actPingTime !== 0 ? now - l.actPingTime : l.disconnected ? now - l.lastAvailTime : 0;
    st.sdown = elapsed > this.options.downAfterMs;
  }

  private checkObjectivelyDown(s: number): void {
    const st = this.state[s];
    let quorum = 0;
    if (st.sdown) {
      quorum = 1;
      for (let p = 0; p < this.options.sentinels; p++) if (p !== s && st.peers[p].masterDown) quorum++;
    }
    st.odown = st.sdown && quorum >= this.options.quorum;
  }

  private startFailoverIfNeeded(s: number): boolean {
    const st = this.state[s];
    const now = this.sim.now;
    if (!st.odown || st.failoverState !== NONE) return false;
    if (now - st.failoverStartTime < 2 * this.options.failoverTimeoutMs) return false;
    st.failoverState = WAIT_START;
    st.failoverEpoch = ++st.currentEpoch;
    st.failoverStartTime = now + this.sim.rng.nextDouble() * SENTINEL_MAX_DESYNC_MS;
    st.failoverStateChangeTime = now;
    this.listener.onTryFailover?.(s, st.master);
    return true;
  }

  /** sentinelAskMasterStateToOtherSentinels. */
  private askOthers(s: number, forced: boolean): void {
    const st = this.state[s];
    const now = this.sim.now;
    for (let p = 0; p < this.options.sentinels; p++) {
      if (p === s) continue;
      const peer = st.peers[p];
      if (now - peer.lastReplyTime > 5 * SENTINEL_ASK_PERIOD_MS) {
        peer.masterDown = false;
        peer.leader = -1;
      }
      if (!st.sdown) continue;
      if (!forced && now - peer.lastReplyTime < SENTINEL_ASK_PERIOD_MS) continue;
      this.send(s, this.firstEndpoint + p, SENTINEL_ASK, st.currentEpoch, st.failoverState > NONE ? s : -1);
    }
  }

  /** SENTINEL is-master-down-by-addr at sentinel `s`, from sentinel `from`. */
  private onAsk(s: number, from: number, epoch: number, runid: number): void {
    const st = this.state[s];
    let leader = -1;
    let leaderEpoch = 0;
    if (runid >= 0) {
      this.voteLeader(s, epoch, runid);
      leader = st.leader;
      leaderEpoch = st.leaderEpoch;
    }
    this.send(s, this.firstEndpoint + from, SENTINEL_ASK_REPLY, st.sdown ? 1 : 0, leader, leaderEpoch);
  }

  /** sentinelVoteLeader: one vote per epoch; voting for another delays this sentinel's own failover. */
  private voteLeader(s: number, epoch: number, candidate: number): void {
    const st = this.state[s];
    if (epoch > st.currentEpoch) st.currentEpoch = epoch;
    if (st.leaderEpoch < epoch && st.currentEpoch <= epoch) {
      st.leader = candidate;
      st.leaderEpoch = st.currentEpoch;
      if (candidate !== s)
        st.failoverStartTime = this.sim.now + this.sim.rng.nextDouble() * SENTINEL_MAX_DESYNC_MS;
    }
  }

  /** sentinelGetLeader: the winner of `epoch`, or -1. */
  private getLeader(s: number, epoch: number): number {
    const st = this.state[s];
    const votes = new Map<number, number>();
    for (let p = 0; p < this.options.sentinels; p++) {
      const peer = st.peers[p];
      if (p !== s && peer.leader >= 0 && peer.leaderEpoch === st.currentEpoch)
        votes.set(peer.leader, (votes.get(peer.leader) ?? 0) + 1);
    }
    let winner = -1;
    let max = 0;
    for (const [who, v] of votes) {
      if (v > max) {
        max = v;
        winner = who;
      }
    }
    this.voteLeader(s, epoch, winner >= 0 ? winner : s);
    if (st.leader >= 0 && st.leaderEpoch === epoch) {
      const v = (votes.get(st.leader) ?? 0) + 1;
      if (v > max) {
        max = v;
        winner = st.leader;
      }
    }
    const majority = Math.floor(this.options.sentinels / 2) + 1;
    return winner >= 0 && max >= majority && max >= this.options.quorum ? winner : -1;
  }

  private setState(s: number, state: number): void {
    this.state[s].failoverState = state;
    this.state[s].failoverStateChangeTime = this.sim.now;
  }

  private abort(s: number): void {
    this.setState(s, NONE);
    this.state[s].promoted = -1;
  }

  private failoverStateMachine(s: number): void {
    const st = this.state[s];
    const now = this.sim.now;
    switch (st.failoverState) {
      case WAIT_START: {
        if (this.getLeader(s, st.failoverEpoch) !== s) {
          const timeout = Math.min(SENTINEL_ELECTION_TIMEOUT_MS, this.options.failoverTimeoutMs);
          if (now - st.failoverStartTime > timeout) this.abort(s);
          return;
        }
        this.setState(s, SELECT_SLAVE);
        return;
      }
      case SELECT_SLAVE: {
        const best = this.selectSlave(s);
        if (best < 0) {
          this.abort(s);
          return;
        }
        st.promoted = best;
        this.setState(s, SEND_SLAVEOF_NOONE);
        return;
      }
      case SEND_SLAVEOF_NOONE: {
        if (st.links[st.promoted].disconnected) {
          if (now - st.failoverStateChangeTime > this.options.failoverTimeoutMs) this.abort(s);
          return;
        }
        // The cluster's term is the failover epoch, past the initial term 1.
        this.send(s, st.promoted, PROMOTE, st.failoverEpoch + 1);
        this.setState(s, WAIT_PROMOTION);
        return;
      }
      case WAIT_PROMOTION:
        // The promoted replica's INFO moves the state on (onInfo); here only the timeout.
        if (now - st.failoverStateChangeTime > this.options.failoverTimeoutMs) this.abort(s);
        return;
      default:
        return;
    }
  }

  /** sentinelSelectSlave: fresh INFO, answered a PING lately; the largest offset, then the smallest id. */
  private selectSlave(s: number): number {
    const st = this.state[s];
    const now = this.sim.now;
    const validity = st.sdown ? 5 * SENTINEL_PING_PERIOD_MS : 3 * SENTINEL_INFO_PERIOD_MS;
    let best = -1;
    for (let x = 0; x < this.n; x++) {
      if (x === st.master) continue;
      const l = st.links[x];
      if (l.disconnected || now - l.lastAvailTime > 5 * SENTINEL_PING_PERIOD_MS) continue;
      if (now - l.infoRefresh > validity) continue;
      if (best < 0 || l.offset > st.links[best].offset) best = x;
    }
    return best;
  }

  /** An INFO reply (sentinelRefreshInstanceInfo): a promoted replica reporting master ends WAIT_PROMOTION. */
  private onInfo(s: number, x: number, role: number, offset: number): void {
    const st = this.state[s];
    const l = st.links[x];
    l.infoRefresh = this.sim.now;
    l.role = role;
    l.offset = offset;
    if (role === 1 && x === st.promoted && st.failoverState === WAIT_PROMOTION) {
      st.configEpoch = st.failoverEpoch;
      this.setState(s, RECONF_SLAVES);
      this.listener.onPromoted?.(s, x);
      st.lastPubTime = -Infinity; // sentinelForceHelloUpdateForMaster
    }
  }

  /** sentinelProcessHelloMessage: a newer configuration epoch switches this sentinel to its primary. */
  private onHello(s: number, currentEpoch: number, master: number, configEpoch: number): void {
    const st = this.state[s];
    if (currentEpoch > st.currentEpoch) st.currentEpoch = currentEpoch;
    if (configEpoch <= st.configEpoch || master === st.master) return;
    // sentinelResetMasterAndChangeAddress: watch the new primary afresh, keep the epochs.
    const next = this.fresh(master);
    next.currentEpoch = st.currentEpoch;
    next.configEpoch = configEpoch;
    next.leader = st.leader;
    next.leaderEpoch = st.leaderEpoch;
    next.failoverStartTime = st.failoverStartTime;
    this.state[s] = next;
  }
}
