import type { TraceEvent } from '../../sim/trace-event.js';
import { ParameterError } from '../../errors.js';
import type { LatencyDistribution } from '../../latency/distribution.js';
import { shifted } from '../../latency/shifted.js';
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

/**
 * What a traced trial records, in the protocol's words. Messages are named for their leg:
 * `write-request` (W), `write-ack` (A), `read-request` (R), `read-response` (S). Local events
 * happen at one node: the write and the read starting at the coordinator, the write committing
 * (at its W-th ack) and the read returning (at its R-th response).
 */
export type WarsTraceKind =
  | 'write-start'
  | 'write-request'
  | 'write-ack'
  | 'commit'
  | 'read-start'
  | 'read-request'
  | 'read-response'
  | 'read-return';

/** One event of a traced trial. Node ids: replicas 0..n-1, the coordinator n. */
export interface WarsTraceEvent extends TraceEvent {
  kind: WarsTraceKind;
  /**
   * The version involved: the one a write request carries or a write ack confirms, the one a
   * replica holds when it answers a read (read-response), the newest of the first R responses
   * (read-return), the one the write installs (write-start, commit). Replicas start at 0.
   */
  version?: number;
  /** write-ack and read-response: this message's rank among its kind's arrivals (1 = first). */
  rank?: number;
  /**
   * The read had already returned: the event cannot change the outcome (the untraced run stops
   * there; the traced run lets the remaining messages land, so the diagram shows them).
   */
  late?: boolean;
}

