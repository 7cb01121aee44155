import { ParameterError } from '../../errors.js';
import { hashInteger, hashPair } from '../../random/hash.js';

/**
 * A consistent-hash ring's configuration.
 *
 * Consistent hashing: Karger et al., "Consistent hashing and random trees", STOC 1997. Virtual
 * nodes and preference lists: DeCandia et al., "Dynamo: Amazon's highly available key-value
 * store", SOSP 2007, §4.2–4.3.
 */
export interface HashRingConfig {
  /**
   * The physical nodes: a count `k` (ids `0..k-1`, matching the simulation's node ids) or an
   * explicit list of distinct non-negative integer ids (to model a node leaving or a sparse
   * membership). At least one node.
   */
  nodes: number | readonly number[];
  /**
   * Virtual nodes (tokens) per physical node, at least 1. More tokens even out each node's share
   * of the key space: a node's share has a relative spread of about `1/sqrt(vnodesPerNode)`
   * (Dynamo §4.2 and §6.2, strategy 1; Cassandra's `num_tokens` defaulted to 256, now 16).
   */
  vnodesPerNode: number;
  /**
   * Seed of the token and key hashes, an integer in [0, 2^32). The same (nodes, vnodesPerNode,
   * seed) always gives the same ring, and a node's tokens do not depend on the other nodes, so
   * adding or removing a node leaves every other node's tokens in place. Default 0.
   */
  seed?: number;
}

/** One replica chosen by {@link HashRing.sloppyPreferenceList}. */
export interface SloppyReplica {
  /** The physical node that takes the write. */
  node: number;
  /** Whether the node is one of the key's `n` home replicas (its strict preference list). */
  home: boolean;
  /**
   * For a stand-in (`home` false): the unreachable home replica it keeps a hinted copy for, to
   * hand off when that node is back (Dynamo §4.6, hinted handoff). `null` for a home replica.
   */
  hintFor: number | null;
}

/** A node's share of the 32-bit hash space. */
export interface NodeShare {
  /** The node id. */
  node: number;
  /** The fraction of key positions whose first clockwise token is one of the node's, in [0, 1]. */
  share: number;
}

const MAX_TOKENS = 1 << 24;
const KEY_SEED_SALT = 0x9e3779b9;

/**
 * A consistent-hash ring with virtual nodes: keys and tokens share a 32-bit circular space, each
 * physical node owns `vnodesPerNode` tokens, and a key is stored on the first `n` distinct
 * physical nodes met walking clockwise from its position (its preference list).
 *
 * Positions: a token is `MurmurHash3_x86_32(node, vnode)` with the ring's seed; a key's position is
 * `MurmurHash3_x86_32` of its 64-bit two's-complement form with the seed xor `0x9e3779b9` (so a key
 * and a token never hash the same words under the same seed). Both are 32-bit unsigned (see
 * hash.ts). Equal tokens (rare: about `T^2 / 2^33` collisions for `T` tokens) are ordered by node
 * id, then vnode index, so the ring is fully deterministic.
 *
 * Representation: sorted `Uint32Array` of tokens with an `Int32Array` of owners; a lookup is one
 * binary search plus a short clockwise walk, and allocates only the returned list.
 *
 * References: Karger et al., STOC 1997 (consistent hashing); DeCandia et al., Dynamo, SOSP 2007,
 * §4.2 (partitioning, virtual nodes), §4.3 (replication, preference list), §4.6 (sloppy quorum
 * and hinted handoff).
 *
 * @example
 * const ring = new HashRing({ nodes: 5, vnodesPerNode: 64, seed: 7 });
 * ring.preferenceList(1234, 3);                  // [4, 1, 2]
 * ring.sloppyPreferenceList(1234, 3, (node) => node !== 1);
 * // [{ node: 4, home: true, hintFor: null }, { node: 2, home: true, hintFor: null },
 * //  { node: 3, home: false, hintFor: 1 }]: node 3, next clockwise, holds node 1's hint
 */
