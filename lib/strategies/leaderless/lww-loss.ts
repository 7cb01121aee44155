/**
 * The leaderless model's count of acknowledged writes lost under last-write-wins, kept as the run
 * goes with memory bounded by the writes that can still win, not by the writes of the run.
 */
import type { ReplicaStores } from './replica-store.js';
import { lwwNewer } from './replica-store.js';

/** A write that may still be its key's final winner. */
interface Candidate {
  id: number;
  ts: number;
  invokeMs: number;
  /** NaN until acknowledged (and for ever if the write failed). */
  ackMs: number;
  /** The writes this one would make lost if it won: acknowledged, other, invoked after this one's acknowledgement. */
  lostIfFinal: number;
}

/**
 * Acknowledged writes lost under LWW (`acked_writes_lost`). With a key's final winner f (the
 * newest register over its replicas when the run ends), an acknowledged write w is lost when
 * w is not f and f was acknowledged before w was invoked (`f.ackMs < w.invokeMs`: no linearizable
 * store could have ordered w before f), or when the key has no surviving write at all; lib/check's
 * `lostWrites` on one survivor.
 *
 * The winner is known only at the end, so every write that may still win keeps the count it would
 * make lost, updated as acknowledgements come: each acknowledgement of w adds one to every
 * candidate acknowledged before w was invoked. A write stops being a candidate once a home
 * replica of its key holds a newer register: home stores are durable and only move to newer
 * registers, so the final winner is at least that register. The candidates are thus the writes
 * not yet stored at home, newer than what is (the writes in flight, hints, writes stamped by a
 * clock running ahead): few, whatever the length of the run. When a crash can destroy a store
 * (`storeLoss`), a home register can go back to an older one, so no write is dropped and the
 * candidates are every write.
 *
 * @example
 * const loss = new LwwLossCount(stores, prefs, n, true);
 * loss.issued(key, id, ts, now);            // at the write's issue, once stamped
 * loss.acked(key, id, invokeMs, now);       // at its acknowledgement
 * loss.lostWith(key, finalWinner);          // after the run: the key's lost acknowledged writes
 */
export class LwwLossCount {
  private readonly candidates: (Candidate[] | undefined)[];
  private readonly ackedPerKey: Float64Array;
  private floorTs = -Infinity;
  private floorWid = -1;

  /**
   * @param stores - the replicas' LWW registers
   * @param prefs - preference lists: key k's home replicas are prefs[k*n .. k*n+n)
   * @param n - replicas per key
   * @param durable - whether home stores only ever move to newer registers (no store loss)
   */
  constructor(private readonly stores: ReplicaStores, private readonly prefs: Int32Array, private readonly n: number, private readonly durable: boolean) {
    this.ackedPerKey = new Float64Array(stores.keys);
    this.candidates = new Array<undefined>(stores.keys).fill(undefined);
  }

  /** Write `id` of `key`, stamped `ts`, was issued at `invokeMs`. */
  issued(key: number, id: number, ts: number, invokeMs: number): void {
    let list = this.candidates[key];
    if (list === undefined) this.candidates[key] = list = [];
    this.prune(key, list);
    if (!this.durable || lwwNewer(ts, id, this.floorTs, this.floorWid)) list.push({ id, ts, invokeMs, ackMs: Number.NaN, lostIfFinal: 0 });
  }

  /** Write `id` of `key`, invoked at `invokeMs`, was acknowledged at `ackMs`. */
  acked(key: number, id: number, invokeMs: number, ackMs: number): void {
    this.ackedPerKey[key]++;
    const list = this.candidates[key];
    if (list === undefined) return;
    for (const c of list) {
      if (c.id === id) c.ackMs = ackMs;
      else if (c.ackMs < invokeMs) c.lostIfFinal++;
    }
  }

  /** After the run: the acknowledged writes of `key` lost when `winner` (-1: none survives) is its final register. */
  lostWith(key: number, winner: number): number {
    if (winner < 0) return this.ackedPerKey[key];
    const c = this.candidates[key]?.find((x) => x.id === winner);
    if (c === undefined) throw new Error(`LwwLossCount: the final winner ${winner} of key ${key} was not a candidate`);
    return Number.isNaN(c.ackMs) ? 0 : c.lostIfFinal;
  }

  /** Sets the floor to the newest register on `key`'s home replicas. */
  private homeFloor(key: number): void {
    const { lwwTs, lwwWid, keys } = this.stores;
    let ts = -Infinity;
    let wid = -1;
    for (let i = 0; i < this.n; i++) {
      const s = this.prefs[key * this.n + i] * keys + key;
      if (lwwNewer(lwwTs[s], lwwWid[s], ts, wid)) {
        ts = lwwTs[s];
        wid = lwwWid[s];
      }
    }
    this.floorTs = ts;
    this.floorWid = wid;
  }

  /** Sets the key's home floor and drops the candidates older than it (they can no longer win). */
  private prune(key: number, list: Candidate[]): void {
    if (!this.durable) return;
    this.homeFloor(key);
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (!lwwNewer(this.floorTs, this.floorWid, c.ts, c.id)) list[kept++] = c;
    }
    if (kept < list.length) list.length = kept;
  }
}
