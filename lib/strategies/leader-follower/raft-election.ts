/**
 * Raft-style leader election on top of {@link ReplicationCluster}: randomized election timeouts,
 * candidacy with a persisted self-vote, one persisted vote per term, the up-to-date log check,
 * and a majority of all nodes.
 *
 * Reference: D. Ongaro and J. Ousterhout, "In Search of an Understandable Consensus Algorithm",
 * USENIX ATC 2014, §5.2 (election, randomized timeouts, split votes) and §5.4.1 (election
 * restriction); Figure 2 (persistent state before responding to RPCs).
 */
import type { LatencyDistribution } from '../../latency/index.js';
import type { Network, Nodes, Simulation } from '../../sim/index.js';
import type { ReplicationCluster } from './cluster.js';
import { CANDIDACY_PERSISTED, ELECTION_TIMER, REQUEST_VOTE, VOTE, VOTE_PERSISTED } from './message-kinds.js';

/** Told when a node becomes a candidate of a term (after the timer, before persisting its vote). */
export type CandidacyListener = (node: number, term: number) => void;

/**
 * What every Raft election here shares, whatever drives its timers: a candidate persists its vote
 * for itself and asks every other node; a voter that grants persists its vote before it answers;
 * a candidate that hears of a newer term steps down; a majority of all nodes elects. The timing
 * (when a node stands, when a voter may grant) is the subclass's: {@link RaftElection} (the
 * paper's) and EtcdRaftElection (etcd's ticks, leases and pre-vote).
 */
export abstract class RaftVoting {
  protected readonly votes: Int32Array;
  protected readonly majority: number;
  protected readonly n: number;

  constructor(
    protected readonly sim: Simulation,
    protected readonly nodes: Nodes,
    protected readonly net: Network,
    protected readonly cluster: ReplicationCluster,
    protected readonly disk: LatencyDistribution,
    protected readonly onCandidacy: CandidacyListener,
  ) {
    const n = cluster.settings.nodes;
    this.n = n;
    this.votes = new Int32Array(n);
    this.majority = Math.floor(n / 2) + 1;
    const gate = cluster.gate;
    nodes.on(
      CANDIDACY_PERSISTED,
      gate.message((node: number, term: number) => this.onCandidacyPersisted(node, term)),
      'candidacy persisted',
    );
    nodes.on(
      VOTE_PERSISTED,
      gate.message((node: number, candidate: number, term: number) => {
        net.send(node, candidate, VOTE, term, 1);
      }),
      'vote persisted',
    );
    net.on(
      REQUEST_VOTE,
      gate.message((to: number, from: number, term: number, lastIndex: number, lastTerm: number) =>
        this.onRequestVote(to, from, term, lastIndex, lastTerm),
      ),
      'request vote',
    );
    net.on(
      VOTE,
      gate.message((to: number, from: number, term: number, granted: number) =>
        this.onVote(to, from, term, granted),
      ),
      'vote',
    );
  }

  /** A vote request reached `voter`: grant ({@link grant}) or refuse ({@link refuse}). */
  protected abstract onRequestVote(
    voter: number,
    candidate: number,
    term: number,
    lastIndex: number,
    lastTerm: number,
  ): void;

  /** `node` won `term`. */
  protected win(node: number, term: number): void {
    this.cluster.becomeLeader(node, term);
  }

  /** `node` heard of a newer `term` in a vote answer. */
  protected onNewerTerm(node: number, term: number): void {
    this.cluster.stepDown(node, term);
  }

  /** `node` stands for `term`: candidate, its vote for itself on its way to disk. */
  protected stand(node: number, term: number): void {
    const c = this.cluster;
    if (c.role[node] !== 'candidate' || c.currentTerm[node] !== term) c.becomeCandidate(node, term);
    this.votes[node] = 0;
    this.onCandidacy(node, term);
    this.nodes.schedule(node, this.disk.sample(this.sim.rng), CANDIDACY_PERSISTED, term);
  }

  /** `voter` grants `candidate` its vote of `term`: recorded at once, answered once on disk. */
  protected grant(voter: number, candidate: number, term: number): void {
    this.cluster.votedFor[voter] = candidate;
    this.nodes.schedule(voter, this.disk.sample(this.sim.rng), VOTE_PERSISTED, candidate, term);
  }

  /** `voter` refuses, telling the candidate its own term. */
  protected refuse(voter: number, candidate: number): void {
    this.net.send(voter, candidate, VOTE, this.cluster.currentTerm[voter], 0);
  }

