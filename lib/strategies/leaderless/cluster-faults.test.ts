import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../../errors.js';
import { validateLeaderlessConfig, type LeaderlessConfig } from './cluster-config.js';
import { runLeaderless } from './run-leaderless.js';

/** One node cut off about every 200 ms for about 100 ms: each node is isolated about a third of the time / 5. */
const CUTS = { every: 'exp(0.005)', duration: 'exp(0.01)', isolate: 1 };
const base: Partial<LeaderlessConfig> = { keys: 200, clients: 8, ops: 4000 };

describe('random partitions', () => {
  it('strict quorums that need every replica fail operations during cuts; without cuts none fail', () => {
    const strict = { ...base, r: 3, w: 3 };
    const calm = runLeaderless(strict, 1);
    const cut = runLeaderless({ ...strict, randomPartitions: CUTS }, 1);
    expect(calm.availability).toBe(1);
    expect(cut.availability).toBeLessThan(0.95);
    expect(cut.failed_writes).toBeGreaterThan(0);
    expect(cut.failed_reads).toBeGreaterThan(0);
  });

  it('a sloppy quorum keeps writes available through the same cuts, by storing hints', () => {
    // W = N: a strict write fails whenever a home replica is cut off from its coordinator; a
    // sloppy one succeeds through a stand-in unless the coordinator itself is the isolated node.
    const config = { ...base, w: 3, r: 1, randomPartitions: CUTS };
    const strict = runLeaderless(config, 2);
    const sloppy = runLeaderless({ ...config, sloppy: true }, 2);
    expect(strict.failed_writes).toBeGreaterThan(0);
    expect(sloppy.failed_writes).toBeLessThan(strict.failed_writes);
    expect(sloppy.hints_stored).toBeGreaterThan(0);
    expect(sloppy.hints_handed_off).toBeGreaterThan(0);
  });

  it('the cuts are a function of the seed, not of the traffic: runs repeat exactly', () => {
    const config = { ...base, ops: 1500, randomPartitions: CUTS, r: 1, w: 1 };
    expect(runLeaderless(config, 7)).toEqual(runLeaderless(config, 7));
  });

  it('property: with anti-entropy on, replicas converge after the last cut heals (random cuts, slow nodes, crashes)', () => {
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.integer({ min: 3, max: 5 }),
          conflict: fc.constantFrom('lww' as const, 'siblings' as const),
          sloppy: fc.boolean(),
          crash: fc.boolean(),
          slow: fc.boolean(),
          isolate: fc.integer({ min: 1, max: 2 }),
        }),
        fc.integer({ min: 1, max: 1000 }),
        (p, seed) => {
          const result = runLeaderless(
            {
              nodes: p.nodes,
              n: 3,
              r: 1,
              w: 1,
              keys: 12,
              clients: 3,
              ops: 150,
              conflict: p.conflict,
              sloppy: p.sloppy,
              crash: p.crash ? { ttf: 'exp(0.005)', ttr: 'exp(0.05)' } : null,
              randomPartitions: {
                every: 'exp(0.02)',
                duration: 'exp(0.02)',
                isolate: Math.min(p.isolate, p.nodes - 1),
              },
              slowNodes: p.slow ? { nodes: [0], delay: 'exp(0.1)' } : null,
              antiEntropyIntervalMs: 25,
            },
            seed,
          );
          expect(result.replicas_converged).toBe(true);
          expect(Number.isFinite(result.convergence_ms)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('slow nodes', () => {
  it('a quorum that waits for a slow replica pays its extra delay; one that does not, barely', () => {
    // Node 0 is slow (+30 ms per message): with N=3 of 5 nodes it holds about 3/5 of the keys.
    // The clients coordinate, so the slow node is only ever a replica (as a coordinator, the acks
    // to it would be late too).
    const clientRouted = { ...base, coordinator: 'client' as const };
    const slowNodes = { nodes: [0], delay: 'const(30)' };
    const all = runLeaderless({ ...clientRouted, r: 3, w: 3, slowNodes }, 3);
    const allCalm = runLeaderless({ ...clientRouted, r: 3, w: 3 }, 3);
    expect(allCalm.latency_ms.write.p50!).toBeLessThan(5);
    // More than half the keys have node 0 as a replica: the median write waits for it.
    expect(all.latency_ms.write.p50!).toBeGreaterThan(30);
    const one = runLeaderless({ ...clientRouted, r: 1, w: 1, slowNodes }, 3);
    expect(one.latency_ms.write.p99!).toBeLessThan(30);
  });

  it('a slow replica applies writes late, so partial quorums read stale values more often', () => {
    const config = { ...base, r: 1, w: 1, keys: 20, ops: 6000 };
    const calm = runLeaderless(config, 4);
    const slow = runLeaderless({ ...config, slowNodes: { nodes: [0, 1], delay: 'exp(0.05)' } }, 4);
    const calmStale = calm.intervals.stale_read_fraction;
    const slowStale = slow.intervals.stale_read_fraction;
    // Disjoint Wilson intervals: the increase is not noise.
    expect(slowStale.low).toBeGreaterThan(calmStale.high);
  });
});

describe('fault config validation', () => {
  const refuse = (config: Partial<LeaderlessConfig>, message: string) => {
    expect(() => validateLeaderlessConfig(config)).toThrow(ParameterError);
    expect(() => validateLeaderlessConfig(config)).toThrow(message);
  };

  it('names the bad field of random partitions and slow nodes', () => {
    refuse(
      { randomPartitions: { every: 'exp(0.01)', duration: 'exp(0.01)', isolate: 5 } },
      'randomPartitions.isolate: got 5; allowed: an integer from 1 to nodes - 1 (4)',
    );
    refuse({ randomPartitions: { every: 'fast', duration: 'exp(0.01)' } }, 'randomPartitions.every');
    refuse({ randomPartitions: { every: 'exp(0.01)', duration: '' } }, 'randomPartitions.duration');
    refuse({ nodes: 1, n: 1, r: 1, w: 1, randomPartitions: CUTS }, 'randomPartitions: got with one node');
    refuse(
      { slowNodes: { nodes: [5], delay: 'const(1)' } },
      'slowNodes.nodes: got [5]; allowed: a non-empty list of distinct node ids from 0 to 4',
    );
    refuse({ slowNodes: { nodes: [1, 1], delay: 'const(1)' } }, 'slowNodes.nodes');
    refuse({ slowNodes: { nodes: [1], delay: 'slow' } }, 'slowNodes.delay');
  });

  it('defaults both to none', () => {
    const cfg = validateLeaderlessConfig({});
    expect(cfg.randomPartitions).toBeNull();
    expect(cfg.slowNodes).toBeNull();
    expect(cfg.randomCuts).toBeNull();
    expect(cfg.slowDelay).toBeNull();
  });
});
