/**
 * How two version vectors relate: `before` (the first happened before the second: every counter
 * <=, one <), `after` (the converse), `equal`, or `concurrent` (each has an update the other lacks).
 */
export type VersionOrder = 'before' | 'after' | 'equal' | 'concurrent';

/**
 * A version vector: one counter per actor (a replica node, or a client), recording how many of
 * that actor's updates a version has seen.
 *
 * Version vectors: Parker et al., "Detection of mutual inconsistency in distributed systems",
 * IEEE TSE 1983; vector time: Fidge 1988 and Mattern 1989. Their use for per-key versioning with
 * syntactic reconciliation: DeCandia et al., Dynamo, SOSP 2007, §4.4.
 *
 * Representation: immutable, two parallel arrays of actor ids (ascending) and counters (all > 0;
 * absent actors count 0, so equal vectors have equal arrays). Vectors in a replicated store hold
 * a handful of actors (N replicas, or the clients that wrote a key), so a linear merge over sorted
 * arrays beats a hash map: {@link compare} allocates nothing and stops as soon as the answer is
 * `concurrent`; {@link merge} and {@link increment} allocate one pair of small arrays.
 *
 * @example
 * const a = VersionVector.empty.increment(0).increment(0);  // {0:2}
 * const b = a.increment(1);                                  // {0:2, 1:1}
 * a.compare(b);                                              // 'before'
 * a.increment(2).compare(b);                                 // 'concurrent'
 * a.increment(2).merge(b).toString();                        // '{0:2, 1:1, 2:1}'
 */
export class VersionVector {
  /** The empty vector: no updates seen. */
  static readonly empty = new VersionVector([], []);

  /** The sum of the counters (see {@link total}), computed once: the vector never changes. */
  private readonly sum: number;

  private constructor(
    private readonly ids: readonly number[],
    private readonly counters: readonly number[],
  ) {
    let sum = 0;
    for (let k = 0; k < counters.length; k++) sum += counters[k];
    this.sum = sum;
  }

  /**
   * A vector from (actor, counter) pairs or an `{ actor: counter }` object. Zero counters are
   * dropped; actors must be non-negative integers, counters non-negative integers; an actor
   * listed twice keeps its larger counter.
   *
   * @param entries - the counters
   * @example
   * VersionVector.from({ 0: 2, 3: 1 }).get(3);       // 1
   * VersionVector.from([[1, 4], [0, 1]]).toString(); // '{0:1, 1:4}'
   */
  static from(
    entries: Iterable<readonly [number, number]> | Readonly<Record<number, number>>,
  ): VersionVector {
    const pairs: [number, number][] = [];
    const iterable =
      Symbol.iterator in (entries as object)
        ? (entries as Iterable<readonly [number, number]>)
        : Object.entries(entries as Readonly<Record<number, number>>).map(
            ([k, v]) => [Number(k), v] as const,
          );
    for (const [id, counter] of iterable) {
      checkActor(id);
      if (!Number.isSafeInteger(counter) || counter < 0) {
        throw new RangeError(`version counter must be a non-negative integer, got ${counter}`);
      }
      if (counter > 0) pairs.push([id, counter]);
    }
    pairs.sort((x, y) => x[0] - y[0]);
    const ids: number[] = [];
    const counters: number[] = [];
    for (const [id, counter] of pairs) {
      if (ids.length > 0 && ids[ids.length - 1] === id) {
        counters[counters.length - 1] = Math.max(counters[counters.length - 1], counter);
      } else {
        ids.push(id);
        counters.push(counter);
      }
    }
    return new VersionVector(ids, counters);
  }

  /** Number of actors with a non-zero counter. */
  get size(): number {
    return this.ids.length;
  }

  /**
   * The sum of the counters: for a store's causal context, the number of writes it has seen (each
   * actor's writes are 1..counter).
   *
   * @example
   * VersionVector.from({ 0: 2, 3: 1 }).total(); // 3
   */
  total(): number {
    return this.sum;
  }

