import type { VersionVector } from '../versions/index.js';

/**
 * Writes in conflict counted as they are accepted: {@link concurrentWrites}'s count, without
 * keeping the writes.
 *
 * When actor i accepts write w of a key (dot (i, c), context C: what i had seen of the key), the
 * writes of another actor j that w had not seen are j's counters above C[j]; those that already
 * exist (up to n_j, j's writes of the key so far) were accepted before w, so they cannot have seen
 * w either: each is concurrent with w. Every concurrent pair is found this way at the acceptance
 * of its later write, so a write is in conflict iff it is flagged by its own acceptance (some j
 * has n_j > C[j]) or by a later one (its counter lies in some (C[j], n_j]).
 *
 * Flags are kept per (key, actor) as disjoint counter intervals. Each new one ends at the actor's
 * latest counter, so joining it only looks at the last intervals. Intervals at or below every
 * other actor's current context entry for the actor are final (no later write can reach below
 * what its acceptor has already seen) and are dropped, their writes counted.
 *
 * Version vectors: Parker et al., "Detection of mutual inconsistency in distributed systems",
 * IEEE TSE 1983.
 *
 * @example
 * const counter = new ConflictCounter((key, actor, of) => seen.get(actor)?.get(of) ?? 0, [0, 1]);
 * counter.accepted(0, 0, 1, VersionVector.empty); // actor 0's first write of key 0
 * counter.accepted(0, 1, 1, VersionVector.empty); // actor 1's, not having seen it: both in conflict
 * counter.conflicts; // 2
 */
export class ConflictCounter {
  /** Per key, the actors that wrote it (in order of their first write): their writes of the key so far, and their flagged intervals. */
  private readonly keys = new Map<number, ActorFlags[]>();
  private flagged = 0;

  /**
   * @param seen - what `actor` has seen of `key` from actor `of` (its store's context entry), for pruning
   * @param actors - every actor that can accept writes (all replicas)
   */
  constructor(
    private readonly seen: (key: number, actor: number, of: number) => number,
    private readonly actors: readonly number[],
  ) {}

  /** Writes found in conflict so far. */
  get conflicts(): number {
    return this.flagged;
  }

  /** Actor `actor` accepted a write of `key` with dot counter `counter`, having seen `context` of the key. */
  accepted(key: number, actor: number, counter: number, context: VersionVector): void {
    let writers = this.keys.get(key);
    if (writers === undefined) this.keys.set(key, (writers = []));
    let mine: ActorFlags | undefined;
    for (let i = 0; i < writers.length; i++) if (writers[i].actor === actor) mine = writers[i];
    if (mine === undefined) writers.push((mine = new ActorFlags(actor)));
    mine.writes = counter;
    let inConflict = false;
    for (let i = 0; i < writers.length; i++) {
      const flags = writers[i];
      if (flags === mine) continue;
      const seen = context.get(flags.actor);
      if (flags.writes > seen) {
        inConflict = true;
        this.flag(key, flags.actor, flags, seen);
      }
    }
    if (inConflict) this.flag(key, actor, mine, counter - 1);
  }

  /** Flags `flags`' writes with counters above `from` (up to its latest). */
  private flag(key: number, actor: number, flags: ActorFlags, from: number): void {
    const iv = flags.intervals;
    const to = flags.writes;
    let lo = from;
    let added = to - from;
    // Intervals end at or below `to`; those reaching `from` or beyond join the new one.
    while (iv.length > 0 && iv[iv.length - 1] >= from) {
      const hi = iv.pop() as number;
      const start = iv.pop() as number;
      added -= Math.min(hi, to) - Math.max(start, from);
      if (start < lo) lo = start;
    }
    iv.push(lo, to);
    this.flagged += added;
    if (iv.length >= flags.pruneAt) this.prune(key, actor, flags);
  }

  /** Drops the intervals no later write can extend (at or below what every other actor has seen of `actor`). */
  private prune(key: number, actor: number, flags: ActorFlags): void {
    let floor = Infinity;
    for (const other of this.actors)
      if (other !== actor) floor = Math.min(floor, this.seen(key, other, actor));
    const iv = flags.intervals;
    let keep = 0;
    while (keep < iv.length && iv[keep + 1] <= floor) keep += 2;
    if (keep > 0) iv.splice(0, keep);
    flags.pruneAt = Math.max(32, 2 * iv.length);
  }
}

/** One actor's writes of one key, and which of them are flagged. */
class ActorFlags {
  constructor(readonly actor: number) {}
  writes = 0;
  intervals: number[] = [];
  pruneAt = 32;
}
