import { lwwWins, type LwwStamp, type Version } from '../versions/index.js';

/**
 * How a leader resolves concurrent versions of a key (Kleppmann, Designing Data-Intensive
 * Applications, 2017, ch. 5, "Converging toward a consistent state"):
 * - `'lww'`: last write wins by timestamp: the version with the largest timestamp (the accepting
 *   leader's clock, skew and drift included), ties to the larger origin id, then write id.
 * - `'replica-id'`: the version from the highest-numbered origin (replica id) wins.
 * - `'merge'`: set union of the versions' elements (a grow-only set; nothing concurrent is dropped).
 * - `'merge-concat'`: the same elements, as a string: the versions' strings concatenated in a
 *   stable order (origin, then the origin's counter), a token already present earlier left out.
 * - `'siblings'`: the store keeps the concurrent versions side by side and returns them all on a
 *   read; application code resolves them on read (here: the handler given as `onConflict`, by
 *   default set union, as Dynamo's shopping cart does).
 * - `'custom'`: a user-supplied on-write handler (`onConflict`) that the leader calls when a
 *   replicated version arrives concurrent with what it holds.
 */
export type ResolutionPolicy = 'lww' | 'replica-id' | 'merge' | 'merge-concat' | 'siblings' | 'custom';

/** Every policy, in the order the CLI and charts list them. */
export const RESOLUTION_POLICIES: readonly ResolutionPolicy[] = [
  'lww',
  'replica-id',
  'merge',
  'merge-concat',
  'siblings',
  'custom',
];

/**
 * A key's value as a lineage: the write that made it (`id`, or -1 for a merge) on top of the
 * values it was based on. The value's elements are every write id reachable from it; its string
 * is the tokens in depth-first order, parents first. Kept as a graph so that a write costs O(1)
 * whatever the value's size.
 */
export interface ValueNode {
  /** The write id that added this node's element, or -1 for a node that only joins values. */
  readonly id: number;
  /** The values it was built on, in a stable order. */
  readonly parents: readonly ValueNode[];
}

/** What a leader stores per version of a key. */
export interface StoredWrite {
  /** The write's id (its element). */
  readonly writeId: number;
  /** The LWW timestamp: the accepting leader's clock at the write, ms. */
  readonly timestamp: number;
  /** The value the write produced: its element on top of the value its writer saw. */
  readonly value: ValueNode;
}

/** One of the concurrent versions handed to a conflict handler. */
export interface ConflictVersion {
  /** The write that made the version. */
  readonly writeId: number;
  /** The node that accepted it (datacenter or device id). */
  readonly origin: number;
  /** The origin's update counter for the key (its dot's counter). */
  readonly counter: number;
  /** Its LWW timestamp, ms of the origin's clock. */
  readonly timestamp: number;
  /** The version's elements (write ids), ascending. */
  readonly elements: readonly number[];
}

/**
 * A conflict handler: given the concurrent versions (ordered by origin, then counter, the same at
 * every replica), returns the resolved value's elements. It must be a deterministic function of
 * its input, or replicas diverge; it may return only elements of the versions given.
 */
export type ConflictHandler = (versions: readonly ConflictVersion[]) => readonly number[];

/**
 * The versions in the stable order every replica agrees on: origin, then counter. Resolving in
 * this order, not in arrival order, is what lets order-sensitive policies (concatenation, a
 * handler that looks at positions) converge (Kleppmann 2017, ch. 5: "order them alphabetically").
 *
 * @param versions - concurrent versions of one key
 * @example
 * stableOrder(key.read().versions).map((v) => v.dot.actor); // e.g. [0, 2]
 */
export function stableOrder<T>(versions: readonly Version<T>[]): Version<T>[] {
  return versions.slice().sort((a, b) => a.dot.actor - b.dot.actor || a.dot.counter - b.dot.counter);
}

/**
 * The elements (write ids) of a value, ascending.
 *
 * @param value - a value's lineage
 * @example
 * valueElements({ id: 3, parents: [{ id: 1, parents: [] }, { id: 2, parents: [] }] }); // [1, 2, 3]
 */
