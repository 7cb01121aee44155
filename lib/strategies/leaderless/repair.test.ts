import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lostWrites, timestampOrder } from '../../check/index.js';
import { ParameterError } from '../../errors.js';
import { validateLeaderlessConfig, type LeaderlessConfig } from './cluster-config.js';
import { runLeaderless, runLeaderlessWithHistory } from './run-leaderless.js';

/** A partial-quorum workload with message loss: replicas diverge, reads see stale ones. */
const partial = (extra: Partial<LeaderlessConfig>): Partial<LeaderlessConfig> => ({
  keys: 50,
  zipf: 1,
  clients: 8,
  ops: 3000,
  w: 1,
  writeRatio: 0.3,
  loss: 0.1,
  ...extra,
});
const SEEDS = [1, 2, 3];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('read repair and anti-entropy config', () => {
  it('defaults to neither', () => {
    const c = validateLeaderlessConfig();
    expect(c.readRepair).toBe('off');
    expect(c.antiEntropyIntervalMs).toBeNull();
  });
  it.each([
    [{ readRepair: 'sometimes' }, 'readRepair'],
    [{ antiEntropyIntervalMs: 0 }, 'antiEntropyIntervalMs'],
    [{ antiEntropyIntervalMs: Infinity }, 'antiEntropyIntervalMs'],
    [{ antiEntropyIntervalMs: '100' }, 'antiEntropyIntervalMs'],
  ])('refuses %o naming %s', (config, field) => {
    expect(() => validateLeaderlessConfig(config as unknown as Partial<LeaderlessConfig>)).toThrow(
      ParameterError,
    );
    expect(() => validateLeaderlessConfig(config as unknown as Partial<LeaderlessConfig>)).toThrow(
      new RegExp(`^${field}:`),
    );
  });
});

describe('read repair', () => {
  it('off: no repair counted, and the default behaves the same', () => {
    const off = runLeaderless(partial({ r: 1, ops: 500 }), 4);
    expect(runLeaderless(partial({ r: 1, ops: 500, readRepair: 'off' }), 4)).toEqual(off);
    expect([off.read_repairs, off.keys_repaired_by_read_repair]).toEqual([0, 0]);
  });
  it.each(['lww', 'siblings'] as const)(
    'background (R=1, %s): fewer stale reads than without, on the same seeds',
    (conflict) => {
      const off = SEEDS.map((s) => runLeaderless(partial({ r: 1, conflict }), s));
      const bg = SEEDS.map((s) => runLeaderless(partial({ r: 1, conflict, readRepair: 'background' }), s));
      for (const b of bg) {
        expect(b.read_repairs).toBeGreaterThan(0);
        expect(b.keys_repaired_by_read_repair).toBeGreaterThan(0);
      }
      expect(mean(bg.map((b) => b.stale_read_fraction))).toBeLessThan(
        mean(off.map((o) => o.stale_read_fraction)),
      );
    },
  );
  it.each(['lww', 'siblings'] as const)(
    'blocking (R=2, %s): fewer stale reads than without, slower reads than background',
    (conflict) => {
      const off = SEEDS.map((s) => runLeaderless(partial({ r: 2, conflict }), s));
      const bg = SEEDS.map((s) => runLeaderless(partial({ r: 2, conflict, readRepair: 'background' }), s));
      const bl = SEEDS.map((s) => runLeaderless(partial({ r: 2, conflict, readRepair: 'blocking' }), s));
      for (const b of bl) {
        expect(b.read_repairs).toBeGreaterThan(0);
        expect(b.keys_repaired_by_read_repair).toBeGreaterThan(0);
      }
      expect(mean(bl.map((b) => b.stale_read_fraction))).toBeLessThan(
        mean(off.map((o) => o.stale_read_fraction)),
      );
      // A read that saw a stale replica waits for the repair's round trip: the tail grows.
      expect(mean(bl.map((b) => b.latency_ms.read.p99 as number))).toBeGreaterThan(
        mean(bg.map((b) => b.latency_ms.read.p99 as number)),
      );
    },
  );
  it('blocking with R=1 has nothing to compare: no repair, same run as off', () => {
    const off = runLeaderless(partial({ r: 1, ops: 500 }), 5);
    const bl = runLeaderless(partial({ r: 1, ops: 500, readRepair: 'blocking' }), 5);
    expect(bl).toEqual(off);
  });
  it.each(['background', 'blocking'] as const)(
    "%s: the model's lost-write count still equals the checker's (LWW, skewed clocks)",
    (readRepair) => {
      const { result, history } = runLeaderlessWithHistory(
        partial({ r: 2, ops: 1000, readRepair, clockSkew: 'uniform(0,20)' }),
        2,
      );
      expect(result.read_repairs).toBeGreaterThan(0);
      expect(result.acked_writes_lost).toBe(lostWrites(history, timestampOrder).lost.count);
    },
  );
});

