/**
 * Latency spikes on one node's outgoing link: a fault of their own, beside crashes, pauses and
 * partitions.
 *
 * Why the leader's outgoing messages only, and not its incoming ones: a stop-the-world GC pause
 * stops the process; it neither handles nor sends anything, its timers stall, and when it resumes
 * it handles everything that queued up at once (Kleppmann, Designing Data-Intensive Applications,
 * 2017, ch. 8, "Process Pauses"; that is the `pause` fault, {@link PauseGate}). A congested link
 * is the opposite: the process runs, keeps taking writes and sends on schedule, but its packets
 * sit in a queue (a full switch or NIC buffer, TCP waiting out a retransmission timeout) and
 * arrive late: DDIA ch. 8, "Network congestion and queueing"; J. Gettys and K. Nichols,
 * "Bufferbloat: Dark Buffers in the Internet", CACM 55(1), 2012, report queueing delays of
 * hundreds of ms to seconds. For a leader the queue that fills is its egress: it sends every
 * entry to each of its followers plus heartbeats, and receives only small acknowledgements. So a
 * spike here delays every message the node sends (heartbeats, appends, answers to vote requests),
 * while what it receives (acks, a newer term) arrives on time: the followers and the coordinator
 * see a silent leader exactly as they would a paused one, but the leader keeps working.
 *
 * A queue delays consecutive packets by about the same amount and TCP delivers them in order, so
 * a spike has one extra delay for all the messages sent during it (a standing queue), drawn once
 * per spike. Independent per-message delays (a `--latency` mixture) do not model a spike: a
 * failure detector waits for the earliest of many heartbeats, and independent draws almost never
 * delay them all. Messages sent after the spike are not held behind the spike's (no head-of-line
 * blocking), so the spike's effect on detection ends with its window.
 */
import { NO_EVENT, Network, type EventId, type NetworkOptions, type Simulation } from '../../sim/index.js';
import { SPIKE_DEPARTURE } from './message-kinds.js';

/**
 * A {@link Network} in which one node's outgoing messages can be held back by a latency spike:
 * while the spike lasts, each message the node sends waits `extraMs` in its egress queue, then
 * crosses the link with the link's own delay. Without a spike it is the plain network, with the
 * same random draws.
 *
 * @example
 * const net = new EgressSpikeNetwork(sim, { size: 5, delay: constant(1) });
 * net.startSpike(0, 400);   // from now on node 0's messages arrive 400 ms late
 * net.send(0, 1, PING);     // delivered at now + 401
 * net.endSpike();           // messages sent from now on are on time again
 */
export class EgressSpikeNetwork extends Network {
  private spikingNode = -1;
  private extraMs = 0;
  private nextHeld = 0;
  private readonly held = new Map<
    number,
    [from: number, to: number, kind: number, a: number, b: number, c: number]
  >();
  private readonly clock: Simulation;

  constructor(sim: Simulation, options: NetworkOptions) {
    super(sim, options);
    this.clock = sim;
    sim.on(SPIKE_DEPARTURE, (_target, id) => this.depart(id), 'spike departure');
    sim.onReset(() => {
      this.spikingNode = -1;
      this.held.clear();
    });
  }

  /** From now on every message `node` sends leaves `extraMs` later (one spike at a time). */
  startSpike(node: number, extraMs: number): void {
    if (!(extraMs >= 0 && extraMs < Infinity))
      throw new RangeError(`spike delay must be a finite number >= 0 ms, got ${extraMs}`);
    this.spikingNode = node;
    this.extraMs = extraMs;
  }

  /** Ends the spike: messages sent from now on leave at once (those held still wait out their delay). */
  endSpike(): void {
    this.spikingNode = -1;
  }

  /** Whether `node`'s outgoing messages are being held now. */
  isSpiking(node: number): boolean {
    return node === this.spikingNode;
  }

  /**
   * Sends a message now; during a spike of the sender it leaves the egress queue `extraMs` later,
   * and the link's checks (partition, loss, a down sender) and delay apply then. A held message
   * returns {@link NO_EVENT}: its delivery event does not exist yet.
   */
  override send(from: number, to: number, kind: number, a = 0, b = 0, c = 0): EventId {
    if (from !== this.spikingNode) return super.send(from, to, kind, a, b, c);
    const id = this.nextHeld++;
    this.held.set(id, [from, to, kind, a, b, c]);
    this.clock.schedule(this.extraMs, SPIKE_DEPARTURE, 0, id);
    return NO_EVENT;
  }

  private depart(id: number): void {
    const m = this.held.get(id);
    if (m === undefined) return;
    this.held.delete(id);
    super.send(m[0], m[1], m[2], m[3], m[4], m[5]);
  }
}
