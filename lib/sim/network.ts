import type { RandomStream } from '../random/index.js';
import type { LatencyDistribution } from '../latency/distribution.js';
import { NO_EVENT, type EventId } from './event-queue.js';
import type { Nodes } from './nodes.js';
import { MAX_EVENT_KIND, type Simulation } from './simulation.js';

/**
 * Reacts to a delivered message: receiver, sender and three numeric arguments
 * (a version, a key, a term: the protocol's choice).
 */
export type MessageHandler = (to: number, from: number, a: number, b: number, c: number) => void;

/** Why a message never arrived. */
export type DropReason = 'partition' | 'loss' | 'receiverDown' | 'senderDown';

/**
 * Message counts since the last reset. Every send ends up delivered, dropped for one reason, or still
 * in flight: `sent = delivered + dropped + inFlight`. Counted per reason, because "the read
 * timed out" means something different under a partition than under random loss.
 *
 * @example
 * sim.run();
 * const { sent, delivered, loss, partition } = net.counters;
 * net.counters.droppedFor('receiverDown');
 */
export class NetworkCounters {
  /** Calls to `send`. */
  sent = 0;
  /** Messages handed to their handler. */
  delivered = 0;
  /** Refused at send time because the link was cut by a partition. */
  partition = 0;
  /** Lost at random (the loss probability of the link). */
  loss = 0;
  /** Arrived while the receiver was down. */
  receiverDown = 0;
  /** Sent by a node that was down (a model bug or a zombie, counted rather than thrown). */
  senderDown = 0;

  /** All drops, whatever the reason. */
  get dropped(): number {
    return this.partition + this.loss + this.receiverDown + this.senderDown;
  }

  /** Drops for one reason. */
  droppedFor(reason: DropReason): number {
    return this[reason];
  }

  /** Messages sent and neither delivered nor dropped yet. */
  get inFlight(): number {
    return this.sent - this.delivered - this.dropped;
  }

  /** Zeroes every count. */
  clear(): void {
    this.sent = this.delivered = this.partition = this.loss = this.receiverDown = this.senderDown = 0;
  }
}

/** How a {@link Network} starts out. */
export interface NetworkOptions {
  /** Number of endpoints; node ids are 0..size-1. */
  size: number;
  /** Delay of any message without a more specific rule, in ms. */
  delay: LatencyDistribution;
  /** Probability that a message is lost, on every link without its own (default 0). */
  loss?: number;
  /**
   * Node states, when nodes can crash: messages to a node that is down when they arrive are
   * dropped, and messages from a down node are never sent. Must have the same size.
   */
  nodes?: Nodes;
  /**
   * The stream this network's loss and delay draws come from (default: the simulation's). A second
   * network on the same simulation with its own stream (a monitoring connection beside the
   * replication one) then adds its traffic without shifting any draw of the first.
   */
  rng?: RandomStream;
}

/**
 * A point-to-point message network between nodes 0..n-1 with random delays, random loss and
 * partitions, on top of a {@link Simulation}.
 *
 * Each message's delay is an independent draw from the most specific rule that applies:
 * (link, kind) override > link override > kind default > network default. Links are directional
 * (A->B may be slower than B->A), and a kind-specific rule lets one protocol's messages differ from
 * another's on the same wire, as the W, A, R and S legs of a quorum do.
 *
 * Faults follow what a sender and a receiver could observe: a partition cuts links at send time
 * (the message never leaves), loss is drawn at send time, and a receiver that is down when the
 * message arrives never sees it. Messages do not wait for a partition to heal. Random draws happen
 * in a fixed order per send (loss, if its probability is above 0, then delay), so a run is
 * reproducible and a zero loss probability leaves the random sequence untouched.
 *
 * Message kinds are event kinds: register their handlers here with {@link on}, not on the
 * simulation. The kernel's fourth event argument carries the sender.
 *
 * @example
 * const PING = 0, PONG = 1;
 * const net = new Network(sim, { size: 3, delay: exponential(1) });
 * net.setLinkDelay(0, 2, constant(50));            // 0 -> 2 is a slow link
 * net.on(PING, (to, from) => net.send(to, from, PONG));
 * net.on(PONG, (to, from) => console.log(`${from} answered at ${sim.now}`));
 * net.send(0, 1, PING);
 * net.partition([0], [1, 2]);                     // later sends between the sides are dropped
 */
