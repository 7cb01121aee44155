import type { LatencyDistribution } from '../latency/distribution.js';
import type { RandomStream } from '../random/index.js';
import type { Network } from './network.js';
import type { Nodes } from './nodes.js';
import type { Simulation } from './simulation.js';

/** Bounds of a {@link Faults.churn} process. */
export interface ChurnOptions {
  /** Time the process starts from (default: now). The first failure is one time-to-failure later. */
  startMs?: number;
  /** No failure starts after this time (default: never stops). A failure before it is still repaired. */
  untilMs?: number;
}

/** A {@link Faults.randomPartitions} process: which nodes it may cut off, how many, for how long. */
export interface RandomPartitionOptions {
  /** The nodes the process chooses from (e.g. the servers, not the clients). At least 2. */
  nodes: readonly number[];
  /** How many of them each cut isolates from the rest, 1..nodes.length - 1. */
  isolate: number;
  /** Time from the start (or from the last heal) to the next cut, ms. */
  every: LatencyDistribution;
  /** How long each cut lasts, ms. */
  duration: LatencyDistribution;
  /** The process's own random stream: a seed fixes the cuts whatever the traffic draws. */
  rng: RandomStream;
  /** Asked before each new cut: false ends the process (e.g. once the workload is over). Default: always. */
  active?: () => boolean;
}

interface PartitionPlan {
  readonly a: readonly number[];
  readonly b: readonly number[];
  /** The network's handle while the partition is in force, 0 otherwise. */
  handle: number;
}

/**
 * A fault schedule for one trial: crashes and recoveries at given times, crash-recovery churn drawn
 * from time-to-failure and time-to-repair distributions, and partitions that start and end at
 * given times.
 *
 * Faults are events like any other, so they interleave deterministically with the protocol's
 * messages and timers (a crash at 100 ms lands after the events already queued for 100 ms).
 * Plans are per trial: `sim.reset()` forgets them, so plan again after each reset.
 *
 * @example
 * const faults = new Faults(sim, nodes, net);
 * faults.outage(0, 1000, 5000);                   // the leader is down from 1 s to 6 s
 * faults.partitionAt(2000, 3000, [0, 1], [2, 3, 4]);
 * faults.churn(4, exponential(1 / 60000), exponential(1 / 2000)); // MTTF 60 s, MTTR 2 s
 */
export class Faults {
  private readonly sim: Simulation;
  private readonly nodes: Nodes;
  private readonly network: Network | null;
  private readonly crashKind: number;
  private readonly recoverKind: number;
  private readonly partitionStartKind: number;
  private readonly partitionEndKind: number;
  private readonly plans: PartitionPlan[] = [];
  private readonly timeToFailure: (LatencyDistribution | undefined)[];
  private readonly timeToRepair: (LatencyDistribution | undefined)[];
  private readonly churnUntil: Float64Array;
  private readonly randomCutKind: number;
  private readonly randomHealKind: number;
  private readonly randomProcesses: { options: RandomPartitionOptions; handle: number }[] = [];
  private inForce = 0;
  private lastHeal = 0;

  /**
   * @param network - needed only for partitions
   */
  constructor(sim: Simulation, nodes: Nodes, network?: Network) {
    this.sim = sim;
    this.nodes = nodes;
    this.network = network ?? null;
    this.timeToFailure = new Array<LatencyDistribution | undefined>(nodes.size).fill(undefined);
    this.timeToRepair = new Array<LatencyDistribution | undefined>(nodes.size).fill(undefined);
    this.churnUntil = new Float64Array(nodes.size);
    // Argument a = 1 marks a churn event, whose handler schedules the next phase.
    this.crashKind = sim.addKind('fault: crash', (node, churn) => {
      this.nodes.crash(node);
      if (churn === 1) this.scheduleChurnPhase(node, this.recoverKind, this.timeToRepair[node]);
    });
    this.recoverKind = sim.addKind('fault: recover', (node, churn) => {
      this.nodes.recover(node);
      if (churn === 1) this.scheduleChurnPhase(node, this.crashKind, this.timeToFailure[node]);
    });
    this.partitionStartKind = sim.addKind('fault: partition', (_target, index) => {
      const plan = this.plans[index];
      plan.handle = this.cut(plan.a, plan.b);
    });
    this.partitionEndKind = sim.addKind('fault: heal', (_target, index) => {
      const plan = this.plans[index];
      if (plan.handle !== 0) this.healCut(plan.handle);
      plan.handle = 0;
    });
    this.randomCutKind = sim.addKind('fault: random partition', (_target, index) => {
      const process = this.randomProcesses[index];
      const { nodes: candidates, isolate, duration, rng, active } = process.options;
      if (active !== undefined && !active()) return;
      // A uniformly random subset of `isolate` nodes: a partial Fisher-Yates shuffle.
      const order = [...candidates];
      for (let i = 0; i < isolate; i++) {
        const j = i + rng.nextInt(order.length - i);
        [order[i], order[j]] = [order[j], order[i]];
      }
      process.handle = this.cut(order.slice(0, isolate), order.slice(isolate));
      this.sim.schedule(duration.sample(rng), this.randomHealKind, 0, index);
    });
    this.randomHealKind = sim.addKind('fault: random heal', (_target, index) => {
      const process = this.randomProcesses[index];
      this.healCut(process.handle);
      process.handle = 0;
      this.sim.schedule(process.options.every.sample(process.options.rng), this.randomCutKind, 0, index);
    });
    sim.onReset(() => this.reset());
  }

  /** Crashes `node` at `timeMs` (a no-op if it is down by then). */
  crashAt(node: number, timeMs: number): void {
    this.checkNode(node);
    this.sim.scheduleAt(timeMs, this.crashKind, node);
  }