/** A traced trial: its outcome and its events in dispatch order. */
export interface WarsTrialTrace {
  /** The same outcome {@link WarsEventModel.trial} returns for the same stream state. */
  outcome: WarsTrialOutcome;
  /** The read's start after the commit, ms. */
  tMs: number;
  /** The coordinator's node id (n); replicas are 0..n-1. */
  coordinator: number;
  /** With a WAN layout: the replicas in the coordinator's datacenter for the write and for the read. */
  localReplicas?: { write: number[]; read: number[] };
  events: WarsTraceEvent[];
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
  private readonly remoteLegs: {
    W: LatencyDistribution;
    A: LatencyDistribution;
    R: LatencyDistribution;
    S: LatencyDistribution;
  } | null;
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
    if (!Number.isInteger(r) || r < 1 || r > n)
      throw new ParameterError('--r', String(r), `an integer from 1 to n (${n})`);
    if (!Number.isInteger(w) || w < 1 || w > n)
      throw new ParameterError('--w', String(w), `an integer from 1 to n (${n})`);
    const wan = legs.wan;
    if (wan !== undefined) {
      if (!(wan.remoteOneWayMs >= 0 && wan.remoteOneWayMs < Infinity)) {
        throw new ParameterError(
          'wan.remoteOneWayMs',
          String(wan.remoteOneWayMs),
          'a finite number of ms >= 0',
        );
      }
      if (!Number.isInteger(wan.localReplicas) || wan.localReplicas < 0 || wan.localReplicas > n) {
        throw new ParameterError(
          'wan.localReplicas',
          String(wan.localReplicas),
          `an integer from 0 to n (${n})`,
        );
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
    this.remoteLegs =
      this.remoteMs > 0
        ? {
            W: shifted(this.remoteMs, legs.W),
            A: shifted(this.remoteMs, legs.A),
            R: shifted(this.remoteMs, legs.R),
            S: shifted(this.remoteMs, legs.S),
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
    if (!(tMs >= 0 && tMs < Infinity))
      throw new ParameterError('--t', String(tMs), 'a finite number of ms >= 0');
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

    for (let replica = 0; replica < n; replica++)
      this.net.send(this.coordinator, replica, WRITE, WRITTEN_VERSION);
    this.sim.run();
    if (this.responses < this.config.r) {
      // Unreachable without loss or crashes; guards against a silent half-trial if those are added.
      throw new Error(
        `WARS trial ended with ${this.responses} of ${this.config.r} read responses (t = ${tMs} ms)`,
      );
    }
    return {
      consistent: this.newest >= WRITTEN_VERSION,
      writeLatencyMs: this.commitMs,
      readLatencyMs: this.readLatencyMs,
    };
  }

  /**
   * Runs one trial exactly as {@link trial} does (same draws, same outcome) with the kernel's
   * tracer on, and returns its events decoded into the protocol's words. After the read returns,
   * the messages still in flight are delivered too (marked `late`), which draws more from `rng`
   * than {@link trial} would: trace the last trial you run on a stream, or use a copy.
   * The untraced path is untouched: the tracer is installed for this call only.
   *
   * @example
   * const model = new WarsEventModel({ n: 3, r: 1, w: 1, legs });
   * const { outcome, events } = model.traceTrial(5, deriveStream(1));
   * events.filter((e) => e.kind === 'read-response'); // who answered, when, with which version
   */
  traceTrial(tMs: number, rng: RandomStream): WarsTrialTrace {
    const raw: number[] = [];
    let late = 0;
    this.sim.setTracer((timeMs, kind, target, a, _b, _c, d) => {
      raw.push(timeMs, kind, target, a, d, late); // d: a message's sender
    });
    let outcome: WarsTrialOutcome;
    try {
      outcome = this.trial(tMs, rng);
      late = 1;
      this.sim.run(); // deliver what is still in flight, for the picture
    } finally {
      this.sim.setTracer(null);
    }
    const trace: WarsTrialTrace = { outcome, tMs, coordinator: this.coordinator, events: this.decode(raw) };
    if (this.remoteLegs !== null) {
      const members = (flags: Uint8Array) => [...flags.keys()].filter((i) => flags[i] === 1);
      trace.localReplicas = { write: members(this.localWrite), read: members(this.localRead) };
    }
    return trace;
  }

  /**
   * Raw kernel records (time, kind, target, a, sender, late) -> protocol events. Send times follow
   * from causality: writes leave at 0, an ack when its write arrived, read requests at the read's
   * start, a response when its request arrived. Commit and return are placed at the W-th ack and
   * the R-th response, counted here independently of the handlers.
   */
  private decode(raw: readonly number[]): WarsTraceEvent[] {
    const { n, r, w } = this.config;
    const c = this.coordinator;
    const writeArrived = new Float64Array(n).fill(NaN);
    const readArrived = new Float64Array(n).fill(NaN);
    let readStart = NaN;
    let acks = 0;
    let responses = 0;
    let newest = 0;
    const name = (kind: number) => this.sim.kindName(kind) as WarsTraceKind;
    const events: WarsTraceEvent[] = [{ timeMs: 0, kind: 'write-start', node: c, version: WRITTEN_VERSION }];
    for (let i = 0; i < raw.length; i += 6) {
      const timeMs = raw[i];
      const kind = raw[i + 1];
      const node = raw[i + 2];
      const a = raw[i + 3];
      const from = raw[i + 4];
      const lateFlag = raw[i + 5] === 1 ? { late: true } : {};
      switch (kind) {
        case WRITE:
          writeArrived[node] = timeMs;
          events.push({ timeMs, kind: name(kind), node, from, sentMs: 0, version: a, ...lateFlag });
          break;
        case ACK:
          acks++;
          events.push({
            timeMs,
            kind: name(kind),
            node,
            from,
            sentMs: writeArrived[from],
            version: a,
            rank: acks,
            ...lateFlag,
          });
          if (acks === w)
            events.push({ timeMs, kind: 'commit', node: c, version: WRITTEN_VERSION, ...lateFlag });
          break;
        case READ_START:
          readStart = timeMs;
          events.push({ timeMs, kind: name(kind), node, ...lateFlag });
          break;
        case READ:
          readArrived[node] = timeMs;
          events.push({ timeMs, kind: name(kind), node, from, sentMs: readStart, ...lateFlag });
          break;
        case RESPONSE:
          responses++;
          events.push({
            timeMs,
            kind: name(kind),
            node,
            from,
            sentMs: readArrived[from],
            version: a,
            rank: responses,
            ...lateFlag,
          });
          if (responses <= r && a > newest) newest = a;
          if (responses === r)
            events.push({ timeMs, kind: 'read-return', node: c, version: newest, ...lateFlag });
          break;
        default:
          throw new Error(`unexpected event kind ${kind} (${this.sim.kindName(kind)}) in a WARS trace`);
      }
    }
    return events;
  }

  /** Events the kernel dispatched in the last trial (for throughput measurements). */
  get eventsInLastTrial(): number {
    return this.sim.eventsProcessed;
  }

  private registerHandlers(): void {
    const { sim, net, stored, coordinator } = this;
    const { n, r, w } = this.config;
    net.on(
      WRITE,
      (replica, from, version) => {
        if (version > stored[replica]) stored[replica] = version;
        net.send(replica, from, ACK, version);
      },
      'write-request',
    );
    net.on(
      ACK,
      () => {
        if (++this.acks === w) {
          this.commitMs = sim.now;
          sim.schedule(this.readAfterMs, READ_START, coordinator);
        }
      },
      'write-ack',
    );
    sim.on(
      READ_START,
      () => {
        this.readStartMs = sim.now;
        for (let replica = 0; replica < n; replica++) net.send(coordinator, replica, READ);
      },
      'read-start',
    );
    net.on(
      READ,
      (replica, from) => {
        net.send(replica, from, RESPONSE, stored[replica]);
      },
      'read-request',
    );
    net.on(
      RESPONSE,
      (_coordinator, _replica, version) => {
        if (version > this.newest) this.newest = version;
        if (++this.responses === r) {
          this.readLatencyMs = sim.now - this.readStartMs;
          sim.stop(); // the outcome is known; late writes and responses cannot change it
        }
      },
      'read-response',
    );
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
