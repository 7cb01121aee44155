/**
 * Failover by an external coordinator (Orchestrator, Patroni style): it watches the leader's
 * heartbeats with a failure detector; on suspicion it asks every other node for its log
 * position, promotes the most up-to-date one to a new term, and watches the new leader.
 *
 * References: GitHub's Orchestrator (https://github.com/openark/orchestrator, "most advanced
 * replica" promotion); Patroni (https://patroni.readthedocs.io, leader race on the most recent
 * WAL position).
 */
import type { Network, Nodes, Simulation } from '../../sim/index.js';
import type { ReplicationCluster } from './cluster.js';
import type { FailureDetector } from './failure-detector.js';
import {
  DETECTOR_FIRE,
  POSITION,
  POSITION_QUERY,
  PROMOTE,
  QUERY_DEADLINE,
  TERM_PERSISTED,
} from './message-kinds.js';
import type { LatencyDistribution } from '../../latency/index.js';

/** What the coordinator reports. */
export interface CoordinatorListener {
  /** The detector suspected `leader`: a failover starts. */
  onSuspect?(leader: number): void;
}

/**
 * The coordinator, at endpoint `cluster.settings.monitor`.
 *
 * @example
 * const coordinator = new CoordinatorPromotion(sim, nodes, net, cluster, new TimeoutDetector(500), { queryTimeoutMs: 50, disk });
 * // the cluster forwards monitor heartbeats: hooks.onMonitorHeartbeat = (l, t, s) => coordinator.heartbeat(l, t)
 */
export class CoordinatorPromotion {
  /** The leader being watched and its term. */
  watching = 0;
  watchTerm = 1;
  /** Promotions sent. */
  promotions = 0;
  private inProgress = false;
  private generation = 0;
  private queryRound = 0;
  private readonly self: number;
  private readonly replies = new Map<number, { lastIndex: number; lastTerm: number; term: number }>();

  constructor(
    private readonly sim: Simulation,
    nodes: Nodes,
    private readonly net: Network,
    private readonly cluster: ReplicationCluster,
    private readonly detector: FailureDetector,
    private readonly options: { queryTimeoutMs: number; disk: LatencyDistribution },
    private readonly listener: CoordinatorListener = {},
  ) {
    if (cluster.settings.monitor === null)
      throw new Error("CoordinatorPromotion needs the cluster's monitor endpoint");
    this.self = cluster.settings.monitor;
    const gate = cluster.gate;
    sim.on(DETECTOR_FIRE, (_target, generation) => this.onDetectorFire(generation), 'coordinator detector');
    sim.on(
      QUERY_DEADLINE,
      (_target, round) => {
        if (round === this.queryRound && this.inProgress) this.decide();
      },
      'coordinator query deadline',
    );
    net.on(
      POSITION_QUERY,
      gate.message((to: number, from: number) => {
        const log = cluster.logs[to];
        net.send(to, from, POSITION, log.lastIndex, log.lastTerm, cluster.currentTerm[to]);
      }),
      'position query',
    );
    net.on(
      POSITION,
      (_to, from, lastIndex, lastTerm, term) => {
        if (!this.inProgress) return;
        this.replies.set(from, { lastIndex, lastTerm, term });
        if (this.replies.size === cluster.settings.nodes - 1) this.decide();
      },
      'position',
    );
    registerPromotion(sim, nodes, net, cluster, options.disk);
  }

  /** A heartbeat from `leader` of `term` reached the coordinator. */
  heartbeat(leader: number, term: number): void {
    if (term < this.watchTerm || (term === this.watchTerm && leader !== this.watching)) return;
    if (term > this.watchTerm || this.inProgress) {
      // The promoted leader (or a newer one) is heard from: the failover is over, watch it afresh.
      this.watching = leader;
      this.watchTerm = term;
      this.inProgress = false;
      this.detector.reset();
    }
    this.detector.heartbeat(this.sim.now);
    this.arm();
  }

  private arm(): void {
    const g = ++this.generation;
    const at = this.detector.deadline();
    if (at < Infinity) this.sim.scheduleAt(Math.max(at, this.sim.now), DETECTOR_FIRE, 0, g);
  }

  private onDetectorFire(generation: number): void {
    if (generation !== this.generation || this.inProgress) return;
    this.inProgress = true;
    this.listener.onSuspect?.(this.watching);
    this.replies.clear();
    const round = ++this.queryRound;
    for (let node = 0; node < this.cluster.settings.nodes; node++) {
      if (node !== this.watching) this.net.send(this.self, node, POSITION_QUERY);
    }
    this.sim.schedule(this.options.queryTimeoutMs, QUERY_DEADLINE, 0, round);
  }

  /** Promotes the most up-to-date follower that answered; with none, tries again after a query timeout. */
  private decide(): void {
    this.queryRound++;
    let best = -1;
    let bestIndex = -1;
    let bestLastTerm = -1;
    let maxTerm = this.watchTerm;
    for (const [node, r] of [...this.replies].sort((a, b) => a[0] - b[0])) {
      maxTerm = Math.max(maxTerm, r.term);
      if (r.lastTerm > bestLastTerm || (r.lastTerm === bestLastTerm && r.lastIndex > bestIndex)) {
        best = node;
        bestIndex = r.lastIndex;
        bestLastTerm = r.lastTerm;
      }
    }
    if (best < 0) {
      this.inProgress = false;
      const g = ++this.generation;
      this.sim.schedule(this.options.queryTimeoutMs, DETECTOR_FIRE, 0, g);
      return;
    }
    const term = maxTerm + 1;
    this.watching = best;
    this.watchTerm = term;
    this.promotions++;
    this.net.send(this.self, best, PROMOTE, term);
  }
}

/**
 * How a promoted node takes over, for every external promoter (the coordinator, Redis Sentinel's
 * leader): on PROMOTE of a newer term it steps down to that term, persists it (disk latency), and
 * becomes leader once the term is durable and no promise to the old leader (fencing 'lease') is
 * still running.
 */
export function registerPromotion(
  sim: Simulation,
  nodes: Nodes,
  net: Network,
  cluster: ReplicationCluster,
  disk: LatencyDistribution,
): void {
  const gate = cluster.gate;
  net.on(
    PROMOTE,
    gate.message((to: number, _from: number, term: number) => {
      if (term <= cluster.currentTerm[to]) return;
      cluster.stepDown(to, term);
      nodes.schedule(to, disk.sample(sim.rng), TERM_PERSISTED, term);
    }),
    'promote',
  );
  nodes.on(
    TERM_PERSISTED,
    gate.message((node: number, term: number) => {
      if (cluster.currentTerm[node] !== term || cluster.role[node] === 'leader') return;
      // Fencing 'lease': a node that still backs the old leader takes over once its promise runs out.
      const promised = cluster.promiseRemainingMs(node);
      if (promised > 0) nodes.schedule(node, promised, TERM_PERSISTED, term);
      else cluster.becomeLeader(node, term);
    }),
    'term persisted',
  );
}
