import { ParameterError } from '../../errors.js';
import { murmurFinish, murmurMix } from '../../random/hash.js';

/**
 * The shape of a Merkle tree over a key range. Two replicas compare trees only if their configs
 * are equal.
 */
export interface MerkleConfig {
  /**
   * First key of the range, inclusive (a safe integer). Keys are key ids, or ring positions
   * (`HashRing.position`) to build one tree per token range as Cassandra does.
   */
  start: number;
  /** End of the range, exclusive: `end > start`, and `(end - start) x leaves <= 2^53`. */
  end: number;
  /** Children per inner node, 2..256. Default 16. */
  fanout?: number;
  /**
   * Levels below the root, 0..24: the tree has `fanout^depth` leaves (at most 2^24), each
   * covering an equal slice of the range (to within one key). Depth 0: the root is the only leaf.
   * Default 3.
   */
  depth?: number;
}

/** A half-open range of keys `[start, end)`. */
export interface KeyRange {
  start: number;
  end: number;
}

/**
 * What walking two trees top-down cost. A message carries hashes (4 bytes each) or a leaf's
 * entries (12 bytes each: an 8-byte key and its 4-byte version digest); headers are not counted.
 */
export interface MerkleDiffCost {
  /**
   * Messages sent: 1 for the root hash, 1 per differing inner node (the hashes of its `fanout`
   * children), and 1 per differing leaf (that leaf's entries, so the other side finds the keys).
   */
  messages: number;
  /** Bytes in those messages. */
  bytes: number;
  /** Hashes compared. */
  hashes: number;
  /**
   * Tree levels whose hashes were exchanged, i.e. rounds if each level is one round trip: 1 when
   * the roots match, otherwise `depth + 1` (a differing parent always has a differing child).
   */
  levels: number;
}

/** What {@link merkleDiff} finds. */
export interface MerkleDiff {
  /**
   * Keys that differ, ascending: held by one replica only, or held by both with different
   * version digests.
   */
  keys: number[];
  /** The key ranges of the differing leaves, ascending: what a repair must stream. */
  ranges: KeyRange[];
  /** The exchange's cost. */
  cost: MerkleDiffCost;
}

/** Bytes of one hash in a message. */
export const HASH_BYTES = 4;
/** Bytes of one leaf entry in a message: an 8-byte key and its 4-byte version digest. */
export const ENTRY_BYTES = 12;
const LEAF_SEED = 0x4c454146; // 'LEAF'
const NODE_SEED = 0x4e4f4445; // 'NODE'

/**
 * A Merkle (hash) tree over one replica's data in a key range, for anti-entropy: two replicas
 * compare roots, then only the children of differing nodes, down to the leaves, and so find the
 * keys that differ while exchanging little more than the differences (DeCandia et al., Dynamo,
 * SOSP 2007, §4.7; Merkle, "A digital signature based on a conventional encryption function",
 * CRYPTO 1987).
 *
 * Shape: fixed fan-out and depth; leaf `i` of `L = fanout^depth` covers keys
 * `[start + ceil(i·S/L), start + ceil((i+1)·S/L))` with `S = end - start`, so a key sits in leaf
 * `floor((key - start)·L/S)` (exact in doubles, as `S·L <= 2^53`).
 *
 * Hashes: MurmurHash3_x86_32 (see hash.ts), not cryptographic. A leaf hashes its (key low word,
 * key high word, digest) triples in key order with seed 'LEAF'; an inner node hashes its children's
 * hashes in order with seed 'NODE'. A 32-bit hash can hide a difference with probability about
 * 2^-32 per compared node: negligible for a simulation, too weak against an adversary.
 *
 * Representation: one `Uint32Array` of hashes per level, and the entries sorted by key in two
 * flat arrays with per-leaf offsets.
 *
 * @example
 * const a = MerkleTree.build({ start: 0, end: 1000, fanout: 4, depth: 3 }, new Map([[1, 7], [500, 9]]));
 * const b = MerkleTree.build({ start: 0, end: 1000, fanout: 4, depth: 3 }, new Map([[1, 7], [500, 8]]));
 * merkleDiff(a, b).keys;            // [500]
 * merkleDiff(a, b).cost.messages;   // 5: root, one inner node per level (3), the leaf
 */
