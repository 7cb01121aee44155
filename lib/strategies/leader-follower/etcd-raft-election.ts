/**
 * Raft elections timed the way etcd's raft library does it, where it differs from the paper's
 * continuous randomized timer ({@link RaftElection}):
 *
 * - Logical clock: every node advances a tick counter on its own ticker of one heartbeat
 *   interval (etcdserver drives raft's `Tick()` from `time.NewTicker(heartbeat)`), started at
 *   its own moment, so the phases of the nodes' tickers are independent (here uniform in
 *   [0, heartbeat)). A timeout fires only on a tick.
 * - `randomizedElectionTimeout` is a whole number of ticks drawn uniformly from
 *   [T, 2T − 1] with T = election timeout / heartbeat (ElectionTick), and drawn again only when a
 *   node changes state or term (raft.go `reset`: becomeFollower, becomeCandidate,
 *   becomeLeader), not on every heartbeat. A follower's `electionElapsed` goes back to 0 on each
 *   append or heartbeat of its leader and when it grants a vote; the node campaigns on the tick
 *   where `electionElapsed >= randomizedElectionTimeout` (raft.go `tickElection`,
 *   `pastElectionTimeout`).
 * - CheckQuorum's leader lease (etcdserver sets CheckQuorum: true): a node that has a leader and
 *   heard from it less than T ticks ago ignores a vote request of a higher term, without an
 *   answer and without adopting the term (raft.go `Step`, `inLease`). Two followers that heard
 *   the same last heartbeat are T ticks from it at moments a ticker phase apart: a candidate
 *   whose draw is T is ignored by a voter whose ticker runs later, waits out a whole new
 *   randomized timeout, and the election needs more rounds.
 * - A vote is granted only to a candidate whose log is up to date, by a node that has not voted
 *   this term and knows no leader of it (raft.go `Step`, `canVote`); a node that adopts a higher
 *   term from a vote request forgets its leader (becomeFollower(term, None)).
 * - Pre-vote (etcd's --pre-vote; off by default in 3.4, on from 3.5): off, a timed-out follower
 *   campaigns at once; on, it first becomes a pre-candidate (raft.go becomePreCandidate: no new
 *   term, no vote, no new randomized timeout) and asks for pre-votes for term + 1 with its log
 *   position; a node grants one when the candidate's log is up to date and the term is newer,
 *   without recording anything, unless its leader lease holds (then it does not answer); with a
 *   majority of pre-votes (its own included) it campaigns for real, with a majority of refusals it
 *   goes back to follower (a new randomized timeout), and a leader's append ends it too.
 * - A new leader appends an empty entry of its term (raft.go `becomeLeader`) and sends it at
 *   once; it is committed when a majority has it on disk (the leader's own fsync, and a
 *   follower's append, fsync and ack). A client write proposed meanwhile waits behind it and
 *   commits with it, so writes are acknowledged again only from this commit on; it is reported
 *   to {@link TermCommitListener}.
 *
 * Not modelled: the leader's CheckQuorum step-down (it matters when the leader is cut off, not
 * when it crashes) and heartbeats on the leader's ticks (the cluster heartbeats every interval
 * from the moment it leads: the same spacing, a different phase).
 *
 * Source: etcd-io/etcd, release-3.4, raft/raft.go (tickElection, tickHeartbeat, reset,
 * resetRandomizedElectionTimeout, Step) and etcdserver/raft.go (the ticker).
 */
import type { LatencyDistribution } from '../../latency/index.js';
import type { Network, Nodes, Simulation } from '../../sim/index.js';
import type { ReplicationCluster } from './cluster.js';
import { RaftVoting, type CandidacyListener } from './raft-election.js';
import {
  ELECTION_TIMER,
  PRE_VOTE,
  PRE_VOTE_RESP,
  TERM_ENTRY_ACK,
  TERM_ENTRY_APPEND,
  TERM_ENTRY_FOLLOWER_PERSISTED,
  TERM_ENTRY_PERSISTED,
} from './message-kinds.js';

