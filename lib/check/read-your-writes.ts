import { Tally, type Count } from './count.js';
import { groupByPair, PairMap } from './group.js';
import { returnedWrites, writesById, type History, type WriteRecord } from './history.js';
import { scopeOf, type SessionScope } from './scope.js';
import { versionColumns, type VersionColumns } from './version-columns.js';
import type { Version, VersionOrder } from './version-order.js';

/** What {@link readYourWrites} found. */
export interface ReadYourWritesSummary {
  /** Violations, out of the reads that had an own acknowledged write to check against. */
  violations: Count;
  /** All reads in the history (the eligible reads are `violations.of`). */
  reads: number;
}

/** A write as the read-your-writes checker needs it: its version, who wrote it, and when it began. */
export type OwnWrite = Version & Pick<WriteRecord, 'client' | 'session' | 'key' | 'invokeMs'>;

/**
 * Read-your-writes violations counted as a run goes (a streaming checker), with state bounded by
 * the (client, key) pairs: each one's last acknowledged write.
 *
 * Definition: "Read-your-writes violation: a client reads a key it wrote earlier and gets a version
 * older than its own last acknowledged write to that key."
 *
 * Here, for a read by client c (or session, with scope `'session'`) of key x starting at t: c's
 * last acknowledged write to x is, among c's writes to x acknowledged strictly before t, the one
 * acknowledged last (at equal acknowledgement times, the one invoked last, then the higher id).
 * The read is eligible when there is one, and a violation when it does not reflect it: it returned
 * neither that write nor a newer version by `order` (with siblings: none of them is that write or
 * newer; the initial value reflects nothing).
 *
 * Feed acknowledgements in time order ({@link acked}); {@link start} a read in a read slot (a
 * small integer of the caller's) and {@link judge} it when it returns.
 *
 * Reference: D. B. Terry et al., "Session guarantees for weakly consistent replicated data",
 * PDIS 1994.
 *
 * @example
 * const ryw = new ReadYourWritesTracker(timestampOrder);
 * ryw.acked({ id: 1, client: 3, session: 3, key: 7, invokeMs: 0, timestamp: 1 }, 5);
 * ryw.start(0, { client: 3, session: 3, key: 7 }, 6);
 * ryw.judge(0, []);     // true: client 3 read the initial value after its own write
 * ryw.counts;           // { count: 1, of: 1 }
 */
export class ReadYourWritesTracker {
  private readonly own: VersionColumns;
  private readonly entity = new PairMap<number>(() => this.entities++);
  private entities = 0;
  /** Per entity, its last acknowledged own write's invocation time and id (for ties in acknowledgement time). */
  private readonly ownInvokeMs: number[] = [];
  private readonly ownId: number[] = [];
  private readonly who: (op: { client: number; session: number }) => number;
  private readonly violations = new Tally();

  /**
   * @param order - the store's version order
   * @param scope - `'client'` (default) or `'session'`
   */
  constructor(
    readonly order: VersionOrder,
    scope: SessionScope = 'client',
  ) {
    this.who = scopeOf(scope);
    this.own = versionColumns(order);
  }

  /** Write `w` was acknowledged to its client at `ackMs`. */
  acked(w: OwnWrite, ackMs: number): void {
    const e = this.entity.at(this.who(w), w.key);
    if (
      this.own.latestMs(e) === ackMs &&
      (this.ownInvokeMs[e] > w.invokeMs || (this.ownInvokeMs[e] === w.invokeMs && this.ownId[e] > w.id))
    )
      return;
    this.own.replace(e, ackMs, w);
    this.ownInvokeMs[e] = w.invokeMs;
    this.ownId[e] = w.id;
  }

  /** A read by `read.client` (or session) of `read.key` starts at `startMs`: read slot `slot` takes the own write it must reflect. */
  start(slot: number, read: { client: number; session: number; key: number }, startMs: number): void {
    this.own.snapshot(this.entity.find(this.who(read), read.key) ?? -1, startMs, slot);
  }

  /** Counts the read of slot `slot`, returned with `returned`: null when it is not eligible, else whether it violates read-your-writes. */
  judge(slot: number, returned: readonly Version[]): boolean | null {
    return this.own.emptyAt(slot) ? null : this.violations.add(!this.own.reflectedBy(slot, returned));
  }

  /** Violations, out of the eligible reads judged. */
  get counts(): Count {
    return this.violations.counts;
  }
}

/**
 * Read-your-writes violations of a history: {@link ReadYourWritesTracker}'s definition, the
 * history replayed through it.
 *
 * @param history - the run's writes and reads
 * @param order - the store's version order
 * @param options - `scope`: `'client'` (default) or `'session'`
 * @example
 * readYourWrites(history, timestampOrder).violations; // e.g. { count: 2, of: 5310 }: 2 violations in 5310 eligible reads
 */
export function readYourWrites(
  history: History,
  order: VersionOrder,
  options: { scope?: SessionScope } = {},
): ReadYourWritesSummary {
  const scope = options.scope ?? 'client';
  const who = scopeOf(scope);
  const byId = writesById(history);
  const byKey = (op: { key: number }) => op.key;
  const tracker = new ReadYourWritesTracker(order, scope);
  const acked = groupByPair(history.writes, who, byKey, (w) => w.ackMs !== null);
  const readGroups = groupByPair(history.reads, who, byKey);
  for (const [id, inner] of readGroups) {
    const ownByKey = acked.get(id);
    if (ownByKey === undefined) continue;
    for (const [key, reads] of inner) {
      const own = ownByKey.get(key);
      if (own === undefined) continue;
      own.sort((a, b) => (a.ackMs as number) - (b.ackMs as number));
      reads.sort((a, b) => a.invokeMs - b.invokeMs);
      let p = 0; // own[0..p) were acknowledged before the current read started
      for (const read of reads) {
        while (p < own.length && (own[p].ackMs as number) < read.invokeMs) {
          tracker.acked(own[p], own[p].ackMs as number);
          p++;
        }
        tracker.start(0, read, read.invokeMs);
        tracker.judge(0, returnedWrites(read, byId));
      }
    }
  }
  return { violations: tracker.counts, reads: history.reads.length };
}
