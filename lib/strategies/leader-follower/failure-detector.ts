/**
 * Heartbeat failure detectors. Each sees heartbeat arrivals and says when it will suspect the
 * sender if nothing more arrives: a deadline, so the simulation schedules one timer instead of
 * polling.
 */
import { normalQuantile, normalUpperTail } from '../../latency/standard-normal.js';

/** A detector fed with heartbeat arrivals. */
export interface FailureDetector {
  /** A heartbeat arrived at `nowMs`. */
  heartbeat(nowMs: number): void;
  /** When the detector will suspect the sender if no heartbeat arrives before (Infinity before the first heartbeat). */
  deadline(): number;
  /** Forgets everything (a new sender is watched). */
  reset(): void;
}

/**
 * The fixed-timeout detector: the sender is suspected `timeoutMs` after its last heartbeat arrived.
 * With heartbeats every h ms over a constant delay d, a crash at phase u in [0, h) after a heartbeat
 * was sent is detected timeoutMs + d - u after the crash.
 *
 * Reference: T. D. Chandra and S. Toueg, "Unreliable failure detectors for reliable distributed
 * systems", JACM 43(2), 1996 (timeout-based detectors).
 *
 * @example
 * const d = new TimeoutDetector(500);
 * d.heartbeat(1000);
 * d.deadline(); // 1500
 */
export class TimeoutDetector implements FailureDetector {
  private last = -Infinity;

  constructor(readonly timeoutMs: number) {}

  heartbeat(nowMs: number): void {
    this.last = nowMs;
  }

  deadline(): number {
    return this.last + this.timeoutMs;
  }

  reset(): void {
    this.last = -Infinity;
  }
}

/**
 * The phi-accrual detector. It keeps the last `window` inter-arrival times, fits a normal
 * distribution to them (mean mu, standard deviation sigma, at least `minStdDevMs`), and outputs
 * phi(t) = -log10(P(next interval > t - last arrival)). The sender is suspected when phi reaches
 * `threshold`, i.e. at last + mu + z sigma with z the (1 - 10^-threshold) normal quantile: a
 * deadline that stretches when heartbeats are irregular and shrinks when they are steady.
 *
 * Reference: N. Hayashibara, X. Défago, R. Yared and T. Katayama, "The phi accrual failure
 * detector", SRDS 2004; Akka's implementation (min-std-deviation, a bootstrap interval before
 * enough samples).
 *
 * @example
 * const d = new PhiAccrualDetector({ threshold: 8, window: 100, minStdDevMs: 5, firstIntervalMs: 50 });
 * d.heartbeat(0); d.heartbeat(50); d.heartbeat(100);
 * d.deadline(); // 100 + 50 + 5.61 * 5 = 178.05 (sigma floored at 5 ms)
 */
export class PhiAccrualDetector implements FailureDetector {
  readonly threshold: number;
  private readonly window: number;
  private readonly minStdDevMs: number;
  private readonly firstIntervalMs: number;
  private readonly z: number;
  private readonly intervals: number[] = [];
  private last = -Infinity;

  constructor(options: { threshold: number; window: number; minStdDevMs: number; firstIntervalMs: number }) {
    this.threshold = options.threshold;
    this.window = options.window;
    this.minStdDevMs = options.minStdDevMs;
    this.firstIntervalMs = options.firstIntervalMs;
    this.z = -normalQuantile(10 ** -options.threshold);
  }

  heartbeat(nowMs: number): void {
    if (this.last !== -Infinity) {
      this.intervals.push(nowMs - this.last);
      if (this.intervals.length > this.window) this.intervals.shift();
    }
    this.last = nowMs;
  }

  /** Mean and standard deviation of the inter-arrival times (a bootstrap interval before the first). */
  fit(): { mean: number; sd: number } {
    const xs = this.intervals;
    if (xs.length === 0)
      return { mean: this.firstIntervalMs, sd: Math.max(this.minStdDevMs, this.firstIntervalMs / 4) };
    let sum = 0;
    for (const x of xs) sum += x;
    const mean = sum / xs.length;
    let ss = 0;
    for (const x of xs) ss += (x - mean) ** 2;
    return { mean, sd: Math.max(this.minStdDevMs, Math.sqrt(ss / xs.length)) };
  }

  /** phi at `nowMs`: -log10 of the probability that a heartbeat still comes this late. */
  phi(nowMs: number): number {
    const { mean, sd } = this.fit();
    const tail = normalUpperTail((nowMs - this.last - mean) / sd);
    return -Math.log10(Math.max(tail, Number.MIN_VALUE));
  }

  deadline(): number {
    if (this.last === -Infinity) return Infinity;
    const { mean, sd } = this.fit();
    return this.last + mean + this.z * sd;
  }

  reset(): void {
    this.intervals.length = 0;
    this.last = -Infinity;
  }
}
