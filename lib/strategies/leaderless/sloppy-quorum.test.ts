import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lostWrites } from '../../check/index.js';
import { replayStaleReads } from './leaderless-oracle.testkit.js';
import type { LeaderlessConfig, PartitionConfig } from './cluster-config.js';
import { runLeaderless, runLeaderlessWithHistory, type LeaderlessResult } from './run-leaderless.js';

/** Failures print the config and seed; `runLeaderlessWithHistory(config, seed)` replays them. */
const churn = { ttf: 'exp(0.0005)', ttr: 'exp(0.002)' }; // MTTF 2 s, MTTR 500 ms: each node down ~20% of the time
const base: Partial<LeaderlessConfig> = { ops: 5000, keys: 50, crash: churn };
/** Nodes 0 and 1 cut off from 2, 3, 4 from 1 s to 3 s. */
const split: PartitionConfig[] = [
  {
    startMs: 1000,
    endMs: 3000,
    groups: [
      [0, 1],
      [2, 3, 4],
    ],
  },
];

const conserved = (r: LeaderlessResult) =>
  r.hints_stored === r.hints_handed_off + r.hints_lost + r.hints_held;

describe('sloppy quorum with hinted handoff', () => {
  it.each([1, 2, 3])(
    'with crashes, more operations succeed than with strict quorums (same crash schedule), seed %i',
    (seed) => {
      const strict = runLeaderless(base, seed);
      const sloppy = runLeaderless({ ...base, sloppy: true }, seed);
      expect(sloppy.writes).toBe(strict.writes); // the same workload
      expect(sloppy.failed_writes).toBeLessThan(strict.failed_writes);
      expect(sloppy.availability).toBeGreaterThan(strict.availability);
      expect(sloppy.hints_stored).toBeGreaterThan(0);
      expect(sloppy.hints_handed_off).toBeGreaterThan(0);
      expect(sloppy.hints_lost).toBeGreaterThan(0); // holders crash too
      expect(conserved(sloppy)).toBe(true);
    },
  );

  it('W = N with client coordinators: sloppy quorums keep writes available through crashes', () => {
    const cfg: Partial<LeaderlessConfig> = { ...base, w: 3, r: 1, coordinator: 'client' };
    const strict = runLeaderless(cfg, 4);
    const sloppy = runLeaderless({ ...cfg, sloppy: true }, 4);
    expect(sloppy.failed_writes).toBeLessThan(strict.failed_writes / 2);
  });

  it('R + W > N no longer guarantees fresh reads: stale and non-overlapping reads appear, as a brute-force replay counts them', () => {
    for (const conflict of ['lww', 'siblings'] as const) {
      const strict = runLeaderlessWithHistory({ ...base, conflict }, 1);
      expect(replayStaleReads(strict.history, conflict)).toBe(0);
      expect(strict.result.stale_read_fraction).toBe(0);
      expect(strict.result.non_overlapping_reads).toBe(0);
      const { result, history, order } = runLeaderlessWithHistory({ ...base, conflict, sloppy: true }, 1);
      const stale = replayStaleReads(history, conflict);
      expect(stale).toBeGreaterThan(0);
      expect(result.intervals.stale_read_fraction).toMatchObject({ count: stale, of: history.reads.length });
      expect(result.non_overlapping_reads).toBeGreaterThan(0);
      expect(result.non_overlapping_stale_reads).toBeGreaterThan(0);
      expect(result.non_overlapping_stale_reads).toBeLessThanOrEqual(result.non_overlapping_reads);
      expect(result.non_overlapping_stale_reads).toBeLessThanOrEqual(stale);
      if (conflict === 'lww') expect(result.acked_writes_lost).toBe(lostWrites(history, order).lost.count);
      else expect(result.acked_writes_lost).toBeGreaterThanOrEqual(lostWrites(history, order).lost.count);
    }
  });

  it('a partition: each side writes to stand-ins on its own side; reads on the other side miss those writes', () => {
    const cfg: Partial<LeaderlessConfig> = { ops: 4000, keys: 20, partitions: split };
    const strict = runLeaderless(cfg, 1);
    const { result, history } = runLeaderlessWithHistory({ ...cfg, sloppy: true }, 1);
    expect(strict.failed_writes).toBeGreaterThan(0); // the minority side cannot reach W home replicas of most keys
    expect(strict.stale_read_fraction).toBe(0);
    expect(result.failed_writes).toBe(0);
    expect(result.availability).toBe(1);
    expect(result.non_overlapping_stale_reads).toBeGreaterThan(0);
    expect(result.intervals.stale_read_fraction).toMatchObject({
      count: replayStaleReads(history, 'lww'),
      of: history.reads.length,
    });
    // No crash: every hint is handed off after the heal, and every acknowledged write is on at least W home replicas.
    expect(result.hints_stored).toBeGreaterThan(0);
    expect(result.hints_lost).toBe(0);
    expect(result.hints_held).toBe(0);
    expect(result.hints_handed_off).toBe(result.hints_stored);
    expect(result.acked_writes_under_replicated).toBe(0);
    expect(result.acked_writes_lost).toBe(0);
  });

  it('a partition that never heals: hints stay held after the bounded drain, and those writes are under-replicated', () => {
    const { result } = runLeaderlessWithHistory(
      {
        ops: 2000,
        keys: 20,
        sloppy: true,
        hintedHandoffIntervalMs: 50,
        partitions: [
          {
            startMs: 500,
            endMs: Infinity,
            groups: [
              [0, 1],
              [2, 3, 4],
            ],
          },
        ],
      },
      1,
    );
    expect(result.hints_held).toBeGreaterThan(0);
    expect(conserved(result)).toBe(true);
    expect(result.acked_writes_under_replicated).toBeGreaterThan(0);
    expect(result.availability).toBe(1);
  });

  it('properties: hints are conserved, lost-write counts match the checker, strict R + W > N reads always overlap', () => {
    const arb = fc.record({
      r: fc.integer({ min: 1, max: 3 }),
      w: fc.integer({ min: 1, max: 3 }),
      conflict: fc.constantFrom('lww' as const, 'siblings' as const),
      coordinator: fc.constantFrom('random-node' as const, 'first-replica' as const, 'client' as const),
      loss: fc.constantFrom(0, 0.05),
      partitioned: fc.boolean(),
      interval: fc.constantFrom(20, 200),
      seed: fc.nat(1000),
    });
    fc.assert(
      fc.property(arb, ({ r, w, conflict, coordinator, loss, partitioned, interval, seed }) => {
        const cfg: Partial<LeaderlessConfig> = {
          keys: 10,
          clients: 4,
          ops: 400,
          arrivals: { kind: 'open', ratePerMs: 0.2 },
          r,
          w,
          conflict,
          coordinator,
          loss,
          timeoutMs: 20,
          crash: { ttf: 'exp(0.002)', ttr: 'exp(0.01)' },
          hintedHandoffIntervalMs: interval,
          partitions: partitioned
            ? [
                {
                  startMs: 100,
                  endMs: 300,
                  groups: [
                    [0, 1],
                    [2, 3, 4],
                  ],
                },
              ]
            : [],
        };
        const strict = runLeaderlessWithHistory(cfg, seed);
        expect(strict.result.hints_stored).toBe(0);
        expect(strict.result.acked_writes_under_replicated).toBe(0);
        if (r + w > 3) {
          expect(strict.result.non_overlapping_reads).toBe(0);
          expect(strict.result.stale_read_fraction).toBe(0);
        }
        const { result, history, order } = runLeaderlessWithHistory({ ...cfg, sloppy: true }, seed);
        expect(conserved(result)).toBe(true);
        expect(result.intervals.stale_read_fraction.count).toBe(replayStaleReads(history, conflict));
        const checked = lostWrites(history, order).lost.count;
        if (conflict === 'lww') expect(result.acked_writes_lost).toBe(checked);
        else {
          // The model sees elements: a lost hint's write can vanish while a concurrent write survives,
          // which the checker (survivors all acknowledged before the write began) cannot call lost.
          expect(result.acked_writes_lost).toBeGreaterThanOrEqual(checked);
          expect(result.acked_writes_lost).toBeLessThanOrEqual(result.acked_writes_under_replicated);
        }
        if (result.hints_lost === 0 && result.hints_held === 0) {
          expect(result.acked_writes_under_replicated).toBe(0);
          if (conflict === 'siblings') expect(result.acked_writes_lost).toBe(0);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic with sloppy quorums and partitions', () => {
    const cfg: Partial<LeaderlessConfig> = {
      ...base,
      ops: 2000,
      sloppy: true,
      loss: 0.02,
      conflict: 'siblings',
      partitions: split,
    };
    expect(JSON.stringify(runLeaderless(cfg, 9))).toBe(JSON.stringify(runLeaderless(cfg, 9)));
  });
});
