/**
 * A value that changes at instants of virtual time, read as it stood just before an instant.
 *
 * The checkers' definitions look at what happened strictly before an operation started (a write
 * acknowledged at the very instant a read starts is concurrent with it, not before it). A
 * streaming checker sees the events of one instant one by one, in the simulation's order; keeping
 * the value before the latest instant beside the current one answers "as of just before t" for
 * any t from the latest change on, whatever the order of the events within an instant. So a
 * checker gives the same answer fed live by a simulation or replayed from a recorded history.
 *
 * Changes must come in time order, and questions must not go back before the latest change.
 *
 * @example
 * const last = new AsOf<number | null>(null);
 * last.set(5, 17);
 * last.before(5); // null: the change at 5 is not strictly before 5
 * last.before(6); // 17
 */
export class AsOf<T> {
  private earlier: T;
  private current: T;
  private changedMs = -Infinity;

  /** @param initial - the value before any change */
  constructor(initial: T) {
    this.earlier = initial;
    this.current = initial;
  }

  /** The value with every change so far. */
  get latest(): T {
    return this.current;
  }

  /** The instant of the latest change (-Infinity: none). */
  get latestMs(): number {
    return this.changedMs;
  }

  /** Changes the value at `atMs` (not before the latest change). */
  set(atMs: number, value: T): void {
    if (atMs > this.changedMs) {
      this.earlier = this.current;
      this.changedMs = atMs;
    } else if (atMs < this.changedMs)
      throw new Error(`AsOf: a change at ${atMs} ms after one at ${this.changedMs} ms`);
    this.current = value;
  }

  /** The value as it stood just before `tMs` (from the latest change on). */
  before(tMs: number): T {
    if (tMs > this.changedMs) return this.current;
    if (tMs < this.changedMs)
      throw new Error(`AsOf: asked for ${tMs} ms after a change at ${this.changedMs} ms`);
    return this.earlier;
  }
}
