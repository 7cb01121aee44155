/** A point to be minimised in both coordinates. */
export interface ParetoPoint {
  x: number;
  y: number;
}

/**
 * The Pareto front of `points` when both coordinates are to be minimised: the points that no
 * other point dominates (a dominates b when a.x <= b.x and a.y <= b.y, with at least one strict).
 * Exact duplicates of a front point are all on the front. Points with a non-finite coordinate
 * are never on it. Returned sorted by x ascending (then y), as the same objects that were given.
 * O(n log n): sort by x, then sweep keeping the lowest y seen (Kung, Luccio & Preparata,
 * "On finding the maxima of a set of vectors", JACM 1975).
 *
 * @example
 * paretoFront([{ x: 1, y: 5 }, { x: 2, y: 2 }, { x: 3, y: 3 }, { x: 4, y: 1 }]);
 * // [{ x: 1, y: 5 }, { x: 2, y: 2 }, { x: 4, y: 1 }]
 */
export function paretoFront<P extends ParetoPoint>(points: readonly P[]): P[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x || a.y - b.y);
  const front: P[] = [];
  let last: P | undefined;
  for (const p of sorted) {
    if (last === undefined || p.y < last.y) {
      front.push(p);
      last = p;
    } else if (p.x === last.x && p.y === last.y) {
      front.push(p);
    }
  }
  return front;
}