export class HashRing {
  /** The physical node ids, ascending. */
  readonly nodes: readonly number[];
  /** Tokens per physical node. */
  readonly vnodesPerNode: number;
  /** The hash seed. */
  readonly seed: number;
  /** Token positions, ascending. */
  private readonly tokens: Uint32Array;
  /** For each token, the index (into {@link nodes}) of its physical node. */
  private readonly owners: Int32Array;
  /** Scratch for distinctness checks: `seen[i] === epoch` when node index i is taken this walk. */
  private readonly seen: Uint32Array;
  private epoch = 0;

  /**
   * Builds the ring. Throws {@link ParameterError} naming the bad field.
   *
   * @param config - the nodes, tokens per node and seed
   * @example
   * new HashRing({ nodes: [0, 1, 3], vnodesPerNode: 16 }); // node 2 has left
   */
  constructor(config: HashRingConfig) {
    const nodes = checkNodes(config.nodes);
    const { vnodesPerNode } = config;
    if (!Number.isInteger(vnodesPerNode) || vnodesPerNode < 1 || vnodesPerNode * nodes.length > MAX_TOKENS) {
      throw new ParameterError(
        'vnodesPerNode',
        String(vnodesPerNode),
        `an integer >= 1 with nodes x vnodesPerNode <= ${MAX_TOKENS}`,
      );
    }
    const seed = config.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ParameterError('seed', String(seed), 'an integer from 0 to 4294967295');
    }
    this.nodes = nodes;
    this.vnodesPerNode = vnodesPerNode;
    this.seed = seed;