export class MerkleTree {
  /** The range start (inclusive). */
  readonly start: number;
  /** The range end (exclusive). */
  readonly end: number;
  /** Children per inner node. */
  readonly fanout: number;
  /** Levels below the root. */
  readonly depth: number;
  /** Number of leaves, `fanout^depth`. */
  readonly leafCount: number;
  /** `levels[l][i]`: hash of node i at level l (level 0 is the root, level depth the leaves). */
  private readonly levels: Uint32Array[];
  /** Keys, ascending. */
  private readonly keys: Float64Array;
  /** Version digests, same order. */
  private readonly digests: Uint32Array;
  /** Entries of leaf i are at offsets `leafStart[i] .. leafStart[i+1]-1`. */
  private readonly leafStart: Int32Array;

  private constructor(config: Required<MerkleConfig>, keys: Float64Array, digests: Uint32Array) {
    this.start = config.start;
    this.end = config.end;
    this.fanout = config.fanout;
    this.depth = config.depth;
    this.leafCount = config.fanout ** config.depth;
    this.keys = keys;
    this.digests = digests;

    const leaves = this.leafCount;
    this.leafStart = new Int32Array(leaves + 1);
    for (let e = 0; e < keys.length; e++) this.leafStart[this.leafOf(keys[e]) + 1]++;
    for (let i = 0; i < leaves; i++) this.leafStart[i + 1] += this.leafStart[i];

    this.levels = new Array<Uint32Array>(this.depth + 1);
    const leafHashes = new Uint32Array(leaves);
    for (let i = 0; i < leaves; i++) {
      let h = LEAF_SEED;
      const from = this.leafStart[i];
      const to = this.leafStart[i + 1];
      for (let e = from; e < to; e++) {
        const key = keys[e];
        h = murmurMix(h, key | 0);
        h = murmurMix(h, Math.floor(key / 4294967296) | 0);
        h = murmurMix(h, digests[e]);
      }
      leafHashes[i] = murmurFinish(h, 3 * (to - from));
    }
    this.levels[this.depth] = leafHashes;
    for (let level = this.depth - 1; level >= 0; level--) {
      const below = this.levels[level + 1];
      const width = below.length / this.fanout;
      const hashes = new Uint32Array(width);
      for (let i = 0; i < width; i++) {
        let h = NODE_SEED;
        for (let c = 0; c < this.fanout; c++) h = murmurMix(h, below[i * this.fanout + c]);
        hashes[i] = murmurFinish(h, this.fanout);
      }
      this.levels[level] = hashes;
    }
  }

  /**
   * Builds the tree over a replica's (key → version digest) pairs in the range. Throws
   * {@link ParameterError} for a bad shape, a key outside the range or listed twice, or a digest
   * that is not a 32-bit unsigned integer.
   *
   * @param config - the range and shape
   * @param entries - (key, digest) pairs, e.g. a `Map`; the digest identifies the version held
   *   (e.g. a hash of its version vector or timestamp)
   * @example
   * const tree = MerkleTree.build({ start: 0, end: 256 }, [[3, 0xabc], [200, 0x123]]);
   * tree.leafCount; // 4096 (16^3)
   */
  static build(config: MerkleConfig, entries: Iterable<readonly [number, number]>): MerkleTree {
    const shape = checkConfig(config);
    const pairs: [number, number][] = [];
    for (const [key, digest] of entries) {
      if (!Number.isSafeInteger(key) || key < shape.start || key >= shape.end) {
        throw new ParameterError('key', String(key), `an integer in [${shape.start}, ${shape.end})`);
      }
      if (!Number.isInteger(digest) || digest < 0 || digest > 0xffffffff) {
        throw new ParameterError('digest', String(digest), 'an integer from 0 to 4294967295');
      }
      pairs.push([key, digest]);
    }
    pairs.sort((x, y) => x[0] - y[0]);
    const keys = new Float64Array(pairs.length);
    const digests = new Uint32Array(pairs.length);
    pairs.forEach(([key, digest], i) => {
      if (i > 0 && key === pairs[i - 1][0])
        throw new ParameterError('key', String(key), 'each key at most once');
      keys[i] = key;
      digests[i] = digest;
    });
    return new MerkleTree(shape, keys, digests);
  }