/** Told when a new leader's first entry of its term is committed (persisted by a majority): from then on a client write commits in one replication round. */
export type TermCommitListener = (leader: number, term: number) => void;

const ROLE_CODE = { follower: 0, candidate: 1, leader: 2 } as const;

/**
 * The etcd-timed election side of a Raft-style cluster (same interface as {@link RaftElection}).
 *
 * @example
 * const election = new EtcdRaftElection(sim, nodes, net, cluster, { heartbeatMs: 100, electionTicks: 10, disk }, onCandidacy);
 * election.start();
 */
export class EtcdRaftElection extends RaftVoting {
  private readonly elapsed: Int32Array;
  private readonly randomized: Int32Array;
  private readonly lead: Int32Array;
  /** (term, role) at the last reset: a change means raft's `reset` ran (new draw). */
  private readonly resetKey: Float64Array;
  private readonly termAcks: Int32Array;
  /** Pre-vote: the term a pre-candidate asks pre-votes for (0: not a pre-candidate), its grants and refusals. */
  private readonly preTerm: Int32Array;
  private readonly preGranted: Int32Array;
  private readonly preRefused: Int32Array;

  constructor(
    sim: Simulation,
    nodes: Nodes,
    net: Network,
    cluster: ReplicationCluster,
    private readonly options: {
      heartbeatMs: number;
      electionTicks: number;
      disk: LatencyDistribution;
      preVote?: boolean;
    },
    onCandidacy: CandidacyListener = () => {},
    private readonly onTermCommit: TermCommitListener = () => {},
  ) {
    super(sim, nodes, net, cluster, options.disk, onCandidacy);
    const n = this.n;
    this.elapsed = new Int32Array(n);
    this.randomized = new Int32Array(n);
    this.lead = new Int32Array(n).fill(-1);
    this.resetKey = new Float64Array(n).fill(-1);
    this.termAcks = new Int32Array(n);
    this.preTerm = new Int32Array(n);
    this.preGranted = new Int32Array(n);
    this.preRefused = new Int32Array(n);
    const gate = cluster.gate;
    nodes.on(
      ELECTION_TIMER,
      gate.message((node: number) => this.onTick(node)),
      'etcd raft tick',
    );
    net.on(
      PRE_VOTE,
      gate.message((to: number, from: number, term: number, lastIndex: number, lastTerm: number) =>
        this.onPreVote(to, from, term, lastIndex, lastTerm),
      ),
      'pre-vote',
    );
    net.on(
      PRE_VOTE_RESP,
      gate.message((to: number, _from: number, term: number, granted: number) =>
        this.onPreVoteResp(to, term, granted),
      ),
      'pre-vote answer',
    );
    nodes.on(
      TERM_ENTRY_PERSISTED,
      gate.message((node: number, term: number) => this.onTermAck(node, term)),
      'term entry persisted',
    );
    net.on(
      TERM_ENTRY_APPEND,
      gate.message((to: number, from: number, term: number) => {
        // Appended if the sender still leads the follower's term (or a newer one).
        if (term < cluster.currentTerm[to]) return;
        nodes.schedule(to, options.disk.sample(sim.rng), TERM_ENTRY_FOLLOWER_PERSISTED, from, term);
      }),
      'term entry append',
    );
    nodes.on(
      TERM_ENTRY_FOLLOWER_PERSISTED,
      gate.message((node: number, leader: number, term: number) =>
        net.send(node, leader, TERM_ENTRY_ACK, term),
      ),
      'term entry persisted by a follower',
    );
    net.on(
      TERM_ENTRY_ACK,
      gate.message((to: number, _from: number, term: number) => this.onTermAck(to, term)),
      'term entry ack',
    );
    // A restarted process: a new ticker (new phase), a follower that knows no leader yet.
    nodes.onRecover((node) => {
      if (node < n) this.startTicker(node);
    });
  }

