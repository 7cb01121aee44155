/**
 * One failover trial: a cluster under a write stream, the leader's failure at a uniformly random
 * moment within a heartbeat interval, detection, promotion or election, the old leader's return,
 * and what it all cost, checked on the recorded history.
 */
import { HistoryRecorder, lostWrites, timestampOrder } from '../../check/index.js';
import { deriveStream } from '../../random/index.js';
import { Clocks, Nodes, Simulation } from '../../sim/index.js';
import { ReplicationCluster, type FollowerMode } from './cluster.js';
import { CoordinatorPromotion } from './coordinator-promotion.js';
import { EgressSpikeNetwork } from './egress-spike.js';
import { PhiAccrualDetector, TimeoutDetector } from './failure-detector.js';
import type { ResolvedFailoverConfig } from './failover-config.js';
import { CLIENT_READ, CLIENT_WRITE, FAULT_END, FAULT_START } from './message-kinds.js';
import { EtcdRaftElection } from './etcd-raft-election.js';
import { RaftElection } from './raft-election.js';
import { SentinelFailover } from './sentinel-failover.js';
import { SplitBrainMeter } from './split-brain-meter.js';

/** What one trial measured (times in ms, from the failure unless said otherwise). */
export interface FailoverTrialOutcome {
  /** When the leader failed (absolute virtual time). */
  failureAtMs: number;
  /** Where the failure fell in the heartbeat interval: time since the last heartbeat was sent. */
  phaseMs: number;
  /** How long the fault lasted (crash downtime, pause, partition, latency spike). */
  faultMs: number;
  /** Fault `'spike'`: the extra delay of the leader's outgoing messages during the spike; otherwise null. */
  spikeDelayMs: number | null;
  /** Failure to the first suspicion (coordinator) or first candidacy (Raft) after it; null if none. */
  detectionMs: number | null;
  /** Failure to the moment a leader's heartbeat sent after the failure has reached every live follower; null if never in the trial. */
  recoveryMs: number | null;
  /** The leader at the recovery moment (0: the old leader came back first), or null. */
  newLeader: number | null;
  /** Raft: terms in which a candidate stood, from the failure to recovery; coordinator: promotions; sentinel: failover attempts (+try-failover). */
  electionRounds: number;
  /** Failovers started while the leader of the moment was alive (paused, cut off, slow), in the whole trial. */
  unnecessaryFailovers: number;
  /** Time with two or more nodes accepting writes as leader. */
  splitBrainMs: number;
  /** Writes issued, and acknowledged to their clients. */
  writes: number;
  ackedWrites: number;
  /** Writes acknowledged by a leader after a leader of a newer term had been elected. */
  deposedAckedWrites: number;
  /** Reads issued, reads served (by a node that believed it led), and those served by a leader after a leader of a newer term had been elected. */
  reads: number;
  readsServed: number;
  deposedReads: number;
  /** Acknowledged writes absent from the final leader's log, by lib/check `lostWrites` on the history. */
  ackedWritesLost: number;
  /** The same, counted directly from the logs (a second road to the number). */
  ackedWritesLostDirect: number;
  /** Entries the old leader dropped from its log when it rejoined (acknowledged or not). */
  discardedWrites: number;
  /** Autoincrement ids (log positions) issued again by a later leader after a client had been given them. */
  reusedIds: number;
}

/**
 * Runs trial `trial` of a failover experiment (adding the events it dispatched to
 * `counters.events`, if given). Deterministic in (config, seed, trial): the
 * simulation draws from deriveStream(seed, 0, trial), the writes from (seed, 1, trial), the
 * failure's phase, duration and (spike) extra delay from (seed, 2, trial), the clocks' rates
 * (with clock drift) from (seed, 3, trial) and the reads from (seed, 4, trial).
 *
 * Clients: each write goes to the node the clients believe leads (at first node 0). A node that
 * refuses it (down, no longer leader, fenced) sends the client to the newest leader, which is
 * tried once; if that refuses too, the write fails. Reads go the same way. A partitioned old leader still reaches its
 * clients and keeps their writes (the split brain of DDIA ch. 5); a paused one takes them when it
 * resumes. A write is acknowledged when its leader commits it (see {@link ReplicationCluster}); the
 * client records the log position as the row's autoincrement id.
 *
 * @example
 * const t = runFailoverTrial(validateFailoverConfig({ election: 'coordinator' }), 1, 0);
 * t.recoveryMs; // detection + promotion
 */
