/**
 * The multi-leader model's entry point: validates the config, builds the simulation (replication
 * links, clocks, workload, devices, outage), runs it, and returns the result assembled by
 * multi-leader-metrics.ts.
 */
import { performance } from 'node:perf_hooks';
import { deriveStream, type RandomStream } from '../../random/index.js';
import { Clocks, PROGRESS_EVERY_EVENTS, Simulation, type ProgressCallback } from '../../sim/index.js';
import { keyChooser } from '../../workload/index.js';
import type { Version } from '../versions/index.js';
import { LeaderStores } from './leader-stores.js';
import { LocalFollowers } from './local-followers.js';
import { validateMultiLeaderConfig, type MultiLeaderConfig } from './multi-leader-config.js';
import {
  MultiLeaderMetrics,
  type MultiLeaderRun,
  type MultiLeaderSummaryRun,
} from './multi-leader-metrics.js';
import { ReplicationLinks } from './replication-links.js';
import { writeOn, type StoredWrite } from './resolution.js';
import { replicationGraph } from './topology.js';

export type {
  MultiLeaderResult,
  MultiLeaderRun,
  MultiLeaderSummaryRun,
  DivergenceSample,
  LocalReadLog,
} from './multi-leader-metrics.js';

/** Options of a multi-leader run. */
export interface MultiLeaderRunOptions {
  /** Record the history, the write log and every local read (see {@link MultiLeaderRun}). Default false. */
  record?: boolean;
  /**
   * Called with the fraction of the workload's duration simulated (the delivery of what is still
   * in flight after it is short), at most every {@link PROGRESS_EVERY_EVENTS} events, and with 1 at
   * the end.
   */
  onProgress?: ProgressCallback;
}

// Event kinds (the links register DELIVER).
const DELIVER = 0;
const ARRIVE = 1;
const APPLY = 2;
const ACK = 3;
const DEVICE_WRITE = 4;
const TOGGLE = 5;
const DC_FAIL = 6;
const DC_RECOVER = 7;
const SAMPLE = 8;
const FOLLOWER_APPLY = 9;
const LOCAL_READ = 10;

/** Divergence samples kept at most (one per `divergenceSampleMs`). */
const MAX_SAMPLES = 100000;

// Random streams (batch index of deriveStream(seed, 0, batch)): each concern draws from its own,
// so the same seed gives the same write arrivals whatever the policy, topology or routing.
const LINK_STREAM = 1;
const LOCAL_STREAM = 2;
const CLOCK_STREAM = 3;
const FOLLOWER_STREAM = 4;
const DC_ARRIVAL_STREAMS = 100;
const DEVICE_STREAMS = 1000;
const DC_READ_STREAMS = 2000;

/**
 * One multi-leader run on the event kernel, with its history. The result is a pure function of
 * (config, seed).
 *
 * Semantics:
 * - Writes arrive at each datacenter as a Poisson process (`writeRatePerSec`) during
 *   `[0, durationMs)`, each to a key drawn uniformly or by Zipf. The datacenter where a write
 *   arrives accepts it, or with `homeRouting` the key's home (`key mod D`), one inter-datacenter
 *   hop away; while the chosen datacenter is down, the next live one (id + 1, + 2, ...) does.
 * - Accepting a write: the leader reads the key's current value (its versions resolved by the
 *   policy), adds the write's element (its id) on top, and stores the result as one new version
 *   that supersedes everything the leader held for the key (`Siblings.put` with the leader's full
 *   context). Values are sets of write ids (a cart, a calendar's events), so a write lost is one
 *   whose element is missing from the final value. The write is acknowledged after
 *   `localWriteLatency` (plus the hop back when routed), if its leader is still up then.
 * - Replication is asynchronous: the new version goes out over the topology
 *   ({@link replicationGraph}, loop prevention by origin id) on FIFO-or-not links
 *   ({@link ReplicationLinks}). A leader receiving a version applies it (`Siblings.apply`: kept
 *   beside the versions it is concurrent with, dropping those it supersedes) and forwards it.
 *   `out_of_order_applies` counts versions that arrive before something their writer had seen
 *   (an update overtaking the insert it depends on).
 * - LWW timestamps are the accepting leader's clock (`Clocks.local`): offset drawn from
 *   `clockSkew`, drift uniform in +-`clockDrift`.
 * - Devices (`devices`) are leaders too: they accept their own writes at any time and exchange
 *   versions with their home datacenter while online.
 * - An outage (`dcFailure`) stops a datacenter: no writes, no replication in or out (what it had
 *   not shipped waits), acknowledgements due while it is down never come.
 * - Local followers (`localFollowers`): each datacenter leader streams every version it applies,
 *   in apply order, to its followers ({@link LocalFollowers}); reads (`localReadRatePerSec`) go to
 *   a uniformly chosen follower of the datacenter where they arrive, or to its leader when it has
 *   none (no read is served at a down datacenter without followers). A follower read is stale
 *   when it misses a version the leader had applied when the read began. Convergence counts the
 *   followers: every replica, followers included, must hold the same state.
 * - The run ends when every message is delivered (or only held messages remain, for an outage
 *   that never ends). The final state is all replicas' versions merged (what anti-entropy would
 *   leave), resolved by the policy.
 *
 * @param config - any subset of {@link MultiLeaderConfig}
 * @param seed - seed of every random stream
 * @example
 * const run = runMultiLeaderWithHistory({ datacenters: 2, keys: 1, writeRatePerSec: 10 }, 1);
 * run.result.conflicts_per_1000_writes; // about 1000 * (1 - exp(-2 * 0.01 * 50)) = 632
 */
