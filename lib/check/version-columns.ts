import { AsOf } from './as-of.js';
import {
  lexCompare,
  NO_VERSIONS,
  reflectsAll,
  timestampOf,
  timestampOrder,
  withVersion,
  type Version,
  type VersionOrder,
} from './version-order.js';

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

/** `a` doubled, to at least `length` entries, new entries `fill`. */
function grown(a: Float64Array, length: number, fill: number): Float64Array {
  const b = new Float64Array(Math.max(2 * a.length, length, 64));
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

// TimestampColumns' layout: per entity, its fields side by side (one cache line per entity).
const CHANGED = 0;
const CUR_TS = 1;
const CUR_ID = 2;
const EAR_TS = 3;
const EAR_ID = 4;
/** Bit 1: a current version; bit 2: a version before the latest instant. */
const HAS = 5;
const ENTITY = 6;
// Per read slot: the version it must reflect.
const SLOT_TS = 0;
const SLOT_ID = 1;
const SLOT_HAS = 2;
const SLOT = 3;

/** One newest version per entity, as (timestamp, id) numbers; the version before the latest instant beside it. */
class TimestampColumns implements VersionColumns {
  private entities: Float64Array = new Float64Array(0);
  private slots: Float64Array = new Float64Array(0);

  include(e: number, atMs: number, v: Version): void {
    const at = this.advance(e, atMs);
    const ts = timestampOf(v);
    const d = this.entities;
    if ((d[at + HAS] & 1) !== 0) {
      const curId = d[at + CUR_ID];
      // Kept when it reflects v: v is the current version or older (as `withVersion`).
      if (v.id === curId || lexCompare(ts, v.id, d[at + CUR_TS], curId) < 0) return;
    }
    d[at + CUR_TS] = ts;
    d[at + CUR_ID] = v.id;
    d[at + HAS] = d[at + HAS] | 1;
  }

  replace(e: number, atMs: number, v: Version): void {
    const at = this.advance(e, atMs);
    const d = this.entities;
    d[at + CUR_TS] = timestampOf(v);
    d[at + CUR_ID] = v.id;
    d[at + HAS] = d[at + HAS] | 1;
  }

  latestMs(e: number): number {
    return (e + 1) * ENTITY <= this.entities.length ? this.entities[e * ENTITY + CHANGED] : -Infinity;
  }

  snapshot(e: number, tMs: number, slot: number): void {
    if ((slot + 1) * SLOT > this.slots.length) this.slots = grown(this.slots, (slot + 1) * SLOT, 0);
    const s = this.slots;
    const to = slot * SLOT;
    if (e < 0 || (e + 1) * ENTITY > this.entities.length) {
      s[to + SLOT_HAS] = 0;
      return;
    }
    const d = this.entities;
    const at = e * ENTITY;
    const changed = d[at + CHANGED];
    if (tMs > changed) {
      s[to + SLOT_HAS] = d[at + HAS] & 1;
      s[to + SLOT_TS] = d[at + CUR_TS];
      s[to + SLOT_ID] = d[at + CUR_ID];
    } else if (tMs === changed) {
      s[to + SLOT_HAS] = (d[at + HAS] >> 1) & 1;
      s[to + SLOT_TS] = d[at + EAR_TS];
      s[to + SLOT_ID] = d[at + EAR_ID];
    } else throw new Error(`AsOf: asked for ${tMs} ms after a change at ${changed} ms`);
  }

  emptyAt(slot: number): boolean {
    return this.slots[slot * SLOT + SLOT_HAS] === 0;
  }

  reflectedBy(slot: number, returned: readonly Version[]): boolean {
    const s = this.slots;
    const at = slot * SLOT;
    if (s[at + SLOT_HAS] === 0) return true;
    const fTs = s[at + SLOT_TS];
    const fId = s[at + SLOT_ID];
    // As `reflects`: returned the version itself or a newer one.
    for (let i = 0; i < returned.length; i++) {
      const v = returned[i];
      if (v.id === fId || lexCompare(fTs, fId, timestampOf(v), v.id) < 0) return true;
    }
    return false;
  }

  /**
   * Starts a new instant for `e` at `atMs` if it is later than its last change (the current
   * version becomes the earlier one); returns where `e`'s fields start.
   */
  private advance(e: number, atMs: number): number {
    if ((e + 1) * ENTITY > this.entities.length) {
      const old = this.entities.length;
      this.entities = grown(this.entities, (e + 1) * ENTITY, 0);
      for (let i = old + CHANGED; i < this.entities.length; i += ENTITY) this.entities[i] = -Infinity;
    }
    const d = this.entities;
    const at = e * ENTITY;
    const changed = d[at + CHANGED];
    if (atMs > changed) {
      d[at + EAR_TS] = d[at + CUR_TS];
      d[at + EAR_ID] = d[at + CUR_ID];
      d[at + HAS] = (d[at + HAS] & 1) * 3;
      d[at + CHANGED] = atMs;
    } else if (atMs < changed) throw new Error(`AsOf: a change at ${atMs} ms after one at ${changed} ms`);
    return at;
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
