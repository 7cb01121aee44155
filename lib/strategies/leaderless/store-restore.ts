/**
 * Restoring a node whose store was destroyed (`LeaderlessConfig.storeLoss`): its replicas are
 * rebuilt from copies held by other home replicas of each key, copies that may be older than what
 * was lost. Kleppmann ("Designing Data-Intensive Applications", 2017, ch. 5, "Limitations of
 * Quorum Consistency"): "If a node carrying a new value fails, and its data is restored from a
 * replica carrying an old value, the number of replicas storing the new value may fall below w,
 * breaking the quorum condition."
 */
import type { Nodes } from '../../sim/index.js';
import { lwwNewer, type ReplicaStores } from './replica-store.js';

/** The restore step and its counts. */
export interface StoreRestore {
  /** Rebuilds `node`'s store (LWW registers) from the other home replicas that are up now. */
  restore(node: number): void;
  /** Stores restored so far. */
  restores(): number;
  /** Replica keys whose restored register is older than the one lost (the value lost a copy). */
  keysRestoredStale(): number;
}

/**
 * Builds the restore step. For each key `node` is a home replica of, the copy comes from the first
 * other home replica in the key's preference list that is up at that moment; with none up, the
 * key comes back empty. LWW registers only (the config refuses store loss with siblings).
 *
 * @param prefs - key k's home replicas are prefs[k*n .. k*n+n)
 * @example
 * const restore = createStoreRestore({ n: 3, keys: 1000, nodes, stores, prefs });
 * restore.restore(2); // node 2 comes back with its neighbours' copies
 */
export function createStoreRestore(deps: {
  n: number;
  keys: number;
  nodes: Nodes;
  stores: ReplicaStores;
  prefs: Int32Array;
}): StoreRestore {
  const { n, keys, nodes, stores, prefs } = deps;
  const { lwwTs, lwwWid } = stores;
  let restores = 0;
  let stale = 0;
  return {
    restore(node: number) {
      restores++;
      for (let key = 0; key < keys; key++) {
        const base = key * n;
        let home = false;
        for (let i = 0; i < n && !home; i++) home = prefs[base + i] === node;
        if (!home) continue;
        let source = -1;
        for (let i = 0; i < n && source < 0; i++) {
          const other = prefs[base + i];
          if (other !== node && nodes.isUp(other)) source = other;
        }
        const s = node * keys + key;
        const ts = source < 0 ? -Infinity : lwwTs[source * keys + key];
        const wid = source < 0 ? -1 : lwwWid[source * keys + key];
        if (lwwWid[s] >= 0 && lwwNewer(lwwTs[s], lwwWid[s], ts, wid)) stale++;
        lwwTs[s] = ts;
        lwwWid[s] = wid;
      }
    },
    restores: () => restores,
    keysRestoredStale: () => stale,
  };
}