describe('anti-entropy', () => {
  const faulty = (extra: Partial<LeaderlessConfig>): Partial<LeaderlessConfig> => ({
    keys: 20,
    clients: 4,
    ops: 300,
    loss: 0.1,
    crash: { ttf: 'exp(0.005)', ttr: 'exp(0.05)' },
    partitions: [
      {
        startMs: 10,
        endMs: 200,
        groups: [
          [0, 1],
          [2, 3, 4],
        ],
      },
    ],
    ...extra,
  });
  it.each(['lww', 'siblings'] as const)(
    '%s: converges after the faults heal, with counted costs',
    (conflict) => {
      const off = runLeaderless(faulty({ conflict }), 3);
      const ae = runLeaderless(faulty({ conflict, antiEntropyIntervalMs: 50 }), 3);
      expect(off.replicas_converged).toBe(false);
      expect(off.convergence_ms).toBeNull();
      expect([off.anti_entropy_messages, off.anti_entropy_bytes, off.keys_repaired_by_anti_entropy]).toEqual([
        0, 0, 0,
      ]);
      expect(ae.replicas_converged).toBe(true);
      expect(ae.convergence_ms).not.toBeNull();
      expect(ae.anti_entropy_messages).toBeGreaterThan(0);
      expect(ae.anti_entropy_bytes).toBeGreaterThan(ae.anti_entropy_messages);
      expect(ae.keys_repaired_by_anti_entropy).toBeGreaterThan(0);
    },
  );
  it('a partition that never heals: no convergence time, and the run still ends', () => {
    const ae = runLeaderless(
      faulty({
        crash: null,
        loss: 0,
        antiEntropyIntervalMs: 50,
        partitions: [
          {
            startMs: 10,
            endMs: Infinity,
            groups: [
              [0, 1],
              [2, 3, 4],
            ],
          },
        ],
      }),
      1,
    );
    expect(ae.convergence_ms).toBeNull();
  });
  it('property: with anti-entropy on, once every fault heals all replicas converge (LWW and siblings)', () => {
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.integer({ min: 3, max: 5 }),
          n: fc.integer({ min: 2, max: 3 }),
          conflict: fc.constantFrom('lww' as const, 'siblings' as const),
          loss: fc.constantFrom(0, 0.05, 0.2),
          crash: fc.boolean(),
          partition: fc.boolean(),
          sloppy: fc.boolean(),
          readRepair: fc.constantFrom('off' as const, 'background' as const, 'blocking' as const),
          interval: fc.constantFrom(20, 50, 200),
          coordinator: fc.constantFrom('random-node' as const, 'first-replica' as const, 'client' as const),
        }),
        fc.integer({ min: 1, max: 1000 }),
        (p, seed) => {
          const config: Partial<LeaderlessConfig> = {
            nodes: p.nodes,
            n: p.n,
            r: 1,
            w: 1,
            keys: 12,
            clients: 3,
            ops: 150,
            conflict: p.conflict,
            loss: p.loss,
            crash: p.crash ? { ttf: 'exp(0.005)', ttr: 'exp(0.05)' } : null,
            partitions: p.partition
              ? [
                  {
                    startMs: 5,
                    endMs: 120,
                    groups: [[0], Array.from({ length: p.nodes - 1 }, (_, i) => i + 1)],
                  },
                ]
              : [],
            sloppy: p.sloppy,
            readRepair: p.readRepair,
            antiEntropyIntervalMs: p.interval,
            coordinator: p.coordinator,
          };
          const result = runLeaderless(config, seed);
          expect(result.replicas_converged).toBe(true);
          expect(result.convergence_ms).not.toBeNull();
          expect(Number.isFinite(result.convergence_ms)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
