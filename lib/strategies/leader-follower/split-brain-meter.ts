/**
 * Split-brain time: split brain is any interval in which two nodes accept writes as leader (up,
 * not paused, leading and, with fencing `'lease'`, holding a lease on their own clocks). The meter
 * is an observer, not a node: it is told the number of nodes accepting writes whenever it may have
 * changed (role changes, leases won or run out, crashes, pauses) and adds up the time during which
 * it was two or more.
 *
 * @example
 * const m = new SplitBrainMeter();
 * m.update(100, 2); m.update(130, 1);
 * m.totalMs(200); // 30
 */
export class SplitBrainMeter {
  private since = 0;
  private count = 0;
  private total = 0;
  /** Intervals with two or more accepting leaders, counted when they start. */
  intervals = 0;

  /** At `nowMs`, `accepting` nodes accept writes as leader. */
  update(nowMs: number, accepting: number): void {
    if (this.count >= 2) this.total += nowMs - this.since;
    else if (accepting >= 2) this.intervals++;
    this.since = nowMs;
    this.count = accepting;
  }

  /** Total split-brain time up to `nowMs`. */
  totalMs(nowMs: number): number {
    return this.total + (this.count >= 2 ? nowMs - this.since : 0);
  }
}
