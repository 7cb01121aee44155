import { describe, expect, it } from 'vitest';
import { deriveStream } from '../../random/index.js';
import { Nodes, Simulation } from '../../sim/index.js';
import { validateLeaderlessConfig } from './cluster-config.js';
import { ReplicaStores } from './replica-store.js';
import { runLeaderless } from './run-leaderless.js';
import { createStoreRestore } from './store-restore.js';

describe('restoring a destroyed store from other replicas', () => {
  /** 4 nodes, 3 keys, N = 3: key 0 on [0, 1, 2], key 1 on [1, 2, 3], key 2 on [2, 3, 0]. */
  const world = () => {
    const sim = new Simulation(deriveStream(1));
    const nodes = new Nodes(sim, 4);
    const stores = new ReplicaStores(4, 3, false);
    const prefs = Int32Array.from([0, 1, 2, 1, 2, 3, 2, 3, 0]);
    return { nodes, stores, restore: createStoreRestore({ n: 3, keys: 3, nodes, stores, prefs }) };
  };

  it('copies each key from the first other home replica that is up, and counts the copies older than what was lost', () => {
    const { nodes, stores, restore } = world();
    const put = (node: number, key: number, ts: number, wid: number) =>
      stores.mergeLww(stores.slot(node, key), ts, wid);
    put(2, 0, 20, 7); // node 2 held the newest write of key 0 ...
    put(0, 0, 10, 3); // ... which its first other home (node 0) lacks
    put(1, 0, 20, 7);
    put(2, 1, 5, 1); // key 1: node 1 (first other home) has it too
    put(1, 1, 5, 1);
    put(2, 2, 9, 4); // key 2: node 3 (first other home) is down, node 0 has nothing
    nodes.crash(2);
    nodes.crash(3);
    restore.restore(2);
    const at = (node: number, key: number) => [
      stores.lwwTs[stores.slot(node, key)],
      stores.lwwWid[stores.slot(node, key)],
    ];
    expect(at(2, 0)).toEqual([10, 3]); // from node 0: older than what was lost
    expect(at(2, 1)).toEqual([5, 1]); // from node 1: the same
    expect(at(2, 2)).toEqual([-Infinity, -1]); // from node 0 (node 3 is down): nothing
    expect(restore.restores()).toBe(1);
    expect(restore.keysRestoredStale()).toBe(2);
  });

  it("is a no-op on a node that is nobody's home replica", () => {
    const sim = new Simulation(deriveStream(1));
    const nodes = new Nodes(sim, 4);
    const stores = new ReplicaStores(4, 1, false);
    const restore = createStoreRestore({ n: 3, keys: 1, nodes, stores, prefs: Int32Array.from([0, 1, 2]) });
    restore.restore(3);
    expect(restore.keysRestoredStale()).toBe(0);
  });
});

describe('storeLoss in a run', () => {
  const churn = { ttf: 'exp(0.0005)', ttr: 'exp(0.002)' };

  it('durable stores keep every acknowledged write on W home replicas; restores from stale replicas do not', () => {
    const base = { ops: 5000, keys: 1000, crash: churn, w: 2, r: 1 };
    const durable = runLeaderless({ ...base, storeLoss: 0 }, 1);
    const lossy = runLeaderless({ ...base, storeLoss: 0.5 }, 1);
    expect(durable.acked_writes_under_replicated).toBe(0);
    expect(durable.acked_writes_lost).toBe(0);
    expect(lossy.acked_writes_under_replicated).toBeGreaterThan(0);
    // With W = 2, a value held by only two replicas, one restored from the third (stale), can vanish.
    expect(lossy.acked_writes_lost).toBeGreaterThan(0);
  });

  it('storeLoss 0 leaves the run exactly as before (no draw is made)', () => {
    const base = { ops: 1000, crash: churn };
    expect(runLeaderless({ ...base, storeLoss: 0 }, 5)).toEqual(runLeaderless(base, 5));
  });

  it('is refused without churn, with siblings, and out of [0, 1]', () => {
    expect(() => validateLeaderlessConfig({ storeLoss: 0.5 })).toThrow(
      'storeLoss: got 0.5; allowed: 0 without crash churn',
    );
    expect(() => validateLeaderlessConfig({ storeLoss: 0.5, crash: churn, conflict: 'siblings' })).toThrow(
      "storeLoss: got 0.5; allowed: 0 with conflict 'siblings'",
    );
    expect(() => validateLeaderlessConfig({ storeLoss: 2, crash: churn })).toThrow(
      'storeLoss: got 2; allowed: a number from 0 to 1',
    );
  });
});
