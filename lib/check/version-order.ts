/**
 * What a version order compares: a write's id and its order keys. A history's `WriteRecord` is one;
 * a streaming checker can pass just these fields (e.g. the (timestamp, id) a replica returned).
 */
export interface Version {
  /** The write's unique id. */
  readonly id: number;
  /** Its LWW timestamp (see {@link timestampOrder}). */
  readonly timestamp?: number;
  /** Its version vector (see {@link vectorOrder}). */
  readonly vector?: readonly number[];
}

/**
 * The store's order of versions: which of two writes is newer. The checkers take one, so the
 * same history can be judged for last-writer-wins (timestamps, a total order) or for version
 * vectors (causal dominance, a partial order).
 */
export interface VersionOrder {
  /** A name for reports, e.g. `'timestamp'`. */
  readonly name: string;
  /** True when any two distinct writes are ordered (never concurrent): the checkers then take a faster path. */
  readonly total: boolean;
  /**
   * Negative when `a` is older than `b`, positive when newer, 0 for the same version, NaN when
   * they are concurrent (neither is newer).
   */
  compare: (a: Version, b: Version) => number;
}

/**
 * A version's LWW timestamp; throws if it has none.
 *
 * @example
 * timestampOf({ id: 1, timestamp: 5 }); // 5
 */
export function timestampOf(w: Version): number {
  if (w.timestamp === undefined) throw new Error(`timestampOrder: write ${w.id} has no timestamp`);
  return w.timestamp;
}

/**
 * Last-writer-wins order: by each write's `timestamp`, ties broken by write id. A total order.
 *
 * Reference: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Last write wins".
 *
 * @example
 * timestampOrder.compare({ ...w, id: 1, timestamp: 5 }, { ...w, id: 2, timestamp: 3 }); // > 0
 */
export const timestampOrder: VersionOrder = {
  name: 'timestamp',
  total: true,
  compare(a, b) {
    if (a.id === b.id) return 0;
    return lexCompare(timestampOf(a), a.id, timestampOf(b), b.id);
  },
};

/**
 * {@link timestampOrder}'s comparison on numbers: negative when (aTs, aId) is older than
 * (bTs, bId). The one formula behind `timestampOrder.compare` and the streaming checkers'
 * typed-array columns (version-columns.ts).
 *
 * @example
 * lexCompare(5, 1, 3, 2); // 2: (5, 1) is newer
 */
export function lexCompare(aTs: number, aId: number, bTs: number, bId: number): number {
  return aTs - bTs || aId - bId;
}

/**
 * Causal order of version vectors: `a` is older than `b` when every entry of a is <= b's
 * (missing entries count as 0) and they differ; concurrent (NaN) when each has an entry above the
 * other's.
 *
 * Reference: D. S. Parker et al., "Detection of mutual inconsistency in distributed systems",
 * IEEE TSE 9(3), 1983; G. DeCandia et al., "Dynamo", SOSP 2007, section 4.4.
 *
 * @example
 * vectorOrder.compare({ ...w, id: 1, vector: [1, 0] }, { ...w, id: 2, vector: [1, 1] }); // -1
 * vectorOrder.compare({ ...w, id: 1, vector: [2, 0] }, { ...w, id: 2, vector: [1, 1] }); // NaN
 */
export const vectorOrder: VersionOrder = {
  name: 'vector',
  total: false,
  compare(a, b) {
    if (a.id === b.id) return 0;
    const va = a.vector;
    const vb = b.vector;
    if (va === undefined) throw new Error(`vectorOrder: write ${a.id} has no version vector`);
    if (vb === undefined) throw new Error(`vectorOrder: write ${b.id} has no version vector`);
    let less = false;
    let greater = false;
    const n = Math.max(va.length, vb.length);
    for (let i = 0; i < n; i++) {
      const x = va[i] ?? 0;
      const y = vb[i] ?? 0;
      if (x < y) less = true;
      else if (x > y) greater = true;
    }
    if (less && greater) return Number.NaN;
    return less ? -1 : greater ? 1 : 0;
  },
};

/**
 * Whether a read's result reflects write `w`: it returned w itself or a version newer than w.
 *
 * @example
 * reflects(timestampOrder, [newer], older); // true
 * reflects(timestampOrder, [], older);      // false: the initial value reflects no write
 */
export function reflects(order: VersionOrder, returned: readonly Version[], w: Version): boolean {
  for (const v of returned) if (v.id === w.id || order.compare(w, v) < 0) return true;
  return false;
}

/** No version: the empty frontier (a key never written, a client that saw nothing yet). */
export const NO_VERSIONS: readonly Version[] = [];

/**
 * The newest versions of a set under `order` once `v` joins it: `frontier` (the versions none other
 * is newer than: an antichain, one version under a total order) without those older than `v`, plus
 * `v` unless something in it already reflects `v`. Copy on write: the array passed in is never
 * changed, so a reader may keep the frontier it got while the set grows.
 *
 * @example
 * let newest: readonly Version[] = [];
 * newest = withVersion(timestampOrder, newest, { id: 1, timestamp: 5 });
 * newest = withVersion(timestampOrder, newest, { id: 2, timestamp: 3 }); // still [w1]
 */
export function withVersion(
  order: VersionOrder,
  frontier: readonly Version[],
  v: Version,
): readonly Version[] {
  if (reflects(order, frontier, v)) return frontier;
  // One newest version (always so under a total order): no filtering, one small array.
  if (frontier.length === 1) return order.compare(frontier[0], v) < 0 ? [v] : [frontier[0], v];
  const kept = frontier.filter((f) => !(order.compare(f, v) < 0));
  kept.push(v);
  return kept;
}

/**
 * Whether a read's result reflects every version of `frontier` (see {@link reflects}). For a
 * frontier of the newest versions of a set this is whether it reflects the whole set, as long as
 * `order` is transitive (a partial order).
 *
 * @example
 * reflectsAll(timestampOrder, [w2], [w1]); // true when w1 is older than w2
 */
export function reflectsAll(
  order: VersionOrder,
  returned: readonly Version[],
  frontier: readonly Version[],
): boolean {
  for (const f of frontier) if (!reflects(order, returned, f)) return false;
  return true;
}
