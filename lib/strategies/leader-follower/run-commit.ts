/**
 * Commit latency and durability of async, sync and semi-sync replication: one
 * leader, F followers, a Poisson stream of writes, on the event kernel.
 */
import { proportion, type CountEstimate } from '../../check/index.js';
import { deriveStream } from '../../random/index.js';
import { Faults, Network, Nodes, Simulation } from '../../sim/index.js';
import { latencySummary, LogHistogram, type LatencySummary } from '../../stats/index.js';
import { ReplicationCluster, type FollowerMode } from './cluster.js';
import { validateCommitConfig, type CommitConfig, type ResolvedCommitConfig } from './commit-config.js';
import { CLIENT_WRITE } from './message-kinds.js';

/** What one {@link runCommit} measured. */
export interface CommitResult {
  /** Writes issued. */
  writes: number;
  /** Writes acknowledged (committed) by the end of the run. */
  acked_writes: number;
  /** From the write reaching the leader to its acknowledgement, ms, over acknowledged writes. */
  commit_latency_ms: LatencySummary;
  /** Mean number of nodes (leader included) holding a write durably at the moment it is acknowledged. */
  copies_at_commit: number;
  /**
   * Durability: at `probes` uniformly random instants during the run, the acknowledged writes
   * that no follower holds durably yet, i.e. the writes a failover to the most up-to-date
   * follower would lose if the leader died at that instant. `mean` and `max` over the probes;
   * `any` is the share of instants with at least one (Wilson 95% interval).
   */
  acked_writes_at_risk: { mean: number; max: number; any: CountEstimate };
  /** Times a semi-sync leader replaced its sync follower (0 in other modes). */
  semi_sync_switches: number;
  /** Append and heartbeat messages per write. */
  messages_per_write: number;
  /** Virtual time at the end of the run, ms. */
  sim_time_ms: number;
}

/**
 * One run of the commit model. A result is a pure function of (config, seed).
 *
 * The leader (node 0) appends each write, makes it durable (`disk`) and sends it to every
 * follower; a follower makes it durable and acknowledges. Followers apply entries in log order
 * (an entry overtaken in flight waits for its predecessors), so a sync commit waits for the
 * slowest sync follower and for head-of-line blocking. The write is acknowledged by the mode's
 * rule (see {@link ReplicationMode}); a sync follower that is down stops every commit until it is
 * back (`outages`). With constant delays d and disk s, a sync commit takes exactly 2d + s; with
 * exponential one-way delays at a low write rate, the mean of the maximum of k Erlang-2 round trips.
 *
 * @param config - any subset of {@link CommitConfig}
 * @param seed - seed of every random stream
 * @param observe - told each acknowledged write's commit latency, ms (calibration keeps the samples)
 * @example
 * runCommit({ mode: 'sync', followers: 2, latency: 'const(1)', disk: 'const(0)' }, 1).commit_latency_ms.p50; // 2
 * runCommit({ mode: 'async' }, 1).acked_writes_at_risk.mean; // > 0: acked writes only the leader holds
 */
