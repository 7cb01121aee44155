// Anti-entropy as messages, on two nodes that share every key and no workload: the bytes of one
// exchange against a closed count of the tree nodes it opens, and the rounds to converge under
// message loss against the geometric law of an exchange that needs all of its k messages.
import { describe, expect, it } from 'vitest';
import { deriveStream } from '../../random/index.js';
import { Network, Nodes, Simulation, type Faults } from '../../sim/index.js';
import { createAntiEntropy, type AntiEntropy } from './anti-entropy.js';
import { validateLeaderlessConfig } from './cluster-config.js';
import type { HintData } from './hinted-handoff.js';
import type { HintLedger } from './hints.js';
import { ReplicaStores } from './replica-store.js';

const INTERVAL_MS = 1000;

/**
 * Two nodes, both replicas of every key, anti-entropy every second, loss `loss` on every message;
 * `fill` sets the stores before the first round. Runs until the replicas converge (or the drain
 * gives up) and returns anti-entropy's counters.
 */
function exchangeRun(
  keys: number,
  loss: number,
  seed: number,
  fill: (lwwTs: Float64Array, lwwWid: Int32Array) => void,
  intervalMs = INTERVAL_MS,
): AntiEntropy {
  const cfg = validateLeaderlessConfig({
    nodes: 2,
    n: 2,
    r: 1,
    w: 1,
    keys,
    loss,
    antiEntropyIntervalMs: intervalMs,
  });
  const sim = new Simulation(deriveStream(seed, 0, 0), 64);
  const nodes = new Nodes(sim, 2);
  const net = new Network(sim, { size: 2, delay: cfg.legs.W, nodes, loss });
  const stores = new ReplicaStores(2, keys, false);
  fill(stores.lwwTs, stores.lwwWid);
  const prefs = new Int32Array(keys * 2);
  for (let k = 0; k < keys; k++) prefs.set([0, 1], 2 * k);
  const ae: AntiEntropy = createAntiEntropy({
    cfg,
    sim,
    nodes,
    net,
    stores,
    prefs,
    faults: { partitionsInForce: 0, lastHealMs: 0 } as Faults,
    ledger: { size: 0 } as HintLedger<HintData>,
    workloadDone: () => true,
    workloadEndMs: () => 0,
    maybeStop: () => {
      if (ae.settled() && net.counters.inFlight === 0) sim.stop();
    },
  });
  sim.run();
  return ae;
}

describe('anti-entropy exchanges as messages', () => {
  it('one exchange without loss costs a closed count of the tree nodes it opens', () => {
    // 4000 keys: depth 2 (16 level-1 nodes, 256 leaves), leaf i holding keys k with
    // floor(256 k / 4000) = i, level-1 node floor(i / 16). Both nodes hold every key; node 1 has a
    // newer version of `changed`.
    const keys = 4000;
    const changed = [5, 17, 300, 2100, 2101, 3999];
    const ae = exchangeRun(keys, 0, 1, (ts, wid) => {
      for (let k = 0; k < keys; k++) {
        ts[k] = ts[keys + k] = 10;
        wid[k] = wid[keys + k] = k;
      }
      for (const k of changed) {
        ts[keys + k] = 20;
        wid[keys + k] = keys + k;
      }
    });
    const leafOf = (k: number) => Math.floor((256 * k) / keys);
    const leaves = new Set(changed.map(leafOf));
    const inner = new Set([...leaves].map((leaf) => Math.floor(leaf / 16)));
    let entries = 0;
    for (let k = 0; k < keys; k++) if (leaves.has(leafOf(k))) entries++;
    // Root hash; the root's 16 children hashes, then those of each differing level-1 node; each
    // differing leaf's entries (12 bytes each); each differing key's version one way and back.
    expect(ae.bytes()).toBe(4 + 4 * 16 * (1 + inner.size) + 12 * entries + 2 * 20 * changed.length);
    expect(ae.messages()).toBe(1 + (1 + inner.size) + leaves.size + 2 * leaves.size);
    expect(ae.keysRepaired()).toBe(changed.length);
    expect(ae.replicasEqual()).toBe(true);
    // Repaired in the first round, as its last message landed (no second round).
    expect(ae.convergedAt()).toBeGreaterThan(INTERVAL_MS);
    expect(ae.convergedAt()).toBeLessThan(2 * INTERVAL_MS);
  });

  // One key, depth 0: root hash (0 -> 1), leaf entries (1 -> 0), node 0's versions (0 -> 1), node
  // 1's versions back (1 -> 0). If node 0 holds the write, node 1 is repaired by the third message
  // (k = 3); if node 1 holds it, node 0 only by the fourth (k = 4). Each message is lost
  // independently with probability p, a lost one ends the exchange, and every round starts a new
  // one: the rounds to converge are geometric with success probability (1 - p)^k, mean 1/q and
  // variance (1 - q)/q^2.
  const RUNS = 400;
  for (const [holder, k] of [
    [0, 3],
    [1, 4],
  ] as const) {
    for (const p of [0.1, 0.25, 0.4]) {
      it(`write on node ${holder}, loss ${p}: rounds to converge geometric with q = (1 - p)^${k}`, () => {
        const q = (1 - p) ** k;
        let sum = 0;
        let ones = 0;
        for (let seed = 1; seed <= RUNS; seed++) {
          const ae = exchangeRun(1, p, seed, (ts, wid) => {
            ts[holder] = 5;
            wid[holder] = 0;
          });
          expect(ae.convergedAt()).toBeGreaterThan(0);
          // Round j starts at j x interval; its exchange ends well within the interval.
          const rounds = Math.floor(ae.convergedAt() / INTERVAL_MS);
          sum += rounds;
          if (rounds === 1) ones++;
        }
        const mean = sum / RUNS;
        const se = Math.sqrt((1 - q) / (q * q) / RUNS);
        expect(Math.abs(mean - 1 / q)).toBeLessThan(4 * se);
        // P(converged in the first round) = q, within 4 binomial standard errors.
        expect(Math.abs(ones / RUNS - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / RUNS));
      });
    }
  }

  it('an exchange slower than the interval still completes (it stays open over the next rounds)', () => {
    // Four hops of about 0.25 ms each (lnkd-ssd), rounds every 0.2 ms: each exchange spans several
    // rounds. Were each round to abandon the last exchange, no exchange would ever finish, and the
    // replicas would converge only after the 1000 drain rounds (200 ms), when the rounds stop.
    // Convergence is seen at an instant with no message in flight, which rounds this frequent
    // rarely leave: some ms, not one exchange's time.
    for (let seed = 1; seed <= 20; seed++) {
      const ae = exchangeRun(
        1,
        0,
        seed,
        (ts, wid) => {
          ts[1] = 5;
          wid[1] = 0;
        },
        0.2,
      );
      expect(ae.replicasEqual()).toBe(true);
      expect(ae.convergedAt()).toBeLessThan(100);
    }
  });

  it('without loss, one round converges', () => {
    const ae = exchangeRun(1, 0, 3, (ts, wid) => {
      ts[1] = 5;
      wid[1] = 0;
    });
    expect(Math.floor(ae.convergedAt() / INTERVAL_MS)).toBe(1);
    expect(ae.messages()).toBe(4);
    expect(ae.bytes()).toBe(4 + 12 + 0 + 20);
  });
});
