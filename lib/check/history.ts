/**
 * One write in a history. Its id is the value it writes (unique over the run), so a read names
 * what it saw by write ids.
 */
export interface WriteRecord {
  /** The write's unique id (e.g. the workload's `writeId`). */
  readonly id: number;
  /** The client that issued it. */
  readonly client: number;
  /** The client's session. */
  readonly session: number;
  /** The key written. */
  readonly key: number;
  /** When the client issued it, in ms. */
  readonly invokeMs: number;
  /** When the client got its acknowledgement (the write committed), in ms; null: failed, timed out or never acknowledged. */
  ackMs: number | null;
  /** The store's order key for last-writer-wins (the write's timestamp, as the coordinator stamped it); see `timestampOrder`. */
  timestamp?: number;
  /** The write's version vector (one counter per replica); see `vectorOrder`. */
  vector?: readonly number[];
}

/** One completed read in a history. */
export interface ReadRecord {
  /** The client that issued it. */
  readonly client: number;
  /** The client's session. */
  readonly session: number;
  /** The key read. */
  readonly key: number;
  /** When the client issued it, in ms. */
  readonly invokeMs: number;
  /** When the result reached the client, in ms. */
  readonly returnMs: number;
  /** The ids of the writes returned: one, several (siblings), or none (the key's initial value). */
  readonly returned: readonly number[];
}

/** A run's operations and the converged state after it: the input of every checker in lib/check. */
export interface History {
  /** Every write issued, acknowledged or not. */
  readonly writes: readonly WriteRecord[];
  /** Every read that returned (a read that failed tells nothing about staleness and is left out). */
  readonly reads: readonly ReadRecord[];
  /**
   * The surviving write ids per key once replicas have converged (after anti-entropy, or the
   * final leader's state). A key written but missing here has no surviving write.
   */
  readonly finalState: ReadonlyMap<number, readonly number[]>;
}

/**
 * Collects a history while a simulation runs: writes when issued, their acknowledgements and
 * versions as they come, reads when they return, and the final state at the end. Records are
 * small plain objects in plain arrays (about 100 bytes a write); use it for checked runs and
 * replays, and keep sweeps on the checkers' counts.
 *
 * @example
 * const h = new HistoryRecorder();
 * h.write({ id: 0, client: 1, session: 1, key: 7, invokeMs: 0, timestamp: 0.4 });
 * h.ack(0, 2.5);
 * h.read({ client: 2, session: 2, key: 7, invokeMs: 3, returnMs: 4, returned: [0] });
 * h.final(7, [0]);
 * staleReads(h.history(), timestampOrder).stale; // { count: 0, of: 1 }
 */
export class HistoryRecorder {
  private readonly writes: WriteRecord[] = [];
  private readonly reads: ReadRecord[] = [];
  /** Position of each write by id: small non-negative integer ids (the usual case) in an array, others in a Map. */
  private readonly dense: number[] = [];
  private readonly index = new Map<number, number>();
  private readonly finalState = new Map<number, readonly number[]>();

  /** Records a write when it is issued (unacknowledged until {@link ack}). Ids must be unique. */
  write(write: Omit<WriteRecord, 'ackMs'> & { ackMs?: number | null }): void {
    const id = write.id;
    const at = this.position(id);
    if (at >= 0) throw new Error(`HistoryRecorder: write id ${id} recorded twice`);
    // Ids are usually 0, 1, 2, ...: those go to an array (holes -1), any other id to a Map.
    if (Number.isInteger(id) && id >= 0 && id <= this.dense.length + 65536) {
      while (this.dense.length < id) this.dense.push(-1);
      this.dense[id] = this.writes.length;
    } else this.index.set(id, this.writes.length);
    // Object.assign, not a spread: V8 gives every spread copy its own hidden class once a field
    // changes representation (ackMs null -> number), which makes every checker's field reads slow.
    const record = Object.assign({}, write) as WriteRecord;
    record.ackMs = write.ackMs ?? null;
    this.writes.push(record);
  }

  /** Records the acknowledgement of write `id` at `ackMs`. */
  ack(id: number, ackMs: number): void {
    this.get(id).ackMs = ackMs;
  }

  /** Sets the store's version of write `id` when it is known only after issue (a coordinator's timestamp or vector). */
  version(id: number, version: { timestamp?: number; vector?: readonly number[] }): void {
    const w = this.get(id);
    if (version.timestamp !== undefined) w.timestamp = version.timestamp;
    if (version.vector !== undefined) w.vector = version.vector;
  }

  /** Records a read when it returns. */
  read(read: ReadRecord): void {
    this.reads.push(read);
  }

  /** Records the surviving write ids of `key` after convergence. */
  final(key: number, ids: readonly number[]): void {
    this.finalState.set(key, ids);
  }

  /** The history so far (the recorder's own arrays, not copies). */
  history(): History {
    return { writes: this.writes, reads: this.reads, finalState: this.finalState };
  }

  private get(id: number): WriteRecord {
    const i = this.position(id);
    if (i < 0) throw new Error(`HistoryRecorder: unknown write id ${id}`);
    return this.writes[i];
  }

  /** Where write `id` is in `writes`, or -1. */
  private position(id: number): number {
    if (Number.isInteger(id) && id >= 0 && id < this.dense.length && this.dense[id] >= 0)
      return this.dense[id];
    return this.index.size === 0 ? -1 : (this.index.get(id) ?? -1);
  }
}

/**
 * Every write of a history by id, refusing duplicate ids.
 *
 * @example
 * writesById(history).get(17)?.key;
 */
export function writesById(history: History): Map<number, WriteRecord> {
  const byId = new Map<number, WriteRecord>();
  for (const w of history.writes) {
    if (byId.has(w.id)) throw new Error(`history: write id ${w.id} appears twice`);
    byId.set(w.id, w);
  }
  return byId;
}

/**
 * The write records a read returned, checked to exist and to be writes of the read's key.
 *
 * @example
 * returnedWrites(read, writesById(history)); // [WriteRecord, ...]
 */
export function returnedWrites(read: ReadRecord, byId: ReadonlyMap<number, WriteRecord>): WriteRecord[] {
  const out: WriteRecord[] = [];
  for (const id of read.returned) {
    const w = byId.get(id);
    if (w === undefined)
      throw new Error(
        `history: a read of key ${read.key} at ${read.invokeMs} ms returned unknown write ${id}`,
      );
    if (w.key !== read.key)
      throw new Error(`history: a read of key ${read.key} returned write ${id} of key ${w.key}`);
    out.push(w);
  }
  return out;
}
