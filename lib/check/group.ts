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
