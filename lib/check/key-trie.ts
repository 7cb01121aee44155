/**
 * An immutable map from small non-negative integer keys to values, as a 32-way radix trie: every
 * update copies only the path to its key (at most 7 arrays of 32 slots), and the rest of the
 * trie is shared with the map it came from. A streaming checker keeps one such map per write or
 * per client, each a small change of another, and compares two of them by walking only the
 * subtrees they do not share.
 *
 * Reference: P. Bagwell, "Ideal hash trees", EPFL 2001 (the 32-way trie with path copying behind
 * the persistent maps of Clojure and Scala); here the key's own bits are the path, no hash.
 *
 * @example
 * const a = KeyTrie.empty<string>().set(3, 'x');
 * const b = a.set(40, 'y');
 * a.get(40); // undefined: a is unchanged
 * b.get(3);  // 'x'
 */
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** Keys must be below 2^31 (7 levels of 5 bits cover 2^35). */
const KEY_LIMIT = 2 ** 31;

/** A node: WIDTH slots (a {@link KeyTrieView}'s own nodes have one more, see there). */
type Trie = unknown[];

export class KeyTrie<V> {
  private static readonly none = new KeyTrie<never>(null, 0);

  private constructor(
    /** The top node (null: empty); leaves (level 0) hold the values. For {@link KeyTrieView} only. */
    readonly root: Trie | null,
    /** The levels above the leaves: keys up to 32^(levels+1) - 1 fit. */
    readonly levels: number,
  ) {}

  /** The empty map. */
  static empty<V>(): KeyTrie<V> {
    return KeyTrie.none;
  }

  /** Whether the map holds nothing. */
  get isEmpty(): boolean {
    return this.root === null;
  }

  /** The value of `key`, or undefined. */
  get(key: number): V | undefined {
    if (this.root === null || !(key >= 0 && key < capacity(this.levels))) return undefined;
    let node: Trie | undefined = this.root;
    for (let level = this.levels; level > 0; level--) {
      node = node[(key >>> (BITS * level)) & MASK] as Trie | undefined;
      if (node === undefined) return undefined;
    }
    return node[key & MASK] as V | undefined;
  }

  /** The map with `key` set to `value` (this one unchanged). */
  set(key: number, value: V): KeyTrie<V> {
    if (!(key >>> 0 === key && key < KEY_LIMIT))
      throw new RangeError(`KeyTrie: key ${key} is not an integer from 0 to 2^31 - 1`);
    let levels = this.levels;
    let root = this.root;
    while (key >= capacity(levels)) {
      if (root !== null) root = withSlot(undefined, 0, root);
      levels++;
    }
    return new KeyTrie<V>(setIn(root ?? undefined, levels, key, value), levels);
  }

  /**
   * Both maps' keys, with `join(mine, theirs)` where `other` has a value (`mine` undefined where
   * this one has none); subtrees the two share, and those only this one has, are kept as they are.
   * When `join` returns `mine` for every key, the result is this map itself.
   *
   * @example
   * a.union(b, (mine, theirs) => (mine === undefined ? theirs : Math.max(mine, theirs)));
   */
  union(other: KeyTrie<V>, join: (mine: V | undefined, theirs: V) => V): KeyTrie<V> {
    if (other.root === null || other === this) return this;
    if (this.root === null) return other;
    const levels = Math.max(this.levels, other.levels);
    const a = raise(this.root, this.levels, levels);
    const b = raise(other.root, other.levels, levels);
    const merged = unionIn(a, b, levels, join);
    if (merged === this.root) return this;
    return merged === other.root ? other : new KeyTrie<V>(merged, levels);
  }

  /** Calls `f` for every (key, value), keys ascending. */
  forEach(f: (value: V, key: number) => void): void {
    if (this.root !== null) visit(this.root, this.levels, 0, f);
  }
}

/** CAPACITY[levels]: the keys a trie of `levels` levels above its leaves can hold. */
const CAPACITY = Array.from({ length: 8 }, (_, levels) => 2 ** (BITS * (levels + 1)));

function capacity(levels: number): number {
  return CAPACITY[levels];
}

