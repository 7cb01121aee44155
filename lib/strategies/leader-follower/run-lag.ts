/**
 * Replication lag and read routing: partitioned data, each partition a
 * leader with asynchronous followers, clients writing to leaders and reading where a routing
 * policy sends them; session anomalies counted by lib/check on the recorded history.
 */
import {
  consistentPrefix,
  HistoryRecorder,
  monotonicReads,
  proportion,
  readYourWrites,
  timestampOrder,
  type CountEstimate,
  type History,
} from '../../check/index.js';
import { deriveStream } from '../../random/index.js';
import { Faults, Network, Nodes, Simulation } from '../../sim/index.js';
import { LogHistogram, type LogHistogramData } from '../../stats/index.js';
import { createWorkload } from '../../workload/index.js';
import { validateLagConfig, type LagConfig, type ResolvedLagConfig } from './lag-config.js';
import { latencySummary, type LatencySummaryMs } from './latency-summary.js';
import { APPEND, CLIENT_WRITE, HEARTBEAT } from './message-kinds.js';

/**
 * What one {@link runLag} measured. The first six names are the stable JSON names of
 * `replilab lag --json`.
 */
export interface LagResult {
  /** Read-your-writes violations, out of reads with an own acknowledged write of the key before them. */
  ryw_violations: number;
  /** Monotonic-read violations, out of reads after an earlier read of the key by the same client. */
  monotonic_read_violations: number;
  /** Consistent-prefix violations, out of reads of a key on which the client had seen a dependent write. */
  consistent_prefix_violations: number;
  /** Share of reads served by a leader. */
  leader_read_share: number;
  /** Replication lag: from an entry's append at the leader to its apply at a follower, over every (entry, follower). */
  lag_ms: LatencySummaryMs;
  /** Read latency at the client (waits included), ms. */
  read_latency_ms: LatencySummaryMs;
  /** Reads and writes completed. */
  reads: number;
  writes: number;
  /** Reads that never returned (a follower crashed while the read waited there). */
  failed_reads: number;
  /** The proportions with counts and Wilson 95% intervals. */
  intervals: {
    ryw_violations: CountEstimate;
    monotonic_read_violations: CountEstimate;
    consistent_prefix_violations: CountEstimate;
    leader_read_share: CountEstimate;
  };
}

/** A run's result with its history, the writes' dependencies (for checks and replays) and its samples. */
export interface LagRun {
  result: LagResult;
  /**
   * The samples the result's latency summaries are computed from (`latencySummary` of each gives
   * `lag_ms` and `read_latency_ms`), as plain data: what a sweep merges to pool quantiles over runs.
   */
  histograms: { lag_ms: LogHistogramData; read_latency_ms: LogHistogramData };
  history: History;
  dependsOn: Map<number, number[]>;
  config: ResolvedLagConfig;
}

const REPLICATE = APPEND;
const CATCH_UP = HEARTBEAT;
const ISSUE = CLIENT_WRITE;
const ARRIVE = CLIENT_WRITE + 1;
const RETURN = CLIENT_WRITE + 2;

/**
 * One run of the replication-lag model, a pure function of (config, seed).
 *
 * Nodes: partition p has leader p (F+1) and followers p (F+1) + 1..F. A write travels to its
 * key's leader (`clientLatency`), is applied there (its log position is its version) and
 * acknowledged back; the leader ships it to each follower (`replicationLatency`), which applies
 * entries in log order. A read is routed when issued, using what the client knows then (its
 * writes' positions once acknowledged, the positions it has read) and, for `'lag-bounded'`, the
 * followers' current lag; it returns the value the node holds when the read arrives. A crashed
 * follower keeps its applied log and is sent the entries it missed when it recovers. Clients
 * never fail. A write answers (depends on) the last write its client read on another key, with
 * probability `replyRatio`.
 *
 * @param config - any subset of {@link LagConfig}
 * @param seed - the seed of every stream
 * @example
 * runLagWithHistory({ routing: 'leader-for-own' }, 1).result.ryw_violations; // 0
 * runLag({ routing: 'random' }, 1).ryw_violations;                          // > 0
 */