  private onCandidacyPersisted(node: number, term: number): void {
    const c = this.cluster;
    if (c.role[node] !== 'candidate' || c.currentTerm[node] !== term) return;
    this.votes[node] = 1;
    if (this.votes[node] >= this.majority) {
      this.win(node, term);
      return;
    }
    const log = c.logs[node];
    for (let v = 0; v < this.n; v++)
      if (v !== node) this.net.send(node, v, REQUEST_VOTE, term, log.lastIndex, log.lastTerm);
  }

  private onVote(candidate: number, _voter: number, term: number, granted: number): void {
    const c = this.cluster;
    if (term > c.currentTerm[candidate]) {
      this.onNewerTerm(candidate, term);
      return;
    }
    if (c.role[candidate] !== 'candidate' || term !== c.currentTerm[candidate] || granted !== 1) return;
    if (++this.votes[candidate] >= this.majority) this.win(candidate, term);
  }
}

/**
 * The election side of a Raft-style cluster. The cluster calls {@link resetTimer} on every valid
 * leader contact; crashes discard a node's timer and recovery starts a fresh one.
 *
 * @example
 * const election = new RaftElection(sim, nodes, net, cluster, { minMs: 150, maxMs: 300, disk }, onCandidacy);
 * election.start();   // every node's election timer runs
 */
export class RaftElection extends RaftVoting {
  private readonly generation: Int32Array;

  constructor(
    sim: Simulation,
    nodes: Nodes,
    net: Network,
    cluster: ReplicationCluster,
    private readonly options: { minMs: number; maxMs: number; disk: LatencyDistribution },
    onCandidacy: CandidacyListener = () => {},
  ) {
    super(sim, nodes, net, cluster, options.disk, onCandidacy);
    const n = this.n;
    this.generation = new Int32Array(n);
    nodes.on(
      ELECTION_TIMER,
      cluster.gate.message((node: number, generation: number) => this.onTimer(node, generation)),
      'election timer',
    );
    nodes.onRecover((node) => {
      if (node < n) this.resetTimer(node);
    });
  }

  /** Starts every node's election timer. */
  start(): void {
    for (let node = 0; node < this.n; node++) this.resetTimer(node);
  }

  /** Restarts `node`'s election timer with a fresh random timeout from [min, max] on its own clock. */
  resetTimer(node: number): void {
    const g = ++this.generation[node];
    const { minMs, maxMs } = this.options;
    const timeout = minMs + (maxMs - minMs) * this.sim.rng.nextDouble();
    this.nodes.schedule(node, this.cluster.timerMs(node, timeout), ELECTION_TIMER, g);
  }

  private onTimer(node: number, generation: number): void {
    if (generation !== this.generation[node]) return;
    const c = this.cluster;
    // Fencing 'lease': a node that still backs another leader may not vote for itself either. It
    // stands once its promise runs out, after a random part of the timeout's spread so that
    // followers whose promises end together do not all stand at once (Ongaro and Ousterhout 2014, §5.2).
    const promised = c.role[node] === 'leader' ? 0 : c.promiseRemainingMs(node);
    if (promised > 0) {
      const g = ++this.generation[node];
      const spread = (this.options.maxMs - this.options.minMs) * this.sim.rng.nextDouble();
      this.nodes.schedule(node, promised + c.timerMs(node, spread), ELECTION_TIMER, g);
      return;
    }
    this.resetTimer(node);
    if (c.role[node] === 'leader') return; // a leader's timer just keeps ticking
    this.stand(node, c.currentTerm[node] + 1);
  }

  protected onRequestVote(
    voter: number,
    candidate: number,
    term: number,
    lastIndex: number,
    lastTerm: number,
  ): void {
    const c = this.cluster;
    if (term > c.currentTerm[voter]) c.stepDown(voter, term);
    const free = c.votedFor[voter] === -1 || c.votedFor[voter] === candidate;
    if (
      term === c.currentTerm[voter] &&
      free &&
      c.logs[voter].isBehindOrEqual(lastTerm, lastIndex) &&
      !c.promisedElsewhere(voter, candidate) // fencing 'lease': no vote while it backs another leader
    ) {
      // Record the vote at once (no second vote this term), answer once it is on disk.
      c.votedFor[voter] = candidate;
      this.resetTimer(voter);
      this.grant(voter, candidate, term);
      return;
    }
    this.refuse(voter, candidate);
  }
}