  /** Number of (key, digest) entries. */
  get size(): number {
    return this.keys.length;
  }

  /**
   * The root hash: equal roots mean (up to a 2^-32 collision) equal data in the range.
   *
   * @example
   * MerkleTree.build({ start: 0, end: 10 }, []).rootHash() ===
   *   MerkleTree.build({ start: 0, end: 10 }, []).rootHash(); // true
   */
  rootHash(): number {
    return this.levels[0][0];
  }

  /**
   * The hash of node `index` at `level` (0 = root, `depth` = leaves).
   *
   * @param level - 0..depth
   * @param index - 0..fanout^level - 1
   * @example
   * const tree = MerkleTree.build({ start: 0, end: 64, fanout: 2, depth: 2 }, [[5, 1]]);
   * tree.hashAt(2, 0); // the hash of leaf 0 (keys 0..15), which holds key 5
   */
  hashAt(level: number, index: number): number {
    const hashes = this.levels[level];
    if (hashes === undefined || !(index >= 0 && index < hashes.length)) {
      throw new RangeError(`no node ${index} at level ${level}`);
    }
    return hashes[index];
  }

  /**
   * The leaf a key falls in.
   *
   * @param key - a key in [start, end)
   * @example
   * MerkleTree.build({ start: 0, end: 100, fanout: 2, depth: 2 }, []).leafOf(60); // 2
   */
  leafOf(key: number): number {
    return Math.floor(((key - this.start) * this.leafCount) / (this.end - this.start));
  }

  /**
   * The keys leaf `leaf` covers.
   *
   * @param leaf - 0..leafCount-1
   * @example
   * MerkleTree.build({ start: 0, end: 100, fanout: 2, depth: 2 }, []).leafRange(2); // { start: 50, end: 75 }
   */
  leafRange(leaf: number): KeyRange {
    const span = this.end - this.start;
    return {
      start: this.start + Math.ceil((leaf * span) / this.leafCount),
      end: this.start + Math.ceil(((leaf + 1) * span) / this.leafCount),
    };
  }

  /**
   * The (key, digest) entries of one leaf, keys ascending.
   *
   * @param leaf - 0..leafCount-1
   * @example
   * MerkleTree.build({ start: 0, end: 100, fanout: 2, depth: 2 }, [[60, 9]]).leafEntries(2); // [[60, 9]]
   */
  leafEntries(leaf: number): [number, number][] {
    const out: [number, number][] = [];
    for (let e = this.leafStart[leaf]; e < this.leafStart[leaf + 1]; e++)
      out.push([this.keys[e], this.digests[e]]);
    return out;
  }

  /** Whether another tree has the same range and shape. */
  sameShape(other: MerkleTree): boolean {
    return (
      this.start === other.start &&
      this.end === other.end &&
      this.fanout === other.fanout &&
      this.depth === other.depth
    );
  }
}

/**
 * Compares two replicas' trees top-down, as anti-entropy does (Dynamo §4.7): the root hashes are
 * exchanged; under each differing inner node the hashes of its children are exchanged; for each
 * differing leaf one side sends its entries and the other finds the differing keys. Subtrees with
 * equal hashes are never opened.
 *
 * With `k` differing keys the walk opens at most `min(k, fanout^l)` nodes at level `l`, so it
 * sends at most `1 + (depth + 1)·k` messages: at most `depth + 2` for one differing key.
 *
 * @param a - one replica's tree
 * @param b - the other's, same range and shape
 * @returns the differing keys and leaf ranges, and the exchange's cost
 * @example
 * const config = { start: 0, end: 100, fanout: 4, depth: 2 };
 * const same = merkleDiff(MerkleTree.build(config, [[1, 1]]), MerkleTree.build(config, [[1, 1]]));
 * same.keys;                 // []
 * same.cost;                 // { messages: 1, bytes: 4, hashes: 1, levels: 1 }
 */
