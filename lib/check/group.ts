/**
 * Items grouped by a numeric key, each group sorted by `by` (stable for ties).
 *
 * @example
 * groupSorted(history.reads, (r) => r.key, (r) => r.invokeMs); // Map key -> reads in invoke order
 */
export function groupSorted<T>(
  items: readonly T[],
  key: (item: T) => number,
  by: (item: T) => number,
): Map<number, T[]> {
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
export function groupByPair<T>(
  items: readonly T[],
  first: (item: T) => number,
  second: (item: T) => number,
  keep: (item: T) => boolean = () => true,
): Map<number, Map<number, T[]>> {
  const groups = new Map<number, Map<number, T[]>>();
  for (const item of items) {
    if (!keep(item)) continue;
    const a = first(item);
    let inner = groups.get(a);
    if (inner === undefined) groups.set(a, (inner = new Map<number, T[]>()));
    const b = second(item);
    const g = inner.get(b);
    if (g === undefined) inner.set(b, [item]);
    else g.push(item);
  }
  return groups;
}

/** Keys below this go to a {@link KeyTable}'s array; others to its Map. */
const DENSE_KEYS = 1 << 22;

/**
 * Values by a numeric key, made on first use: a plain array for small non-negative integer keys
 * (ids and key numbers, the usual case: no hashing on the hot path of a streaming checker), a Map
 * for any other number.
 *
 * @example
 * const perKey = new KeyTable(() => ({ reads: 0 }));
 * perKey.at(7).reads++;
 * perKey.find(8); // undefined
 */
export class KeyTable<T> {
  private readonly dense: (T | undefined)[] = [];
  private readonly sparse = new Map<number, T>();

  /** @param make - the value of a key seen for the first time */
  constructor(private readonly make: () => T) {}

  /** The value of `k`, made if it is new. */
  at(k: number): T {
    const small = k >>> 0 === k && k < DENSE_KEYS;
    let v = small ? this.dense[k] : this.sparse.get(k);
    if (v === undefined) {
      v = this.make();
      if (small) {
        // Fill up to k so the array stays packed (no holes: V8 keeps it fast).
        while (this.dense.length < k) this.dense.push(undefined);
        this.dense[k] = v;
      } else this.sparse.set(k, v);
    }
    return v;
  }

  /** The value of `k`, or undefined if it was never made. */
  find(k: number): T | undefined {
    return k >>> 0 === k && k < DENSE_KEYS ? this.dense[k] : this.sparse.get(k);
  }
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
  private readonly outer: KeyTable<KeyTable<T>>;

  /** @param make - the value of a pair seen for the first time */
  constructor(make: () => T) {
    this.outer = new KeyTable(() => new KeyTable(make));
  }

  /** The value of (a, b), made if it is new. */
  at(a: number, b: number): T {
    return this.outer.at(a).at(b);
  }

  /** The value of (a, b), or undefined if it was never made. */
  find(a: number, b: number): T | undefined {
    return this.outer.find(a)?.find(b);
  }
}