export function runMultiLeaderWithHistory(
  config: Partial<MultiLeaderConfig>,
  seed: number,
  options: Omit<MultiLeaderRunOptions, 'record'> = {},
): MultiLeaderRun {
  return simulate(config, seed, { ...options, record: true }) as MultiLeaderRun;
}

/**
 * {@link runMultiLeaderWithHistory}'s result and samples without recording the history: the
 * metrics are kept as the run goes, so memory follows the keys and the messages in flight, not the
 * writes, but for one acknowledgement flag, one node id and one settled flag per write: each key's
 * value lineage (its elements, one per write) is counted and dropped up to the version every
 * replica agrees on, whenever they all do (except with a conflict handler, which rebuilds values). Same result for the same (config, seed). With
 * `record: true`, the run with its history ({@link runMultiLeaderWithHistory}).
 *
 * @example
 * runMultiLeaderSummary({ durationMs: 1e6 }, 1).result.conflicts_per_1000_writes;
 */
export function runMultiLeaderSummary(
  config: Partial<MultiLeaderConfig>,
  seed: number,
  options: MultiLeaderRunOptions & { record: true },
): MultiLeaderRun;
export function runMultiLeaderSummary(
  config: Partial<MultiLeaderConfig>,
  seed: number,
  options?: MultiLeaderRunOptions,
): MultiLeaderSummaryRun;
export function runMultiLeaderSummary(
  config: Partial<MultiLeaderConfig>,
  seed: number,
  options: MultiLeaderRunOptions = {},
): MultiLeaderSummaryRun | MultiLeaderRun {
  return simulate(config, seed, options);
}

