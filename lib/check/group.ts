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
