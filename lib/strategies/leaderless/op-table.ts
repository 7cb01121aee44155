/**
 * The per-operation and per-write state of a leaderless run, in flat typed arrays indexed by the
 * workload's seq (operations) and write id (writes; ids are below `ops`, one per write operation).
 */
import type { Siblings } from './siblings.js';
import type { SetValue } from './replica-store.js';
import type { VersionVector } from './version-vector.js';

/** Per-operation state, indexed by the workload's seq. */
export class OpTable {
  readonly flags: Uint8Array;
  readonly key: Int32Array;
  readonly client: Int32Array;
  readonly session: Int32Array;
  readonly writeId: Int32Array;
  readonly start: Float64Array;
  readonly coord: Int32Array;
  /** The coordinator's incarnation when the operation started (a restart kills its operations). */
  readonly inc: Int32Array;
  /** Replies (acks or responses) counted so far. */
  readonly count: Int32Array;
  readonly done: Uint8Array;
  readonly timer: Float64Array;
  /** The write's LWW stamp. */
  readonly ts: Float64Array;
  readonly readBestWid: Int32Array;
  readonly readBestTs: Float64Array;
  /** Siblings mode: the merge of a read's responses so far. */
  readonly readAcc: (Siblings<SetValue> | undefined)[];
  /**
   * Quorum overlap: the replica slots (node * (nodeCount + 1) + hintFor + 1) whose acks or
   * responses counted, in order (`n` per operation).
   */
  readonly quorumLocs: Int32Array;
  /** The reference write of each read (-1: none). */
  readonly ref: Int32Array;
  /** When a write was acknowledged. */
  readonly ackMs: Float64Array;
  /** Sloppy quorum: each operation's sloppy targets ([node, hintFor, ...]; undefined: the N homes). */
  readonly targets: (Int32Array | undefined)[];

  constructor(ops: number, n: number, siblingsMode: boolean, sloppy: boolean) {
    this.flags = new Uint8Array(ops);
    this.key = new Int32Array(ops);
    this.client = new Int32Array(ops);
    this.session = new Int32Array(ops);
    this.writeId = new Int32Array(ops);
    this.start = new Float64Array(ops);
    this.coord = new Int32Array(ops);
    this.inc = new Int32Array(ops);
    this.count = new Int32Array(ops);
    this.done = new Uint8Array(ops);
    this.timer = new Float64Array(ops);
    this.ts = new Float64Array(ops);
    this.readBestWid = new Int32Array(ops).fill(-1);
    this.readBestTs = new Float64Array(ops).fill(-Infinity);
    this.readAcc = siblingsMode ? new Array<undefined>(ops).fill(undefined) : [];
    this.quorumLocs = new Int32Array(ops * n);
    this.ref = new Int32Array(ops).fill(-1);
    this.ackMs = new Float64Array(ops);
    this.targets = sloppy ? new Array<undefined>(ops).fill(undefined) : [];
  }
}

/** Per-write state, indexed by write id: the value and causal context written (siblings), the dots it got, and whether it landed anywhere. */
export class WriteBook {
  readonly value: (SetValue | undefined)[] = [];
  readonly context: (VersionVector | undefined)[] = [];
  /** The dots the write got on the stores that took it, as [actor, counter, ...]. */
  readonly dots: (number[] | undefined)[] = [];
  /** Which writes reached a replica (or a stand-in). */
  readonly landed: Uint8Array;

  constructor(ops: number) {
    this.landed = new Uint8Array(ops);
  }

  /** Records a dot write `id` got on a store. */
  addDot(id: number, actor: number, counter: number): void {
    let dots = this.dots[id];
    if (dots === undefined) this.dots[id] = dots = [];
    dots.push(actor, counter);
  }
}
