import { AsOf } from './as-of.js';
import { lexCompare, NO_VERSIONS, reflectsAll, timestampOf, timestampOrder, withVersion, type Version, type VersionOrder } from './version-order.js';

/**
 * Where a streaming checker keeps versions: per entity (a key, a client's key) the newest versions
 * seen so far, read as of just before an instant (see {@link AsOf}), and per read slot the versions
 * a read in flight must reflect, copied when it starts.
 *
 * Two layouts, one behaviour: for `timestampOrder` (a total order on (timestamp, id), so one newest
 * version) numbers in typed arrays, which keeps a long run's per-key state out of the garbage
 * collector's way; for any other order, arrays of {@link Version}s (antichains, see
 * {@link withVersion}). Tests hold the two equal on the same histories.
 *
 * Entities and slots are small non-negative integers handed out by the caller.
 *
 * @example
 * const cols = versionColumns(timestampOrder);
 * cols.include(0, 10, { id: 1, timestamp: 5 });   // entity 0 saw write 1 at 10 ms
 * cols.snapshot(0, 12, 3);                        // read slot 3 starts at 12 ms
 * cols.reflectedBy(3, []);                        // false: the initial value reflects nothing
 */
export interface VersionColumns {
  /** `v` joins entity `e`'s newest versions at `atMs` (changes in time order). */
  include(e: number, atMs: number, v: Version): void;
  /** Entity `e` holds just `v` from `atMs` on. */
  replace(e: number, atMs: number, v: Version): void;
  /** When entity `e` last changed (-Infinity: never). */
  latestMs(e: number): number;
  /** Read slot `slot` takes entity `e`'s versions as of just before `tMs` (e -1: an entity never seen: none). */
  snapshot(e: number, tMs: number, slot: number): void;
  /** Whether read slot `slot` holds no version. */
  emptyAt(slot: number): boolean;
  /** Whether `returned` reflects every version of read slot `slot` (see {@link reflectsAll}). */
  reflectedBy(slot: number, returned: readonly Version[]): boolean;
}

/**
 * The columns for `order`: typed arrays for `timestampOrder`, version arrays for any other.
 *
 * @example
 * versionColumns(vectorOrder).include(0, 1, { id: 4, vector: [1, 0] });
 */
export function versionColumns(order: VersionOrder): VersionColumns {
  return order === timestampOrder ? new TimestampColumns() : new FrontierColumns(order);
}

