import { NO_EVENT, type EventId } from './event-queue.js';
import type { Simulation } from './simulation.js';

/** Reacts to a node's own (local) event: a timer, a disk write completing, a periodic task. */
export type LocalHandler = (node: number, a: number, b: number, c: number) => void;

/** Told when a node crashes or recovers, at the simulation's current time. */
export type NodeListener = (node: number, timeMs: number) => void;

/**
 * The up/down state of nodes 0..n-1 under crash-recovery faults, and the node-local events that die
 * with a crash.
 *
 * A crash is a process failure: the node stops handling anything, and every timer it had set is
 * gone, also after it recovers (the restarted process starts with no timers, which is what makes
 * timeouts and elections after a restart realistic). Each crash and each recovery starts a new
 * incarnation; a local event scheduled with {@link schedule} carries the incarnation it was
 * scheduled in and is discarded on arrival if the node has moved on. This costs one comparison per
 * event and no bookkeeping at crash time, however many timers were pending.
 *
 * Messages are the network's business: a {@link Network} given these nodes drops messages that
 * arrive while the receiver is down.
 *
 * @example
 * const TIMEOUT = 3;
 * const nodes = new Nodes(sim, 5);
 * nodes.on(TIMEOUT, (node) => startElection(node));
 * nodes.schedule(2, 150, TIMEOUT);   // node 2's election timer
 * nodes.crash(2);                    // the timer will never fire, not even after recover(2)
 */
export class Nodes {
  /** Number of nodes; ids are 0..size-1. */
  readonly size: number;
  private readonly sim: Simulation;
  private readonly up: Uint8Array;
  private readonly incarnations: Int32Array;
  private readonly crashListeners: NodeListener[] = [];
  private readonly recoverListeners: NodeListener[] = [];
  private discardedCount = 0;
  private upNodes: number;

  /**
   * @param sim - the simulation the nodes live in (the nodes reset with it: all up, incarnation 0)
   * @param size - number of nodes
   */
  constructor(sim: Simulation, size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`number of nodes must be an integer >= 1, got ${size}`);
    }
    this.sim = sim;
    this.size = size;
    this.up = new Uint8Array(size).fill(1);
    this.incarnations = new Int32Array(size);
    this.upNodes = size;
    sim.onReset(() => this.reset());
  }

  /** Whether the node is running. */
  isUp(node: number): boolean {
    return this.up[node] === 1;
  }

  /** Number of nodes currently up. */
  get upCount(): number {
    return this.upNodes;
  }

  /**
   * The node's incarnation: 0 at start, +1 at every crash and every recovery
   * (so it is even while the node is up).
   */
  incarnation(node: number): number {
    return this.incarnations[node];
  }

  /** Local events thrown away because their node had crashed since they were scheduled. */
  get discarded(): number {
    return this.discardedCount;
  }

  /**
   * Crashes a node now: it stops handling events and loses its pending timers. Listeners run after
   * the state changed. Returns false (and does nothing) if the node was already down.
   */
  crash(node: number): boolean {
    this.check(node);
    if (this.up[node] === 0) return false;
    this.up[node] = 0;
    this.incarnations[node]++;
    this.upNodes--;
    for (const listener of this.crashListeners) listener(node, this.sim.now);
    return true;
  }

  /**
   * Brings a crashed node back now, as a fresh process (no timers; its durable state is the
   * model's to restore, typically in a recover listener). False if it was already up.
   */
  recover(node: number): boolean {
    this.check(node);
    if (this.up[node] === 1) return false;
    this.up[node] = 1;
    this.incarnations[node]++;
    this.upNodes++;
    for (const listener of this.recoverListeners) listener(node, this.sim.now);
    return true;
  }

  /** Calls `listener` after every crash. */
  onCrash(listener: NodeListener): void {
    this.crashListeners.push(listener);
  }

  /** Calls `listener` after every recovery. */
  onRecover(listener: NodeListener): void {
    this.recoverListeners.push(listener);
  }

  /**
   * Registers the handler of a local event kind. The handler runs only if the node is in the same
   * incarnation as when the event was scheduled; the kind is taken on the simulation.
   */
  on(kind: number, handler: LocalHandler, name?: string): void {
    this.sim.on(
      kind,
      (node, a, b, c, incarnation) => {
        if (incarnation !== this.incarnations[node]) {
          this.discardedCount++;
          return;
        }
        handler(node, a, b, c);
      },
      name,
    );
  }

  /**
   * Schedules a local event of the node `delayMs` from now (a timer). A down node cannot set timers:
   * returns {@link NO_EVENT} then. The handle can be cancelled with `sim.cancel`.
   */
  schedule(node: number, delayMs: number, kind: number, a = 0, b = 0, c = 0): EventId {
    this.check(node);
    if (this.up[node] === 0) return NO_EVENT;
    return this.sim.schedule(delayMs, kind, node, a, b, c, this.incarnations[node]);
  }

  /** All nodes up, incarnations 0, counters zeroed; listeners stay. Called by `sim.reset()`. */
  reset(): void {
    this.up.fill(1);
    this.incarnations.fill(0);
    this.upNodes = this.size;
    this.discardedCount = 0;
  }

  private check(node: number): void {
    if (!(node >= 0 && node < this.size && Number.isInteger(node))) {
      throw new RangeError(`node must be an integer from 0 to ${this.size - 1}, got ${node}`);
    }
  }
}
