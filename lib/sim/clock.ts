import type { RandomStream } from '../random/index.js';

/**
 * Each node's own wall clock, as an affine function of true (simulation) time:
 * `local = offsetMs + (1 + drift) * trueMs`.
 *
 * Real clocks disagree by an offset (imperfect synchronisation) and run at slightly different rates
 * (drift, e.g. 50e-6 for 50 ppm). Both matter to replication: last-writer-wins keeps the write with
 * the larger local timestamp, so a node whose clock runs behind loses writes it made later in true
 * time; a lease or timeout measured on a fast clock expires early in true time. The simulation's
 * clock is the true one; nodes only ever see their local time.
 *
 * @example
 * const clocks = new Clocks(3);
 * clocks.set(1, 20, 1e-4);         // node 1 is 20 ms ahead and gains 0.1 ms per second
 * clocks.local(1, 1000);           // 1020.1
 * clocks.toTrue(1, 1020.1);        // 1000 (up to rounding)
 * clocks.trueDuration(1, 100);     // a 100 ms local timeout lasts 99.99 ms of true time
 */
export class Clocks {
  /** Number of nodes; ids are 0..size-1. */
  readonly size: number;
  private readonly offsets: Float64Array;
  private readonly rates: Float64Array;

  /** All clocks start perfect: offset 0, drift 0. */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`number of clocks must be an integer >= 1, got ${size}`);
    }
    this.size = size;
    this.offsets = new Float64Array(size);
    this.rates = new Float64Array(size).fill(1);
  }

  /**
   * Sets a node's clock. `drift` is the relative rate error: above -1, since a clock that stops
   * or runs backwards cannot be inverted.
   */
  set(node: number, offsetMs: number, drift = 0): void {
    this.check(node);
    if (!Number.isFinite(offsetMs)) throw new RangeError(`clock offset must be finite, got ${offsetMs}`);
    if (!(drift > -1 && drift < Infinity))
      throw new RangeError(`clock drift must be finite and > -1, got ${drift}`);
    this.offsets[node] = offsetMs;
    this.rates[node] = 1 + drift;
  }

  /** The node's offset in ms (its reading at true time 0). */
  offset(node: number): number {
    this.check(node);
    return this.offsets[node];
  }

  /** The node's drift (relative rate error). */
  drift(node: number): number {
    this.check(node);
    return this.rates[node] - 1;
  }

  /** What the node's clock reads at true time `trueMs`. */
  local(node: number, trueMs: number): number {
    return this.offsets[node] + this.rates[node] * trueMs;
  }

  /** The true time at which the node's clock reads `localMs` (inverse of {@link local}). */
  toTrue(node: number, localMs: number): number {
    return (localMs - this.offsets[node]) / this.rates[node];
  }

  /** How long `localMs` on the node's clock lasts in true time (for scheduling local timeouts). */
  trueDuration(node: number, localMs: number): number {
    return localMs / this.rates[node];
  }

  /** How long a true interval lasts on the node's clock. */
  localDuration(node: number, trueMs: number): number {
    return trueMs * this.rates[node];
  }

  /**
   * Gives every clock an independent offset uniform in [-maxOffsetMs, maxOffsetMs] and drift uniform
   * in [-maxDrift, maxDrift], drawn node by node (offset, then drift).
   */
  randomize(rng: RandomStream, maxOffsetMs: number, maxDrift = 0): void {
    if (!(maxOffsetMs >= 0 && maxOffsetMs < Infinity)) {
      throw new RangeError(`maximum clock offset must be finite and >= 0, got ${maxOffsetMs}`);
    }
    if (!(maxDrift >= 0 && maxDrift < 1))
      throw new RangeError(`maximum drift must be in [0, 1), got ${maxDrift}`);
    for (let node = 0; node < this.size; node++) {
      this.offsets[node] = (2 * rng.nextDouble() - 1) * maxOffsetMs;
      this.rates[node] = 1 + (2 * rng.nextDouble() - 1) * maxDrift;
    }
  }

  /** Back to perfect clocks. */
  reset(): void {
    this.offsets.fill(0);
    this.rates.fill(1);
  }

  private check(node: number): void {
    if (!(Number.isInteger(node) && node >= 0 && node < this.size)) {
      throw new RangeError(`node must be an integer from 0 to ${this.size - 1}, got ${node}`);
    }
  }
}
