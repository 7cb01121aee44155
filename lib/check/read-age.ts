import { LogHistogram } from '../stats/index.js';
import {
  lexCompare,
  reflects,
  timestampOf,
  timestampOrder,
  type Version,
  type VersionOrder,
} from './version-order.js';

/** Committed writes a {@link ReadAgeTracker} keeps per key by default (the cap of `versionsBehind`). */
export const READ_AGE_WINDOW = 64;

// A key's ring, per entry side by side: the acknowledgement time, and under `timestampOrder` the
// write's (timestamp, id) and the newest (timestamp, id) among the key's commits 0..c (all of them,
// not only the window's), so a read that reflects that newest version is known fresh without a walk
// over the window (most reads are).
const ACK = 0;
const TS = 1;
const ID = 2;
const MAX_TS = 3;
const MAX_ID = 4;
const STRIDE = 5;

/** One key's most recently committed writes, a ring of `window` entries. */
interface KeyWindow {
  /** The versions (any order but `timestampOrder`; under it, empty: its numbers are in `ring`). */
  versions: Version[];
  /** Entry c % window at c * STRIDE: ACK, TS, ID, MAX_TS, MAX_ID. */
  ring: Float64Array;
  /** Writes committed to the key so far; write c sits at c % window. */
  commits: number;
}

/**
 * How stale each read is, in time and in versions, as a run goes (a streaming checker): for a read
 * of key x starting at t that misses committed writes (acknowledged strictly before t, as
 * {@link StaleReadTracker} defines them), its age is t minus the acknowledgement time of the most
 * recently acknowledged of the writes it misses, i.e. how long the newest write it should have
 * seen had been committed when an older version was returned; its versions behind is how many
 * committed writes it misses. A fresh read counts 0 and 0. Both go to log histograms (one
 * sample per read judged), whose quantiles are the staleness of the run.
 *
 * Memory does not grow with the operations: per key the `window` most recently committed writes
 * (a write acknowledged earlier than those is not looked at, so versions behind is capped at
 * `window`: a read that far behind counts `window`), per read slot its key, start and the key's
 * commit count then. With a transitive order a read misses some committed write exactly when
 * StaleReadTracker calls it stale, as long as the newest committed version is among the key's
 * last `window` acknowledgements (always under LWW without clock skew).
 *
 * References: W. Golab, X. Li, M. A. Shah, "Analyzing consistency properties for fun and profit",
 * PODC 2011 (staleness in time); P. Bailis et al., "Probabilistically bounded staleness for
 * practical partial quorums", VLDB 2012 (versions behind, k-staleness).
 *
 * @example
 * const age = new ReadAgeTracker(timestampOrder);
 * age.commit(7, { id: 1, timestamp: 5 }, 10);   // write 1 to key 7 acknowledged at 10 ms
 * age.start(0, 7, 250);                          // a read of key 7 starts at 250 ms, slot 0
 * age.judge(0, []);                              // it returned the initial value
 * age.ageMs.quantile(0.5);                       // 240 (within 0.1%)
 * age.versionsBehind.quantile(0.5);              // 1
 */
export class ReadAgeTracker {
  /** Age of every read judged, ms (0: fresh). */
  readonly ageMs = new LogHistogram();
  /** Committed versions every read judged missed (0: fresh; capped at the window). */
  readonly versionsBehind = new LogHistogram();
  private readonly keys = new Map<number, KeyWindow>();
  /** Whether the order is `timestampOrder`, compared on numbers (the same comparisons, no objects kept). */
  private readonly numeric: boolean;
  private slotKey = new Float64Array(16);
  private slotStart = new Float64Array(16);
  private slotCommits = new Float64Array(16);

  /**
   * @param order - the store's version order
   * @param window - committed writes kept per key, an integer >= 1
   */
  constructor(
    readonly order: VersionOrder,
    readonly window = READ_AGE_WINDOW,
  ) {
    if (!(Number.isSafeInteger(window) && window >= 1))
      throw new RangeError(`ReadAgeTracker window must be an integer >= 1, got ${window}`);
    this.numeric = order === timestampOrder;
  }

