import { ParameterError } from '../../errors.js';
import type { LatencyDistribution } from '../../latency/distribution.js';
import type { WarsLegs } from '../../latency/wars-legs.js';
import type { RandomStream } from '../../random/index.js';
import { Network, Simulation } from '../../sim/index.js';

/** A partial-quorum configuration under the WARS latency model. */
export interface WarsConfig {
  /** Replicas per key (N). */
  n: number;
  /** Read quorum (R): responses a read waits for, 1..n. */
  r: number;
  /** Write quorum (W): acks a write waits for before it commits, 1..n. */
  w: number;
  /** Delay distributions of the four message legs, optionally with a WAN layout. */
  legs: WarsLegs;
}

/** What one write followed by one read produced. */
export interface WarsTrialOutcome {
  /** The read returned the write's version (or a newer one). */
  consistent: boolean;
  /** From the write's start to its W-th ack, in ms. */
  writeLatencyMs: number;
  /** From the read's start to its R-th response, in ms. */
  readLatencyMs: number;
}

// Message kinds (the model owns its simulation, so fixed numbers are safe).
const WRITE = 0;
const ACK = 1;
const READ = 2;
const RESPONSE = 3;
/** Coordinator-local: the read starts, t ms after commit. */
const READ_START = 4;

/** The version the reference write installs; replicas start at 0 (the older value). */
const WRITTEN_VERSION = 1;

/** A leg crossing to a remote datacenter: the base delay plus a fixed one-way WAN delay. */
class Shifted implements LatencyDistribution {
  readonly kind = 'shifted';
  constructor(private readonly offsetMs: number, private readonly base: LatencyDistribution) {}
  sample(rng: RandomStream): number {
    return this.offsetMs + this.base.sample(rng);
  }
  mean(): number {
    return this.offsetMs + this.base.mean();
  }
  cdf(x: number): number {
    return this.base.cdf(x - this.offsetMs);
  }
  quantile(p: number): number {
    return this.offsetMs + this.base.quantile(p);
  }
  toString(): string {
    return `shifted(${this.offsetMs},${this.base.toString()})`;
  }
}

/**
 * PBS t-visibility measured message by message on the event kernel: the "event-level road" to
 * the staleness curve, held against the direct Monte Carlo (`lib/fast`) by tests.
 *
 * A trial is the WARS experiment of Bailis et al.: a coordinator (node n) sends the write
 * (version 1) to all n replicas (nodes 0..n-1), each delayed by a draw from W; a replica stores it
 * on arrival and acks (A). The write commits at the W-th ack. t ms later the coordinator sends a
 * read to all replicas (R); each answers with the version it holds when the request arrives (S),
 * and the read returns the newest version among the first R responses. Nothing is computed in
 * closed form: staleness arises only from the order in which simulated messages arrive, so this
 * model is an independent check on the faster roads. When a write and a read request reach a
 * replica at the same instant, the write (sent first) lands first.
 *
 * With `legs.wan`, every trial chooses `localReplicas` replicas in the coordinator's datacenter
 * uniformly at random for the write, and independently for the read; W and A legs to non-local
 * replicas (for the write) and R and S legs (for the read) take `remoteOneWayMs` more. This is
 * expressed as per-(link, kind) delay overrides on the network.
 *
 * Reference: P. Bailis et al., Probabilistically Bounded Staleness for Practical Partial Quorums,
 * PVLDB 5(8), 2012, Section 4.
 *
 * @example
 * const model = new WarsEventModel({ n: 3, r: 1, w: 1, legs });
 * const rng = deriveStream(7);
 * let consistent = 0;
 * for (let i = 0; i < 10000; i++) if (model.trial(0, rng).consistent) consistent++;
 * consistent / 10000; // P(consistent read right after commit)
 */
export class WarsEventModel {
  /** The configuration, as validated. */
  readonly config: Readonly<WarsConfig>;
  private readonly sim: Simulation;
  private readonly net: Network;
  private readonly coordinator: number;
  /** Version held by each replica. */
  private readonly stored: Int32Array;
  private readonly localWrite: Uint8Array;
  private readonly localRead: Uint8Array;
  private readonly pool: Int32Array;
  private readonly remoteMs: number;
  private readonly localCount: number;
  private readonly remoteLegs: { W: LatencyDistribution; A: LatencyDistribution; R: LatencyDistribution; S: LatencyDistribution } | null;
  private readAfterMs = 0;
  private acks = 0;
  private responses = 0;
  private newest = 0;
  private commitMs = NaN;
  private readStartMs = NaN;
  private readLatencyMs = NaN;