/** A copy of `node` (or a new node) with slot `i` set to `value`. */
function withSlot(node: Trie | undefined, i: number, value: unknown): Trie {
  const copy = node === undefined ? new Array<unknown>(WIDTH).fill(undefined) : node.slice();
  copy[i] = value;
  return copy;
}

function setIn(node: Trie | undefined, level: number, key: number, value: unknown): Trie {
  const i = (key >>> (BITS * level)) & MASK;
  if (level === 0) return withSlot(node, i, value);
  return withSlot(node, i, setIn(node?.[i] as Trie | undefined, level - 1, key, value));
}

/** `root` (of `from` levels) as the first subtree of a trie of `to` levels. */
function raise(root: Trie, from: number, to: number): Trie {
  let node = root;
  for (let level = from; level < to; level++) node = withSlot(undefined, 0, node);
  return node;
}

/** Per level, a node's worth of slots for {@link unionIn} to fill before it knows whether it needs a new node. */
const scratch: Trie[] = [];

function unionIn<V>(a: Trie, b: Trie, level: number, join: (mine: V | undefined, theirs: V) => V): Trie {
  if (a === b) return a;
  const out = (scratch[level] ??= new Array<unknown>(WIDTH));
  // Whether the union so far is a's slots, b's slots: then a or b is the union, and nothing is allocated.
  let isA = true;
  let isB = true;
  for (let i = 0; i < WIDTH; i++) {
    const x = a[i];
    const y = b[i];
    let z: unknown;
    if (y === undefined || x === y) z = x;
    else if (level === 0) z = join(x as V | undefined, y as V);
    else z = x === undefined ? y : unionIn(x as Trie, y as Trie, level - 1, join);
    out[i] = z;
    if (z !== x) isA = false;
    if (z !== y) isB = false;
  }
  // Sharing b's node rather than keeping a copy lets later unions with maps grown from b find
  // equal subtrees and skip them.
  const result = isA ? a : isB ? b : out.slice();
  out.fill(undefined);
  return result;
}

function visit<V>(node: Trie, level: number, base: number, f: (value: V, key: number) => void): void {
  for (let i = 0; i < WIDTH; i++) {
    const x = node[i];
    if (x === undefined) continue;
    const key = base + i * 2 ** (BITS * level);
    if (level === 0) f(x as V, key);
    else visit(x as Trie, level - 1, key, f);
  }
}

/**
 * A map that only grows, by joining {@link KeyTrie}s into it, read as it stood just before an
 * instant (as lib/check's `AsOf`): a streaming checker's per-client view. Joins change the view's
 * own nodes in place, so a client reading write after write allocates nothing once its view has
 * its own copy of the nodes it changes; subtrees taken from a joined map are shared until they
 * change (copy on write). The values as they stood before the latest instant are kept only for
 * the keys that changed at it (an undo log), which is all "just before" needs.
 *
 * The view's own nodes carry one slot more than a KeyTrie's (WIDTH + 1): that is how a join tells
 * them from shared ones, which it must copy before changing.
 *
 * @example
 * const view = new KeyTrieView<number>();
 * view.join(KeyTrie.empty<number>().set(3, 7), 10, (mine, theirs) => Math.max(mine ?? 0, theirs));
 * view.before(10, 3); // undefined: the join at 10 is not strictly before 10
 * view.before(11, 3); // 7
 */
export class KeyTrieView<V> {
  private root: Trie | undefined = undefined;
  private levels = 0;
  private changedMs = -Infinity;
  /** Keys changed at `changedMs`: ranges [lo, hi) with the value they all had before (undefined: none), the first `undoCount` entries. */
  private undoCount = 0;
  private readonly undoLo: number[] = [];
  private readonly undoHi: number[] = [];
  private readonly undoValue: (V | undefined)[] = [];

  /** The value of `key` as it stood just before `tMs` (from the latest change on). */
  before(tMs: number, key: number): V | undefined {
    if (tMs === this.changedMs) {
      for (let i = 0; i < this.undoCount; i++)
        if (this.undoLo[i] <= key && key < this.undoHi[i]) return this.undoValue[i];
    } else if (tMs < this.changedMs)
      throw new Error(`AsOf: asked for ${tMs} ms after a change at ${this.changedMs} ms`);
    return this.get(key);
  }

