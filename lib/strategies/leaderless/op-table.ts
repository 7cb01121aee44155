/**
 * The per-operation state of a leaderless run, in flat typed arrays indexed by a slot that is
 * reused once the operation is over and nothing names it any more (so memory follows the
 * operations in flight, not the operations of the run), and the per-write state of siblings mode.
 */
import type { Siblings, VersionVector } from '../versions/index.js';
import type { SetValue } from './replica-store.js';

/** One read response kept for read repair: the home replica that sent it (-1: a stand-in, never repaired) and what it held. */
export interface RepairResponse {
  node: number;
  wid: number;
  ts: number;
  sib: Siblings<SetValue> | undefined;
}

/** Operation flags, beside `IS_WRITE` (message-kinds.ts). The operation failed (timed out); a write may still land afterwards. */
export const FAILED = 2;
/** A write reached at least one replica (or stand-in). */
export const LANDED = 4;
/** A read has a reference write (its quorum is in `refQuorum`). */
export const HAS_REF = 8;

/**
 * Per-operation state, by slot. A slot is taken when the workload issues an operation
 * ({@link alloc}) and given back when the operation is done and no pending event names it: the
 * model {@link hold}s the slot for every event it schedules with the slot in it (the issue, the
 * timer, each message) and {@link release}s it when that event has been handled, dropped or
 * cancelled. A slot given back is the next one taken (the hot set stays small); the arrays
 * double when every slot is in use.
 */
export class OpTable {
  flags!: Uint8Array;
  key!: Int32Array;
  client!: Int32Array;
  session!: Int32Array;
  writeId!: Int32Array;
  start!: Float64Array;
  coord!: Int32Array;
  /** The coordinator's incarnation when the operation started (a restart kills its operations). */
  inc!: Int32Array;
  /** Replies (acks or responses) counted so far. */
  count!: Int32Array;
  done!: Uint8Array;
  timer!: Float64Array;
  /** The write's LWW stamp. */
  ts!: Float64Array;
  readBestWid!: Int32Array;
  readBestTs!: Float64Array;
  /** Pending events naming the slot. */
  refs!: Int32Array;
  /**
   * Quorum overlap: the replica slots (node * (nodeCount + 1) + hintFor + 1) whose acks or
   * responses counted, in order (`n` per operation).
   */
  quorumLocs!: Int32Array;
  /** Each read's reference quorum: the replica slots of the W acks of the key's last write acknowledged before it started (`n` per operation; see HAS_REF). */
  refQuorum!: Int32Array;
  /** Read repair, blocking: the repairs a read awaits (-1: not repairing). */
  repairWait!: Int32Array;
  /** Read repair, background: 1 while a returned read still collects responses. */
  repairOpen!: Uint8Array;
  /** Read repair: the number of targets each read was sent to. */
  targetCount!: Int32Array;
  /** Siblings mode: the merge of a read's responses so far. */
  readAcc: (Siblings<SetValue> | undefined)[] = [];
  /** Sloppy quorum: each operation's sloppy targets ([node, hintFor, ...]; undefined: the N homes). */
  targets: (Int32Array | undefined)[] = [];
  /** Read repair: a read's responses kept while it collects. */
  repairResponses: (RepairResponse[] | undefined)[] = [];
  private free!: Int32Array;
  private freeTop = 0;
  private inUse = 0;

  /**
   * @param n - replicas per key (quorum slots per operation)
   * @param initialCapacity - slots allocated up front
   */
  constructor(
    private readonly n: number,
    initialCapacity = 256,
  ) {
    this.resize(Math.max(1, initialCapacity));
  }

  /** Slots allocated (operations that can be in flight before the table grows). */
  get capacity(): number {
    return this.flags.length;
  }

  /** Operations issued and not yet given back. */
  get live(): number {
    return this.inUse;
  }

  /** Takes a slot for a new operation, its state reset. */
  alloc(): number {
    if (this.freeTop === 0) this.resize(this.capacity * 2);
    const op = this.free[--this.freeTop];
    this.inUse++;
    this.flags[op] = 0;
    this.count[op] = 0;
    this.done[op] = 0;
    this.refs[op] = 0;
    this.readBestWid[op] = -1;
    this.readBestTs[op] = -Infinity;
    this.repairWait[op] = -1;
    this.repairOpen[op] = 0;
    this.targetCount[op] = 0;
    return op;
  }

  /** A pending event names `op`. */
  hold(op: number): void {
    this.refs[op]++;
  }

  /** An event naming `op` was handled, dropped or cancelled; gives the slot back if the operation is over and nothing names it. */
  release(op: number): void {
    if (--this.refs[op] === 0 && this.done[op] === 1) {
      this.readAcc[op] = undefined;
      this.targets[op] = undefined;
      this.repairResponses[op] = undefined;
      this.free[this.freeTop++] = op;
      this.inUse--;
    }
  }

  private resize(capacity: number): void {
    const old = this.flags === undefined ? 0 : this.flags.length;
    const n = this.n;
    this.flags = grow(this.flags, new Uint8Array(capacity));
    this.key = grow(this.key, new Int32Array(capacity));
    this.client = grow(this.client, new Int32Array(capacity));
    this.session = grow(this.session, new Int32Array(capacity));
    this.writeId = grow(this.writeId, new Int32Array(capacity));
    this.start = grow(this.start, new Float64Array(capacity));
    this.coord = grow(this.coord, new Int32Array(capacity));
    this.inc = grow(this.inc, new Int32Array(capacity));
    this.count = grow(this.count, new Int32Array(capacity));
    this.done = grow(this.done, new Uint8Array(capacity));
    this.timer = grow(this.timer, new Float64Array(capacity));
    this.ts = grow(this.ts, new Float64Array(capacity));
    this.readBestWid = grow(this.readBestWid, new Int32Array(capacity));
    this.readBestTs = grow(this.readBestTs, new Float64Array(capacity));
    this.refs = grow(this.refs, new Int32Array(capacity));
    this.quorumLocs = grow(this.quorumLocs, new Int32Array(capacity * n));
    this.refQuorum = grow(this.refQuorum, new Int32Array(capacity * n));
    this.repairWait = grow(this.repairWait, new Int32Array(capacity));
    this.repairOpen = grow(this.repairOpen, new Uint8Array(capacity));
    this.targetCount = grow(this.targetCount, new Int32Array(capacity));
    const free = new Int32Array(capacity);
    if (this.free !== undefined) free.set(this.free.subarray(0, this.freeTop));
    this.free = free;
    // New slots are taken lowest first.
    for (let op = capacity - 1; op >= old; op--) this.free[this.freeTop++] = op;
  }
}

function grow<A extends Uint8Array | Int32Array | Float64Array>(old: A | undefined, fresh: A): A {
  if (old !== undefined) fresh.set(old);
  return fresh;
}

/**
 * Siblings mode's per-write state, by write id: the value and causal context written, and the dots
 * it got. (Siblings values carry the ids of the writes they merged, so this mode's state grows
 * with the writes anyway.)
 */
export class WriteBook {
  readonly value: (SetValue | undefined)[] = [];
  readonly context: (VersionVector | undefined)[] = [];
  /** The dots the write got on the stores that took it, as [actor, counter, ...]. */
  readonly dots: (number[] | undefined)[] = [];

  /** Records a dot write `id` got on a store. */
  addDot(id: number, actor: number, counter: number): void {
    let dots = this.dots[id];
    if (dots === undefined) this.dots[id] = dots = [];
    dots.push(actor, counter);
  }
}
