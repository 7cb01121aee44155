import { VersionVector } from './version-vector.js';

/**
 * The identity of one write: the `counter`-th update minted by `actor`.
 */
export interface Dot {
  /** The actor that minted the write: the replica (node) that accepted it. */
  readonly actor: number;
  /** The actor's update number, from 1. */
  readonly counter: number;
}

/** One stored version of a key: a value, the write that made it, and what that write had seen. */
export interface Version<T> {
  /** The value written. */
  readonly value: T;
  /** The write's identity. */
  readonly dot: Dot;
  /**
   * The causal context the client wrote with (the context of the read it based the write on).
   * The version's causal history is this context plus its own dot; its version vector is
   * `context.raise(dot.actor, dot.counter)` ({@link versionVectorOf}).
   */
  readonly context: VersionVector;
}

/** What {@link Siblings.read} returns. */
export interface SiblingsRead<T> {
  /** The current versions (siblings), in the order they were stored. */
  versions: readonly Version<T>[];
  /** Their values, same order. More than one: concurrent writes the client should resolve. */
  values: T[];
  /**
   * The causal context to write back with: the join of every version this store has seen. A put
   * with it supersedes every sibling returned here, and nothing the client has not seen.
   */
  context: VersionVector;
}

/**
 * The version vector of a stored version: its context with its own dot added.
 *
 * @param version - a stored version
 * @example
 * versionVectorOf({ value: 'x', dot: { actor: 1, counter: 3 }, context: VersionVector.from({ 0: 2 }) })
 *   .toString(); // '{0:2, 1:3}'
 */
export function versionVectorOf<T>(version: Version<T>): VersionVector {
  return version.context.raise(version.dot.actor, version.dot.counter);
}

/**
 * Whether version `a` supersedes version `b`: `b`'s write is in `a`'s causal history (its context
 * covers `b`'s dot), or they are the same write. Dots compare exactly, so two writes minted by the
 * same replica from the same stale context stay concurrent (a plain vector comparison would wrongly
 * order them: {A:2} > {A:1}).
 *
 * @param a - the candidate newer version
 * @param b - the candidate older version
 * @example
 * const old = { value: 1, dot: { actor: 0, counter: 1 }, context: VersionVector.empty };
 * const sameContext = { value: 2, dot: { actor: 0, counter: 2 }, context: VersionVector.empty };
 * supersedes(sameContext, old); // false: concurrent, although {0:2} > {0:1}
 */
export function supersedes<T>(a: Version<T>, b: Version<T>): boolean {
  return (
    (a.dot.actor === b.dot.actor && a.dot.counter === b.dot.counter) ||
    a.context.covers(b.dot.actor, b.dot.counter)
  );
}

/**
 * Resolves siblings whose values are sets by union: the merge function under which no element
 * any client added is ever lost (an add-only set; removals need tombstones or a CRDT).
 *
 * @param values - the siblings' values
 * @returns a new set with every element of every sibling
 * @example
 * unionMerge([new Set(['a']), new Set(['b', 'a'])]); // Set {'a', 'b'}
 */
export function unionMerge<E>(values: readonly ReadonlySet<E>[]): Set<E> {
  const out = new Set<E>();
  for (const v of values) for (const e of v) out.add(e);
  return out;
}

/**
 * The versions one replica keeps for one key: every version not superseded by another, side by
 * side (siblings), plus the key's causal context (the join of all it has seen).
 *
 * Semantics are Dynamo's (DeCandia et al., SOSP 2007, §4.4): a client reads the siblings and their
 * joined context, resolves them (e.g. {@link unionMerge}), and writes back with that context; the
 * write replaces the versions the context covers and stays beside the ones it did not see.
 * Each write is identified by a dot minted by the replica that accepts it, as in dotted version
 * vectors (Preguiça, Baquero, Almeida, Fonte, Gonçalves, "Dotted version vectors", 2010; Almeida et
 * al., "Scalable and accurate causality tracking for eventually consistent stores", DAIS 2014;
 * Riak 2.0's `dvv_enabled`). This keeps plain version vectors (Parker et al. 1983) per replica
 * actor, as Dynamo does, without their flaw: two concurrent writes coordinated by the same replica
 * from the same context are kept as siblings instead of one silently overwriting the other.
 *
 * Invariant: no kept version supersedes another ({@link supersedes}), and the context covers every
 * kept dot.
 *
 * An actor must mint dots at one store only: pass the accepting replica's own node id as `actor`.
 *
 * @example
 * const key = new Siblings<Set<string>>();
 * const r0 = key.read();                                   // nothing yet, context {}
 * key.put(new Set(['a']), r0.context, 0);                  // client 1, via replica 0
 * key.put(new Set(['b']), r0.context, 0);                  // client 2, same stale context
 * key.read().values.length;                                // 2 siblings
 * const r1 = key.read();
 * key.put(unionMerge([...r1.values, new Set(['c'])]), r1.context, 0);
 * key.read().values;                                       // [Set {'a', 'b', 'c'}]
 */
export class Siblings<T> {
  private versionList: Version<T>[] = [];
  private causal: VersionVector = VersionVector.empty;