function simulate(
  config: Partial<MultiLeaderConfig>,
  seed: number,
  options: MultiLeaderRunOptions,
): MultiLeaderSummaryRun | MultiLeaderRun {
  const cfg = validateMultiLeaderConfig(config);
  const D = cfg.datacenters;
  const N = cfg.nodes;
  const deviceCount = N - D;
  const graph = replicationGraph(cfg.topology, D, deviceCount);
  const sim = new Simulation(deriveStream(seed, 0, 0), 1024);
  const localRng = deriveStream(seed, 0, LOCAL_STREAM);
  const clocks = new Clocks(N);
  if (cfg.skew !== null || cfg.clockDrift > 0) {
    const crng = deriveStream(seed, 0, CLOCK_STREAM);
    for (let node = 0; node < N; node++) {
      const offset = cfg.skew === null ? 0 : cfg.skew.sample(crng);
      clocks.set(node, offset, (2 * crng.nextDouble() - 1) * cfg.clockDrift);
    }
  }
  const stores = new LeaderStores(N, cfg.resolution, cfg.onConflict);
  const metrics = new MultiLeaderMetrics(cfg, stores, options.record === true);
  const writes = new WritesInFlight();
  const versions = new VersionsInFlight();
  const down = new Uint8Array(N);
  const counters = {
    outOfOrder: 0,
    detections: 0,
    stale: 0,
    deliveries: 0,
    lastWriteMs: -1,
    convergedAtMs: -1,
    writes: 0,
  };
  const samples: { t_ms: number; divergent_keys: number }[] = [];
  const chooser = keyChooser({ keys: cfg.keys, zipf: cfg.zipf });
  const followers = new LocalFollowers(
    sim,
    cfg.followersPerDc,
    cfg.followerLatency,
    FOLLOWER_APPLY,
    deriveStream(seed, 0, FOLLOWER_STREAM),
    () => noteConvergence(),
  );

  const links = new ReplicationLinks(
    sim,
    N,
    cfg.links,
    cfg.fifoLinks,
    DELIVER,
    (to, from, index) => {
      const v = versions.version[index] as Version<StoredWrite>;
      const key = versions.key[index];
      const store = stores.store(to, key);
      counters.deliveries++;
      if (!store.context.covers(v.dot.actor, v.dot.counter) && !store.context.descends(v.context))
        counters.outOfOrder++;
      const outcome = stores.apply(to, key, v);
      if (outcome === 'stale') counters.stale++;
      else if (outcome === 'conflict') counters.detections++;
      if (outcome !== 'stale' && !graph.isDevice(to)) followers.stream(to, key, v);
      for (const target of graph.targets(to, versions.root[index], from)) {
        versions.hold(index);
        links.send(to, target, index);
      }
      noteConvergence();
      versions.release(index);
    },
    deriveStream(seed, 0, LINK_STREAM),
  );

  // Converged: the leaders and devices agree, and every follower has applied its leader's stream.
  const noteConvergence = (): void => {
    const settled = stores.divergentKeys === 0 && followers.inFlight === 0;
    if (settled && counters.convergedAtMs < 0) counters.convergedAtMs = sim.now;
    else if (!settled) counters.convergedAtMs = -1;
  };

  /** The datacenter that accepts a write arriving at `at` for `key`: its home or the arrival one, or the next live one. */
  const acceptor = (at: number, key: number): number => {
    let dc = cfg.homeRouting ? key % D : at;
    for (let i = 0; i < D && down[dc] === 1; i++) dc = (dc + 1) % D;
    return dc;
  };
  const hop = (from: number, to: number): number =>
    from === to ? 0 : (cfg.links[from * N + to] as NonNullable<(typeof cfg.links)[0]>).sample(localRng);

  /** A client's write arriving at node `at` (a datacenter, or a device itself). */
  const arrive = (at: number, key: number): void => {
    const id = counters.writes++;
    metrics.arrived(id, key, at, sim.now);
    const slot = writes.add(id, key, at, sim.now);
    if (graph.isDevice(at)) accept(at, slot, 0);
    else {
      const dc = acceptor(at, key);
      const there = hop(at, dc);
      sim.schedule(there, APPLY, dc, slot, at);
    }
  };

  /** `node` accepts the write in slot `slot`; `backMs` is the hop back to the client. */
  const accept = (node: number, slot: number, backMs: number): void => {
    const id = writes.id[slot];
    const key = writes.key[slot];
    const client = writes.arrivalNode[slot];
    const base = stores.value(node, key);
    if (cfg.resolution === 'siblings') {
      const frontier = stores.store(node, key).current.map((v) => v.value.writeId);
      metrics.writerRead(client, key, sim.now, frontier);
    }
    const timestamp = clocks.local(node, sim.now);
    const write: StoredWrite = {
      writeId: id,
      timestamp,
      value: writeOn(base, id),
    };
    const version = stores.put(node, key, write);
    if (!graph.isDevice(node)) followers.stream(node, key, version);
    metrics.accepted(id, key, node, client, writes.invokeMs[slot], sim.now, version);
    const index = versions.add(version, key, graph.homeOf(node));
    for (const target of graph.targets(node, graph.homeOf(node), node)) {
      versions.hold(index);
      links.send(node, target, index);
    }
    versions.release(index);
    counters.lastWriteMs = sim.now;
    noteConvergence();
    sim.schedule(cfg.localLatency.sample(localRng) + backMs, ACK, node, slot);
  };

  sim.on(
    APPLY,
    (dc, slot, at) => {
      if (down[dc] === 1) {
        // The chosen datacenter failed while the request travelled: on to the next live one.
        let next = (dc + 1) % D;
        for (let i = 0; i < D && down[next] === 1; i++) next = (next + 1) % D;
        sim.schedule(hop(dc, next), APPLY, next, slot, at);
        return;
      }
      accept(dc, slot, hop(dc, at));
    },
    'write: apply',
  );
  sim.on(
    ACK,
    (node, slot) => {
      // Unless the leader failed before acknowledging.
      if (down[node] === 0) metrics.ackedWrite(writes.id[slot], writes.invokeMs[slot], sim.now);
      writes.remove(slot);
    },
    'write: ack',
  );

  /** The next arrival of a Poisson process of `ratePerMs` after `fromMs` (exponential gap), if it falls in the workload. */
  const nextArrival = (
    kind: number,
    target: number,
    rng: RandomStream,
    ratePerMs: number,
    fromMs: number,
  ): void => {
    const at = fromMs - Math.log(rng.nextOpenDouble()) / ratePerMs;
    if (at < cfg.durationMs) sim.scheduleAt(at, kind, target);
  };

  // Datacenter workloads: one Poisson stream per datacenter.
  const dcRate = cfg.writeRatePerSec / 1000;
  const dcRngs: RandomStream[] = Array.from({ length: D }, (_, dc) =>
    deriveStream(seed, 0, DC_ARRIVAL_STREAMS + dc),
  );
  sim.on(
    ARRIVE,
    (dc) => {
      arrive(dc, chooser.next(dcRngs[dc]));
      nextArrival(ARRIVE, dc, dcRngs[dc], dcRate, sim.now);
    },
    'write: arrive',
  );
  if (dcRate > 0) for (let dc = 0; dc < D; dc++) nextArrival(ARRIVE, dc, dcRngs[dc], dcRate, 0);

  // Devices: own write streams, online/offline periods.
  if (cfg.devices !== null && deviceCount > 0) {
    const dv = cfg.devices;
    const rate = dv.writeRatePerSec / 1000;
    const rngs = Array.from({ length: deviceCount }, (_, i) => deriveStream(seed, 0, DEVICE_STREAMS + i));
    const onlineDist = cfg.online as NonNullable<typeof cfg.online>;
    const offlineDist = cfg.offline as NonNullable<typeof cfg.offline>;
    sim.on(
      DEVICE_WRITE,
      (device) => {
        const rng = rngs[device - D];
        arrive(device, chooser.next(rng));
        nextArrival(DEVICE_WRITE, device, rng, rate, sim.now);
      },
      'device: write',
    );
    sim.on(
      TOGGLE,
      (device) => {
        const rng = rngs[device - D];
        if (links.isUp(device)) {
          links.setUp(device, false);
          sim.schedule(offlineDist.sample(rng), TOGGLE, device);
        } else {
          links.setUp(device, true);
          // After the workload, devices come back and stay online, so that replicas converge.
          if (sim.now < cfg.durationMs) sim.schedule(onlineDist.sample(rng), TOGGLE, device);
        }
      },
      'device: online/offline',
    );
    for (let i = 0; i < deviceCount; i++) {
      const device = D + i;
      sim.scheduleAt(onlineDist.sample(rngs[i]), TOGGLE, device);
      if (rate > 0) nextArrival(DEVICE_WRITE, device, rngs[i], rate, 0);
    }
  }

  // A datacenter outage.
  if (cfg.dcFailure !== null) {
    const f = cfg.dcFailure;
    sim.on(
      DC_FAIL,
      (dc) => {
        down[dc] = 1;
        links.setUp(dc, false);
      },
      'datacenter: fail',
    );
    sim.on(
      DC_RECOVER,
      (dc) => {
        down[dc] = 0;
        links.setUp(dc, true);
      },
      'datacenter: recover',
    );
    sim.scheduleAt(f.atMs, DC_FAIL, f.dc);
    if (Number.isFinite(f.durationMs)) sim.scheduleAt(f.atMs + f.durationMs, DC_RECOVER, f.dc);
  }

  // Local reads: one Poisson stream per datacenter, served by a random local follower or the leader.
  const readRate = cfg.localReadRatePerSec / 1000;
  const readRngs: RandomStream[] = Array.from({ length: D }, (_, dc) =>
    deriveStream(seed, 0, DC_READ_STREAMS + dc),
  );
  sim.on(
    LOCAL_READ,
    (dc) => {
      const rng = readRngs[dc];
      const key = chooser.next(rng);
      const local = followers.followersOf(dc);
      const follower = local.length === 0 ? -1 : local[Math.floor(rng.nextDouble() * local.length)];
      if (follower >= 0 || down[dc] === 0)
        metrics.localRead(dc, follower, key, sim.now, follower >= 0 && followers.isStale(follower, key));
      nextArrival(LOCAL_READ, dc, rng, readRate, sim.now);
    },
    'read: local',
  );
  if (readRate > 0) for (let dc = 0; dc < D; dc++) nextArrival(LOCAL_READ, dc, readRngs[dc], readRate, 0);

  // Divergence over time: sampled while anything else is still to happen.
  sim.on(
    SAMPLE,
    () => {
      samples.push({ t_ms: sim.now, divergent_keys: stores.divergentKeys });
      if ((sim.now < cfg.durationMs || sim.pending > 0) && samples.length < MAX_SAMPLES)
        sim.schedule(cfg.divergenceSampleMs, SAMPLE, 0);
    },
    'divergence: sample',
  );
  sim.scheduleAt(0, SAMPLE, 0);

  const onProgress = options.onProgress;
  if (onProgress !== undefined)
    sim.onProgress(PROGRESS_EVERY_EVENTS, () => onProgress(Math.min(1, sim.now / cfg.durationMs)));
  const t0 = performance.now();
  sim.run();
  const t1 = performance.now();
  onProgress?.(1);
  const run = metrics.finish({ sim, stores, samples, counters, followers });
  run.wallMs = { simulate: t1 - t0, metrics: performance.now() - t1 };
  return run;
}