  /** The current value of `key`. */
  get(key: number): V | undefined {
    if (this.root === undefined || !(key >= 0 && key < capacity(this.levels))) return undefined;
    let node: Trie | undefined = this.root;
    for (let level = this.levels; level > 0; level--) {
      node = node[(key >>> (BITS * level)) & MASK] as Trie | undefined;
      if (node === undefined) return undefined;
    }
    return node[key & MASK] as V | undefined;
  }

  /**
   * Joins `other` into the view at `atMs` (not before the latest change): every key of `other`
   * takes `join(mine, theirs)` (`mine` undefined where the view has none).
   */
  join(other: KeyTrie<V>, atMs: number, join: (mine: V | undefined, theirs: V) => V): void {
    if (other.root === null) return;
    if (atMs > this.changedMs) {
      this.changedMs = atMs;
      // Entries are overwritten, not dropped: the arrays keep their storage.
      for (let i = 0; i < this.undoCount; i++) this.undoValue[i] = undefined;
      this.undoCount = 0;
    } else if (atMs < this.changedMs)
      throw new Error(`AsOf: a change at ${atMs} ms after one at ${this.changedMs} ms`);
    if (this.root === undefined) {
      this.root = other.root;
      this.levels = other.levels;
      this.undo(0, capacity(other.levels), undefined);
      return;
    }
    // A taller map: the view's root becomes the first subtree of a new root of its own.
    while (this.levels < other.levels) {
      const top = this.ownNode(undefined);
      top[0] = this.root;
      this.root = top;
      this.levels++;
    }
    this.root = this.joinBelow(this.root, this.levels, other, join);
  }

  /** Joins `other` (no taller than `node`, at `level`) into the subtree of its keys: the first child, down to its height. */
  private joinBelow(
    node: Trie,
    level: number,
    other: KeyTrie<V>,
    join: (mine: V | undefined, theirs: V) => V,
  ): Trie {
    if (level === other.levels) return this.joinNode(node, other.root as Trie, level, 0, join);
    const child = node[0] as Trie | undefined;
    let joined: Trie;
    if (child === undefined) {
      joined = other.root as Trie;
      this.undo(0, capacity(other.levels), undefined);
    } else joined = this.joinBelow(child, level - 1, other, join);
    if (joined === child) return node;
    const own = node.length === WIDTH ? this.ownNode(node) : node;
    own[0] = joined;
    return own;
  }

  private joinNode(
    a: Trie,
    b: Trie,
    level: number,
    base: number,
    join: (mine: V | undefined, theirs: V) => V,
  ): Trie {
    if (a === b) return a;
    const span = level === 0 ? 1 : CAPACITY[level - 1];
    let node = a;
    for (let i = 0; i < WIDTH; i++) {
      const y = b[i];
      const x = node[i];
      if (y === undefined || x === y) continue;
      const at = base + i * span;
      let z: unknown;
      if (level === 0) {
        z = join(x as V | undefined, y as V);
        if (z === x) continue;
        this.undo(at, at + 1, x as V | undefined);
      } else if (x === undefined) {
        z = y;
        this.undo(at, at + span, undefined);
      } else {
        z = this.joinNode(x as Trie, y as Trie, level - 1, at, join);
        if (z === x) continue;
      }
      if (node.length === WIDTH) node = this.ownNode(node);
      node[i] = z;
    }
    return node;
  }

  /** A node of the view's own: a copy of `node` (or empty), with the extra slot that marks it. */
  private ownNode(node: Trie | undefined): Trie {
    const own = new Array<unknown>(WIDTH + 1).fill(undefined);
    if (node !== undefined) for (let i = 0; i < WIDTH; i++) own[i] = node[i];
    own[WIDTH] = true;
    return own;
  }

  /** Keys [lo, hi) change now; they had `value` before (kept unless they already changed at this instant). */
  private undo(lo: number, hi: number, value: V | undefined): void {
    const n = this.undoCount;
    if (hi - lo === 1) for (let i = 0; i < n; i++) if (this.undoLo[i] <= lo && lo < this.undoHi[i]) return;
    this.undoLo[n] = lo;
    this.undoHi[n] = hi;
    this.undoValue[n] = value;
    this.undoCount = n + 1;
  }
}
