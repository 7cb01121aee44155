import { wilsonInterval, type ProportionEstimate } from '../stats/index.js';

/** How many events of a kind happened, out of how many chances: a proportion's numerator and denominator. */
export interface Count {
  /** The events (e.g. stale reads). */
  count: number;
  /** The denominator (e.g. reads checked). */
  of: number;
}

/** A {@link Count} with its proportion and Wilson 95% interval. */
export interface CountEstimate extends Count, ProportionEstimate {}

/**
 * count / of with its Wilson 95% interval (p is NaN and the interval [0, 1] when `of` is 0).
 *
 * Reference: E. B. Wilson, JASA 22(158), 1927 (via lib/stats `wilsonInterval`).
 *
 * @example
 * proportion({ count: 3, of: 1000 }); // { count: 3, of: 1000, p: 0.003, low: 0.00102..., high: 0.00878... }
 */
export function proportion(c: Count): CountEstimate {
  return { count: c.count, of: c.of, ...wilsonInterval(c.count, c.of) };
}

/** The {@link Count} fields of a checker's result. */
export type CountFields<T> = { [K in keyof T as T[K] extends Count ? K : never]: CountEstimate };

function isCount(x: unknown): x is Count {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Count).count === 'number' &&
    typeof (x as Count).of === 'number'
  );
}

/**
 * Every {@link Count} field of a checker's result as a proportion with its Wilson 95% interval.
 *
 * @example
 * proportions(lostWrites(history, timestampOrder)).lost; // { count, of, p, low, high }
 */
export function proportions<T extends object>(result: T): CountFields<T> {
  const out: Record<string, CountEstimate> = {};
  for (const [name, value] of Object.entries(result)) if (isCount(value)) out[name] = proportion(value);
  return out as CountFields<T>;
}

/**
 * Adds counts of the same kind (from several runs or batches); order-free.
 *
 * @example
 * addCounts({ count: 1, of: 10 }, { count: 2, of: 5 }); // { count: 3, of: 15 }
 */
export function addCounts(...counts: readonly Count[]): Count {
  let count = 0;
  let of = 0;
  for (const c of counts) {
    count += c.count;
    of += c.of;
  }
  return { count, of };
}

/**
 * A {@link Count} kept as events come: a streaming checker's tally.
 *
 * @example
 * const stale = new Tally();
 * stale.add(false);
 * stale.add(true);  // returns true
 * stale.counts;     // { count: 1, of: 2 }
 */
export class Tally {
  private count = 0;
  private of = 0;

  /** Counts one chance; `hit` says whether the event happened. Returns `hit`. */
  add(hit: boolean): boolean {
    this.of++;
    if (hit) this.count++;
    return hit;
  }

  /** The count so far (a copy). */
  get counts(): Count {
    return { count: this.count, of: this.of };
  }
}