export function runLagWithHistory(config: Partial<LagConfig>, seed: number): LagRun {
  const cfg = validateLagConfig(config);
  const F = cfg.followers;
  const P = cfg.partitions;
  const group = F + 1;
  const size = P * group;
  const sim = new Simulation(deriveStream(seed, 0, 0), 1024);
  const nodes = new Nodes(sim, size);
  const net = new Network(sim, { size, delay: cfg.replicationDist, nodes });
  const routeRng = deriveStream(seed, 0, 3);
  const workload = createWorkload(
    {
      clients: cfg.clients,
      arrivals: { kind: 'open', ratePerMs: cfg.ratePerMs },
      writeRatio: cfg.writeRatio,
      keys: cfg.keys,
      zipf: cfg.zipf,
    },
    deriveStream(seed, 0, 1),
  );
  if (cfg.crashDists !== null) {
    const faults = new Faults(sim, nodes, net);
    for (let p = 0; p < P; p++)
      for (let f = 1; f <= F; f++) faults.churn(p * group + f, cfg.crashDists.ttf, cfg.crashDists.ttr);
  }

  // Leaders' logs (append-only here) and every node's state.
  const logs = Array.from({ length: P }, () => ({
    writeIds: [] as number[],
    keys: [] as number[],
    appendMs: [] as number[],
  }));
  const applied = new Int32Array(size);
  const values = Array.from({ length: size }, () => new Map<number, number>());
  const pending = Array.from({ length: size }, () => new Map<number, number>());
  const waiting = Array.from({ length: size }, () => [] as { position: number; read: number }[]);
  const lag = new LogHistogram();
  const readLatency = new LogHistogram();

  // Clients: positions (per partition) of their acknowledged writes and of what they read, written keys, last write, last read write.
  const writePos = new Int32Array(cfg.clients * P);
  const readPos = new Int32Array(cfg.clients * P);
  const written = Array.from({ length: cfg.clients }, () => new Set<number>());
  const lastWriteAck = new Float64Array(cfg.clients).fill(-Infinity);
  const lastReadWrite = new Int32Array(cfg.clients).fill(-1);

  // Reads in flight: client, session, key, invoke time, node.
  const reads: {
    client: number;
    session: number;
    key: number;
    invokeMs: number;
    node: number;
    returned: number;
    position: number;
  }[] = [];
  const writeInfo: { client: number; key: number; position: number }[] = [];
  const history = new HistoryRecorder();
  const dependsOn = new Map<number, number[]>();
  let leaderReads = 0;
  let readsDone = 0;
  let writesDone = 0;
  let issued = 0;
  let readsLost = 0;

  const partitionOf = (key: number) => key % P;
  const leaderOf = (p: number) => p * group;
  const lagOf = (node: number, p: number): number => {
    const log = logs[p];
    return applied[node] >= log.writeIds.length ? 0 : sim.now - log.appendMs[applied[node]];
  };
  const randomUpFollower = (p: number, accept: (node: number) => boolean = () => true): number => {
    const candidates: number[] = [];
    for (let f = 1; f <= F; f++) {
      const node = p * group + f;
      if (nodes.isUp(node) && accept(node)) candidates.push(node);
    }
    return candidates.length === 0 ? leaderOf(p) : candidates[routeRng.nextInt(candidates.length)];
  };

  const route = (client: number, key: number): number => {
    const p = partitionOf(key);
    switch (cfg.routing) {
      case 'random':
        return randomUpFollower(p);
      case 'sticky': {
        for (let i = 0; i < F; i++) {
          const node = p * group + 1 + ((client + i) % F);
          if (nodes.isUp(node)) return node;
        }
        return leaderOf(p);
      }
      case 'leader-for-own':
        return written[client].has(key) ? leaderOf(p) : randomUpFollower(p);
      case 'leader-window':
        return sim.now - lastWriteAck[client] < cfg.windowMs ? leaderOf(p) : randomUpFollower(p);
      case 'client-position': {
        const node = randomUpFollower(p);
        const need = Math.max(writePos[client * P + p], readPos[client * P + p]);
        return cfg.positionWait || applied[node] >= need || node === leaderOf(p) ? node : leaderOf(p);
      }
      case 'lag-bounded':
        return randomUpFollower(p, (node) => lagOf(node, p) <= cfg.maxLagMs);
    }
  };

  const applyEntry = (node: number, p: number, position: number): void => {
    const log = logs[p];
    values[node].set(log.keys[position - 1], log.writeIds[position - 1]);
    applied[node] = position;
    lag.record(sim.now - log.appendMs[position - 1]);
  };
  const drain = (node: number, p: number): void => {
    const buffer = pending[node];
    while (buffer.has(applied[node] + 1)) {
      const position = applied[node] + 1;
      buffer.delete(position);
      applyEntry(node, p, position);
    }
    const queue = waiting[node];
    for (let i = queue.length - 1; i >= 0; i--) {
      if (queue[i].position <= applied[node]) {
        const { read } = queue[i];
        queue.splice(i, 1);
        serveRead(read);
      }
    }
  };
  net.on(
    REPLICATE,
    (to, _from, position) => {
      if (position <= applied[to]) return;
      pending[to].set(position, 1);
      drain(to, Math.floor(to / group));
    },
    'replicate',
  );
  net.on(
    CATCH_UP,
    (to, _from, fromPosition, toPosition) => {
      for (let i = Math.max(fromPosition, applied[to] + 1); i <= toPosition; i++) pending[to].set(i, 1);
      drain(to, Math.floor(to / group));
    },
    'catch up',
  );
  nodes.onCrash((node) => {
    pending[node].clear();
    for (let i = 0; i < waiting[node].length; i++) lostRead(); // reads waiting there are lost with it
    waiting[node].length = 0;
  });
  nodes.onRecover((node) => {
    const p = Math.floor(node / group);
    net.send(leaderOf(p), node, CATCH_UP, applied[node] + 1, logs[p].writeIds.length);
  });

  function serveRead(read: number): void {
    const r = reads[read];
    const v = values[r.node].get(r.key);
    r.returned = v ?? -1;
    r.position = r.node % group === 0 ? logs[partitionOf(r.key)].writeIds.length : applied[r.node];
    sim.schedule(cfg.clientDist.sample(sim.rng), RETURN, read, 0);
  }

  // One operation is drawn ahead: the workload hands them out in time order.
  let next = { ...workload.next() };
  function scheduleNext(): void {
    sim.scheduleAt(Math.max(sim.now, next.timeMs), ISSUE, 0);
  }
  sim.on(
    ISSUE,
    () => {
      const op = next;
      if (issued + 1 < cfg.ops) next = { ...workload.next() };
      const { client, session, key } = op;
      if (op.op === 'write') {
        const id = op.writeId;
        history.write({ id, client, session, key, invokeMs: op.timeMs });
        if (lastReadWrite[client] >= 0 && routeRng.nextDouble() < cfg.replyRatio) {
          const question = lastReadWrite[client];
          if (writeInfo[question].key !== key) dependsOn.set(id, [question]);
        }
        writeInfo[id] = { client, key, position: 0 };
        sim.schedule(cfg.clientDist.sample(sim.rng), ARRIVE, id, 1);
      } else {
        const node = route(client, key);
        if (node % group === 0) leaderReads++;
        reads.push({ client, session, key, invokeMs: op.timeMs, node, returned: -1, position: 0 });
        sim.schedule(cfg.clientDist.sample(sim.rng), ARRIVE, reads.length - 1, 0);
      }
      if (++issued < cfg.ops) scheduleNext();
    },
    'issue',
  );

  sim.on(
    ARRIVE,
    (index, isWrite) => {
      if (isWrite === 1) {
        const info = writeInfo[index];
        const p = partitionOf(info.key);
        const log = logs[p];
        log.writeIds.push(index);
        log.keys.push(info.key);
        log.appendMs.push(sim.now);
        const position = log.writeIds.length;
        info.position = position;
        const leader = leaderOf(p);
        values[leader].set(info.key, index);
        applied[leader] = position;
        history.version(index, { timestamp: position });
        for (let f = 1; f <= F; f++) net.send(leader, leader + f, REPLICATE, position);
        sim.schedule(cfg.clientDist.sample(sim.rng), RETURN, index, 1);
        return;
      }
      const r = reads[index];
      if (!nodes.isUp(r.node)) {
        // lost: the client never hears back
        lostRead();
        return;
      }
      const need = Math.max(
        writePos[r.client * P + partitionOf(r.key)],
        readPos[r.client * P + partitionOf(r.key)],
      );
      if (
        cfg.routing === 'client-position' &&
        cfg.positionWait &&
        applied[r.node] < need &&
        r.node % group !== 0
      ) {
        waiting[r.node].push({ position: need, read: index });
        return;
      }
      serveRead(index);
    },
    'arrive',
  );

  sim.on(
    RETURN,
    (index, isWrite) => {
      if (isWrite === 1) {
        const info = writeInfo[index];
        history.ack(index, sim.now);
        const slot = info.client * P + partitionOf(info.key);
        writePos[slot] = Math.max(writePos[slot], info.position);
        written[info.client].add(info.key);
        lastWriteAck[info.client] = sim.now;
        writesDone++;
      } else {
        const r = reads[index];
        history.read({
          client: r.client,
          session: r.session,
          key: r.key,
          invokeMs: r.invokeMs,
          returnMs: sim.now,
          returned: r.returned < 0 ? [] : [r.returned],
        });
        readLatency.record(sim.now - r.invokeMs);
        const slot = r.client * P + partitionOf(r.key);
        readPos[slot] = Math.max(readPos[slot], r.position);
        if (r.returned >= 0) lastReadWrite[r.client] = r.returned;
        readsDone++;
      }
      if (readsDone + writesDone + readsLost === cfg.ops) sim.stop();
    },
    'return',
  );
  function lostRead(): void {
    readsLost++;
    if (readsDone + writesDone + readsLost === cfg.ops) sim.stop();
  }

  scheduleNext();
  sim.run();

  for (let p = 0; p < P; p++) for (const [key, id] of values[leaderOf(p)]) history.final(key, [id]);
  const h = history.history();
  const ryw = readYourWrites(h, timestampOrder).violations;
  const mr = monotonicReads(h, timestampOrder).violations;
  const cp = consistentPrefix(h, dependsOn, timestampOrder).violations;
  const share = { count: leaderReads, of: reads.length };
  const rate = (c: { count: number; of: number }) => (c.of === 0 ? 0 : c.count / c.of);
  const result: LagResult = {
    ryw_violations: rate(ryw),
    monotonic_read_violations: rate(mr),
    consistent_prefix_violations: rate(cp),
    leader_read_share: rate(share),
    lag_ms: latencySummary(lag),
    read_latency_ms: latencySummary(readLatency),
    reads: readsDone,
    writes: writesDone,
    failed_reads: readsLost,
    intervals: {
      ryw_violations: proportion(ryw),
      monotonic_read_violations: proportion(mr),
      consistent_prefix_violations: proportion(cp),
      leader_read_share: proportion(share),
    },
  };
  return {
    result,
    histograms: { lag_ms: lag, read_latency_ms: readLatency },
    history: h,
    dependsOn,
    config: cfg,
  };
}

/**
 * {@link runLagWithHistory} without the history.
 *
 * @example
 * runLag({ routing: 'sticky' }, 1).monotonic_read_violations; // 0 while followers do not fail
 */
export function runLag(config: Partial<LagConfig>, seed: number): LagResult {
  return runLagWithHistory(config, seed).result;
}
