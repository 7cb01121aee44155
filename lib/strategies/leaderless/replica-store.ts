/**
 * The home replicas' stores of a leaderless run: one LWW register (timestamp, write id) or one
 * siblings store per (replica, key), with the merges every path into a store uses (writes,
 * repairs, handoffs, anti-entropy), and the copies that messages carry between nodes.
 */
import { Siblings } from '../versions/index.js';

/** A siblings-mode value: the write that made it and its element set (union merge: an add-only set of write ids). */
export interface SetValue {
  readonly id: number;
  readonly elements: ReadonlySet<number>;
}

/** Whether the LWW register (ts, wid) is newer than (curTs, curWid): later stamp, write id as tie-breaker (lib/check's `timestampOrder`). */
export function lwwNewer(ts: number, wid: number, curTs: number, curWid: number): boolean {
  return ts > curTs || (ts === curTs && wid > curWid);
}

/** Whether two siblings stores (undefined: empty) hold the same versions and causal context. */
export function sibSame(a: Siblings<SetValue> | undefined, b: Siblings<SetValue> | undefined): boolean {
  const ea = a === undefined || (a.size === 0 && a.context.size === 0);
  const eb = b === undefined || (b.size === 0 && b.context.size === 0);
  if (ea || eb) return ea && eb;
  if (a.size !== b.size || !a.context.equals(b.context)) return false;
  const bv = b.read().versions;
  return a
    .read()
    .versions.every((v) => bv.some((x) => x.dot.actor === v.dot.actor && x.dot.counter === v.dot.counter));
}

/** The distinct write ids a siblings store shows a read, sorted, as text (each replica's copy of a write has its own dot, so stores compare by what a read sees). */
export function idsOf(sib: Siblings<SetValue> | undefined): string {
  return sib === undefined
    ? ''
    : [...new Set(sib.read().values.map((v) => v.id))].sort((a, b) => a - b).join(',');
}

/**
 * Every home replica's store, by slot `replica * keys + key`. LWW registers are arrays; siblings
 * stores are created on first use. A store is on disk: a crash loses nothing stored.
 */
export class ReplicaStores {
  /** LWW timestamps per slot (-Infinity: nothing stored); empty in siblings mode. */
  readonly lwwTs: Float64Array;
  /** LWW write ids per slot (-1: nothing stored); empty in siblings mode. */
  readonly lwwWid: Int32Array;
  /** Siblings stores per slot (undefined: never written); empty in LWW mode. */
  readonly sibStore: (Siblings<SetValue> | undefined)[];

  constructor(
    readonly nodeCount: number,
    readonly keys: number,
    readonly siblingsMode: boolean,
  ) {
    this.lwwTs = siblingsMode ? new Float64Array(0) : new Float64Array(nodeCount * keys).fill(-Infinity);
    this.lwwWid = siblingsMode ? new Int32Array(0) : new Int32Array(nodeCount * keys).fill(-1);
    this.sibStore = siblingsMode ? new Array<undefined>(nodeCount * keys).fill(undefined) : [];
  }

  /** The slot of (replica, key). */
  slot(replica: number, key: number): number {
    return replica * this.keys + key;
  }

  /** Sets slot `s`'s LWW register to (ts, wid) if that is newer (wid -1: nothing, ignored); returns whether it changed. */
  mergeLww(s: number, ts: number, wid: number): boolean {
    if (wid >= 0 && lwwNewer(ts, wid, this.lwwTs[s], this.lwwWid[s])) {
      this.lwwTs[s] = ts;
      this.lwwWid[s] = wid;
      return true;
    }
    return false;
  }

  /** Slot `s`'s siblings store, created empty if it was never written. */
  siblingsAt(s: number): Siblings<SetValue> {
    let store = this.sibStore[s];
    if (store === undefined) this.sibStore[s] = store = new Siblings<SetValue>();
    return store;
  }

  /** A copy of (replica, key)'s siblings store (empty if never written). */
  snapshot(replica: number, key: number): Siblings<SetValue> {
    const copy = new Siblings<SetValue>();
    const store = this.sibStore[replica * this.keys + key];
    if (store !== undefined) copy.sync(store);
    return copy;
  }
}

/**
 * Siblings copies in flight, by slot number: a message carries the slot, the receiver takes the
 * copy. Handoffs draw their slots from the same counter.
 */
export class Payloads {
  private readonly bySlot = new Map<number, Siblings<SetValue>>();
  private next = 0;

  /** A fresh slot number. */
  nextSlot(): number {
    return this.next++;
  }

  /** Stores `copy` under a fresh slot; returns the slot. */
  put(copy: Siblings<SetValue>): number {
    const slot = this.next++;
    this.bySlot.set(slot, copy);
    return slot;
  }

  /** Takes (and forgets) the copy under `slot`. */
  take(slot: number): Siblings<SetValue> {
    const copy = this.bySlot.get(slot) as Siblings<SetValue>;
    this.bySlot.delete(slot);
    return copy;
  }
}
