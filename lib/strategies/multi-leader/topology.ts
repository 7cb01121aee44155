/**
 * How leaders forward writes to each other (Kleppmann, Designing Data-Intensive Applications,
 * 2017, ch. 5, "Multi-leader replication topologies", figure 5-8):
 * - `'all'`: all-to-all; the accepting leader sends each write to every other leader directly.
 * - `'ring'`: circular; each leader forwards to the next one (`(i + 1) mod D`), as in MySQL's
 *   circular replication, until the write comes back round to where it started.
 * - `'star'`: leader 0 is the hub; the others send their writes to it and it forwards them to the
 *   rest (a tree of depth one).
 */
export type Topology = 'all' | 'ring' | 'star';

/** Every topology, in the order the CLI lists them. */
export const TOPOLOGIES: readonly Topology[] = ['all', 'ring', 'star'];

/** The replication graph: datacenter leaders under a topology, plus devices attached to a home datacenter. */
export interface ReplicationGraph {
  /** Datacenters D (node ids 0..D-1). */
  readonly datacenters: number;
  /** All nodes: datacenters then devices. */
  readonly nodes: number;
  /** Whether `node` is a device (id >= D). */
  isDevice(node: number): boolean;
  /** A device's home datacenter; a datacenter's is itself. */
  homeOf(node: number): number;
  /**
   * Where `node` sends a version it has just accepted (from === node) or received from `from`.
   * `root` is the datacenter that injected the version into the datacenter topology: the
   * accepting datacenter, or a device's home datacenter.
   */
  targets(node: number, root: number, from: number): readonly number[];
}

/**
 * The replication graph of `datacenters` leaders under `topology` and `devices` devices (device
 * `i` is node `D + i`, homed at datacenter `i mod D`).
 *
 * Loop prevention is by origin identifier, as in MySQL (each binlog event carries the server id
 * it originated at, and a server does not apply or forward its own events) and in Kleppmann's
 * description: a leader never forwards a write to the datacenter that injected it (`root`) or back
 * to the node it came from. Under these rules every version reaches every node exactly once.
 *
 * @param topology - the datacenter topology
 * @param datacenters - D, >= 1
 * @param devices - devices, >= 0
 * @example
 * const g = replicationGraph('ring', 3);
 * g.targets(0, 0, 0); // [1]: the origin sends to its successor
 * g.targets(2, 0, 1); // []: the next would be the origin, so the write stops
 * replicationGraph('star', 3).targets(0, 1, 1); // [2]: the hub forwards a leaf's write to the other leaves
 */
export function replicationGraph(topology: Topology, datacenters: number, devices = 0): ReplicationGraph {
  const D = datacenters;
  const nodes = D + devices;
  const devicesOf: number[][] = Array.from({ length: D }, () => []);
  for (let i = 0; i < devices; i++) devicesOf[i % D].push(D + i);
  const dcTargets = (node: number, root: number, from: number): number[] => {
    if (D === 1) return [];
    switch (topology) {
      case 'all': {
        if (node !== root) return [];
        const out: number[] = [];
        for (let j = 0; j < D; j++) if (j !== node) out.push(j);
        return out;
      }
      case 'ring': {
        const next = (node + 1) % D;
        return next === root ? [] : [next];
      }
      case 'star': {
        if (node !== 0) return node === root ? [0] : [];
        const out: number[] = [];
        for (let j = 1; j < D; j++) if (j !== root && j !== from) out.push(j);
        return out;
      }
    }
  };
  // Memoised per (node, root, from-is-a-device-or-dc): the answer depends on `from` only through
  // whether it is one of this node's devices (excluded) and, for the star hub, which leaf sent it.
  const cache = new Map<number, readonly number[]>();
  return {
    datacenters: D,
    nodes,
    isDevice: (node) => node >= D,
    homeOf: (node) => (node >= D ? (node - D) % D : node),
    targets(node, root, from) {
      const id = (node * nodes + root) * nodes + from;
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      let out: number[];
      if (node >= D) out = from === node ? [(node - D) % D] : [];
      else out = [...dcTargets(node, root, from), ...devicesOf[node].filter((dv) => dv !== from)];
      cache.set(id, out);
      return out;
    },
  };
}