/** `a` doubled (at least past index `min`), new entries `fill`. */
function grown<A extends Float64Array | Uint8Array>(a: A, min: number, fill: number): A {
  const b = new (a.constructor as new (length: number) => A)(Math.max(2 * a.length, min + 1, 16));
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

/** One newest version per entity, as (timestamp, id) numbers; the version before the latest instant beside it. */
class TimestampColumns implements VersionColumns {
  private changed = new Float64Array(0);
  private curTs = new Float64Array(0);
  private curId = new Float64Array(0);
  private earTs = new Float64Array(0);
  private earId = new Float64Array(0);
  /** Per entity: bit 1, a current version; bit 2, one before the latest instant. */
  private has = new Uint8Array(0);
  private slotTs = new Float64Array(0);
  private slotId = new Float64Array(0);
  private slotHas = new Uint8Array(0);

  include(e: number, atMs: number, v: Version): void {
    this.advance(e, atMs);
    const ts = timestampOf(v);
    if ((this.has[e] & 1) !== 0) {
      const curId = this.curId[e];
      // Kept when it reflects v: v is the current version or older (as `withVersion`).
      if (v.id === curId || lexCompare(ts, v.id, this.curTs[e], curId) < 0) return;
    }
    this.set(e, ts, v.id);
  }

  replace(e: number, atMs: number, v: Version): void {
    this.advance(e, atMs);
    this.set(e, timestampOf(v), v.id);
  }

  latestMs(e: number): number {
    return e < this.changed.length ? this.changed[e] : -Infinity;
  }

  snapshot(e: number, tMs: number, slot: number): void {
    if (slot >= this.slotHas.length) {
      this.slotTs = grown(this.slotTs, slot, 0);
      this.slotId = grown(this.slotId, slot, 0);
      this.slotHas = grown(this.slotHas, slot, 0);
    }
    if (e < 0 || e >= this.changed.length) {
      this.slotHas[slot] = 0;
      return;
    }
    const changed = this.changed[e];
    if (tMs > changed) {
      this.slotHas[slot] = this.has[e] & 1;
      this.slotTs[slot] = this.curTs[e];
      this.slotId[slot] = this.curId[e];
    } else if (tMs === changed) {
      this.slotHas[slot] = (this.has[e] >> 1) & 1;
      this.slotTs[slot] = this.earTs[e];
      this.slotId[slot] = this.earId[e];
    } else throw new Error(`AsOf: asked for ${tMs} ms after a change at ${changed} ms`);
  }

  emptyAt(slot: number): boolean {
    return this.slotHas[slot] === 0;
  }

  reflectedBy(slot: number, returned: readonly Version[]): boolean {
    if (this.slotHas[slot] === 0) return true;
    const fTs = this.slotTs[slot];
    const fId = this.slotId[slot];
    // As `reflects`: returned the version itself or a newer one.
    for (let i = 0; i < returned.length; i++) {
      const v = returned[i];
      if (v.id === fId || lexCompare(fTs, fId, timestampOf(v), v.id) < 0) return true;
    }
    return false;
  }

  /** Starts a new instant for `e` at `atMs` if it is later than its last change (the current version becomes the earlier one). */
  private advance(e: number, atMs: number): void {
    if (e >= this.changed.length) {
      this.changed = grown(this.changed, e, -Infinity);
      this.curTs = grown(this.curTs, e, 0);
      this.curId = grown(this.curId, e, 0);
      this.earTs = grown(this.earTs, e, 0);
      this.earId = grown(this.earId, e, 0);
      this.has = grown(this.has, e, 0);
    }
    const changed = this.changed[e];
    if (atMs > changed) {
      this.earTs[e] = this.curTs[e];
      this.earId[e] = this.curId[e];
      this.has[e] = (this.has[e] & 1) * 3;
      this.changed[e] = atMs;
    } else if (atMs < changed) throw new Error(`AsOf: a change at ${atMs} ms after one at ${changed} ms`);
  }

  private set(e: number, ts: number, id: number): void {
    this.curTs[e] = ts;
    this.curId[e] = id;
    this.has[e] |= 1;
  }
}

/** The newest versions per entity as arrays of versions (antichains under a partial order). */
class FrontierColumns implements VersionColumns {
  private readonly entities: AsOf<readonly Version[]>[] = [];
  private readonly slots: (readonly Version[])[] = [];

  constructor(private readonly order: VersionOrder) {}

  include(e: number, atMs: number, v: Version): void {
    const seen = this.entity(e);
    seen.set(atMs, withVersion(this.order, seen.latest, v));
  }

  replace(e: number, atMs: number, v: Version): void {
    this.entity(e).set(atMs, [v]);
  }

  latestMs(e: number): number {
    return e < this.entities.length ? this.entities[e].latestMs : -Infinity;
  }

  snapshot(e: number, tMs: number, slot: number): void {
    while (this.slots.length <= slot) this.slots.push(NO_VERSIONS);
    this.slots[slot] = e < 0 || e >= this.entities.length ? NO_VERSIONS : this.entities[e].before(tMs);
  }

  emptyAt(slot: number): boolean {
    return this.slots[slot].length === 0;
  }

  reflectedBy(slot: number, returned: readonly Version[]): boolean {
    return reflectsAll(this.order, returned, this.slots[slot]);
  }

  private entity(e: number): AsOf<readonly Version[]> {
    while (this.entities.length <= e) this.entities.push(new AsOf<readonly Version[]>(NO_VERSIONS));
    return this.entities[e];
  }
}
