/**
 * Finds, for a value t, the first index k with grid[k] >= t (grid.length if none) in an ascending
 * grid: the lower bound a binary search gives, in O(1) on average. Most thresholds of the WARS
 * kernel fall below the first point (already consistent at t = 0) or beyond the last, so those are
 * tested first; between them a table of 2 buckets per grid point over [grid[0], grid[last]] gives a
 * starting index that a short scan corrects, so the answer is exact whatever the rounding of the
 * bucket arithmetic and however unevenly the points are spaced.
 *
 * @example
 * new GridLocator(Float64Array.of(0, 1, 2)).locate(0.5); // 1
 */
export class GridLocator {
  private readonly first: number;
  private readonly last: number;
  private readonly bucketScale: number;
  private readonly bucketStart: Int32Array;

  constructor(private readonly grid: Float64Array) {
    const length = grid.length;
    this.first = length > 0 ? grid[0] : Infinity;
    this.last = length > 0 ? grid[length - 1] : -Infinity;
    const buckets = Math.max(1, 2 * length);
    const span = this.last - this.first;
    this.bucketScale = span > 0 && Number.isFinite(span) ? buckets / span : 0;
    this.bucketStart = new Int32Array(buckets + 1);
    let k = 0;
    for (let b = 0; b <= buckets; b++) {
      const edge = this.first + b / this.bucketScale;
      while (k < length && grid[k] < edge) k++;
      this.bucketStart[b] = Math.min(k, Math.max(0, length - 1));
    }
  }

  /** The first index k with grid[k] >= t, or grid.length (also for NaN). */
  locate(t: number): number {
    if (t <= this.first) return 0;
    const grid = this.grid;
    if (!(t <= this.last)) return grid.length; // also NaN, as the binary search it replaces did
    let bucket = Math.floor((t - this.first) * this.bucketScale);
    if (!(bucket >= 0)) bucket = 0;
    else if (bucket >= this.bucketStart.length) bucket = this.bucketStart.length - 1;
    let k = this.bucketStart[bucket];
    while (k > 0 && grid[k - 1] >= t) k--;
    while (grid[k] < t) k++;
    return k;
  }
}
