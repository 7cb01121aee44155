/**
 * A node's replication log: entries at positions 1, 2, 3, ... each carrying the leader term it was
 * created in and the client write it holds. Two logs agree on every entry up to a position when they
 * agree on that position's term (Raft's Log Matching property), which is what the consistency check
 * of an append and the "at least as up to date" rule of an election compare.
 *
 * Reference: D. Ongaro and J. Ousterhout, "In Search of an Understandable Consensus Algorithm",
 * USENIX ATC 2014, §5.3 (log matching) and §5.4.1 (election restriction).
 */
export class ReplicationLog {
  /** term[i - 1] is the term of the entry at position i. */
  private readonly terms: number[] = [];
  /** writeIds[i - 1] is the client write held at position i. */
  private readonly writeIds: number[] = [];

  /** Position of the last entry (0: empty). */
  get lastIndex(): number {
    return this.terms.length;
  }

  /** Term of the last entry (0: empty). */
  get lastTerm(): number {
    return this.terms.length === 0 ? 0 : this.terms[this.terms.length - 1];
  }

  /** Term of the entry at `index` (0 for index 0, the empty prefix; -1 past the end). */
  termAt(index: number): number {
    if (index === 0) return 0;
    return index <= this.terms.length ? this.terms[index - 1] : -1;
  }

  /** The client write at `index` (1..lastIndex). */
  writeAt(index: number): number {
    return this.writeIds[index - 1];
  }

  /** Appends one entry; returns its position. */
  append(term: number, writeId: number): number {
    this.terms.push(term);
    this.writeIds.push(writeId);
    return this.terms.length;
  }

  /**
   * Drops every entry after `index`; returns the write ids dropped, oldest first (a follower
   * discarding a deposed leader's entries).
   */
  truncateAfter(index: number): number[] {
    const dropped = this.writeIds.slice(index);
    this.terms.length = index;
    this.writeIds.length = index;
    return dropped;
  }

  /** The first position whose term equals the term at `index` (where that term's run starts). */
  firstIndexOfTermAt(index: number): number {
    const term = this.termAt(index);
    let i = index;
    while (i > 1 && this.terms[i - 2] === term) i--;
    return i;
  }

  /** Entries after `fromIndex` up to `toIndex` (inclusive) as [term, writeId] pairs, for an append message. */
  slice(fromIndex: number, toIndex: number): { terms: number[]; writeIds: number[] } {
    return { terms: this.terms.slice(fromIndex, toIndex), writeIds: this.writeIds.slice(fromIndex, toIndex) };
  }

  /** Every write id in log order. */
  writes(): readonly number[] {
    return this.writeIds;
  }

  /**
   * Whether a log ending at (`lastTerm`, `lastIndex`) is at least as up to date as this one:
   * a later last term wins; with equal last terms, the longer log (Raft §5.4.1).
   *
   * @example
   * log.isBehindOrEqual(2, 10); // true if this log's last term is 1, or is 2 with lastIndex <= 10
   */
  isBehindOrEqual(lastTerm: number, lastIndex: number): boolean {
    const mine = this.lastTerm;
    return lastTerm > mine || (lastTerm === mine && lastIndex >= this.lastIndex);
  }
}