/** The writes between their arrival and their acknowledgement, in slots reused afterwards (the events name the slot). */
class WritesInFlight {
  readonly id: number[] = [];
  readonly key: number[] = [];
  readonly arrivalNode: number[] = [];
  readonly invokeMs: number[] = [];
  private readonly free: number[] = [];

  add(id: number, key: number, arrivalNode: number, invokeMs: number): number {
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.id.length;
    this.id[slot] = id;
    this.key[slot] = key;
    this.arrivalNode[slot] = arrivalNode;
    this.invokeMs[slot] = invokeMs;
    return slot;
  }

  remove(slot: number): void {
    this.free.push(slot);
  }
}

/**
 * The versions on their way between leaders, in slots (the replication messages' payload) held
 * once per message naming them and reused when the last one is delivered.
 */
class VersionsInFlight {
  readonly version: (Version<StoredWrite> | undefined)[] = [];
  readonly key: number[] = [];
  /** The node whose write it is, or a device's home datacenter: where the topology's forwarding starts. */
  readonly root: number[] = [];
  private readonly refs: number[] = [];
  private readonly free: number[] = [];

  /** A new version, not yet held. */
  add(version: Version<StoredWrite>, key: number, root: number): number {
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.version.length;
    this.version[slot] = version;
    this.key[slot] = key;
    this.root[slot] = root;
    this.refs[slot] = 1; // held by the caller until its sends are done
    return slot;
  }

  hold(slot: number): void {
    this.refs[slot]++;
  }

  release(slot: number): void {
    if (--this.refs[slot] > 0) return;
    this.version[slot] = undefined;
    this.free.push(slot);
  }
}

/**
 * {@link runMultiLeaderSummary}'s result: {@link runMultiLeaderWithHistory}'s, without the history.
 *
 * @param config - any subset of {@link MultiLeaderConfig}
 * @param seed - seed of every random stream
 * @example
 * runMultiLeader({ datacenters: 3, topology: 'ring', resolution: 'merge' }, 1).acked_writes_lost; // 0
 */
export function runMultiLeader(
  config: Partial<MultiLeaderConfig>,
  seed: number,
  options: MultiLeaderRunOptions = {},
): MultiLeaderRun['result'] {
  return simulate(config, seed, options).result;
}
