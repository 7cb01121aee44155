/**
 * The leaderless model's count of acknowledged writes lost under last-write-wins, kept as the run
 * goes with memory bounded by the writes that can still win, not by the writes of the run.
 */
import type { ReplicaStores } from './replica-store.js';
import { lwwNewer } from './replica-store.js';

/**
 * Acknowledged writes lost under LWW (`acked_writes_lost`). With a key's final winner f (the
 * newest register over its replicas when the run ends), an acknowledged write w is lost when
 * w is not f and f was acknowledged before w was invoked (`f.ackMs < w.invokeMs`: no linearizable
 * store could have ordered w before f), or when the key has no surviving write at all; lib/check's
 * `lostWrites` on one survivor.
 *
 * The winner is known only at the end, so every write that may still win (a candidate) keeps the
 * count it would make lost, updated as acknowledgements come: each acknowledgement of w adds one
 * to every candidate acknowledged before w was invoked. A write stops being a candidate once a
 * home replica of its key holds a newer register: home stores are durable and only move to newer
 * registers, so the final winner is at least that register. The candidates are thus the writes
 * not yet stored at home, newer than what is (the writes in flight, hints, writes stamped by a
 * clock running ahead): few, whatever the length of the run. When a crash can destroy a store
 * (`storeLoss`), a home register can go back to an older one, so no write is dropped and the
 * candidates are every write.
 *
 * Candidates sit in typed arrays, chained per key (a free list recycles their cells): no object
 * per write outlives its write, which keeps a long run's garbage collection cheap.
 *
 * @example
 * const loss = new LwwLossCount(stores, prefs, n, true);
 * loss.issued(key, id, ts, now);            // at the write's issue, once stamped
 * loss.acked(key, id, invokeMs, now);       // at its acknowledgement
 * loss.lostWith(key, finalWinner);          // after the run: the key's lost acknowledged writes
 */
export class LwwLossCount {
  /** Per key: its first candidate cell (-1: none), and its acknowledged writes. */
  private readonly head: Int32Array;
  private readonly ackedPerKey: Float64Array;
  // Candidate cells: the write, its stamp, invocation, acknowledgement (NaN until acknowledged,
  // for ever if it failed), the writes it would make lost if it won, and the next cell of its key.
  private id = new Float64Array(64);
  private ts = new Float64Array(64);
  private invokeMs = new Float64Array(64);
  private ackMs = new Float64Array(64);
  private lostIfFinal = new Float64Array(64);
  private next = new Int32Array(64);
  private free = -1;
  private used = 0;
  private floorTs = -Infinity;
  private floorWid = -1;

  /**
   * @param stores - the replicas' LWW registers
   * @param prefs - preference lists: key k's home replicas are prefs[k*n .. k*n+n)
   * @param n - replicas per key
   * @param durable - whether home stores only ever move to newer registers (no store loss)
   */
  constructor(
    private readonly stores: ReplicaStores,
    private readonly prefs: Int32Array,
    private readonly n: number,
    private readonly durable: boolean,
  ) {
    this.head = new Int32Array(stores.keys).fill(-1);
    this.ackedPerKey = new Float64Array(stores.keys);
  }

  /** Write `id` of `key`, stamped `ts`, was issued at `invokeMs`. */
  issued(key: number, id: number, ts: number, invokeMs: number): void {
    this.prune(key);
    if (this.durable && !lwwNewer(ts, id, this.floorTs, this.floorWid)) return;
    const c = this.cell();
    this.id[c] = id;
    this.ts[c] = ts;
    this.invokeMs[c] = invokeMs;
    this.ackMs[c] = Number.NaN;
    this.lostIfFinal[c] = 0;
    this.next[c] = this.head[key];
    this.head[key] = c;
  }

  /** Write `id` of `key`, invoked at `invokeMs`, was acknowledged at `ackMs`. */
  acked(key: number, id: number, invokeMs: number, ackMs: number): void {
    this.ackedPerKey[key]++;
    for (let c = this.head[key]; c >= 0; c = this.next[c]) {
      if (this.id[c] === id) this.ackMs[c] = ackMs;
      else if (this.ackMs[c] < invokeMs) this.lostIfFinal[c]++;
    }
  }

  /** After the run: the acknowledged writes of `key` lost when `winner` (-1: none survives) is its final register. */
  lostWith(key: number, winner: number): number {
    if (winner < 0) return this.ackedPerKey[key];
    for (let c = this.head[key]; c >= 0; c = this.next[c]) {
      if (this.id[c] === winner) return Number.isNaN(this.ackMs[c]) ? 0 : this.lostIfFinal[c];
    }
    throw new Error(`LwwLossCount: the final winner ${winner} of key ${key} was not a candidate`);
  }

  /** A free candidate cell (the arrays double when none is left). */
  private cell(): number {
    if (this.free >= 0) {
      const c = this.free;
      this.free = this.next[c];
      return c;
    }
    if (this.used === this.id.length) {
      const grow = <A extends Float64Array | Int32Array>(a: A): A => {
        const b = new (a.constructor as new (length: number) => A)(2 * a.length);
        b.set(a);
        return b;
      };
      this.id = grow(this.id);
      this.ts = grow(this.ts);
      this.invokeMs = grow(this.invokeMs);
      this.ackMs = grow(this.ackMs);
      this.lostIfFinal = grow(this.lostIfFinal);
      this.next = grow(this.next);
    }
    return this.used++;
  }

  /** Sets the key's home floor (the newest register on its home replicas) and frees the candidates older than it (they can no longer win). */
  private prune(key: number): void {
    if (!this.durable) return;
    const { lwwTs, lwwWid, keys } = this.stores;
    let fTs = -Infinity;
    let fWid = -1;
    for (let i = 0; i < this.n; i++) {
      const s = this.prefs[key * this.n + i] * keys + key;
      if (lwwNewer(lwwTs[s], lwwWid[s], fTs, fWid)) {
        fTs = lwwTs[s];
        fWid = lwwWid[s];
      }
    }
    this.floorTs = fTs;
    this.floorWid = fWid;
    let prev = -1;
    let c = this.head[key];
    while (c >= 0) {
      const after = this.next[c];
      if (lwwNewer(fTs, fWid, this.ts[c], this.id[c])) {
        if (prev < 0) this.head[key] = after;
        else this.next[prev] = after;
        this.next[c] = this.free;
        this.free = c;
      } else prev = c;
      c = after;
    }
  }
}