  /** Write `w` of `key` was acknowledged (committed) at `ackMs`; acknowledgements come in time order. */
  commit(key: number, w: Version, ackMs: number): void {
    let win = this.keys.get(key);
    if (win === undefined) {
      win = { versions: [], ring: new Float64Array(this.window * STRIDE), commits: 0 };
      this.keys.set(key, win);
    }
    const ring = win.ring;
    const at = (win.commits % this.window) * STRIDE;
    ring[at + ACK] = ackMs;
    if (this.numeric) {
      const ts = timestampOf(w);
      ring[at + TS] = ts;
      ring[at + ID] = w.id;
      ring[at + MAX_TS] = ts;
      ring[at + MAX_ID] = w.id;
      if (win.commits > 0) {
        const prev = ((win.commits - 1) % this.window) * STRIDE;
        if (lexCompare(ring[prev + MAX_TS], ring[prev + MAX_ID], ts, w.id) > 0) {
          ring[at + MAX_TS] = ring[prev + MAX_TS];
          ring[at + MAX_ID] = ring[prev + MAX_ID];
        }
      }
    } else win.versions[at / STRIDE] = w;
    win.commits++;
  }

  /** A read of `key` starts at `startMs` in read slot `slot` (a small integer, free once judged). */
  start(slot: number, key: number, startMs: number): void {
    if (slot >= this.slotKey.length) this.grow(slot);
    const win = this.keys.get(key);
    let commits = win?.commits ?? 0;
    // Acknowledgements at the start instant are concurrent with the read, not committed before it.
    if (win !== undefined) {
      const oldest = Math.max(0, win.commits - this.window);
      while (commits > oldest && win.ring[((commits - 1) % this.window) * STRIDE + ACK] >= startMs) commits--;
    }
    this.slotKey[slot] = key;
    this.slotStart[slot] = startMs;
    this.slotCommits[slot] = commits;
  }

  /** The read of slot `slot` returned `returned`: records its age and versions behind. */
  judge(slot: number, returned: readonly Version[]): void {
    const win = this.keys.get(this.slotKey[slot]);
    const before = this.slotCommits[slot];
    let missed = 0;
    let latestAck = -Infinity;
    if (win !== undefined) {
      const ring = win.ring;
      const oldest = Math.max(0, win.commits - this.window);
      if (this.numeric && returned.length <= 1) {
        // timestampOrder: v reflects write w exactly when (w.ts, w.id) <= (v.ts, v.id) (the same id
        // is the same write, with the same stamp), as `reflects` decides it.
        const v = returned.length === 1 ? returned[0] : null;
        const vTs = v === null ? 0 : timestampOf(v);
        const vId = v === null ? 0 : v.id;
        const newest = ((before - 1) % this.window) * STRIDE;
        const fresh =
          before <= oldest ||
          (v !== null && lexCompare(ring[newest + MAX_TS], ring[newest + MAX_ID], vTs, vId) <= 0);
        for (let c = fresh ? before : oldest; c < before; c++) {
          const at = (c % this.window) * STRIDE;
          if (v !== null && lexCompare(ring[at + TS], ring[at + ID], vTs, vId) <= 0) continue;
          missed++;
          if (ring[at + ACK] > latestAck) latestAck = ring[at + ACK];
        }
      } else {
        for (let c = oldest; c < before; c++) {
          const at = c % this.window;
          if (reflects(this.order, returned, win.versions[at])) continue;
          missed++;
          if (ring[at * STRIDE + ACK] > latestAck) latestAck = ring[at * STRIDE + ACK];
        }
      }
    }
    this.versionsBehind.record(missed);
    this.ageMs.record(missed === 0 ? 0 : this.slotStart[slot] - latestAck);
  }

  private grow(slot: number): void {
    const size = Math.max(2 * this.slotKey.length, slot + 1);
    for (const name of ['slotKey', 'slotStart', 'slotCommits'] as const) {
      const grown = new Float64Array(size);
      grown.set(this[name]);
      this[name] = grown;
    }
  }
}
