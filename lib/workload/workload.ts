import { ParameterError } from '../errors.js';
import type { LatencyDistribution } from '../latency/index.js';
import { parseLatency } from '../latency/index.js';
import type { RandomStream } from '../random/index.js';
import { keyChooser, type KeyChoiceConfig } from './key-choice.js';
import type { KeyChooser } from './key-chooser.js';

/** Open loop: each client issues operations as a Poisson process, whatever the replies. */
export interface OpenLoopArrivals {
  kind: 'open';
  /**
   * Operations per ms per client (finite, > 0). Inter-arrival times of one client are
   * exponential with mean 1/ratePerMs; the C clients together form a Poisson process of rate
   * C * ratePerMs.
   */
  ratePerMs: number;
}

/** Closed loop: each client waits for its operation to finish, thinks, then issues the next. */
export interface ClosedLoopArrivals {
  kind: 'closed';
  /** The think time in ms between one operation's end and the next one's start: a distribution or its text form, e.g. `exp(0.1)`. */
  think: LatencyDistribution | string;
}

/** A stream of client operations (see {@link createWorkload}). */
export interface WorkloadConfig extends KeyChoiceConfig {
  /** The number of clients C, a whole number from 1 to 2^26; clients are numbered 0..C-1. */
  clients: number;
  /** When clients issue operations: open loop (Poisson) or closed loop (think time). */
  arrivals: OpenLoopArrivals | ClosedLoopArrivals;
  /** The probability that an operation is a write, in [0, 1]; the rest are reads. */
  writeRatio: number;
  /**
   * The mean number of operations per session, >= 1. After each operation a client's session
   * ends with probability 1/sessionLength (geometric lengths). `Infinity` (the default): one
   * session per client for the whole run.
   */
  sessionLength?: number;
  /** The time of the run's start in ms (default 0): open-loop arrivals count from here. */
  startMs?: number;
}

/** One client operation. Workloads reuse one object: copy the fields you keep before the next call. */
export interface WorkloadOp {
  /** Index of the operation in the stream, from 0. */
  seq: number;
  /** When the client issues it, in ms. */
  timeMs: number;
  /** The client, 0..C-1. */
  client: number;
  /** The client's current session: ids are global, numbered from 0 in order of their first operation. */
  session: number;
  /** Read or write. */
  op: 'read' | 'write';
  /** The key, 0..K-1. */
  key: number;
  /** For a write, its unique id (0, 1, 2, ... across all clients): the value it writes. -1 for a read. */
  writeId: number;
}

/** A deterministic generator of client operations (see {@link createWorkload}). */
export interface Workload {
  /** The key chooser in use. */
  readonly keyChooser: KeyChooser;
  /** `'open'` or `'closed'`, from the config. */
  readonly kind: 'open' | 'closed';
  /** Operations issued so far. */
  readonly operations: number;
  /** Writes issued so far (the next write gets this id). */
  readonly writes: number;
  /** Open loop only: the next operation over all clients, in time order. */
  next(): WorkloadOp;
  /**
   * Closed loop only: the next operation of `client`, whose previous operation ended at `nowMs`
   * (for the first, pass the start time): issued at nowMs plus a think time.
   */
  nextAfter(client: number, nowMs: number): WorkloadOp;
}

function requireWhole(parameter: string, value: number, min: number, max: number): number {
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new ParameterError(parameter, String(value), `a whole number from ${min} to ${max}`);
  }
  return value;
}

class WorkloadGenerator implements Workload {
  readonly keyChooser: KeyChooser;
  readonly kind: 'open' | 'closed';
  operations = 0;
  writes = 0;
  private readonly clients: number;
  private readonly writeRatio: number;
  private readonly endSession: number;
  private readonly totalRate: number;
  private readonly think: LatencyDistribution | null;
  private timeMs: number;
  private sessions = 0;
  /** Each client's current session, -1 before its first operation. */
  private readonly session: Float64Array;
  private readonly op: WorkloadOp = {
    seq: 0,
    timeMs: 0,
    client: 0,
    session: 0,
    op: 'read',
    key: 0,
    writeId: -1,
  };

