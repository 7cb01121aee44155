import type { RandomStream } from '../random/index.js';
import { EventQueue, type EventId } from './event-queue.js';

/**
 * Reacts to one event. `now` is read from the simulation; the arguments are the event's target and
 * its four numeric arguments, whose meaning belongs to whoever scheduled the event.
 * Handlers get numbers, never event objects, so dispatch allocates nothing.
 */
export type EventHandler = (target: number, a: number, b: number, c: number, d: number) => void;

/**
 * Sees every dispatched event, in order, before its handler runs: for replaying one trial or
 * checking that two runs are the same (a trace is asked for, never kept by default).
 */
export type EventTracer = (
  timeMs: number,
  kind: number,
  target: number,
  a: number,
  b: number,
  c: number,
  d: number,
) => void;

/** Largest event kind accepted: kinds index a plain array of handlers. */
export const MAX_EVENT_KIND = 65535;

/**
 * First kind handed out by {@link Simulation.addKind}. Models number their fixed kinds below it,
 * so components that allocate kinds (faults, monitors) never collide with them, whatever the order
 * of construction.
 */
export const FIRST_ALLOCATED_KIND = 1024;

/** Stands in until a stream is given, so a model that forgot its rng fails loudly, not randomly. */
const NO_RANDOM: RandomStream = {
  nextDouble: missingRandom,
  nextOpenDouble: missingRandom,
  nextInt: missingRandom,
};

/**
 * A run's progress callback: the fraction of the run done, from 0 to 1, non-decreasing, 1 at the
 * end (what a display needs for a bar and an ETA). Runs call it at most every
 * {@link PROGRESS_EVERY_EVENTS} events, and once with 1 when they finish.
 */
export type ProgressCallback = (fractionDone: number) => void;

/** How often (in events dispatched) a run reports its progress: often enough for a display, rarely enough to cost nothing. */
export const PROGRESS_EVERY_EVENTS = 4096;

function missingRandom(): never {
  throw new Error('simulation has no random stream: pass one to new Simulation(rng) or reset(rng)');
}

/**
 * A deterministic discrete-event simulation: a virtual clock in milliseconds, a stable event queue
 * and one handler per event kind.
 *
 * Everything a model does happens in a handler at a virtual instant; time jumps from event to
 * event. Given the same random stream and the same schedule calls, a run dispatches the same
 * events in the same order, because ties break by insertion sequence and all randomness is drawn
 * from {@link rng}. Components built on it (network, nodes, faults) register with
 * {@link onReset}, so {@link reset} returns the whole world to time 0 for the next trial
 * without reallocating anything.
 *
 * @example
 * const PING = 0;
 * const sim = new Simulation(deriveStream(42));
 * sim.on(PING, (target, n) => { if (n < 3) sim.schedule(10, PING, target, n + 1); });
 * sim.schedule(0, PING, 0, 0);
 * sim.run();           // 4 events
 * sim.now;             // 30
 */
export class Simulation {
  private readonly queue: EventQueue;
  private readonly handlers: (EventHandler | undefined)[] = [];
  private readonly names: (string | undefined)[] = [];
  private readonly resetListeners: (() => void)[] = [];
  private clock = 0;
  private stopped = false;
  private processed = 0;
  private stream: RandomStream;
  private tracer: EventTracer | null = null;
  /** Progress listener and its period in events; `progressAt`: the event count of its next call (Infinity: none). */
  private progressListener: (() => void) | null = null;
  private progressEvery = 0;
  private progressAt = Infinity;

  /**
   * @param rng - the stream every random draw of this simulation's components comes from;
   *   may be given later with {@link reset}
   * @param initialCapacity - event slots allocated up front (the queue doubles as needed)
   */
  constructor(rng?: RandomStream, initialCapacity = 256) {
    this.stream = rng ?? NO_RANDOM;
    this.queue = new EventQueue(initialCapacity);
  }

  /** The virtual time in ms: the time of the event being handled, or of the last one handled. */
  get now(): number {
    return this.clock;
  }

  /** The random stream of the current trial; components draw from it and nothing else. */
  get rng(): RandomStream {
    return this.stream;
  }

  /**
   * Events dispatched since the last {@link reset}. Cancelled events never count; events a layer
   * throws away on arrival (a dead node's timer, a message to a down node) do, since the kernel
   * still handled them.
   */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Events waiting in the queue. */
  get pending(): number {
    return this.queue.size;
  }

  /** Whether {@link stop} was called during the current or last {@link run}. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Registers the handler for an event kind (an integer from 0 to {@link MAX_EVENT_KIND}).
   * One handler per kind: a second registration is a bug (two layers claiming one kind), so it throws.
   */
  on(kind: number, handler: EventHandler, name?: string): void {
    if (!Number.isInteger(kind) || kind < 0 || kind > MAX_EVENT_KIND) {
      throw new RangeError(`event kind must be an integer from 0 to ${MAX_EVENT_KIND}, got ${kind}`);
    }
    if (this.handlers[kind] !== undefined) {
      throw new Error(`event kind ${kind} (${this.kindName(kind)}) already has a handler`);
    }
    while (this.handlers.length <= kind) {
      this.handlers.push(undefined);
      this.names.push(undefined);
    }
    this.handlers[kind] = handler;
    this.names[kind] = name;
  }