export function runCommit(
  config: Partial<CommitConfig>,
  seed: number,
  observe: { onCommitLatency?: (ms: number) => void } = {},
): CommitResult {
  const cfg = validateCommitConfig(config);
  const n = cfg.followers + 1;
  const sim = new Simulation(deriveStream(seed, 0, 0), 1024);
  const nodes = new Nodes(sim, n);
  const net = new Network(sim, { size: n, delay: cfg.latencyDist, nodes });
  cfg.followerLatencyDist.forEach((d, i) => {
    if (d === null) return;
    for (let other = 0; other < n; other++) {
      if (other === i + 1) continue;
      net.setLinkDelay(other, i + 1, d);
      net.setLinkDelay(i + 1, other, d);
    }
  });
  const faults = new Faults(sim, nodes, net);
  for (const o of cfg.outages) {
    faults.crashAt(o.follower, o.startMs);
    if (o.endMs !== Infinity) faults.recoverAt(o.follower, o.endMs);
  }

  const arrivals = arrivalTimes(cfg, deriveStream(seed, 0, 1));
  const commitMs = new Float64Array(cfg.writes).fill(Number.NaN);
  const commitAtIndex = new Float64Array(cfg.writes + 1).fill(Infinity);
  const durableAt = Array.from({ length: n }, () => [] as number[]);
  const latency = new LogHistogram();
  let acked = 0;
  let copies = 0;

  const cluster: ReplicationCluster = new ReplicationCluster(
    sim,
    nodes,
    net,
    {
      nodes: n,
      endpoints: n,
      latency: cfg.latencyDist,
      disk: cfg.diskDist,
      modes: followerModes(cfg),
      semiSyncTimeoutMs: cfg.mode === 'semi-sync' ? cfg.semiSyncTimeoutMs : null,
      heartbeatMs: cfg.heartbeatMs,
      monitor: null,
      shipDelay: null,
      shipLagMs: new Array<number>(n).fill(0),
      gapResendMs: cfg.heartbeatMs,
      syncQuorum: cfg.syncQuorum,
      shipAfterDurable: cfg.shipAfterDurable,
      followerDisk: cfg.followerDiskDist,
      followerDiskShared: cfg.followerDiskShared,
    },
    {
      onDurable(node, index) {
        const times = durableAt[node];
        while (times.length < index) times.push(sim.now);
      },
      onCommit(_leader, index, writeId) {
        commitMs[writeId] = sim.now;
        commitAtIndex[index] = sim.now;
        latency.record(sim.now - arrivals[writeId]);
        observe.onCommitLatency?.(sim.now - arrivals[writeId]);
        acked++;
        for (let node = 0; node < n; node++) if (cluster.durableIndex[node] >= index) copies++;
        if (acked === cfg.writes) sim.stop();
      },
    },
  );
  sim.on(
    CLIENT_WRITE,
    (writeId) => {
      cluster.submitWrite(0, writeId);
    },
    'client write',
  );
  for (let w = 0; w < cfg.writes; w++) sim.scheduleAt(arrivals[w], CLIENT_WRITE, w);
  cluster.start();
  const last = arrivals[cfg.writes - 1];
  sim.run(last + Math.max(10_000, 100 * cfg.heartbeatMs));

  const risk = exposure(cfg, arrivals, commitAtIndex, durableAt, deriveStream(seed, 0, 2));
  return {
    writes: cfg.writes,
    acked_writes: acked,
    commit_latency_ms: latencySummary(latency),
    copies_at_commit: acked === 0 ? 0 : copies / acked,
    acked_writes_at_risk: risk,
    semi_sync_switches: cluster.semiSyncSwitches,
    messages_per_write: net.counters.sent / cfg.writes,
    sim_time_ms: sim.now,
  };
}

function followerModes(cfg: ResolvedCommitConfig): FollowerMode[] {
  const modes: FollowerMode[] = ['async'];
  const sync = cfg.mode === 'sync' ? (cfg.syncFollowers ?? cfg.followers) : cfg.mode === 'semi-sync' ? 1 : 0;
  for (let f = 1; f <= cfg.followers; f++) modes.push(f <= sync ? 'sync' : 'async');
  return modes;
}

function arrivalTimes(cfg: ResolvedCommitConfig, rng: ReturnType<typeof deriveStream>): Float64Array {
  const times = new Float64Array(cfg.writes);
  let t = 0;
  for (let w = 0; w < cfg.writes; w++) {
    t += -Math.log(rng.nextOpenDouble()) / cfg.writeRate;
    times[w] = t;
  }
  return times;
}

/** Entries durable on `times` (durable time of positions 1, 2, ...) by instant t. */
function durableBy(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function exposure(
  cfg: ResolvedCommitConfig,
  arrivals: Float64Array,
  commitAtIndex: Float64Array,
  durableAt: number[][],
  rng: ReturnType<typeof deriveStream>,
): CommitResult['acked_writes_at_risk'] {
  const start = arrivals[0];
  const end = arrivals[arrivals.length - 1];
  let sum = 0;
  let max = 0;
  let any = 0;
  const commitTimes = Array.from(commitAtIndex.subarray(1));
  for (let p = 0; p < cfg.probes; p++) {
    const t = start + rng.nextDouble() * (end - start);
    // Commits happen in log order, so the acknowledged writes at t are a prefix of the log.
    const ackedBy = durableBy(commitTimes, t);
    let best = 0;
    for (let f = 1; f < durableAt.length; f++) best = Math.max(best, durableBy(durableAt[f], t));
    const atRisk = Math.max(0, ackedBy - best);
    sum += atRisk;
    if (atRisk > max) max = atRisk;
    if (atRisk > 0) any++;
  }
  return { mean: sum / cfg.probes, max, any: proportion({ count: any, of: cfg.probes }) };
}