  /**
   * The counter of one actor (0 if absent).
   *
   * @param actor - the actor id
   * @example
   * VersionVector.from({ 2: 5 }).get(2); // 5
   * VersionVector.from({ 2: 5 }).get(1); // 0
   */
  get(actor: number): number {
    const ids = this.ids;
    // Vectors are small: a linear scan is faster than a binary search below a few dozen entries.
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === actor) return this.counters[i];
      if (ids[i] > actor) return 0;
    }
    return 0;
  }

  /**
   * Whether the vector has seen the `counter`-th update of `actor` (its counter is at least that).
   *
   * @param actor - the actor id
   * @param counter - the update's number, >= 1
   * @example
   * VersionVector.from({ 0: 3 }).covers(0, 2); // true
   * VersionVector.from({ 0: 3 }).covers(1, 1); // false
   */
  covers(actor: number, counter: number): boolean {
    return this.get(actor) >= counter;
  }

  /**
   * The (actor, counter) pairs, actors ascending.
   *
   * @example
   * VersionVector.from({ 3: 1, 0: 2 }).entries(); // [[0, 2], [3, 1]]
   */
  entries(): [number, number][] {
    return this.ids.map((id, i) => [id, this.counters[i]]);
  }

  /**
   * The vector after one more update by `actor`.
   *
   * @param actor - the updating actor, a non-negative integer
   * @example
   * VersionVector.empty.increment(4).get(4); // 1
   */
  increment(actor: number): VersionVector {
    return this.withCounter(actor, this.get(actor) + 1);
  }

  /**
   * The vector with `actor`'s counter raised to `counter` (unchanged if already at least that).
   *
   * @param actor - the actor id, a non-negative integer
   * @param counter - the counter to reach
   * @example
   * VersionVector.from({ 0: 1 }).raise(0, 5).get(0); // 5
   * VersionVector.from({ 0: 7 }).raise(0, 5).get(0); // 7
   */
  raise(actor: number, counter: number): VersionVector {
    checkActor(actor);
    if (this.get(actor) >= counter) return this;
    return this.withCounter(actor, counter);
  }

  /**
   * The pointwise maximum (least upper bound): the version that has seen everything either has.
   *
   * @param other - the other vector
   * @example
   * VersionVector.from({ 0: 2, 1: 1 }).merge(VersionVector.from({ 1: 3, 2: 1 })).toString();
   * // '{0:2, 1:3, 2:1}'
   */
  merge(other: VersionVector): VersionVector {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a and b read symmetrically below
    const a = this;
    const b = other;
    if (b.ids.length === 0 || a === b) return a;
    if (a.ids.length === 0) return b;
    const ids: number[] = [];
    const counters: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.ids.length || j < b.ids.length) {
      const ai = i < a.ids.length ? a.ids[i] : Infinity;
      const bj = j < b.ids.length ? b.ids[j] : Infinity;
      if (ai === bj) {
        ids.push(ai);
        counters.push(Math.max(a.counters[i++], b.counters[j++]));
      } else if (ai < bj) {
        ids.push(ai);
        counters.push(a.counters[i++]);
      } else {
        ids.push(bj);
        counters.push(b.counters[j++]);
      }
    }
    return new VersionVector(ids, counters);
  }

  /**
   * How this vector relates to `other` in the happened-before partial order.
   *
   * @param other - the other vector
   * @returns `before` if this < other, `after` if this > other, `equal`, or `concurrent`
   * @example
   * VersionVector.from({ 0: 1 }).compare(VersionVector.from({ 0: 2 }));       // 'before'
   * VersionVector.from({ 0: 1 }).compare(VersionVector.from({ 1: 1 }));       // 'concurrent'
   */
  /**
   * `this.merge(other.raise(actor, counter))` in one pass, without the intermediate vector; `this`
   * itself when it already covers both (a store taking a version's context and dot).
   *
   * @example
   * VersionVector.from({ 0: 2 }).mergeWithDot(VersionVector.from({ 1: 1 }), 2, 1).toString(); // '{0:2, 1:1, 2:1}'
   */
  mergeWithDot(other: VersionVector, actor: number, counter: number): VersionVector {
    checkActor(actor);
    if (!(counter > 0)) return this.merge(other); // raise(actor, 0) adds nothing
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a and b read symmetrically below
    const a = this;
    const b = other;
    const na = a.ids.length;
    const nb = b.ids.length;
    // Covered already: the dot, and every entry of other.
    if (a.get(actor) >= counter) {
      let covered = true;
      for (let j = 0; j < nb && covered; j++) covered = a.get(b.ids[j]) >= b.counters[j];
      if (covered) return a;
    }
    // The result's actors: a's, plus any of other's or the dot's it lacks (then a new id array).
    let extra = 0;
    for (let j = 0; j < nb; j++) if (!a.has(b.ids[j])) extra++;
    if (!a.has(actor) && !b.has(actor)) extra++;
    const size = na + extra;
    const ids = extra === 0 ? a.ids : new Array<number>(size);
    const counters = new Array<number>(size);
    let i = 0;
    let j = 0;
    let dotDone = false;
    for (let k = 0; k < size; k++) {
      const ai = i < na ? a.ids[i] : Infinity;
      const bj = j < nb ? b.ids[j] : Infinity;
      const id = Math.min(ai, bj, dotDone ? Infinity : actor);
      let c = 0;
      if (ai === id) c = a.counters[i++];
      if (bj === id) c = Math.max(c, b.counters[j++]);
      if (!dotDone && actor === id) {
        c = Math.max(c, counter);
        dotDone = true;
      }
      if (extra !== 0) (ids as number[])[k] = id;
      counters[k] = c;
    }
    return new VersionVector(ids, counters);
  }

  /** Whether `actor` has an entry (a counter above 0). */
  private has(actor: number): boolean {
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === actor) return true;
      if (ids[i] > actor) return false;
    }
    return false;
  }

  compare(other: VersionVector): VersionOrder {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a and b read symmetrically below
    const a = this;
    const b = other;
    let aAhead = false; // some counter of a exceeds b's
    let bAhead = false;
    let i = 0;
    let j = 0;
    const na = a.ids.length;
    const nb = b.ids.length;
    while (i < na && j < nb) {
      const ai = a.ids[i];
      const bj = b.ids[j];
      if (ai === bj) {
        const ca = a.counters[i++];
        const cb = b.counters[j++];
        if (ca > cb) aAhead = true;
        else if (cb > ca) bAhead = true;
      } else if (ai < bj) {
        aAhead = true;
        i++;
      } else {
        bAhead = true;
        j++;
      }
      if (aAhead && bAhead) return 'concurrent';
    }
    if (i < na) aAhead = true;
    if (j < nb) bAhead = true;
    if (aAhead) return bAhead ? 'concurrent' : 'after';
    return bAhead ? 'before' : 'equal';
  }

  /**
   * Whether this vector has seen everything `other` has (this >= other pointwise): `after` or
   * `equal`.
   *
   * @param other - the other vector
   * @example
   * VersionVector.from({ 0: 2, 1: 1 }).descends(VersionVector.from({ 0: 2 })); // true
   */
  descends(other: VersionVector): boolean {
    const order = this.compare(other);
    return order === 'after' || order === 'equal';
  }

  /**
   * Structural equality.
   *
   * @param other - the other vector
   * @example
   * VersionVector.from({ 0: 1 }).equals(VersionVector.empty.increment(0)); // true
   */
  equals(other: VersionVector): boolean {
    return this.compare(other) === 'equal';
  }

  /**
   * A readable form, actors ascending.
   *
   * @example
   * VersionVector.from({ 1: 2, 0: 1 }).toString(); // '{0:1, 1:2}'
   */
  toString(): string {
    return `{${this.ids.map((id, i) => `${id}:${this.counters[i]}`).join(', ')}}`;
  }

  /**
   * The `{ actor: counter }` object (for JSON traces).
   *
   * @example
   * JSON.stringify(VersionVector.from({ 0: 1 })); // '{"0":1}'
   */
  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    this.ids.forEach((id, i) => {
      out[id] = this.counters[i];
    });
    return out;
  }

  private withCounter(actor: number, counter: number): VersionVector {
    checkActor(actor);
    let i = 0;
    while (i < this.ids.length && this.ids[i] < actor) i++;
    const counters = this.counters.slice();
    // A known actor: the id array is shared (vectors never change their arrays).
    if (this.ids[i] === actor) {
      counters[i] = counter;
      return new VersionVector(this.ids, counters);
    }
    const ids = this.ids.slice();
    ids.splice(i, 0, actor);
    counters.splice(i, 0, counter);
    return new VersionVector(ids, counters);
  }
}

function checkActor(actor: number): void {
  if (!Number.isSafeInteger(actor) || actor < 0) {
    throw new RangeError(`actor id must be a non-negative integer, got ${actor}`);
  }
}