export function runFailoverTrial(
  cfg: ResolvedFailoverConfig,
  seed: number,
  trial: number,
  counters?: { events: number },
): FailoverTrialOutcome {
  const n = cfg.nodes;
  const coordinatorMode = cfg.election === 'coordinator';
  const sentinelMode = cfg.election === 'sentinel';
  const endpoints = coordinatorMode ? n + 1 : sentinelMode ? n + cfg.sentinels : n;
  const h = cfg.heartbeatMs;
  const sim = new Simulation(deriveStream(seed, 0, trial), 1024);
  const nodes = new Nodes(sim, endpoints);
  const net = new EgressSpikeNetwork(sim, { size: endpoints, delay: cfg.latencyDist, nodes });
  const faultRng = deriveStream(seed, 2, trial);
  const writeRng = deriveStream(seed, 1, trial);
  const failureAt = cfg.warmupHeartbeats * h + faultRng.nextDouble() * h;
  const faultMs =
    cfg.fault === 'pause'
      ? cfg.pauseDist.sample(faultRng)
      : cfg.fault === 'spike'
        ? cfg.spikeDurationDist.sample(faultRng)
        : cfg.faultDurationMs;
  const spikeDelayMs = cfg.fault === 'spike' ? cfg.spikeDelayDist.sample(faultRng) : null;
  const faultEnd = failureAt + faultMs;
  const end = faultEnd + cfg.observeWindowMs;
  const writesEnd = faultEnd + cfg.observeWindowMs / 2;

  // Followers 1..n-1: the last asyncCount are async, the others sync; the stale ones are the last K.
  const modes: FollowerMode[] = ['async'];
  for (let f = 1; f < n; f++) modes.push(f >= n - cfg.asyncCount ? 'async' : 'sync');
  const shipLagMs = new Array<number>(n).fill(0);
  for (let f = n - cfg.staleFollowers; f < n; f++) shipLagMs[f] = cfg.staleLagMs;

  // Each node's clock: a rate drawn uniformly from [1 - rho, 1 + rho] (no offset: only durations
  // matter here); with rho = 0 every clock is true time and nothing is drawn.
  let clocks: Clocks | null = null;
  if (cfg.clockDrift > 0) {
    clocks = new Clocks(n);
    clocks.randomize(deriveStream(seed, 3, trial), 0, cfg.clockDrift);
  }

  const history = new HistoryRecorder();
  const meter = new SplitBrainMeter();
  const idGivenTo = new Map<number, number>(); // autoincrement id -> the acknowledged write that got it
  const hbLeader = new Int32Array(n).fill(-1);
  const hbTerm = new Int32Array(n);
  const hbSentAt = new Float64Array(n).fill(-Infinity);
  let clientLeader = 0;
  let newestLeader = 0;
  let newestTerm = 1;
  let recoveredAt: number | null = null;
  let recoveredBy: number | null = null;
  let detectedAt: number | null = null;
  const roundTerms = new Set<number>();
  let promotionsAfterFailure = 0;
  let unnecessary = 0;
  let episodeOpen = false;
  let discarded = 0;
  let reused = 0;
  let acked = 0;
  let writes = 0;
  let deposedAcked = 0;
  let reads = 0;
  let readsServed = 0;
  let deposedReads = 0;

  const countAccepting = (): number => {
    let k = 0;
    for (let node = 0; node < n; node++) if (cluster.isAccepting(node)) k++;
    return k;
  };
  const track = () => meter.update(sim.now, countAccepting());
  const leaderAlive = (leader: number) => nodes.isUp(leader);

  const checkRecovered = (leader: number): void => {
    if (recoveredAt !== null || sim.now < failureAt) return;
    if (cfg.raftTiming === 'etcd' && cfg.election === 'raft') return; // the term's first commit decides (below)
    if (sentinelMode) return; // the first write acknowledged by the sentinel-named primary decides (onCommit)
    if (!nodes.isUp(leader) || cluster.role[leader] !== 'leader') return;
    const term = cluster.currentTerm[leader];
    for (let x = 1; x < n; x++) {
      if (x === leader || !nodes.isUp(x)) continue;
      if (hbLeader[x] !== leader || hbTerm[x] !== term || hbSentAt[x] < failureAt) return;
    }
    recoveredAt = sim.now;
    recoveredBy = leader;
  };

  const cluster: ReplicationCluster = new ReplicationCluster(
    sim,
    nodes,
    net,
    {
      nodes: n,
      endpoints,
      latency: cfg.latencyDist,
      disk: cfg.diskDist,
      modes,
      semiSyncTimeoutMs: null,
      heartbeatMs: h,
      monitor: coordinatorMode ? n : null,
      gapResendMs: 2 * h,
      shipDelay: cfg.replicationDelayDist,
      shipAfterDurable: cfg.shipAfterDurable,
      shipLagMs,
      fencing: cfg.fencing,
      leaseMs: cfg.leaseMs,
      clocks,
    },
    {
      onLeaderContact(node) {
        election?.resetTimer(node);
      },
      onHeartbeatAccepted(node, leader, term, sentAtMs) {
        hbLeader[node] = leader;
        hbTerm[node] = term;
        hbSentAt[node] = sentAtMs;
        checkRecovered(leader);
      },
      onMonitorHeartbeat(leader, term) {
        coordinator?.heartbeat(leader, term);
      },
      onBecomeLeader(node, term) {
        if (term >= newestTerm) {
          newestTerm = term;
          newestLeader = node;
        }
        episodeOpen = false;
        checkRecovered(node); // with no other live follower, leading is recovering
      },
      onRoleChange: () => track(),
      onTruncate(node, ids) {
        if (node === 0 && sim.now >= failureAt) discarded += ids.length;
      },
      onAppend(_leader, index, writeId) {
        const owner = idGivenTo.get(index);
        if (owner !== undefined && owner !== writeId) reused++;
      },
      onCommit(leader, index, writeId) {
        history.ack(writeId, sim.now);
        idGivenTo.set(index, writeId);
        acked++;
        // The observer's knowledge, not the node's: a newer term's leader exists already.
        if (cluster.currentTerm[leader] < newestTerm) deposedAcked++;
        // Sentinel: recovered when a client, told the new primary by a sentinel, has a write acknowledged.
        if (
          sentinelMode &&
          recoveredAt === null &&
          sim.now >= failureAt &&
          cluster.currentTerm[leader] > termAtFailure
        ) {
          recoveredAt = sim.now;
          recoveredBy = leader;
        }
      },
    },
  );

  const onFailoverStart = (leader: number): void => {
    if (leaderAlive(leader)) unnecessary++;
    if (sim.now >= failureAt && detectedAt === null) detectedAt = sim.now;
  };
  const onCandidacy = (_node: number, term: number) => {
    if (!episodeOpen) {
      episodeOpen = true;
      onFailoverStart(newestLeader);
    }
    if (sim.now >= failureAt && recoveredAt === null) roundTerms.add(term);
  };
  const election =
    coordinatorMode || sentinelMode
      ? null
      : cfg.raftTiming === 'etcd'
        ? new EtcdRaftElection(
            sim,
            nodes,
            net,
            cluster,
            {
              heartbeatMs: h,
              electionTicks: Math.floor(cfg.electionTimeoutMs[0] / h),
              disk: cfg.diskDist,
              preVote: cfg.preVote,
            },
            onCandidacy,
            (leader, term) => {
              // etcd: writes are acknowledged again once the new leader's first entry is committed.
              if (recoveredAt !== null || sim.now < failureAt) return;
              if (cluster.currentTerm[leader] !== term) return;
              recoveredAt = sim.now;
              recoveredBy = leader;
            },
          )
        : new RaftElection(
            sim,
            nodes,
            net,
            cluster,
            {
              minMs: cfg.electionTimeoutMs[0],
              maxMs: cfg.electionTimeoutMs[1],
              disk: cfg.diskDist,
            },
            onCandidacy,
          );
  const coordinator = !coordinatorMode
    ? null
    : new CoordinatorPromotion(
        sim,
        nodes,
        net,
        cluster,
        cfg.detector === 'phi'
          ? new PhiAccrualDetector({
              threshold: cfg.phiThreshold,
              window: cfg.phiWindow,
              minStdDevMs: h / 10,
              firstIntervalMs: h,
            })
          : new TimeoutDetector(cfg.timeoutMs),
        { queryTimeoutMs: h, disk: cfg.diskDist },
        {
          onSuspect(leader) {
            onFailoverStart(leader);
            if (sim.now >= failureAt && recoveredAt === null) promotionsAfterFailure++;
          },
        },
      );
  const sentinels = !sentinelMode
    ? null
    : new SentinelFailover(
        sim,
        nodes,
        net,
        cluster,
        n,
        {
          sentinels: cfg.sentinels,
          quorum: cfg.sentinelQuorum,
          downAfterMs: cfg.timeoutMs,
          failoverTimeoutMs: cfg.sentinelFailoverTimeoutMs,
          latency: cfg.latencyDist,
          disk: cfg.diskDist,
        },
        {
          onTryFailover(_s, leader) {
            onFailoverStart(leader);
            if (sim.now >= failureAt && recoveredAt === null) promotionsAfterFailure++;
          },
        },
      );
  nodes.onCrash(track);
  nodes.onRecover(track);

  // The leader's failure and its end.
  let partition = 0;
  let termAtFailure = 1;
  sim.on(
    FAULT_START,
    () => {
      termAtFailure = cluster.currentTerm[0];
      if (cfg.fault === 'crash') nodes.crash(0);
      else if (cfg.fault === 'pause') cluster.gate.pause(0);
      else if (spikeDelayMs !== null) net.startSpike(0, spikeDelayMs);
      else
        partition = net.partition(
          [0],
          Array.from({ length: endpoints - 1 }, (_, i) => i + 1),
        );
      track();
    },
    'fault start',
  );
  sim.on(
    FAULT_END,
    () => {
      if (cfg.fault === 'crash') nodes.recover(0);
      else if (cfg.fault === 'pause') cluster.gate.resume(0);
      else if (cfg.fault === 'spike') net.endSpike();
      else net.heal(partition);
      track();
    },
    'fault end',
  );
  sim.scheduleAt(failureAt, FAULT_START, 0);
  sim.scheduleAt(faultEnd, FAULT_END, 0);

  // Client writes: Poisson arrivals until writesEnd.
  // Sentinel clients learn the primary only from a sentinel (get-master-addr-by-name, asked when a
  // write is refused); one question at a time, the write itself is not retried.
  let asking = false;
  const askSentinel = () => {
    if (sentinels === null || asking) return;
    asking = true;
    sentinels.askMaster((node) => {
      asking = false;
      clientLeader = node;
    });
  };
  const refusedRetry = (writeId: number) => () => {
    if (sentinelMode) {
      askSentinel();
      return;
    }
    clientLeader = newestLeader;
    if (!cluster.submitWrite(clientLeader, writeId)) {
      /* failed: stays unacknowledged */
    }
  };
  sim.on(
    CLIENT_WRITE,
    (writeId) => {
      history.write({
        id: writeId,
        client: 0,
        session: 0,
        key: writeId,
        invokeMs: sim.now,
        timestamp: writeId,
      });
      writes++;
      if (!cluster.submitWrite(clientLeader, writeId, refusedRetry(writeId))) refusedRetry(writeId)();
      const next = sim.now + -Math.log(writeRng.nextOpenDouble()) / cfg.writeRate;
      if (next < writesEnd) sim.scheduleAt(next, CLIENT_WRITE, writeId + 1);
    },
    'client write',
  );
  if (cfg.writeRate > 0) {
    const first = -Math.log(writeRng.nextOpenDouble()) / cfg.writeRate;
    if (first < writesEnd) sim.scheduleAt(first, CLIENT_WRITE, 0);
  }

  // Client reads: Poisson arrivals until writesEnd, to the node the clients believe leads.
  const readRng = deriveStream(seed, 4, trial);
  const served = (term: number): void => {
    readsServed++;
    if (term < newestTerm) deposedReads++;
  };
  const readRetry = () => {
    if (sentinelMode) {
      askSentinel();
      return;
    }
    clientLeader = newestLeader;
    cluster.submitRead(clientLeader, served);
  };
  sim.on(
    CLIENT_READ,
    () => {
      reads++;
      if (!cluster.submitRead(clientLeader, served, readRetry)) readRetry();
      const next = sim.now + -Math.log(readRng.nextOpenDouble()) / cfg.readRate;
      if (next < writesEnd) sim.scheduleAt(next, CLIENT_READ, 0);
    },
    'client read',
  );
  if (cfg.readRate > 0) {
    const first = -Math.log(readRng.nextOpenDouble()) / cfg.readRate;
    if (first < writesEnd) sim.scheduleAt(first, CLIENT_READ, 0);
  }

  cluster.start();
  election?.start();
  sentinels?.start();
  track();
  sim.run(end);
  if (counters !== undefined) counters.events += sim.eventsProcessed;

  // The final state: the log of the newest live leader (or, with none, the most up-to-date live node).
  let finalNode = -1;
  for (let x = 0; x < n; x++) {
    if (!nodes.isUp(x)) continue;
    if (finalNode < 0) {
      finalNode = x;
      continue;
    }
    const better =
      (cluster.role[x] === 'leader') !== (cluster.role[finalNode] === 'leader')
        ? cluster.role[x] === 'leader'
        : cluster.role[x] === 'leader'
          ? cluster.currentTerm[x] > cluster.currentTerm[finalNode]
          : !cluster.logs[x].isBehindOrEqual(
              cluster.logs[finalNode].lastTerm,
              cluster.logs[finalNode].lastIndex,
            );
    if (better) finalNode = x;
  }
  const survivors = new Set(finalNode < 0 ? [] : cluster.logs[finalNode].writes());
  for (const id of survivors) history.final(id, [id]);
  const h0 = history.history();
  let lostDirect = 0;
  for (const w of h0.writes) if (w.ackMs !== null && !survivors.has(w.id)) lostDirect++;

  return {
    failureAtMs: failureAt,
    phaseMs: failureAt - cfg.warmupHeartbeats * h,
    faultMs,
    spikeDelayMs,
    detectionMs: detectedAt === null ? null : detectedAt - failureAt,
    recoveryMs: recoveredAt === null ? null : recoveredAt - failureAt,
    newLeader: recoveredBy,
    electionRounds: coordinatorMode || sentinelMode ? promotionsAfterFailure : roundTerms.size,
    unnecessaryFailovers: unnecessary,
    splitBrainMs: meter.totalMs(sim.now),
    writes,
    ackedWrites: acked,
    deposedAckedWrites: deposedAcked,
    reads,
    readsServed,
    deposedReads,
    ackedWritesLost: lostWrites(h0, timestampOrder).lost.count,
    ackedWritesLostDirect: lostDirect,
    discardedWrites: discarded,
    reusedIds: reused,
  };
}