export function valueElements(value: ValueNode): number[] {
  // Any order will do before the sort: a plain stack, each node once.
  const out: number[] = [];
  const visit = new Visit();
  visit.first(value);
  const stack: ValueNode[] = [value];
  while (stack.length > 0) {
    const node = stack.pop() as ValueNode;
    if (node.id >= 0) out.push(node.id);
    for (const p of node.parents) if (visit.first(p)) stack.push(p);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The value's string: its tokens `w<id>` in depth-first order, parents first and in their stable
 * order, each token once (where concurrent strings share the history they grew from, the shared
 * part is not repeated), joined with `/` (Kleppmann's "B/C").
 *
 * @param value - a value's lineage
 * @example
 * valueText({ id: 3, parents: [{ id: 1, parents: [] }, { id: 2, parents: [] }] }); // 'w1/w2/w3'
 */
export function valueText(value: ValueNode): string {
  const out: string[] = [];
  walk(value, (id) => out.push(`w${id}`));
  return out.join('/');
}

/** Post-order depth-first walk (iterative: lineages can be thousands of writes deep), each node once. */
function walk(root: ValueNode, emit: (id: number) => void): void {
  const visit = new Visit();
  const stack: { node: ValueNode; next: number }[] = [{ node: root, next: 0 }];
  visit.first(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.node.parents.length) {
      const p = top.node.parents[top.next++];
      if (visit.first(p)) stack.push({ node: p, next: 0 });
      continue;
    }
    stack.pop();
    if (top.node.id >= 0) emit(top.node.id);
  }
}

/** The empty value (a key never written). */
export const EMPTY_VALUE: ValueNode = Object.freeze({ id: -1, parents: [] });

/** No parents: one shared empty list (a write on the empty value, a handler's element). */
const NO_PARENTS: readonly ValueNode[] = Object.freeze([]);

/** One node of a lineage: every value the model makes is one (one hidden class for the walks). */
class Lineage implements ValueNode {
  /** The last walk that reached this node (see {@link Visit}). */
  visited = 0;
  constructor(
    readonly id: number,
    /** Emptied by {@link settleLineage} once every value to come is sure to hold what it reached. */
    public parents: readonly ValueNode[],
  ) {}
}

/**
 * Settles what `value` was built on: calls `settle` with each element (write id) `value`'s
 * parents reach, then drops them from the lineage (the garbage collector frees them, unless an
 * older version still in a follower or a message holds them). `value` keeps its own element.
 *
 * For the metrics of a run without history: when every replica holds `value` as the key's one
 * version, every later value of the key is built on it (a write on the value its writer read, a
 * merge or a winner among versions built on it), so its elements are in the final value for sure;
 * counted then, they need not be kept. Not for a policy whose handler rebuilds values from a
 * list of elements (it may leave out any of them). A no-op for a value not made by this module.
 *
 * @example
 * const v = writeOn(writeOn(EMPTY_VALUE, 1), 2);
 * settleLineage(v, (id) => console.log(id)); // logs 1
 * valueElements(v); // [2]
 */
export function settleLineage(value: ValueNode, settle: (id: number) => void): void {
  if (!(value instanceof Lineage) || value.parents.length === 0) return;
  const visit = new Visit();
  visit.first(value);
  const stack: ValueNode[] = [...value.parents];
  for (const p of stack) visit.first(p);
  while (stack.length > 0) {
    const node = stack.pop() as ValueNode;
    if (node.id >= 0) settle(node.id);
    for (const p of node.parents) if (visit.first(p)) stack.push(p);
  }
  value.parents = NO_PARENTS;
}

/** Walks so far: each walk marks the nodes it reaches with its own number. */
let walks = 0;

/**
 * One walk's record of the nodes it reached: a mark on the model's own nodes (a lineage is
 * thousands of nodes; a set of them would hash each one), a set for any other `ValueNode`.
 */
class Visit {
  private readonly stamp = ++walks;
  private others: Set<ValueNode> | null = null;

  /** Whether this walk reaches `node` for the first time (and marks it). */
  first(node: ValueNode): boolean {
    if (node instanceof Lineage) {
      if (node.visited === this.stamp) return false;
      node.visited = this.stamp;
      return true;
    }
    this.others ??= new Set();
    if (this.others.has(node)) return false;
    this.others.add(node);
    return true;
  }
}

/**
 * The value a write of element `id` makes on top of the value `base` its writer saw.
 *
 * @example
 * valueElements(writeOn(writeOn(EMPTY_VALUE, 1), 2)); // [1, 2]
 */
export function writeOn(base: ValueNode, id: number): ValueNode {
  return new Lineage(id, base === EMPTY_VALUE ? NO_PARENTS : [base]);
}

/** A version's LWW stamp: the accepting leader's clock, then its id (the dot's actor), then the write id. */
function lwwStampOf(v: Version<StoredWrite>): LwwStamp {
  return { timestamp: v.value.timestamp, writer: v.dot.actor, write: v.value.writeId };
}

function lwwWinner(versions: readonly Version<StoredWrite>[]): Version<StoredWrite> {
  let best = versions[0];
  let bestStamp = lwwStampOf(best);
  for (const v of versions) {
    const stamp = lwwStampOf(v);
    if (lwwWins(stamp, bestStamp)) {
      best = v;
      bestStamp = stamp;
    }
  }
  return best;
}

function replicaIdWinner(versions: readonly Version<StoredWrite>[]): Version<StoredWrite> {
  let best = versions[0];
  for (const v of versions)
    if (v.dot.actor > best.dot.actor || (v.dot.actor === best.dot.actor && v.dot.counter > best.dot.counter))
      best = v;
  return best;
}

/**
 * The versions as a handler sees them (elements computed).
 *
 * @param versions - concurrent versions in stable order
 * @example
 * conflictVersions(stableOrder(key.read().versions))[0].elements; // e.g. [0, 3, 4]
 */
export function conflictVersions(versions: readonly Version<StoredWrite>[]): ConflictVersion[] {
  return versions.map((v) => ({
    writeId: v.value.writeId,
    origin: v.dot.actor,
    counter: v.dot.counter,
    timestamp: v.value.timestamp,
    elements: valueElements(v.value.value),
  }));
}

/**
 * The default application code for siblings: set union of the siblings' elements (Dynamo's
 * shopping cart, DeCandia et al., SOSP 2007, §4.4).
 *
 * @example
 * unionHandler([{ writeId: 1, origin: 0, counter: 1, timestamp: 0, elements: [1] },
 *   { writeId: 2, origin: 1, counter: 1, timestamp: 0, elements: [2] }]); // [1, 2]
 */
export const unionHandler: ConflictHandler = (versions) => {
  const all = new Set<number>();
  for (const v of versions) for (const e of v.elements) all.add(e);
  return [...all].sort((a, b) => a - b);
};

/**
 * The value a leader's writers and readers see for a key holding `versions` (not superseded by one
 * another), under `policy`. One version: its value. Several (a conflict): LWW and replica-id keep
 * the winner's value and drop the others'; merge, merge-concat and siblings (with the default
 * union) join them all; a handler's result becomes a value of exactly the elements it returned.
 * A deterministic function of the set of versions, so replicas holding the same versions agree.
 *
 * @param policy - the resolution policy
 * @param versions - the key's current versions, any order (none: the key's initial, empty value)
 * @param handler - `onConflict` for 'custom' (required) and 'siblings' (default union)
 * @example
 * const key = new Siblings<StoredWrite>();
 * key.put({ writeId: 0, timestamp: 5, value: { id: 0, parents: [] } }, VersionVector.empty, 0);
 * key.put({ writeId: 1, timestamp: 9, value: { id: 1, parents: [] } }, VersionVector.empty, 1);
 * valueElements(resolveValue('lww', key.read().versions));   // [1]: the larger timestamp
 * valueElements(resolveValue('merge', key.read().versions)); // [0, 1]
 */
export function resolveValue(
  policy: ResolutionPolicy,
  versions: readonly Version<StoredWrite>[],
  handler?: ConflictHandler,
): ValueNode {
  if (versions.length === 0) return EMPTY_VALUE;
  if (versions.length === 1) return versions[0].value.value;
  switch (policy) {
    case 'lww':
      return lwwWinner(versions).value.value;
    case 'replica-id':
      return replicaIdWinner(versions).value.value;
    case 'merge':
    case 'merge-concat':
      return new Lineage(
        -1,
        stableOrder(versions).map((v) => v.value.value),
      );
    case 'siblings':
      if (handler === undefined)
        return new Lineage(
          -1,
          stableOrder(versions).map((v) => v.value.value),
        );
      return handled(versions, handler);
    case 'custom':
      if (handler === undefined) throw new Error("resolution 'custom' needs an onConflict handler");
      return handled(versions, handler);
  }
}

function handled(versions: readonly Version<StoredWrite>[], handler: ConflictHandler): ValueNode {
  const input = conflictVersions(stableOrder(versions));
  const offered = new Set<number>();
  for (const v of input) for (const e of v.elements) offered.add(e);
  const result = handler(input);
  if (!Array.isArray(result))
    throw new Error(`onConflict must return an array of elements, got ${String(result)}`);
  const elements = [...new Set(result as number[])].sort((a, b) => a - b);
  for (const e of elements) {
    if (!offered.has(e))
      throw new Error(`onConflict returned element ${e}, which none of the conflicting versions holds`);
  }
  return new Lineage(
    -1,
    elements.map((id) => new Lineage(id, NO_PARENTS)),
  );
}
