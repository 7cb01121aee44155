import type { VersionVector } from '../versions/index.js';

/** What {@link concurrentWrites} needs of each write: its key, its dot and the context it was written with. */
export interface CausalWrite {
  /** The key written. */
  readonly key: number;
  /** The accepting node (the dot's actor). */
  readonly actor: number;
  /** The actor's update counter for the key, from 1 (the dot's counter). */
  readonly counter: number;
  /** What the accepting node had seen of the key when it accepted the write (its version vector before the write). */
  readonly context: VersionVector;
}

/**
 * Which writes are in conflict: concurrent (by version vectors) with at least one other write to
 * the same key, i.e. neither had seen the other when it was accepted.
 *
 * Version vectors: Parker et al., "Detection of mutual inconsistency in distributed systems",
 * IEEE TSE 1983. Writes a and b (dots (i, c) and (j, c')) are concurrent when a's context does
 * not cover (j, c') and b's does not cover (i, c).
 *
 * Exact and linear: one actor's writes to a key are totally ordered (each is accepted with the
 * actor's full context), and an actor's contexts only grow. So for write w of actor i and another
 * actor j, the j-writes w had not seen are a suffix of j's sequence (counters above
 * `w.context[j]`), and those that had not seen w are a prefix (context[i] < w's counter). They
 * intersect exactly when the first unseen j-write had not seen w: one look per (write, actor).
 *
 * @param writes - every write of the run, in any order; dots must be distinct per key
 * @returns flags[i] = 1 when writes[i] is concurrent with another write of its key
 * @example
 * // Two actors write key 0 with empty contexts: each has not seen the other.
 * concurrentWrites([
 *   { key: 0, actor: 0, counter: 1, context: VersionVector.empty },
 *   { key: 0, actor: 1, counter: 1, context: VersionVector.empty },
 * ]); // Uint8Array [1, 1]
 */
export function concurrentWrites(writes: readonly CausalWrite[]): Uint8Array {
  // byKeyActor.get(key).get(actor)[counter - 1] = index into writes.
  const byKeyActor = new Map<number, Map<number, number[]>>();
  writes.forEach((w, index) => {
    let actors = byKeyActor.get(w.key);
    if (actors === undefined) byKeyActor.set(w.key, (actors = new Map<number, number[]>()));
    let list = actors.get(w.actor);
    if (list === undefined) actors.set(w.actor, (list = []));
    if (list[w.counter - 1] !== undefined)
      throw new Error(`concurrentWrites: dot (${w.actor}, ${w.counter}) of key ${w.key} appears twice`);
    list[w.counter - 1] = index;
  });
  const flags = new Uint8Array(writes.length);
  writes.forEach((w, index) => {
    const actors = byKeyActor.get(w.key) as Map<number, number[]>;
    for (const [actor, list] of actors) {
      if (actor === w.actor) continue;
      const firstUnseen = list[w.context.get(actor)];
      if (firstUnseen !== undefined && writes[firstUnseen].context.get(w.actor) < w.counter) {
        flags[index] = 1;
        break;
      }
    }
  });
  return flags;
}
