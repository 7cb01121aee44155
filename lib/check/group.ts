/**
 * Items grouped by a numeric key, each group sorted by `by` (stable for ties).
 *
 * @example
 * groupSorted(history.reads, (r) => r.key, (r) => r.invokeMs); // Map key -> reads in invoke order
 */
export function groupSorted<T>(items: readonly T[], key: (item: T) => number, by: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [item]);
    else g.push(item);
  }
  for (const g of groups.values()) g.sort((a, b) => by(a) - by(b));
  return groups;
}

/**
 * Items grouped by two numeric keys (e.g. client and key), in order of arrival; no string keys.
 *
 * @example
 * groupByPair(history.reads, (r) => r.client, (r) => r.key).get(3)?.get(7); // client 3's reads of key 7
 */
export function groupByPair<T>(items: readonly T[], first: (item: T) => number, second: (item: T) => number, keep: (item: T) => boolean = () => true): Map<number, Map<number, T[]>> {
  const groups = new Map<number, Map<number, T[]>>();
  for (const item of items) {
    if (!keep(item)) continue;
    const a = first(item);
    let inner = groups.get(a);
    if (inner === undefined) groups.set(a, (inner = new Map()));
    const b = second(item);
    const g = inner.get(b);
    if (g === undefined) inner.set(b, [item]);
    else g.push(item);
  }
  return groups;
}

/**
 * Values by two numeric keys (e.g. client and key), made on first use; no string keys. A
 * streaming checker's per-(client, key) state.
 *
 * @example
 * const last = new PairMap(() => new AsOf<WriteRecord | null>(null));
 * last.at(3, 7).set(10, write); // client 3, key 7
 * last.find(4, 7);              // undefined: client 4 never touched key 7
 */
export class PairMap<T> {
  private readonly outer = new Map<number, Map<number, T>>();

  /** @param make - the value of a pair seen for the first time */
  constructor(private readonly make: () => T) {}

  /** The value of (a, b), made if it is new. */
  at(a: number, b: number): T {
    let inner = this.outer.get(a);
    if (inner === undefined) this.outer.set(a, (inner = new Map()));
    let v = inner.get(b);
    if (v === undefined) inner.set(b, (v = this.make()));
    return v;
  }

  /** The value of (a, b), or undefined if it was never made. */
  find(a: number, b: number): T | undefined {
    return this.outer.get(a)?.get(b);
  }
}