export class Network {
  /** Number of endpoints. */
  readonly size: number;
  /** Message counts since the last reset. */
  readonly counters = new NetworkCounters();
  private readonly sim: Simulation;
  private readonly nodes: Nodes | null;
  /** The network's own stream, or null to draw from the simulation's. */
  private readonly ownRng: RandomStream | null;
  private defaultDelay: LatencyDistribution;
  private readonly kindDelay: (LatencyDistribution | undefined)[] = [];
  private readonly linkDelay: (LatencyDistribution | undefined)[];
  /** Per link, per kind overrides; undefined for links that have none. */
  private readonly linkKindDelay: ((LatencyDistribution | undefined)[] | undefined)[];
  private defaultLoss: number;
  /** Per-link loss probability, NaN where the default applies. */
  private readonly linkLoss: Float64Array;
  private linkLossCount = 0;
  /** Number of partitions cutting each directional link (a link is cut while > 0). */
  private readonly cuts: Uint16Array;
  private readonly partitions = new Map<number, { a: readonly number[]; b: readonly number[] }>();
  private nextPartition = 1;
  /** Extra delay of every message to a node (a slow node), undefined for most. */
  private readonly nodeDelay: (LatencyDistribution | undefined)[] = [];
  private nodeDelayCount = 0;

  /**
   * @param sim - the simulation carrying the messages (the network resets with it: partitions
   *   healed, counters zeroed; delay and loss settings stay)
   */
  constructor(sim: Simulation, options: NetworkOptions) {
    const { size, delay, loss = 0, nodes, rng } = options;
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`network size must be an integer >= 1, got ${size}`);
    }
    if (nodes !== undefined && nodes.size !== size) {
      throw new RangeError(`network size ${size} differs from the number of nodes ${nodes.size}`);
    }
    checkProbability(loss);
    this.sim = sim;
    this.size = size;
    this.nodes = nodes ?? null;
    this.ownRng = rng ?? null;
    this.defaultDelay = delay;
    this.defaultLoss = loss;
    this.linkDelay = new Array<LatencyDistribution | undefined>(size * size).fill(undefined);
    this.linkKindDelay = new Array<(LatencyDistribution | undefined)[] | undefined>(size * size).fill(
      undefined,
    );
    this.linkLoss = new Float64Array(size * size).fill(NaN);
    this.cuts = new Uint16Array(size * size);
    sim.onReset(() => this.reset());
  }

  /**
   * Registers the handler of a message kind (taking that kind on the simulation). The handler runs
   * when a message of this kind arrives at a node that is up; `dropped`, if given, when it arrives
   * at a node that is down (e.g. to release what the message named).
   */
  on(kind: number, handler: MessageHandler, name?: string, dropped?: MessageHandler): void {
    const nodes = this.nodes;
    const counters = this.counters;
    this.sim.on(
      kind,
      (to, a, b, c, from) => {
        if (nodes !== null && !nodes.isUp(to)) {
          counters.receiverDown++;
          if (dropped !== undefined) dropped(to, from, a, b, c);
          return;
        }
        counters.delivered++;
        handler(to, from, a, b, c);
      },
      name,
    );
  }

  /**
   * Sends a message now. Returns the delivery event's handle, or {@link NO_EVENT} if the message was
   * dropped at send time (cut link, loss, down sender).
   */
  send(from: number, to: number, kind: number, a = 0, b = 0, c = 0): EventId {
    const n = this.size;
    if (!(from >= 0 && from < n && to >= 0 && to < n)) {
      throw new RangeError(`message ${from} -> ${to}: node ids must be from 0 to ${n - 1}`);
    }
    const counters = this.counters;
    counters.sent++;
    const link = from * n + to;
    if (this.nodes !== null && !this.nodes.isUp(from)) {
      counters.senderDown++;
      return NO_EVENT;
    }
    if (this.cuts[link] !== 0) {
      counters.partition++;
      return NO_EVENT;
    }
    const rng = this.ownRng ?? this.sim.rng;
    let loss = this.defaultLoss;
    if (this.linkLossCount !== 0) {
      const own = this.linkLoss[link];
      if (own === own) loss = own; // not NaN
    }
    if (loss > 0 && rng.nextDouble() < loss) {
      counters.loss++;
      return NO_EVENT;
    }
    let delay = this.resolveDelay(link, kind).sample(rng);
    if (this.nodeDelayCount !== 0) {
      const extra = this.nodeDelay[to];
      if (extra !== undefined) delay += extra.sample(rng);
    }
    return this.sim.schedule(delay, kind, to, a, b, c, from);
  }

  /**
   * The distribution a message of `kind` from `from` to `to` would be delayed by, after applying
   * the precedence (link, kind) > link > kind > default.
   */
  delayFor(from: number, to: number, kind: number): LatencyDistribution {
    this.checkLink(from, to);
    return this.resolveDelay(from * this.size + to, kind);
  }

  /**
   * Makes `node` slow: every message to it arrives an extra delay later, drawn from `dist` after
   * the link's own delay (a queue or a slow disk in front of its handlers: requests are applied
   * and answered late). `undefined` makes it normal again. Other nodes' draws are unchanged.
   */
  setNodeDelay(node: number, dist: LatencyDistribution | undefined): void {
    this.checkNode(node);
    if ((this.nodeDelay[node] === undefined) !== (dist === undefined))
      this.nodeDelayCount += dist === undefined ? -1 : 1;
    this.nodeDelay[node] = dist;
  }

  /** Replaces the delay of messages without a more specific rule. */
  setDefaultDelay(dist: LatencyDistribution): void {
    this.defaultDelay = dist;
  }

  /** Sets (or with `undefined` clears) the delay of every message of one kind, on links without their own rule. */
  setKindDelay(kind: number, dist: LatencyDistribution | undefined): void {
    checkKind(kind);
    while (this.kindDelay.length <= kind) this.kindDelay.push(undefined);
    this.kindDelay[kind] = dist;
  }

  /**
   * Sets (or with `undefined` clears) the delay of the directional link `from -> to`: for every
   * kind, or, when `kind` is given, for that kind only (which then beats the all-kinds rule).
   */
  setLinkDelay(from: number, to: number, dist: LatencyDistribution | undefined, kind?: number): void {
    this.checkLink(from, to);
    const link = from * this.size + to;
    if (kind === undefined) {
      this.linkDelay[link] = dist;
      return;
    }
    checkKind(kind);
    let perKind = this.linkKindDelay[link];
    if (perKind === undefined) {
      if (dist === undefined) return;
      perKind = [];
      this.linkKindDelay[link] = perKind;
    }
    while (perKind.length <= kind) perKind.push(undefined);
    perKind[kind] = dist;
  }

  /** Sets the loss probability of every link without its own. */
  setLoss(probability: number): void {
    checkProbability(probability);
    this.defaultLoss = probability;
  }

  /** Sets (or with `undefined` clears) the loss probability of the directional link `from -> to`. */
  setLinkLoss(from: number, to: number, probability: number | undefined): void {
    this.checkLink(from, to);
    const link = from * this.size + to;
    const had = this.linkLoss[link] === this.linkLoss[link];
    if (probability === undefined) {
      this.linkLoss[link] = NaN;
      if (had) this.linkLossCount--;
      return;
    }
    checkProbability(probability);
    this.linkLoss[link] = probability;
    if (!had) this.linkLossCount++;
  }

  /**
   * Cuts every link between the two groups, both directions, until healed. Partitions stack: a link
   * cut by two of them stays cut until both heal. Returns a handle for {@link heal}.
   *
   * @example
   * const p = net.partition([0, 1], [2, 3, 4]); // a minority and a majority side
   * net.heal(p);
   */
  partition(groupA: readonly number[], groupB: readonly number[]): number {
    for (const x of groupA) this.checkNode(x);
    for (const y of groupB) this.checkNode(y);
    const a = [...groupA];
    const b = [...groupB];
    this.applyCut(a, b, 1);
    const id = this.nextPartition++;
    this.partitions.set(id, { a, b });
    return id;
  }

  /**
   * Heals one partition (by its handle), or every partition when called without one.
   * Returns false if the handle is unknown or already healed.
   */
  heal(id?: number): boolean {
    if (id === undefined) {
      this.cuts.fill(0);
      const any = this.partitions.size > 0;
      this.partitions.clear();
      return any;
    }
    const p = this.partitions.get(id);
    if (p === undefined) return false;
    this.applyCut(p.a, p.b, -1);
    this.partitions.delete(id);
    return true;
  }

  /** Whether messages from `from` to `to` are currently cut. */
  isCut(from: number, to: number): boolean {
    this.checkLink(from, to);
    return this.cuts[from * this.size + to] !== 0;
  }

  /** Heals all partitions and zeroes the counters; delays and loss settings stay. Called by `sim.reset()`. */
  reset(): void {
    this.heal();
    this.nextPartition = 1;
    this.counters.clear();
  }

  private resolveDelay(link: number, kind: number): LatencyDistribution {
    const perKind = this.linkKindDelay[link];
    if (perKind !== undefined) {
      const d = perKind[kind];
      if (d !== undefined) return d;
    }
    return this.linkDelay[link] ?? this.kindDelay[kind] ?? this.defaultDelay;
  }

  private applyCut(a: readonly number[], b: readonly number[], step: 1 | -1): void {
    const n = this.size;
    for (const x of a) {
      for (const y of b) {
        if (x === y) continue;
        this.cuts[x * n + y] += step;
        this.cuts[y * n + x] += step;
      }
    }
  }

  private checkNode(node: number): void {
    if (!(Number.isInteger(node) && node >= 0 && node < this.size)) {
      throw new RangeError(`node must be an integer from 0 to ${this.size - 1}, got ${node}`);
    }
  }

  private checkLink(from: number, to: number): void {
    this.checkNode(from);
    this.checkNode(to);
  }
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`loss probability must be in [0, 1], got ${p}`);
}

function checkKind(kind: number): void {
  if (!(Number.isInteger(kind) && kind >= 0 && kind <= MAX_EVENT_KIND)) {
    throw new RangeError(`message kind must be an integer from 0 to ${MAX_EVENT_KIND}, got ${kind}`);
  }
}
