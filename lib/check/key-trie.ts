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

type Trie = unknown[];

export class KeyTrie<V> {
  private static readonly none = new KeyTrie<never>(null, 0);

  /**
   * @param root - level `levels` of the trie (null: empty); leaves (level 0) hold the values
   * @param levels - the levels above the leaves: keys up to 32^(levels+1) - 1 fit
   */
  private constructor(
    private readonly root: Trie | null,
    private readonly levels: number,
  ) {}

  /** The empty map. */
  static empty<V>(): KeyTrie<V> {
    return KeyTrie.none as KeyTrie<V>;
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
    return merged === this.root ? this : new KeyTrie<V>(merged, levels);
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

function unionIn<V>(a: Trie, b: Trie, level: number, join: (mine: V | undefined, theirs: V) => V): Trie {
  if (a === b) return a;
  let out: Trie | null = null;
  for (let i = 0; i < WIDTH; i++) {
    const x = a[i];
    const y = b[i];
    if (y === undefined || x === y) continue;
    let z: unknown;
    if (level === 0) z = join(x as V | undefined, y as V);
    else z = x === undefined ? y : unionIn(x as Trie, y as Trie, level - 1, join);
    if (z === x) continue;
    if (out === null) out = a.slice();
    out[i] = z;
  }
  if (out === null) return a;
  // The union is `b` itself when it has every slot of b: share b's node rather than keep a copy,
  // so that later unions with maps grown from b find equal subtrees and skip them.
  for (let i = 0; i < WIDTH; i++) if (out[i] !== b[i]) return out;
  return b;
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
