import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../../errors.testkit.js';
import { runCommit } from './run-commit.js';
import type { CommitConfig } from './commit-config.js';

/**
 * Moments of the maximum of k independent Erlang(2, rate) variables (a round trip of two
 * exponential legs): E[M^j] = integral of j t^(j-1) (1 - F(t)^k), F(t) = 1 - e^(-rate t)(1 + rate t).
 * Simpson's rule on [0, 60/rate], far past any mass.
 */
function maxErlang2Moments(k: number, rate: number): { mean: number; sd: number } {
  const steps = 20000;
  const top = 60 / rate;
  const h = top / steps;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= steps; i++) {
    const t = i * h;
    const cdf = 1 - Math.exp(-rate * t) * (1 + rate * t);
    const tail = 1 - cdf ** k;
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    m1 += weight * tail;
    m2 += weight * 2 * t * tail;
  }
  m1 *= h / 3;
  m2 *= h / 3;
  return { mean: m1, sd: Math.sqrt(m2 - m1 * m1) };
}

describe('runCommit', () => {
  it('sync with constant delays: every commit takes exactly 2d + disk', () => {
    const r = runCommit(
      { mode: 'sync', followers: 3, latency: 'const(2)', disk: 'const(0.5)', writes: 500, writeRate: 0.01 },
      1,
    );
    expect(r.acked_writes).toBe(500);
    expect(r.commit_latency_ms.p50).toBeCloseTo(4.5, 2);
    expect(r.commit_latency_ms.max).toBeCloseTo(4.5, 9);
    expect(r.copies_at_commit).toBe(4);
    expect(r.acked_writes_at_risk.max).toBe(0);
  });

  it("async with constant delays: a commit takes the leader's disk write only, and writes are at risk for 1 ms + disk", () => {
    const r = runCommit(
      { mode: 'async', followers: 2, latency: 'const(1)', disk: 'const(0.5)', writes: 4000, writeRate: 0.5 },
      2,
    );
    expect(r.commit_latency_ms.max).toBeCloseTo(0.5, 9);
    expect(r.copies_at_commit).toBe(1);
    // A write is acknowledged at arrival + 0.5 and durable on a follower at arrival + 1.5: each is
    // at risk for 1 ms, so by Little's law the mean number at risk is rate x 1 ms = 0.5.
    expect(r.acked_writes_at_risk.mean).toBeGreaterThan(0.45);
    expect(r.acked_writes_at_risk.mean).toBeLessThan(0.55);
  });

  for (const k of [1, 2, 4]) {
    it(`sync with exponential delays (k=${k}): mean commit = E[max of ${k} Erlang-2 round trips]`, () => {
      const writes = 20000;
      const r = runCommit(
        {
          mode: 'sync',
          followers: k,
          latency: 'exp(1)',
          disk: 'const(0)',
          writes,
          writeRate: 0.01,
          heartbeatMs: 1000,
        },
        3 + k,
      );
      const { mean, sd } = maxErlang2Moments(k, 1);
      expect(r.acked_writes).toBe(writes);
      // The histogram's mean is the exact sample mean; 4 standard errors.
      expect(Math.abs((r.commit_latency_ms.mean as number) - mean)).toBeLessThan(
        (4 * sd) / Math.sqrt(writes),
      );
    }, 30_000);
  }

  it('sync waits for the sync followers only: 1 of 3 sync matches k = 1', () => {
    const writes = 20000;
    const r = runCommit(
      {
        mode: 'sync',
        followers: 3,
        syncFollowers: 1,
        latency: 'exp(1)',
        disk: 'const(0)',
        writes,
        writeRate: 0.01,
        heartbeatMs: 1000,
      },
      9,
    );
    const { mean, sd } = maxErlang2Moments(1, 1);
    expect(Math.abs((r.commit_latency_ms.mean as number) - mean)).toBeLessThan((4 * sd) / Math.sqrt(writes));
  });

  it("semi-sync: a slow sync follower is replaced after the timeout, and commits return to the fast follower's latency", () => {
    const slow = runCommit(
      {
        mode: 'semi-sync',
        followers: 2,
        latency: 'const(1)',
        followerLatency: ['const(50)'],
        disk: 'const(0)',
        semiSyncTimeoutMs: 10,
        writes: 2000,
        writeRate: 0.1,
      },
      4,
    );
    expect(slow.semi_sync_switches).toBe(1);
    expect(slow.commit_latency_ms.p50).toBeCloseTo(2, 2);
    expect(slow.commit_latency_ms.max).toBeLessThanOrEqual(10 + 1e-9);
    expect(slow.acked_writes_at_risk.max).toBe(0);
    // Plain sync with the same slow follower pays its 100 ms round trip on every write.
    const sync = runCommit(
      {
        mode: 'sync',
        followers: 2,
        syncFollowers: 1,
        latency: 'const(1)',
        followerLatency: ['const(50)'],
        disk: 'const(0)',
        writes: 200,
        writeRate: 0.1,
      },
      4,
    );
    expect(sync.commit_latency_ms.p50).toBeCloseTo(100, 1);
  });

  it('semi-sync: a sync follower that crashes is replaced; sync stops committing until it returns', () => {
    const outage = [{ follower: 1, startMs: 1000, endMs: 3000 }];
    const base = {
      followers: 2,
      latency: 'const(1)',
      disk: 'const(0)',
      writes: 1000,
      writeRate: 0.2,
      outages: outage,
    };
    const semi = runCommit({ ...base, mode: 'semi-sync', semiSyncTimeoutMs: 10 }, 5);
    expect(semi.semi_sync_switches).toBeGreaterThanOrEqual(1);
    expect(semi.commit_latency_ms.max).toBeLessThanOrEqual(10 + 1e-9);
    const sync = runCommit({ ...base, mode: 'sync', syncFollowers: 1 }, 5);
    expect(sync.acked_writes).toBe(1000);
    // Writes arriving during the outage wait for the follower's return (plus a heartbeat's resend).
    expect(sync.commit_latency_ms.max).toBeGreaterThan(1900);
  });

  it('ANY 1 of 2 sync followers: a commit waits for the nearer one only (constant delays)', () => {
    const base = {
      mode: 'sync' as const,
      followers: 2,
      latency: 'const(1)',
      followerLatency: ['const(5)', 'const(1)'],
      disk: 'const(0.5)',
      writes: 300,
      writeRate: 0.01,
      heartbeatMs: 1000,
    };
    // Follower 2 answers after 2 x 1 ms + its disk; follower 1 after 2 x 5 ms + its disk.
    const any = runCommit({ ...base, syncQuorum: 1 }, 6);
    expect(any.commit_latency_ms.p50).toBeCloseTo(2.5, 6);
    expect(any.commit_latency_ms.max).toBeCloseTo(2.5, 6);
    const both = runCommit({ ...base, syncQuorum: 2 }, 6);
    expect(both.commit_latency_ms.max).toBeCloseTo(10.5, 6);
    const all = runCommit(base, 6);
    expect(all.commit_latency_ms.max).toBeCloseTo(10.5, 6);
  });

  it("shipping after the leader's flush and a follower's own ack cost add up: s_leader + 2d + s_follower", () => {
    const base = {
      mode: 'sync' as const,
      followers: 2,
      syncFollowers: 1,
      latency: 'const(1)',
      disk: 'const(0.5)',
      followerDisk: 'const(2)',
      writes: 300,
      writeRate: 0.01,
      heartbeatMs: 1000,
    };
    // Shipped at the append: max(0.5, 1 + 2 + 1) = 4; after the flush: 0.5 + 1 + 2 + 1 = 4.5.
    expect(runCommit(base, 7).commit_latency_ms.max).toBeCloseTo(4, 6);
    const after = runCommit({ ...base, shipAfterDurable: true }, 7);
    expect(after.commit_latency_ms.p50).toBeCloseTo(4.5, 6);
    expect(after.commit_latency_ms.max).toBeCloseTo(4.5, 6);
    // Without followerDisk the followers use disk: 0.5 + 1 + 0.5 + 1.
    const same = runCommit({ ...base, followerDisk: null, shipAfterDurable: true }, 7);
    expect(same.commit_latency_ms.max).toBeCloseTo(3, 6);
  });

  it('followers on one host (followerDiskShared) take one disk time per entry: a quorum of the fastest gains nothing', () => {
    // Exponential follower cost of mean 2 ms (rate 0.5 per ms): the faster of two independent followers takes the
    // minimum (mean 1), the slower the maximum (mean 2 x 1.5 = 3); followers sharing one draw take
    // it whole either way (mean 2). Commit = 0.5 (leader) + 2 x 1 (link) + that.
    const base = {
      mode: 'sync' as const,
      followers: 2,
      syncFollowers: 2,
      latency: 'const(1)',
      disk: 'const(0.5)',
      followerDisk: 'exp(0.5)',
      shipAfterDurable: true,
      writes: 4000,
      writeRate: 0.001,
      heartbeatMs: 1000,
    };
    const mean = (config: Partial<CommitConfig>) => {
      const xs: number[] = [];
      runCommit(config, 12, { onCommitLatency: (ms) => xs.push(ms) });
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const se = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) / xs.length);
      return { m, se };
    };
    const cases: [Partial<CommitConfig>, number][] = [
      [{ ...base, syncQuorum: 1 }, 3.5],
      [{ ...base, syncQuorum: 2 }, 5.5],
      [{ ...base, syncQuorum: 1, followerDiskShared: true }, 4.5],
      [{ ...base, syncQuorum: 2, followerDiskShared: true }, 4.5],
    ];
    for (const [config, expected] of cases) {
      const { m, se } = mean(config);
      expect(Math.abs(m - expected)).toBeLessThan(4 * se);
    }
    expect(refusedParameter(() => runCommit({ followerDiskShared: 'yes' as never }, 1))).toBe(
      'followerDiskShared',
    );
  });

  it('is a pure function of (config, seed)', () => {
    const a = runCommit({ mode: 'semi-sync', writes: 500 }, 11);
    const b = runCommit({ mode: 'semi-sync', writes: 500 }, 11);
    expect(a).toEqual(b);
    expect(runCommit({ mode: 'semi-sync', writes: 500 }, 12)).not.toEqual(a);
  });

  it('refuses bad input naming the field', () => {
    expect(refusedParameter(() => runCommit({ followers: 0 }, 1))).toBe('followers');
    expect(refusedParameter(() => runCommit({ writeRate: -1 }, 1))).toBe('writeRate');
    expect(refusedParameter(() => runCommit({ mode: 'sync', syncFollowers: 3, followers: 2 }, 1))).toBe(
      'syncFollowers',
    );
    expect(refusedParameter(() => runCommit({ latency: 'exp(-1)' }, 1))).toBe('latency');
    expect(refusedParameter(() => runCommit({ bogus: 1 } as never, 1))).toBe('bogus');
    expect(refusedParameter(() => runCommit({ mode: 'async', syncQuorum: 1 }, 1))).toBe('syncQuorum');
    expect(refusedParameter(() => runCommit({ mode: 'sync', syncFollowers: 1, syncQuorum: 2 }, 1))).toBe(
      'syncQuorum',
    );
    expect(refusedParameter(() => runCommit({ followerDisk: 'exp(-1)' }, 1))).toBe('followerDisk');
  });
});