  /** Number of siblings. */
  get size(): number {
    return this.versionList.length;
  }

  /** The join of every version this store has seen (what a read hands to the client). */
  get context(): VersionVector {
    return this.causal;
  }

  /**
   * The current siblings, in the order they were stored: the store's own array, to read at once
   * (it changes with the store; {@link read} returns a copy).
   */
  get current(): readonly Version<T>[] {
    return this.versionList;
  }

  /**
   * The current siblings and the context to write back with.
   *
   * @example
   * const key = new Siblings<number>();
   * key.put(1, VersionVector.empty, 0);
   * key.read().values;            // [1]
   * key.read().context.toString(); // '{0:1}'
   */
  read(): SiblingsRead<T> {
    const versions = this.versionList.slice();
    return { versions, values: versions.map((v) => v.value), context: this.causal };
  }

  /**
   * A client's write, accepted by replica `actor`: drops the siblings the write's context covers,
   * keeps the concurrent ones, and stores the new version with a fresh dot (the actor's counter in
   * this store's context, or in `context` if larger, plus one).
   *
   * @param value - the value written (the client's resolution of what it read, plus its change)
   * @param context - the context of the read the write is based on (`VersionVector.empty` for a
   *   blind write)
   * @param actor - the accepting replica's node id
   * @returns the stored version
   * @example
   * const key = new Siblings<string>();
   * const v = key.put('x', VersionVector.empty, 2);
   * v.dot; // { actor: 2, counter: 1 }
   */
  put(value: T, context: VersionVector, actor: number): Version<T> {
    const counter = Math.max(this.causal.get(actor), context.get(actor)) + 1;
    const version: Version<T> = { value, dot: { actor, counter }, context };
    keepOnlyThenAdd(this.versionList, (v) => !context.covers(v.dot.actor, v.dot.counter), version);
    this.causal = this.causal.merge(context).raise(actor, counter);
    return version;
  }

  /**
   * Stores a version made elsewhere (a replicated write, a hinted handoff, a read repair): kept
   * unless this store has already seen its dot; the siblings it supersedes are dropped.
   *
   * @param version - a version from another replica
   * @returns whether it was stored
   * @example
   * const a = new Siblings<number>();
   * const b = new Siblings<number>();
   * const v = a.put(7, VersionVector.empty, 0);
   * b.apply(v); // true
   * b.apply(v); // false: already seen
   */
  apply(version: Version<T>): boolean {
    if (this.causal.covers(version.dot.actor, version.dot.counter)) return false;
    keepOnlyThenAdd(this.versionList, (v) => !supersedes(version, v), version);
    // The merge of the version's vector (versionVectorOf), without building it.
    this.causal = this.causal.mergeWithDot(version.context, version.dot.actor, version.dot.counter);
    return true;
  }

  /**
   * Merges another replica's versions of the key into this one (anti-entropy, read repair): keeps
   * each version unless the other side has seen its dot without keeping it, i.e. superseded it.
   * Commutative and idempotent in effect; `other` is not changed.
   *
   * @param other - the other replica's versions of the same key
   * @example
   * const a = new Siblings<number>();
   * const b = new Siblings<number>();
   * a.put(1, VersionVector.empty, 0);
   * b.put(2, VersionVector.empty, 1);
   * a.sync(b);
   * a.read().values; // [1, 2]: concurrent
   */
  sync(other: Siblings<T>): void {
    const theirs = other.versionList;
    const kept = this.versionList.filter(
      (v) => theirs.some((w) => sameDot(v, w)) || !other.causal.covers(v.dot.actor, v.dot.counter),
    );
    for (const w of theirs) {
      if (!this.causal.covers(w.dot.actor, w.dot.counter)) kept.push(w);
    }
    this.versionList = kept;
    this.causal = this.causal.merge(other.causal);
  }

  /**
   * Resolves the siblings with a merge function (e.g. {@link unionMerge}); `undefined` if the key
   * holds nothing. Does not write: the caller writes the result back with {@link read}'s context.
   *
   * @param merge - combines the siblings' values
   * @example
   * const key = new Siblings<Set<string>>();
   * key.put(new Set(['a']), VersionVector.empty, 0);
   * key.put(new Set(['b']), VersionVector.empty, 1);
   * key.resolve(unionMerge); // Set {'a', 'b'}
   */
  resolve(merge: (values: T[]) => T): T | undefined {
    return this.versionList.length === 0 ? undefined : merge(this.versionList.map((v) => v.value));
  }
}

/**
 * Removes from `list` the items `keep` refuses, then appends `item`: in place and in order (the
 * store's own array), so a write that replaces the one version a key held allocates nothing.
 */
function keepOnlyThenAdd<T>(list: T[], keep: (item: T) => boolean, item: T): void {
  let n = 0;
  for (let i = 0; i < list.length; i++) if (keep(list[i])) list[n++] = list[i];
  if (n === list.length) list.push(item);
  else {
    list[n] = item;
    list.length = n + 1;
  }
}

function sameDot<T>(a: Version<T>, b: Version<T>): boolean {
  return a.dot.actor === b.dot.actor && a.dot.counter === b.dot.counter;
}