  /** Starts every node's ticker at an independent phase. */
  start(): void {
    for (let node = 0; node < this.n; node++) this.startTicker(node);
    // Node 0 leads term 1 from the start and its followers know it.
    for (let node = 0; node < this.n; node++) this.lead[node] = this.cluster.knownLeader[node];
  }

  /** A valid append or heartbeat of the current leader reached `node` (the cluster's leader contact). */
  resetTimer(node: number): void {
    if (this.preTerm[node] !== 0) {
      // stepCandidate: a pre-candidate that hears a leader becomes its follower (becomeFollower: reset).
      this.preTerm[node] = 0;
      this.reset(node);
    }
    this.resetIfChanged(node);
    this.elapsed[node] = 0;
    this.lead[node] = this.cluster.knownLeader[node];
  }

  private startTicker(node: number): void {
    this.lead[node] = -1;
    this.preTerm[node] = 0;
    this.reset(node);
    this.nodes.schedule(node, this.options.heartbeatMs * this.sim.rng.nextDouble(), ELECTION_TIMER);
  }

  /** raft.go `reset`: electionElapsed = 0 and a new randomized timeout in [T, 2T − 1] ticks. */
  private reset(node: number): void {
    const t = this.options.electionTicks;
    this.elapsed[node] = 0;
    this.randomized[node] = t + Math.floor(t * this.sim.rng.nextDouble());
    this.resetKey[node] = this.key(node);
  }

  private key(node: number): number {
    return this.cluster.currentTerm[node] * 4 + ROLE_CODE[this.cluster.role[node]];
  }

  private resetIfChanged(node: number): void {
    if (this.key(node) !== this.resetKey[node]) this.reset(node);
  }

  private onTick(node: number): void {
    this.nodes.schedule(node, this.options.heartbeatMs, ELECTION_TIMER);
    const c = this.cluster;
    this.resetIfChanged(node);
    this.elapsed[node]++;
    if (c.role[node] === 'leader') {
      if (this.elapsed[node] >= this.options.electionTicks) this.elapsed[node] = 0;
      return;
    }
    if (this.elapsed[node] < this.randomized[node]) return;
    if (this.options.preVote === true) {
      // tickElection: electionElapsed = 0, MsgHup -> campaign(campaignPreElection).
      this.elapsed[node] = 0;
      this.preCampaign(node);
      return;
    }
    this.campaign(node);
  }

  /** campaign(campaignElection): becomeCandidate (term + 1, vote for self, no leader, reset), then persist the vote. */
  private campaign(node: number): void {
    this.preTerm[node] = 0;
    const term = this.cluster.currentTerm[node] + 1;
    this.lead[node] = -1;
    this.cluster.becomeCandidate(node, term);
    this.reset(node);
    this.stand(node, term);
  }

  /** campaign(campaignPreElection): becomePreCandidate (no leader, nothing else changes), pre-votes for term + 1. */
  private preCampaign(node: number): void {
    const c = this.cluster;
    const term = c.currentTerm[node] + 1;
    // A candidate whose election timed out becomes a pre-candidate too: same term and vote, no
    // longer a candidate, and (raft.go becomePreCandidate calls no reset) the same timeout.
    if (c.role[node] === 'candidate') {
      c.stepDown(node, c.currentTerm[node]);
      this.resetKey[node] = this.key(node);
    }
    this.lead[node] = -1;
    this.preTerm[node] = term;
    this.preGranted[node] = 1; // its own
    this.preRefused[node] = 0;
    if (this.preGranted[node] >= this.majority) {
      this.campaign(node);
      return;
    }
    const log = c.logs[node];
    for (let v = 0; v < this.n; v++)
      if (v !== node) this.net.send(node, v, PRE_VOTE, term, log.lastIndex, log.lastTerm);
  }

