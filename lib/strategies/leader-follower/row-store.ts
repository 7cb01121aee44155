/**
 * A node's rows: the small tables the replication-log models replicate, stored as fixed-size slot
 * images whose byte layout depends on the node's storage-format version, and the three kinds of
 * log record a leader ships (statements, WAL page images, logical row images).
 *
 * The byte layout is what couples write-ahead-log shipping to the storage engine: a WAL record is
 * "which bytes changed in which disk block", so a node can only apply it if it lays rows out as
 * the writer does. PostgreSQL refuses WAL from another catalog or page layout version (its
 * control file carries `pg_control_version` and `catalog_version_no`, checked at startup, and a
 * streaming standby must run the same major version as its primary); a logical record names the
 * table, key and value, so any version can apply it (PostgreSQL logical replication works across
 * major versions). Here version v lays a slot out as [v & 0xff, 0, 0, 0, key (int32), value
 * (float64)], little-endian for odd v and big-endian for even v: decoding a slot with another
 * version's layout reads other numbers, which is why a node refuses such records.
 *
 * Reference: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Implementation
 * of Replication Logs" (statement-based, WAL shipping, logical log); PostgreSQL 16 documentation,
 * 27.2.1 "Planning" (log shipping between servers of the same major version) and 31 "Logical
 * Replication" (replicating between different major versions).
 */

/** The tables: autoincrement rows, now() stamps, rand() draws, counters. */
export const TABLES = ['items', 'stamps', 'draws', 'counters'] as const;
export type TableName = (typeof TABLES)[number];
/** Index of each table in {@link TABLES}. */
export const ITEMS = 0;
export const STAMPS = 1;
export const DRAWS = 2;
export const COUNTERS = 3;

/** Bytes of one slot image. */
export const SLOT_BYTES = 16;

/** One row's value, as a logical record carries it. */
export interface RowImage {
  table: number;
  key: number;
  value: number;
}

/** One slot's bytes, as a WAL record carries them. */
export interface SlotImage {
  table: number;
  slot: number;
  bytes: Uint8Array;
}

/** A statement as the leader logged it: what the follower re-executes. */
export interface Statement {
  kind: 'insert' | 'now' | 'rand' | 'update';
  /** insert: the row's payload (its id comes from the executing node's counter); now, rand: the row's key; update: the first counter. */
  key: number;
  /** update: counters changed, from `key` on (mod the counter table's size). */
  rows: number;
}

/** A log record at a log position (LSN, from 1). */
export type LogRecord =
  | { lsn: number; format: 'statement'; statement: Statement }
  | { lsn: number; format: 'wal'; version: number; slots: SlotImage[] }
  | { lsn: number; format: 'row'; rows: RowImage[] };

/** A scratch slot: encoding and decoding go through it (one DataView, no allocation but the slot's own bytes). */
const scratchBytes = new Uint8Array(SLOT_BYTES);
const scratch = new DataView(scratchBytes.buffer);

/** Slot bytes of `key = value` in storage-format `version`'s layout. */
export function encodeSlot(version: number, key: number, value: number): Uint8Array {
  const little = version % 2 === 1;
  scratchBytes.fill(0);
  scratchBytes[0] = version & 0xff;
  scratch.setInt32(4, key, little);
  scratch.setFloat64(8, value, little);
  return scratchBytes.slice();
}

/** The key and value of slot bytes read with storage-format `version`'s layout. */
export function decodeSlot(version: number, bytes: Uint8Array): { key: number; value: number } {
  const little = version % 2 === 1;
  scratchBytes.set(bytes);
  return { key: scratch.getInt32(4, little), value: scratch.getFloat64(8, little) };
}

/**
 * One node's storage: per table, slots of bytes in its version's layout and (on a node that
 * writes rows itself) an index from key to slot. A physical standby keeps no index: it writes the
 * slots it is sent, and reads its tables by decoding every slot.
 *
 * @example
 * const s = new RowStore(1);
 * s.write(STAMPS, 7, 1000);
 * s.table(STAMPS).get(7); // 1000
 */
export class RowStore {
  /** slots[table][slot]: the bytes (undefined: never written). */
  readonly slots: (Uint8Array | undefined)[][] = TABLES.map(() => []);
  private readonly index: Map<number, number>[] = TABLES.map(() => new Map<number, number>());

  constructor(public version: number) {}

  /** The value of a key, read through the index (undefined: no such row). */
  read(table: number, key: number): number | undefined {
    const slot = this.index[table].get(key);
    const bytes = slot === undefined ? undefined : this.slots[table][slot];
    return bytes === undefined ? undefined : decodeSlot(this.version, bytes).value;
  }

  /** Writes `key = value` (a new row takes the next slot); returns the slot image written. */
  write(table: number, key: number, value: number): SlotImage {
    let slot = this.index[table].get(key);
    if (slot === undefined) {
      slot = this.slots[table].length;
      this.index[table].set(key, slot);
    }
    const bytes = encodeSlot(this.version, key, value);
    this.slots[table][slot] = bytes;
    return { table, slot, bytes };
  }

  /** Writes a slot image as it is (WAL replay); the index is rebuilt by {@link reindex} when the node starts writing. */
  writeSlot(image: SlotImage): void {
    this.slots[image.table][image.slot] = image.bytes;
  }

  /** Rebuilds the key index from the slots (a promoted physical standby, or after a restore). */
  reindex(): void {
    TABLES.forEach((_, t) => {
      this.index[t].clear();
      this.slots[t].forEach((bytes, slot) => {
        if (bytes !== undefined) this.index[t].set(decodeSlot(this.version, bytes).key, slot);
      });
    });
  }

  /** Rewrites every slot in another version's layout (an in-place upgrade of the storage format). */
  convert(version: number): void {
    TABLES.forEach((_, t) => {
      this.slots[t] = this.slots[t].map((bytes) => {
        if (bytes === undefined) return undefined;
        const { key, value } = decodeSlot(this.version, bytes);
        return encodeSlot(version, key, value);
      });
    });
    this.version = version;
    this.reindex();
  }

  /** A table's rows (key -> value), decoded from every slot. */
  table(table: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const bytes of this.slots[table]) {
      if (bytes === undefined) continue;
      const { key, value } = decodeSlot(this.version, bytes);
      out.set(key, value);
    }
    return out;
  }

  /** Rows held, over every table. */
  get rowCount(): number {
    return this.slots.reduce((sum, slots) => sum + slots.filter((b) => b !== undefined).length, 0);
  }

  /** A copy in another node's hands (a snapshot: the same bytes, re-encoded if `version` differs). */
  copy(version = this.version): RowStore {
    const out = new RowStore(this.version);
    TABLES.forEach((_, t) => {
      out.slots[t] = this.slots[t].slice();
    });
    out.reindex();
    if (version !== this.version) out.convert(version);
    return out;
  }
}

/** Rows that differ between two nodes' tables (a key missing on one side, or another value), per table. */
export function differingRows(a: RowStore, b: RowStore): number[] {
  return TABLES.map((_, t) => {
    const ta = a.table(t);
    const tb = b.table(t);
    let differ = 0;
    for (const [key, value] of ta) if (tb.get(key) !== value) differ++;
    for (const key of tb.keys()) if (!ta.has(key)) differ++;
    return differ;
  });
}
