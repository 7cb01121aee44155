import type { Clocks } from '../../sim/clock.js';

/**
 * A last-write-wins timestamp: the writer's local clock reading and a tie-breaker.
 *
 * Last-writer-wins by wall-clock timestamp is how Cassandra resolves concurrent writes (per cell)
 * and one of Dynamo's options (DeCandia et al., SOSP 2007, §4.4 and §6: "last write wins");
 * the Thomas write rule (Thomas, "A majority consensus approach to concurrency control", ACM TODS
 * 1979) is its origin. Ties need a deterministic order so that all replicas pick the same winner.
 */
export interface LwwStamp {
  /** The writer's local clock at the write, in ms ({@link Clocks.local} of the accepting node). */
  readonly timestamp: number;
  /**
   * The tie-breaker for equal timestamps, larger wins: the writing node's id, or a write id that
   * is unique across the run (better: two writes by one node in the same ms then still differ).
   */
  readonly writer: number;
  /**
   * A second tie-breaker, for equal timestamps and writers (larger wins; absent counts as 0): the
   * write's id when `writer` is the accepting node, so two writes a node stamped alike still differ.
   */
  readonly write?: number;
}

/**
 * The total order of LWW stamps: by timestamp, then by writer, then by write.
 *
 * @param a - one stamp
 * @param b - another
 * @returns -1 if `a` loses to `b`, 1 if it wins, 0 if the stamps are equal
 * @example
 * lwwCompare({ timestamp: 5, writer: 1 }, { timestamp: 5, writer: 2 }); // -1
 */
export function lwwCompare(a: LwwStamp, b: LwwStamp): -1 | 0 | 1 {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp ? 1 : -1;
  if (a.writer !== b.writer) return a.writer > b.writer ? 1 : -1;
  const aw = a.write ?? 0;
  const bw = b.write ?? 0;
  if (aw !== bw) return aw > bw ? 1 : -1;
  return 0;
}

/**
 * Whether the write stamped `a` wins over the one stamped `b` under last-write-wins: a larger
 * timestamp, or the same timestamp and a larger writer id (then write id).
 *
 * @param a - the challenger's stamp
 * @param b - the incumbent's stamp
 * @example
 * lwwWins({ timestamp: 10, writer: 0 }, { timestamp: 9, writer: 5 });  // true
 * lwwWins({ timestamp: 10, writer: 0 }, { timestamp: 10, writer: 5 }); // false: tie, 5 > 0
 */
export function lwwWins(a: LwwStamp, b: LwwStamp): boolean {
  return lwwCompare(a, b) > 0;
}

/**
 * The stamp a node gives a write it accepts at true time `trueMs`: its own clock's reading
 * (`offset + (1 + drift) * trueMs`, see lib/sim/clock.ts), so clock skew decides which write wins.
 *
 * @param clocks - the nodes' clocks
 * @param node - the accepting node
 * @param trueMs - the simulation (true) time of the write
 * @param writer - the tie-breaker (default: the node id)
 * @example
 * const clocks = new Clocks(2);
 * clocks.set(1, -50);                 // node 1 runs 50 ms behind
 * lwwStamp(clocks, 1, 100);           // { timestamp: 50, writer: 1 }
 */
export function lwwStamp(clocks: Clocks, node: number, trueMs: number, writer = node): LwwStamp {
  return { timestamp: clocks.local(node, trueMs), writer };
}

/**
 * A last-write-wins register: one value, the one with the largest stamp it has been offered.
 * Merging in any order gives the same result (the stamps are totally ordered), so replicas
 * converge; the cost is that every other write is silently discarded, including acknowledged ones
 * that came later in true time when the clocks disagree.
 *
 * @example
 * const reg = new LwwRegister<string>();
 * reg.set('a', { timestamp: 10, writer: 0 }); // true
 * reg.set('b', { timestamp: 9, writer: 1 });  // false: older stamp, discarded
 * reg.value;                                  // 'a'
 */
export class LwwRegister<T> {
  private current: { value: T; stamp: LwwStamp } | undefined;

  /** The winning value so far (`undefined` before any write). */
  get value(): T | undefined {
    return this.current?.value;
  }

  /** The winning stamp so far. */
  get stamp(): LwwStamp | undefined {
    return this.current?.stamp;
  }

  /**
   * Offers a write; it is kept if its stamp wins over the current one.
   *
   * @param value - the value written
   * @param stamp - its LWW stamp
   * @returns whether it replaced the current value
   * @example
   * new LwwRegister<number>().set(1, { timestamp: 0, writer: 0 }); // true
   */
  set(value: T, stamp: LwwStamp): boolean {
    if (this.current !== undefined && !lwwWins(stamp, this.current.stamp)) return false;
    this.current = { value, stamp };
    return true;
  }

  /**
   * Takes the other register's value if its stamp wins (anti-entropy between replicas).
   *
   * @param other - another replica's register for the same key
   * @returns whether this register changed
   * @example
   * const a = new LwwRegister<string>();
   * const b = new LwwRegister<string>();
   * b.set('x', { timestamp: 3, writer: 1 });
   * a.merge(b); // true; a.value === 'x'
   */
  merge(other: LwwRegister<T>): boolean {
    return other.current === undefined ? false : this.set(other.current.value, other.current.stamp);
  }
}