  private onPreVote(
    voter: number,
    candidate: number,
    term: number,
    lastIndex: number,
    lastTerm: number,
  ): void {
    const c = this.cluster;
    this.resetIfChanged(voter);
    if (term < c.currentTerm[voter]) {
      this.net.send(voter, candidate, PRE_VOTE_RESP, c.currentTerm[voter], 0);
      return;
    }
    // CheckQuorum's lease applies to pre-votes too: no answer while the leader is fresh.
    if (
      term > c.currentTerm[voter] &&
      this.lead[voter] !== -1 &&
      this.elapsed[voter] < this.options.electionTicks
    )
      return;
    // Never change the term for a pre-vote; grant without recording a vote.
    const canVote =
      c.votedFor[voter] === candidate ||
      (c.votedFor[voter] === -1 && this.lead[voter] === -1) ||
      term > c.currentTerm[voter];
    if (canVote && c.logs[voter].isBehindOrEqual(lastTerm, lastIndex))
      this.net.send(voter, candidate, PRE_VOTE_RESP, term, 1);
    else this.net.send(voter, candidate, PRE_VOTE_RESP, c.currentTerm[voter], 0);
  }

  private onPreVoteResp(node: number, term: number, granted: number): void {
    const c = this.cluster;
    if (granted !== 1 && term > c.currentTerm[node]) {
      // A refusal from a newer term: follower of that term, no leader.
      this.preTerm[node] = 0;
      c.stepDown(node, term);
      this.lead[node] = -1;
      this.reset(node);
      return;
    }
    if (this.preTerm[node] === 0 || term !== this.preTerm[node] || c.role[node] === 'leader') return;
    if (granted === 1) {
      if (++this.preGranted[node] >= this.majority) this.campaign(node);
    } else if (++this.preRefused[node] >= this.majority) {
      // VoteLost: becomeFollower(r.Term, None), a new randomized timeout.
      this.preTerm[node] = 0;
      this.reset(node);
    }
  }

  protected override win(node: number, term: number): void {
    this.cluster.becomeLeader(node, term);
    this.lead[node] = node;
    this.reset(node);
    // The empty entry of the new term: persisted locally, sent to every follower at once.
    this.termAcks[node] = 0;
    this.nodes.schedule(node, this.options.disk.sample(this.sim.rng), TERM_ENTRY_PERSISTED, term);
    for (let f = 0; f < this.n; f++) if (f !== node) this.net.send(node, f, TERM_ENTRY_APPEND, term);
  }

  protected override onNewerTerm(node: number, term: number): void {
    this.cluster.stepDown(node, term);
    this.lead[node] = -1;
    this.reset(node);
  }

  private onTermAck(leader: number, term: number): void {
    const c = this.cluster;
    if (c.role[leader] !== 'leader' || c.currentTerm[leader] !== term) return;
    if (++this.termAcks[leader] === this.majority) this.onTermCommit(leader, term);
  }

  protected onRequestVote(
    voter: number,
    candidate: number,
    term: number,
    lastIndex: number,
    lastTerm: number,
  ): void {
    const c = this.cluster;
    this.resetIfChanged(voter);
    if (term > c.currentTerm[voter]) {
      // CheckQuorum's lease: heard from a leader less than T ticks ago -> ignore, no answer.
      if (this.lead[voter] !== -1 && this.elapsed[voter] < this.options.electionTicks) return;
      this.preTerm[voter] = 0;
      c.stepDown(voter, term);
      this.lead[voter] = -1;
      this.reset(voter);
    }
    const canVote = c.votedFor[voter] === candidate || (c.votedFor[voter] === -1 && this.lead[voter] === -1);
    if (term === c.currentTerm[voter] && canVote && c.logs[voter].isBehindOrEqual(lastTerm, lastIndex)) {
      c.votedFor[voter] = candidate;
      this.elapsed[voter] = 0;
      this.grant(voter, candidate, term);
      return;
    }
    this.refuse(voter, candidate);
  }
}
