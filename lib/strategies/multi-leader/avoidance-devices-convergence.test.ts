import { describe, expect, it } from 'vitest';
import { compareResolutions } from './compare-resolutions.js';
import type { MultiLeaderConfig } from './multi-leader-config.js';
import { runMultiLeader } from './run-multi-leader.js';

describe('conflict avoidance: home-datacenter routing (item 5)', () => {
  const base: Partial<MultiLeaderConfig> = {
    datacenters: 3,
    keys: 30,
    writeRatePerSec: 100,
    durationMs: 5000,
    interDcLatency: 'const(50)',
    resolution: 'lww',
  };

  it('every key written at one leader: no conflict at all, at the price of a round trip for remote keys', () => {
    const without = runMultiLeader(base, 1);
    const withRouting = runMultiLeader({ ...base, homeRouting: true }, 1);
    expect(without.conflicts).toBeGreaterThan(0);
    expect(withRouting.conflicts).toBe(0);
    expect(withRouting.acked_writes_lost).toBe(0);
    // Two thirds of the writes arrive away from their key's home: p50 and p99 pay 2 x 50 ms.
    expect(without.write_latency_ms.p99).toBeCloseTo(1, 1);
    expect(withRouting.write_latency_ms.p50).toBeCloseTo(101, 0);
  });

  it('a datacenter outage reroutes its keys, and the writes it had not shipped conflict with the rerouted ones', () => {
    const outage = { dc: 1, atMs: 2000, durationMs: 1000 };
    const r = runMultiLeader({ ...base, homeRouting: true, dcFailure: outage }, 1);
    expect(r.conflicts).toBeGreaterThan(0);
    expect(r.acked_writes_lost).toBeGreaterThan(0);
    expect(r.converged).toBe(true);
    // Only keys homed at the failed datacenter can conflict (key mod 3 === 1).
    // The same outage without routing: conflicts everywhere, as before.
    const noRouting = runMultiLeader({ ...base, dcFailure: outage }, 1);
    expect(noRouting.conflicts).toBeGreaterThan(r.conflicts);
  });

  it("an outage that never ends: the failed leader's unshipped writes never arrive, replicas never converge", () => {
    const r = runMultiLeader(
      { ...base, homeRouting: true, dcFailure: { dc: 2, atMs: 2500, durationMs: Infinity } },
      1,
    );
    expect(r.converged).toBe(false);
    expect(r.convergence_ms).toBeNull();
  });
});

describe('convergence time and divergence (item 6)', () => {
  const base: Partial<MultiLeaderConfig> = {
    datacenters: 4,
    keys: 20,
    writeRatePerSec: 50,
    durationMs: 3000,
    interDcLatency: 'const(40)',
    resolution: 'merge',
  };
  it('equals the longest path of the last write: 1 hop all-to-all, D - 1 hops on a ring, 1 or 2 through a star', () => {
    expect(runMultiLeader({ ...base, topology: 'all' }, 2).convergence_ms).toBeCloseTo(40, 9);
    expect(runMultiLeader({ ...base, topology: 'ring' }, 2).convergence_ms).toBeCloseTo(120, 9);
    expect([40, 80]).toContain(
      Math.round(runMultiLeader({ ...base, topology: 'star' }, 2).convergence_ms as number),
    );
  });
  it('divergence is sampled over time: keys differ while writes flow, none at the end', () => {
    const r = runMultiLeader({ ...base, topology: 'ring' }, 2);
    const during = r.divergence.filter((s) => s.t_ms > 500 && s.t_ms < 2500);
    expect(during.length).toBeGreaterThan(10);
    expect(Math.max(...during.map((s) => s.divergent_keys))).toBeGreaterThan(0);
    expect(r.divergence.at(-1)?.divergent_keys).toBe(0);
  });
  it('longer paths mean more conflicts: ring > all-to-all at the same link delay', () => {
    const all = runMultiLeader({ ...base, topology: 'all' }, 2);
    const ring = runMultiLeader({ ...base, topology: 'ring' }, 2);
    expect(ring.conflicts).toBeGreaterThan(all.conflicts);
  });
});

describe('clients as leaders: offline devices (item 2)', () => {
  const devices = (offline: string) => ({
    datacenters: 2,
    keys: 5,
    writeRatePerSec: 1,
    durationMs: 20000,
    resolution: 'siblings' as const,
    devices: { count: 6, writeRatePerSec: 1, online: 'exp(0.001)', offline, syncLatency: 'const(30)' },
  });
  it('longer offline periods mean more conflicts; siblings keep every write; devices converge once back online', () => {
    const short = runMultiLeader(devices('exp(0.01)'), 4); // offline 100 ms on average
    const long = runMultiLeader(devices('exp(0.0002)'), 4); // offline 5 s on average
    expect(long.intervals.conflicts.low).toBeGreaterThan(short.intervals.conflicts.high);
    for (const r of [short, long]) {
      expect(r.acked_writes_lost).toBe(0);
      expect(r.converged).toBe(true);
    }
    expect(long.max_siblings).toBeGreaterThanOrEqual(short.max_siblings);
  });
});

describe('compareResolutions', () => {
  it('runs every policy on the same history: same writes and conflicts, losses only where the policy drops', () => {
    const rows = compareResolutions(
      { datacenters: 3, keys: 10, durationMs: 3000, clockSkew: 'uniform(0,50)' },
      1,
      undefined,
      (versions) => versions[0].elements,
    );
    expect(rows.map((r) => r.policy)).toEqual([
      'lww',
      'replica-id',
      'merge',
      'merge-concat',
      'siblings',
      'custom',
    ]);
    for (const r of rows) {
      expect(r.writes).toBe(rows[0].writes);
      expect(r.conflicts).toBe(rows[0].conflicts);
      expect(r.converged).toBe(true);
    }
    const lost = Object.fromEntries(rows.map((r) => [r.policy, r.acked_writes_lost.count]));
    expect(lost.merge + lost['merge-concat'] + lost.siblings).toBe(0);
    expect(lost.lww).toBeGreaterThan(0);
    expect(lost['replica-id']).toBeGreaterThan(0);
    expect(lost.custom).toBeGreaterThan(0);
    expect(rows.find((r) => r.policy === 'custom')!.handler_calls).toBeGreaterThan(0);
  });
});