  /**
   * Registers a handler under the lowest free kind from {@link FIRST_ALLOCATED_KIND} up and returns
   * that kind: for components (faults, monitors) that need private kinds without reserving numbers
   * a model might use.
   *
   * @example
   * const TICK = sim.addKind('tick', () => sim.schedule(1000, TICK, 0));
   */
  addKind(name: string, handler: EventHandler): number {
    let kind = FIRST_ALLOCATED_KIND;
    while (kind < this.handlers.length && this.handlers[kind] !== undefined) kind++;
    this.on(kind, handler, name);
    return kind;
  }

  /** The name given at registration, or `kind <n>`. */
  kindName(kind: number): string {
    return this.names[kind] ?? `kind ${kind}`;
  }

  /**
   * Schedules an event `delayMs` from now (0 allowed: it runs after everything already queued
   * for this instant). Returns a handle for {@link cancel}.
   */
  schedule(delayMs: number, kind: number, target: number, a = 0, b = 0, c = 0, d = 0): EventId {
    if (!(delayMs >= 0 && delayMs < Infinity)) {
      throw new RangeError(`event delay must be a finite number >= 0 ms, got ${delayMs}`);
    }
    return this.queue.push(this.clock + delayMs, kind, target, a, b, c, d);
  }

  /** Schedules an event at an absolute virtual time, not earlier than {@link now}. */
  scheduleAt(timeMs: number, kind: number, target: number, a = 0, b = 0, c = 0, d = 0): EventId {
    if (!(timeMs >= this.clock && timeMs < Infinity)) {
      throw new RangeError(`event time must be finite and >= now (${this.clock} ms), got ${timeMs}`);
    }
    return this.queue.push(timeMs, kind, target, a, b, c, d);
  }

  /** Cancels a pending event (a timeout that is no longer needed). False if it already fired. */
  cancel(id: EventId): boolean {
    return this.queue.cancel(id);
  }

  /** Whether an event is still waiting to fire. */
  isPending(id: EventId): boolean {
    return this.queue.isPending(id);
  }

  /**
   * Dispatches events in (time, sequence) order until the queue is empty, {@link stop} is called,
   * or the next event lies after `untilMs`. Events at exactly `untilMs` run. When the run ends
   * because of `untilMs` (not a stop), the clock advances to `untilMs`, so a later
   * {@link schedule} counts from there.
   *
   * @returns the number of events dispatched by this call
   */
  run(untilMs = Infinity): number {
    this.stopped = false;
    const start = this.processed;
    const q = this.queue;
    // Two loops, so that a run without a progress listener pays nothing for it.
    if (this.progressListener === null)
      while (!this.stopped && q.size !== 0 && q.peekTime() <= untilMs) this.dispatchNext();
    else
      while (!this.stopped && q.size !== 0 && q.peekTime() <= untilMs) {
        this.dispatchNext();
        if (this.processed >= this.progressAt) {
          this.progressAt += this.progressEvery;
          this.progressListener();
        }
      }
    if (!this.stopped && untilMs !== Infinity && this.clock < untilMs) this.clock = untilMs;
    return this.processed - start;
  }

  /** Dispatches exactly one event; false if the queue was empty. Ignores {@link stop}. */
  step(): boolean {
    if (this.queue.size === 0) return false;
    this.dispatchNext();
    return true;
  }

  /** Ends the current {@link run} after the event being handled (e.g. once the answer is known). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Returns to time 0 with an empty queue, zeroed counters and (if given) a new random stream,
   * then resets every component registered with {@link onReset}. Handlers and storage stay, so a
   * model runs trial after trial on one simulation.
   */
  reset(rng?: RandomStream): void {
    this.queue.clear();
    this.clock = 0;
    this.processed = 0;
    this.stopped = false;
    if (this.progressListener !== null) this.progressAt = this.progressEvery;
    if (rng !== undefined) this.stream = rng;
    for (const listener of this.resetListeners) listener();
  }

  /** Runs `listener` on every {@link reset}: components clear their per-trial state there. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  /**
   * Calls `listener` after every `everyEvents` events a {@link run} dispatches (or, with `null`,
   * stops calling it): a run's progress for a display, at the cost of one comparison per event
   * (none without a listener). Set it before {@link run}: a run in progress keeps the loop it began with.
   * The listener observes; it must not schedule, cancel or draw anything, so that a run is the same
   * with or without it.
   *
   * @example
   * sim.onProgress(4096, () => onProgress(opsDone / ops));
   */
  onProgress(everyEvents: number, listener: (() => void) | null): void {
    if (listener !== null && !(Number.isInteger(everyEvents) && everyEvents >= 1))
      throw new RangeError(`progress period must be a whole number of events >= 1, got ${everyEvents}`);
    this.progressListener = listener;
    this.progressEvery = everyEvents;
    this.progressAt = listener === null ? Infinity : this.processed + everyEvents;
  }

  /** Installs (or with `null` removes) a tracer that sees every dispatched event. */
  setTracer(tracer: EventTracer | null): void {
    this.tracer = tracer;
  }

  private dispatchNext(): void {
    const q = this.queue;
    const slot = q.pop();
    // Read everything before the handler runs: its first schedule may reuse this slot.
    const time = q.timeOf(slot);
    const kind = q.kindOf(slot);
    const target = q.targetOf(slot);
    const a = q.aOf(slot);
    const b = q.bOf(slot);
    const c = q.cOf(slot);
    const d = q.dOf(slot);
    this.clock = time;
    this.processed++;
    if (this.tracer !== null) this.tracer(time, kind, target, a, b, c, d);
    const handler = this.handlers[kind];
    if (handler === undefined) {
      throw new Error(`no handler for event kind ${kind} at ${time} ms (target ${target})`);
    }
    handler(target, a, b, c, d);
  }
}