  /** Validates the configuration (ParameterError naming `--n`, `--r`, `--w` or the WAN field). */
  constructor(config: WarsConfig) {
    const { n, r, w, legs } = config;
    if (!Number.isInteger(n) || n < 1) throw new ParameterError('--n', String(n), 'an integer >= 1');
    if (!Number.isInteger(r) || r < 1 || r > n) throw new ParameterError('--r', String(r), `an integer from 1 to n (${n})`);
    if (!Number.isInteger(w) || w < 1 || w > n) throw new ParameterError('--w', String(w), `an integer from 1 to n (${n})`);
    const wan = legs.wan;
    if (wan !== undefined) {
      if (!(wan.remoteOneWayMs >= 0 && wan.remoteOneWayMs < Infinity)) {
        throw new ParameterError('wan.remoteOneWayMs', String(wan.remoteOneWayMs), 'a finite number of ms >= 0');
      }
      if (!Number.isInteger(wan.localReplicas) || wan.localReplicas < 0 || wan.localReplicas > n) {
        throw new ParameterError('wan.localReplicas', String(wan.localReplicas), `an integer from 0 to n (${n})`);
      }
    }
    this.config = { n, r, w, legs };
    this.coordinator = n;
    this.stored = new Int32Array(n);
    this.localWrite = new Uint8Array(n);
    this.localRead = new Uint8Array(n);
    this.pool = new Int32Array(n);
    this.remoteMs = wan?.remoteOneWayMs ?? 0;
    this.localCount = wan?.localReplicas ?? n;
    this.remoteLegs = this.remoteMs > 0
      ? {
        W: new Shifted(this.remoteMs, legs.W),
        A: new Shifted(this.remoteMs, legs.A),
        R: new Shifted(this.remoteMs, legs.R),
        S: new Shifted(this.remoteMs, legs.S),
      }
      : null;

    this.sim = new Simulation(undefined, 8 * n + 16);
    this.net = new Network(this.sim, { size: n + 1, delay: legs.W });
    this.net.setKindDelay(WRITE, legs.W);
    this.net.setKindDelay(ACK, legs.A);
    this.net.setKindDelay(READ, legs.R);
    this.net.setKindDelay(RESPONSE, legs.S);
    this.registerHandlers();
  }

  /**
   * Runs one write and one read started `tMs` after the write committed. All randomness comes from
   * `rng`, so the same stream state gives the same outcome; the simulation is reset and reused.
   */
  trial(tMs: number, rng: RandomStream): WarsTrialOutcome {
    if (!(tMs >= 0 && tMs < Infinity)) throw new ParameterError('--t', String(tMs), 'a finite number of ms >= 0');
    const { n } = this.config;
    this.sim.reset(rng);
    this.readAfterMs = tMs;
    this.stored.fill(0);
    this.acks = 0;
    this.responses = 0;
    this.newest = 0;
    this.commitMs = NaN;
    this.readStartMs = NaN;
    this.readLatencyMs = NaN;
    if (this.remoteLegs !== null) this.placeReplicas(rng);

    for (let replica = 0; replica < n; replica++) this.net.send(this.coordinator, replica, WRITE, WRITTEN_VERSION);
    this.sim.run();
    if (this.responses < this.config.r) {
      // Unreachable without loss or crashes; guards against a silent half-trial if those are added.
      throw new Error(`WARS trial ended with ${this.responses} of ${this.config.r} read responses (t = ${tMs} ms)`);
    }
    return {
      consistent: this.newest >= WRITTEN_VERSION,
      writeLatencyMs: this.commitMs,
      readLatencyMs: this.readLatencyMs,
    };
  }

  /** Events the kernel dispatched in the last trial (for throughput measurements). */
  get eventsInLastTrial(): number {
    return this.sim.eventsProcessed;
  }

  private registerHandlers(): void {
    const { sim, net, stored, coordinator } = this;
    const { n, r, w } = this.config;
    net.on(WRITE, (replica, from, version) => {
      if (version > stored[replica]) stored[replica] = version;
      net.send(replica, from, ACK, version);
    }, 'write');
    net.on(ACK, () => {
      if (++this.acks === w) {
        this.commitMs = sim.now;
        sim.schedule(this.readAfterMs, READ_START, coordinator);
      }
    }, 'ack');
    sim.on(READ_START, () => {
      this.readStartMs = sim.now;
      for (let replica = 0; replica < n; replica++) net.send(coordinator, replica, READ);
    }, 'read start');
    net.on(READ, (replica, from) => {
      net.send(replica, from, RESPONSE, stored[replica]);
    }, 'read');
    net.on(RESPONSE, (_coordinator, _replica, version) => {
      if (version > this.newest) this.newest = version;
      if (++this.responses === r) {
        this.readLatencyMs = sim.now - this.readStartMs;
        sim.stop(); // the outcome is known; late writes and responses cannot change it
      }
    }, 'response');
  }

  /** Chooses this trial's local replicas for the write, then for the read, and routes the legs. */
  private placeReplicas(rng: RandomStream): void {
    const remote = this.remoteLegs!;
    const { n } = this.config;
    this.chooseLocal(this.localWrite, rng);
    this.chooseLocal(this.localRead, rng);
    const c = this.coordinator;
    for (let replica = 0; replica < n; replica++) {
      const writeRemote = this.localWrite[replica] === 0;
      const readRemote = this.localRead[replica] === 0;
      this.net.setLinkDelay(c, replica, writeRemote ? remote.W : undefined, WRITE);
      this.net.setLinkDelay(replica, c, writeRemote ? remote.A : undefined, ACK);
      this.net.setLinkDelay(c, replica, readRemote ? remote.R : undefined, READ);
      this.net.setLinkDelay(replica, c, readRemote ? remote.S : undefined, RESPONSE);
    }
  }

  /** Marks `localCount` replicas chosen uniformly at random (partial Fisher-Yates). */
  private chooseLocal(local: Uint8Array, rng: RandomStream): void {
    const { n } = this.config;
    const pool = this.pool;
    local.fill(0);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < this.localCount; i++) {
      const j = i + rng.nextInt(n - i);
      const chosen = pool[j];
      pool[j] = pool[i];
      pool[i] = chosen;
      local[chosen] = 1;
    }
  }
}
