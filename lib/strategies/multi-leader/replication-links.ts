import type { LatencyDistribution } from '../../latency/index.js';
import type { RandomStream } from '../../random/index.js';
import { NO_EVENT, type EventId, type Simulation } from '../../sim/index.js';

/** Queue entries passed by a link's head that make the queue drop them (a queue that never empties). */
const COMPACT_AT = 1024;

/** Receives a delivered replication message: receiver, sender, and the payload index given to {@link ReplicationLinks.send}. */
export type DeliveryHandler = (to: number, from: number, payload: number) => void;

/**
 * Asynchronous replication streams between leaders: one directed link per pair that
 * communicates, each with its own delay distribution, optionally FIFO, held while an end is down.
 *
 * Why not lib/sim's Network: replication between datacenters is log shipping, which neither drops
 * nor reorders on one stream, and which resumes where it stopped when a datacenter or an offline
 * device comes back (MySQL binlog positions, PostgreSQL replication slots, CouchDB checkpoints).
 * Network models a lossy datagram service with independent delays; this models the stream:
 * - FIFO (`fifo: true`): a message arrives no earlier than the one sent before it on the same link
 *   (its arrival is the later of its own draw and its predecessor's arrival), as over TCP.
 *   Without FIFO each message keeps its own draw, so messages overtake each other.
 * - A link is up while both ends are up. A message sent on a down link waits in the sender's
 *   queue; when an end goes down, messages still in transit on its links return to the queue
 *   (they count as not yet shipped: the replication lag is at the sender). When the link comes
 *   back, the queue is shipped again in order, each with a fresh delay.
 * Nothing is ever lost: every message is delivered once both ends are up long enough.
 *
 * @example
 * const links = new ReplicationLinks(sim, 2, [null, constant(50), constant(50), null], true, KIND,
 *   (to, from, payload) => console.log(`${from} -> ${to}: ${payload} at ${sim.now}`));
 * links.send(0, 1, 7);   // arrives at 50 ms
 * links.setUp(1, false); // ... unless node 1 goes down first: then it waits for node 1's return
 */
export class ReplicationLinks {
  private readonly up: Uint8Array;
  /** Per link (from * nodes + to): message ids not yet delivered, in send order (a queue with a head index). */
  private readonly queues: (number[] | undefined)[];
  private readonly heads: Int32Array;
  private readonly lastArrival: Float64Array;
  private readonly msgFrom: number[] = [];
  private readonly msgTo: number[] = [];
  private readonly msgPayload: number[] = [];
  private readonly msgEvent: EventId[] = [];
  private readonly msgDelivered: number[] = [];
  /** Message ids free for reuse: delivered, and passed by their link's queue head. */
  private readonly freeIds: number[] = [];
  private undelivered = 0;
  private readonly kind: number;

  /**
   * @param sim - the simulation
   * @param nodes - node count
   * @param delays - delays[from * nodes + to]: the link's one-way delay (null: no link)
   * @param fifo - whether each link delivers in send order
   * @param kind - the event kind to use for deliveries (registered here)
   * @param deliver - called at each delivery
   * @param rng - the stream delays are drawn from (default: the simulation's)
   */
  constructor(
    private readonly sim: Simulation,
    private readonly nodes: number,
    private readonly delays: readonly (LatencyDistribution | null)[],
    private readonly fifo: boolean,
    kind: number,
    private readonly deliver: DeliveryHandler,
    private readonly rng: RandomStream = sim.rng,
  ) {
    this.up = new Uint8Array(nodes).fill(1);
    this.queues = new Array<number[] | undefined>(nodes * nodes);
    this.heads = new Int32Array(nodes * nodes);
    this.lastArrival = new Float64Array(nodes * nodes).fill(-Infinity);
    this.kind = kind;
    sim.on(kind, (to, id) => this.arrive(to, id), 'replication: deliver');
  }

  /** Messages sent and not yet delivered (queued or in transit). */
  get pending(): number {
    return this.undelivered;
  }

  /** Whether `node` is up. */
  isUp(node: number): boolean {
    return this.up[node] === 1;
  }

  /**
   * Sends `payload` from `from` to `to` on their link (which must exist).
   *
   * @example
   * links.send(0, 2, versionIndex);
   */
  send(from: number, to: number, payload: number): void {
    const link = from * this.nodes + to;
    if (this.delays[link] === null) throw new Error(`no replication link from ${from} to ${to}`);
    const id = this.freeIds.length > 0 ? (this.freeIds.pop() as number) : this.msgFrom.length;
    this.msgFrom[id] = from;
    this.msgTo[id] = to;
    this.msgPayload[id] = payload;
    this.msgEvent[id] = NO_EVENT;
    this.msgDelivered[id] = 0;
    (this.queues[link] ??= []).push(id);
    this.undelivered++;
    if (this.up[from] === 1 && this.up[to] === 1) this.ship(link, id);
  }

  /**
   * Brings `node` up or down. Down: messages in transit on its links go back to their queues.
   * Up: every queue on its links whose other end is up ships again, in order.
   */
  setUp(node: number, up: boolean): void {
    if ((this.up[node] === 1) === up) return;
    this.up[node] = up ? 1 : 0;
    for (let other = 0; other < this.nodes; other++) {
      if (other === node) continue;
      for (const link of [node * this.nodes + other, other * this.nodes + node]) {
        if (this.delays[link] === null) continue;
        if (!up) this.recall(link);
        else if (this.up[other] === 1) this.resume(link);
      }
    }
  }

  private ship(link: number, id: number): void {
    let at = this.sim.now + (this.delays[link] as LatencyDistribution).sample(this.rng);
    if (this.fifo) {
      if (at < this.lastArrival[link]) at = this.lastArrival[link];
      this.lastArrival[link] = at;
    }
    this.msgEvent[id] = this.sim.scheduleAt(at, this.kind, this.msgTo[id], id);
  }

  private recall(link: number): void {
    const q = this.queues[link];
    if (q === undefined) return;
    for (let i = this.heads[link]; i < q.length; i++) {
      const id = q[i];
      if (this.msgDelivered[id] === 0 && this.msgEvent[id] !== NO_EVENT) {
        this.sim.cancel(this.msgEvent[id]);
        this.msgEvent[id] = NO_EVENT;
      }
    }
    this.lastArrival[link] = -Infinity;
  }

  private resume(link: number): void {
    const q = this.queues[link];
    if (q === undefined) return;
    for (let i = this.heads[link]; i < q.length; i++) {
      const id = q[i];
      if (this.msgDelivered[id] === 0 && this.msgEvent[id] === NO_EVENT) this.ship(link, id);
    }
  }

  private arrive(to: number, id: number): void {
    const from = this.msgFrom[id];
    const payload = this.msgPayload[id];
    this.msgDelivered[id] = 1;
    this.msgEvent[id] = NO_EVENT;
    this.undelivered--;
    const link = from * this.nodes + to;
    const q = this.queues[link] as number[];
    let h = this.heads[link];
    // Messages the head passes are delivered and named nowhere else: their ids are reused.
    while (h < q.length && this.msgDelivered[q[h]] === 1) this.freeIds.push(q[h++]);
    if (h === q.length) {
      q.length = 0;
      h = 0;
    } else if (h >= COMPACT_AT && 2 * h >= q.length) {
      // A link that never drains (steady traffic) drops its passed entries now and then.
      q.copyWithin(0, h);
      q.length -= h;
      h = 0;
    }
    this.heads[link] = h;
    this.deliver(to, from, payload);
  }
}