  constructor(
    config: WorkloadConfig,
    private readonly rng: RandomStream,
  ) {
    if (config === null || typeof config !== 'object')
      throw new ParameterError('workload', String(config), 'a workload config object');
    this.clients = requireWhole('clients', config.clients, 1, 2 ** 26);
    const w = config.writeRatio;
    if (!(typeof w === 'number' && w >= 0 && w <= 1))
      throw new ParameterError('writeRatio', String(w), 'a number from 0 to 1');
    this.writeRatio = w;
    const length = config.sessionLength ?? Infinity;
    if (!(typeof length === 'number' && length >= 1))
      throw new ParameterError('sessionLength', String(length), 'a number >= 1, or Infinity');
    this.endSession = length === Infinity ? 0 : 1 / length;
    const start = config.startMs ?? 0;
    if (!Number.isFinite(start)) throw new ParameterError('startMs', String(start), 'a finite number');
    this.timeMs = start;
    this.keyChooser = keyChooser(config);
    const arrivals = config.arrivals;
    if (arrivals?.kind === 'open') {
      if (!(Number.isFinite(arrivals.ratePerMs) && arrivals.ratePerMs > 0)) {
        throw new ParameterError(
          'arrivals.ratePerMs',
          String(arrivals.ratePerMs),
          'a finite number > 0 (operations per ms per client)',
        );
      }
      this.kind = 'open';
      this.totalRate = arrivals.ratePerMs * this.clients;
      this.think = null;
    } else if (arrivals?.kind === 'closed') {
      this.kind = 'closed';
      this.totalRate = 0;
      this.think =
        typeof arrivals.think === 'string' ? parseLatency(arrivals.think, 'arrivals.think') : arrivals.think;
      if (this.think === null || typeof this.think?.sample !== 'function') {
        throw new ParameterError(
          'arrivals.think',
          String(arrivals.think),
          'a latency distribution or its text form, e.g. exp(0.1)',
        );
      }
    } else {
      throw new ParameterError(
        'arrivals.kind',
        String((arrivals as { kind?: unknown } | undefined)?.kind),
        "'open' or 'closed'",
      );
    }
    this.session = new Float64Array(this.clients).fill(-1);
  }

  next(): WorkloadOp {
    if (this.kind !== 'open')
      throw new Error(
        'next() is for open-loop workloads; a closed-loop workload uses nextAfter(client, nowMs)',
      );
    // Superposition: C Poisson processes of rate r are one of rate C r, each arrival belonging to
    // a uniformly chosen client.
    this.timeMs += -Math.log(this.rng.nextOpenDouble()) / this.totalRate;
    const client = this.clients === 1 ? 0 : this.rng.nextInt(this.clients);
    return this.issue(client, this.timeMs);
  }

  nextAfter(client: number, nowMs: number): WorkloadOp {
    if (this.kind !== 'closed')
      throw new Error('nextAfter() is for closed-loop workloads; an open-loop workload uses next()');
    if (!(Number.isInteger(client) && client >= 0 && client < this.clients)) {
      throw new ParameterError('client', String(client), `a whole number from 0 to ${this.clients - 1}`);
    }
    return this.issue(client, nowMs + (this.think as LatencyDistribution).sample(this.rng));
  }

  /** Draw order per operation (fixed, for determinism): session end, read/write, key. */
  private issue(client: number, timeMs: number): WorkloadOp {
    const rng = this.rng;
    let session = this.session[client];
    if (session < 0 || (this.endSession > 0 && rng.nextDouble() < this.endSession)) {
      session = this.sessions++;
      this.session[client] = session;
    }
    const isWrite = this.writeRatio > 0 && (this.writeRatio === 1 || rng.nextDouble() < this.writeRatio);
    const op = this.op;
    op.seq = this.operations++;
    op.timeMs = timeMs;
    op.client = client;
    op.session = session;
    op.op = isWrite ? 'write' : 'read';
    op.key = this.keyChooser.next(rng);
    op.writeId = isWrite ? this.writes++ : -1;
    return op;
  }
}

/**
 * A deterministic stream of client operations: which client, session, read or write, which key,
 * and when. The same config and the same stream state give the same sequence.
 *
 * Open loop (`arrivals.kind: 'open'`): call `next()`; each client is a Poisson process of rate
 * `ratePerMs` (exponential inter-arrival times), so operations come out in time order. Closed loop
 * (`'closed'`): call `nextAfter(client, nowMs)` when a client's operation has finished (and once per
 * client at the start); the next one is issued after a think time. Each operation is a write with
 * probability `writeRatio`; writes get unique ids 0, 1, 2, ... (the value to write, so history
 * checkers can tell writes apart). Keys come from {@link keyChooser}. Sessions: after each
 * operation, a client's session ends with probability 1/sessionLength. No allocation per operation:
 * the returned object is reused.
 *
 * References: Poisson arrivals, https://en.wikipedia.org/wiki/Poisson_point_process (superposition);
 * open vs closed systems, B. Schroeder, A. Wierman, M. Harchol-Balter, "Open versus closed: a
 * cautionary tale", NSDI 2006; session guarantees, D. B. Terry et al., PDIS 1994.
 *
 * @param config - the workload (every field refused with a ParameterError naming it when out of range)
 * @param rng - the stream every draw comes from
 * @example
 * const wl = createWorkload({ clients: 10, arrivals: { kind: 'open', ratePerMs: 0.01 },
 *   writeRatio: 0.1, keys: 1000, zipf: 0.99 }, deriveStream(1));
 * const op = wl.next(); // { seq: 0, timeMs: 19.937..., client: 0, session: 0, op: 'write', key: 3, writeId: 0 }
 * @example
 * const cl = createWorkload({ clients: 2, arrivals: { kind: 'closed', think: 'exp(0.1)' },
 *   writeRatio: 0.5, keys: 10 }, deriveStream(1));
 * cl.nextAfter(0, 0).timeMs;   // 19.937...: a think time after 0
 * cl.nextAfter(0, 25).timeMs;  // 28.008...: client 0's next, its previous having finished at 25 ms
 */
export function createWorkload(config: WorkloadConfig, rng: RandomStream): Workload {
  return new WorkloadGenerator(config, rng);
}