export function merkleDiff(a: MerkleTree, b: MerkleTree): MerkleDiff {
  if (!a.sameShape(b)) {
    throw new ParameterError(
      'tree',
      `[${b.start}, ${b.end}) fanout ${b.fanout} depth ${b.depth}`,
      `the same range and shape as the other tree ([${a.start}, ${a.end}) fanout ${a.fanout} depth ${a.depth})`,
    );
  }
  const cost: MerkleDiffCost = { messages: 1, bytes: HASH_BYTES, hashes: 1, levels: 1 };
  const keys: number[] = [];
  const ranges: KeyRange[] = [];
  if (a.hashAt(0, 0) === b.hashAt(0, 0)) return { keys, ranges, cost };

  let frontier = [0];
  for (let level = 0; level < a.depth && frontier.length > 0; level++) {
    const next: number[] = [];
    for (const node of frontier) {
      cost.messages++;
      cost.bytes += HASH_BYTES * a.fanout;
      cost.hashes += a.fanout;
      for (let c = 0; c < a.fanout; c++) {
        const child = node * a.fanout + c;
        if (a.hashAt(level + 1, child) !== b.hashAt(level + 1, child)) next.push(child);
      }
    }
    frontier = next;
    if (next.length > 0) cost.levels++;
  }

  for (const leaf of frontier) {
    const mine = a.leafEntries(leaf);
    const theirs = b.leafEntries(leaf);
    cost.messages++;
    cost.bytes += ENTRY_BYTES * mine.length;
    ranges.push(a.leafRange(leaf));
    for (const key of leafDiff(mine, theirs)) keys.push(key);
  }
  return { keys, ranges, cost };
}

/**
 * The keys whose entries differ between two leaves' (key, digest) lists, both ascending by key:
 * a key in one list only, or in both with different digests (a merge walk, ascending).
 *
 * @example
 * leafDiff([[1, 10], [2, 20]], [[2, 21], [3, 30]]); // [1, 2, 3]
 */
export function leafDiff(mine: readonly [number, number][], theirs: readonly [number, number][]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < mine.length || j < theirs.length) {
    const ka = i < mine.length ? mine[i][0] : Infinity;
    const kb = j < theirs.length ? theirs[j][0] : Infinity;
    if (ka === kb) {
      if (mine[i][1] !== theirs[j][1]) out.push(ka);
      i++;
      j++;
    } else if (ka < kb) {
      out.push(ka);
      i++;
    } else {
      out.push(kb);
      j++;
    }
  }
  return out;
}

function checkConfig(config: MerkleConfig): Required<MerkleConfig> {
  const { start, end } = config;
  const fanout = config.fanout ?? 16;
  const depth = config.depth ?? 3;
  if (!Number.isInteger(fanout) || fanout < 2 || fanout > 256) {
    throw new ParameterError('fanout', String(fanout), 'an integer from 2 to 256');
  }
  if (!Number.isInteger(depth) || depth < 0 || depth > 24 || fanout ** depth > 2 ** 24) {
    throw new ParameterError('depth', String(depth), 'an integer from 0 to 24 with fanout^depth <= 2^24');
  }
  if (!Number.isSafeInteger(start)) throw new ParameterError('start', String(start), 'a safe integer');
  if (!Number.isSafeInteger(end) || end <= start || (end - start) * fanout ** depth > 2 ** 53) {
    throw new ParameterError(
      'end',
      String(end),
      `a safe integer > start (${start}) with (end - start) x fanout^depth <= 2^53`,
    );
  }
  return { start, end, fanout, depth };
}