    const total = nodes.length * vnodesPerNode;
    const raw = new Float64Array(total);
    const order = new Int32Array(total);
    for (let i = 0; i < nodes.length; i++) {
      for (let v = 0; v < vnodesPerNode; v++) {
        const t = i * vnodesPerNode + v;
        raw[t] = hashPair(nodes[i], v, seed);
        order[t] = t;
      }
    }
    // Ties by token break by node id (ascending ids, so by index), then vnode: i.e. by t.
    order.sort((x, y) => raw[x] - raw[y] || x - y);
    this.tokens = new Uint32Array(total);
    this.owners = new Int32Array(total);
    for (let j = 0; j < total; j++) {
      this.tokens[j] = raw[order[j]];
      this.owners[j] = Math.floor(order[j] / vnodesPerNode);
    }
    this.seen = new Uint32Array(nodes.length);
  }

  /** Number of tokens on the ring (`nodes x vnodesPerNode`). */
  get tokenCount(): number {
    return this.tokens.length;
  }

  /**
   * A key's position on the ring: a 32-bit unsigned hash of the key id.
   *
   * @param key - the key id, a safe integer
   * @example
   * const ring = new HashRing({ nodes: 3, vnodesPerNode: 8 });
   * ring.position(42); // an integer in [0, 2^32), the same on every run
   */
  position(key: number): number {
    if (!Number.isSafeInteger(key)) throw new ParameterError('key', String(key), 'a safe integer');
    return hashInteger(key, (this.seed ^ KEY_SEED_SALT) >>> 0);
  }

  /**
   * The key's strict preference list: the first `n` distinct physical nodes clockwise from the
   * key's position (Dynamo §4.3). The first is the key's coordinator in Dynamo's terms.
   *
   * @param key - the key id, a safe integer
   * @param n - replicas wanted, 1..number of nodes
   * @returns `n` distinct node ids in clockwise order
   * @example
   * const ring = new HashRing({ nodes: 4, vnodesPerNode: 32, seed: 1 });
   * ring.preferenceList(99, 3).length; // 3
   */
  preferenceList(key: number, n: number): number[] {
    this.checkN(n);
    const out: number[] = [];
    const epoch = this.nextEpoch();
    const total = this.tokens.length;
    let j = this.firstTokenAtOrAfter(this.position(key));
    for (let step = 0; step < total && out.length < n; step++, j = j + 1 === total ? 0 : j + 1) {
      const owner = this.owners[j];
      if (this.seen[owner] !== epoch) {
        this.seen[owner] = epoch;
        out.push(this.nodes[owner]);
      }
    }
    return out;
  }

  /**
   * The key's sloppy preference list (Dynamo §4.6): its `n` home replicas that are up, plus, for
   * each home replica that is down, the next reachable node further clockwise, which stands in
   * and keeps a hint naming the home replica it replaces. Down homes are matched with stand-ins in
   * clockwise order (the first down home gets the first stand-in). With fewer than `n` nodes up,
   * the list is shorter.
   *
   * @param key - the key id, a safe integer
   * @param n - replicas wanted, 1..number of nodes
   * @param isUp - whether the coordinator can reach a node (a failure detector's view)
   * @returns the chosen replicas in clockwise order: home replicas first, then stand-ins
   * @example
   * const ring = new HashRing({ nodes: 5, vnodesPerNode: 32 });
   * const [a] = ring.preferenceList(7, 3);
   * ring.sloppyPreferenceList(7, 3, (node) => node !== a);
   * // two home replicas, and one stand-in with hintFor === a
   */
  sloppyPreferenceList(key: number, n: number, isUp: (node: number) => boolean): SloppyReplica[] {
    this.checkN(n);
    const out: SloppyReplica[] = [];
    const downHomes: number[] = [];
    let nextDown = 0;
    let distinct = 0;
    const epoch = this.nextEpoch();
    const total = this.tokens.length;
    let j = this.firstTokenAtOrAfter(this.position(key));
    for (let step = 0; step < total; step++, j = j + 1 === total ? 0 : j + 1) {
      const owner = this.owners[j];
      if (this.seen[owner] === epoch) continue;
      this.seen[owner] = epoch;
      const node = this.nodes[owner];
      distinct++;
      if (distinct <= n) {
        if (isUp(node)) out.push({ node, home: true, hintFor: null });
        else downHomes.push(node);
      } else {
        if (nextDown === downHomes.length) break;
        if (isUp(node)) out.push({ node, home: false, hintFor: downHomes[nextDown++] });
      }
    }
    return out;
  }

  /**
   * Each node's share of the hash space: the total length of the arcs (previous token, token]
   * that end at one of its tokens, divided by 2^32. Shares sum to 1.
   *
   * @example
   * const ring = new HashRing({ nodes: 4, vnodesPerNode: 256 });
   * ring.ownership().map((s) => s.share); // each close to 0.25
   */
  ownership(): NodeShare[] {
    const shares = new Float64Array(this.nodes.length);
    const total = this.tokens.length;
    for (let j = 0; j < total; j++) {
      const prev = j === 0 ? this.tokens[total - 1] - 4294967296 : this.tokens[j - 1];
      shares[this.owners[j]] += (this.tokens[j] - prev) / 4294967296;
    }
    return this.nodes.map((node, i) => ({ node, share: shares[i] }));
  }

  /** Index of the first token >= position, wrapping to 0 past the last token. */
  private firstTokenAtOrAfter(position: number): number {
    const tokens = this.tokens;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tokens[mid] < position) lo = mid + 1;
      else hi = mid;
    }
    return lo === tokens.length ? 0 : lo;
  }

  private nextEpoch(): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.seen.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  private checkN(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.nodes.length) {
      throw new ParameterError(
        'n',
        String(n),
        `an integer from 1 to the number of nodes (${this.nodes.length})`,
      );
    }
  }
}

function checkNodes(nodes: number | readonly number[]): number[] {
  if (typeof nodes === 'number') {
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_TOKENS) {
      throw new ParameterError(
        'nodes',
        String(nodes),
        `an integer from 1 to ${MAX_TOKENS}, or a list of node ids`,
      );
    }
    return Array.from({ length: nodes }, (_, i) => i);
  }
  const ids = [...nodes].sort((a, b) => a - b);
  const ok =
    ids.length >= 1 &&
    ids.every(
      (id, i) => Number.isInteger(id) && id >= 0 && id <= 0xffffffff && (i === 0 || id !== ids[i - 1]),
    );
  if (!ok) {
    throw new ParameterError(
      'nodes',
      `[${nodes.join(', ')}]`,
      'a non-empty list of distinct integer node ids from 0 to 4294967295, or a count >= 1',
    );
  }
  return ids;
}