  /** Recovers `node` at `timeMs` (a no-op if it is up by then). */
  recoverAt(node: number, timeMs: number): void {
    this.checkNode(node);
    this.sim.scheduleAt(timeMs, this.recoverKind, node);
  }

  /** Crashes `node` at `startMs` and recovers it `durationMs` later. */
  outage(node: number, startMs: number, durationMs: number): void {
    if (!(durationMs >= 0)) throw new RangeError(`outage duration must be >= 0 ms, got ${durationMs}`);
    this.crashAt(node, startMs);
    this.recoverAt(node, startMs + durationMs);
  }

  /**
   * Cuts the links between two groups (both directions) from `startMs` until `endMs`
   * (`Infinity`: for the rest of the trial).
   */
  partitionAt(startMs: number, endMs: number, groupA: readonly number[], groupB: readonly number[]): void {
    this.requireNetwork();
    if (!(endMs >= startMs))
      throw new RangeError(`partition end (${endMs} ms) is before its start (${startMs} ms)`);
    for (const node of groupA) this.checkNode(node);
    for (const node of groupB) this.checkNode(node);
    const index = this.plans.length;
    this.plans.push({ a: [...groupA], b: [...groupB], handle: 0 });
    this.sim.scheduleAt(startMs, this.partitionStartKind, 0, index);
    if (endMs !== Infinity) this.sim.scheduleAt(endMs, this.partitionEndKind, 0, index);
  }

  /**
   * Random partitions, one at a time: after a time drawn from `every`, `isolate` nodes drawn
   * uniformly from `nodes` are cut off from the others (both directions) for a time drawn from
   * `duration`; after the heal the next wait begins. Every draw comes from the process's own
   * stream. Links to endpoints not in `nodes` (clients) are never cut.
   *
   * @example
   * faults.randomPartitions({ nodes: [0, 1, 2, 3, 4], isolate: 1, every: exponential(1 / 5000),
   *   duration: exponential(1 / 1000), rng: deriveStream(seed, 0, 40) }); // one node cut off about every 5 s, for about 1 s
   */
  randomPartitions(options: RandomPartitionOptions): void {
    this.requireNetwork();
    const { nodes: candidates, isolate } = options;
    if (candidates.length < 2)
      throw new RangeError(`random partitions need at least 2 nodes, got ${candidates.length}`);
    for (const node of candidates) this.checkNode(node);
    if (new Set(candidates).size !== candidates.length)
      throw new RangeError('random partitions: nodes must be distinct');
    if (!(Number.isInteger(isolate) && isolate >= 1 && isolate < candidates.length)) {
      throw new RangeError(`random partitions isolate 1 to ${candidates.length - 1} nodes, got ${isolate}`);
    }
    const index = this.randomProcesses.length;
    this.randomProcesses.push({ options, handle: 0 });
    this.sim.schedule(options.every.sample(options.rng), this.randomCutKind, 0, index);
  }

  /** Partitions in force now (scheduled and random). */
  get partitionsInForce(): number {
    return this.inForce;
  }

  /** When the last partition healed, ms (0: none has yet). */
  get lastHealMs(): number {
    return this.lastHeal;
  }

  /**
   * Lets `node` fail and recover repeatedly: up for a time drawn from `timeToFailure`, then down
   * for a time drawn from `timeToRepair`, and so on. Each draw is made when the phase begins,
   * from the simulation's stream. While a node churns, the churn process owns its state: combine it
   * with manual crashes of the same node at your own risk.
   */
  churn(
    node: number,
    timeToFailure: LatencyDistribution,
    timeToRepair: LatencyDistribution,
    options: ChurnOptions = {},
  ): void {
    this.checkNode(node);
    const start = options.startMs ?? this.sim.now;
    const until = options.untilMs ?? Infinity;
    if (!(start >= this.sim.now && start < Infinity)) {
      throw new RangeError(`churn start must be finite and >= now (${this.sim.now} ms), got ${start}`);
    }
    this.timeToFailure[node] = timeToFailure;
    this.timeToRepair[node] = timeToRepair;
    this.churnUntil[node] = until;
    const first = start + timeToFailure.sample(this.sim.rng);
    if (first < until) this.sim.scheduleAt(first, this.crashKind, node, 1);
  }

  /** Forgets every plan (pending fault events go with the simulation's queue). Called by `sim.reset()`. */
  reset(): void {
    this.plans.length = 0;
    this.randomProcesses.length = 0;
    this.inForce = 0;
    this.lastHeal = 0;
    this.timeToFailure.fill(undefined);
    this.timeToRepair.fill(undefined);
    this.churnUntil.fill(0);
  }

  private scheduleChurnPhase(node: number, kind: number, dist: LatencyDistribution | undefined): void {
    if (dist === undefined) return;
    const next = this.sim.now + dist.sample(this.sim.rng);
    if (kind === this.crashKind && next >= this.churnUntil[node]) return;
    this.sim.scheduleAt(next, kind, node, 1);
  }

  private cut(a: readonly number[], b: readonly number[]): number {
    this.inForce++;
    return this.requireNetwork().partition(a, b);
  }

  private healCut(handle: number): void {
    this.inForce--;
    this.lastHeal = this.sim.now;
    this.requireNetwork().heal(handle);
  }

  private requireNetwork(): Network {
    if (this.network === null)
      throw new Error('partitions need a network: pass one to new Faults(sim, nodes, network)');
    return this.network;
  }

  private checkNode(node: number): void {
    if (!(Number.isInteger(node) && node >= 0 && node < this.nodes.size)) {
      throw new RangeError(`node must be an integer from 0 to ${this.nodes.size - 1}, got ${node}`);
    }
  }
}
