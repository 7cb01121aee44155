import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../../errors.testkit.js';
import { runBootstrap, runClusterBootstrap } from './bootstrap.js';
import { runRollingUpgrade } from './rolling-upgrade.js';
import { COUNTERS } from './row-store.js';

// 1000 rows of 1 MB: a rebuild copies 1 GB, 10 s at 100 MB/s (the default), with fewer rows to convert.
const SMALL = { keys: 1000, rowBytes: 1e6, afterMs: 12_000 };

describe('rolling upgrade of the storage format', () => {
  const [wal, row] = runRollingUpgrade(SMALL, 1, { record: true });

  it('WAL shipping cannot cross versions: writes stop for a rebuild, 3 d + bytes / bandwidth + promotion; a logical log switches over in d + promotion', () => {
    // Constant 1 ms messages: promote request, snapshot request, the snapshot's last message.
    expect(wal.downtime_ms).toBeCloseTo(3 + 10_000 + 100, 6);
    // Logical: the promote request, then the promotion; the last records arrive with the request
    // (0.05 ms to apply each one still in the follower's queue).
    expect(row.downtime_ms).toBeGreaterThanOrEqual(1 + 100);
    expect(row.downtime_ms).toBeLessThan(1 + 100 + 1);
    // Every upgraded follower refused the old leader's WAL and was rebuilt; so was nothing under logical.
    expect(wal.rebuilds).toBe(2);
    expect(wal.rejected_records).toBeGreaterThanOrEqual(2);
    expect(wal.stalled_follower_ms).toBeGreaterThan(0);
    expect(row.rebuilds + row.rejected_records + row.stalled_follower_ms).toBe(0);
  });

  it('refused writes are the Poisson writes of the unavailable time (4 standard deviations)', () => {
    for (const o of [wal, row]) {
      // Writes sent from one delay before the stop to one delay after the promotion are refused.
      const expected = (200 / 1000) * (o.downtime_ms + 2);
      expect(Math.abs(o.writes_refused - expected)).toBeLessThan(4 * Math.sqrt(expected) + 1);
    }
  });

  it('after the upgrade every node holds every acknowledged write and no other (oracle: the counters sum to the acks)', () => {
    for (const o of [wal, row]) {
      const { stores } = o.recorded!;
      for (const store of stores) {
        const sum = [...store.table(COUNTERS).values()].reduce((a, b) => a + b, 0);
        expect(sum).toBe(o.writes_acked);
        expect(store.version).toBe(2);
      }
      expect(o.divergent_rows_after).toBe(0);
    }
  });

  it('WAL downtime falls as 1 / bandwidth; the logical switchover does not depend on it', () => {
    const [w2, r2] = runRollingUpgrade({ ...SMALL, bandwidthBytesPerS: 4e8 }, 1);
    expect(w2.downtime_ms).toBeCloseTo(3 + 2_500 + 100, 6);
    expect(w2.downtime_ms).toBeCloseTo(w2.downtime_closed_form_ms, 6);
    expect(r2.downtime_ms).toBeLessThan(1 + 100 + 1);
  });

  it('with the same storage-format version on both sides, WAL shipping switches over like the logical log', () => {
    const [w, r] = runRollingUpgrade({ ...SMALL, toVersion: 1 }, 2);
    expect(w.rejected_records).toBe(0);
    expect(w.rebuilds).toBe(0);
    expect(w.downtime_ms).toBeLessThan(1 + 100 + 1);
    expect(Math.abs(w.downtime_ms - r.downtime_ms)).toBeLessThan(1);
  });

  it('refuses bad input naming the field', () => {
    expect(refusedParameter(() => runRollingUpgrade({ followers: 0 }, 1))).toBe('followers');
    expect(refusedParameter(() => runRollingUpgrade({ bandwidthBytesPerS: 0 }, 1))).toBe(
      'bandwidthBytesPerS',
    );
  });
});

describe('a new follower on the cluster: snapshot at a log position, copy, catch-up', () => {
  // 2000 rows of 1 MB at 500 MB/s: a 4 s copy while 500 writes per second go on, applied at 1000 per second.
  const base = { keys: 2000, rowBytes: 1e6, bandwidthBytesPerS: 5e8, trials: 50 };

  it('the mean catch-up time holds the closed form lambda C / (mu - lambda) in its interval (d = 0: exact)', () => {
    const r = runClusterBootstrap({ ...base, latency: 'const(0)' }, 3);
    expect(r.copy_s).toBe(4);
    expect(r.catch_up_closed_form_s).toBe(4);
    expect(r.never_caught_up.count).toBe(0);
    expect(r.catch_up_s.ci_low as number).toBeLessThan(4);
    expect(r.catch_up_s.ci_high as number).toBeGreaterThan(4);
    // The snapshot was taken at the leader's position when it started (about 500 writes in 1 s).
    expect(Math.abs(r.snapshot_lsn - 500)).toBeLessThan(4 * Math.sqrt(500 / 80));
    // Caught up means the same rows as the leader.
    expect(r.divergent_rows).toBe(0);
    // The closed-form queue model of the same bootstrap agrees too.
    const q = runBootstrap({ snapshotMb: 2000, bandwidthMbPerS: 500, trials: 400 }, 3);
    expect(q.catch_up_s.ci_low as number).toBeLessThan(r.catch_up_s.ci_high as number);
    expect(q.catch_up_s.ci_high as number).toBeGreaterThan(r.catch_up_s.ci_low as number);
  }, 60_000);

  it('halving the bandwidth doubles the copy, the backlog and the catch-up, as the closed form predicts', () => {
    const fast = runClusterBootstrap(base, 4);
    const slow = runClusterBootstrap({ ...base, bandwidthBytesPerS: 2.5e8, trials: 25 }, 4);
    for (const r of [fast, slow]) {
      expect(r.catch_up_s.ci_low as number).toBeLessThan(r.catch_up_closed_form_s as number);
      expect(r.catch_up_s.ci_high as number).toBeGreaterThan(r.catch_up_closed_form_s as number);
    }
    expect(slow.catch_up_closed_form_s as number).toBeCloseTo(2 * 0.001 + (500 * (8 + 0.002)) / 500, 9);
    const ratio = (slow.catch_up_s.mean as number) / (fast.catch_up_s.mean as number);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
    expect(slow.backlog_entries / fast.backlog_entries).toBeGreaterThan(1.9);
  }, 60_000);

  it('with constant writes and apply times it is the fluid limit, within a few entries', () => {
    const r = runClusterBootstrap({ ...base, arrivals: 'constant', latency: 'const(0)', trials: 2 }, 5);
    expect(Math.abs((r.catch_up_s.mean as number) - 4)).toBeLessThan(3 / 500);
  });

  it('never catches up when writes reach the apply rate', () => {
    const r = runClusterBootstrap(
      { ...base, writeRatePerS: 1100, applyRatePerS: 1000, trials: 3, horizonS: 20 },
      6,
    );
    expect(r.never_caught_up.count).toBe(3);
    expect(r.catch_up_closed_form_s).toBeNull();
  }, 60_000);

  it('a WAL-shipping follower bootstraps the same way (a snapshot crosses no version here)', () => {
    const r = runClusterBootstrap({ ...base, format: 'wal', trials: 10 }, 7);
    expect(r.never_caught_up.count).toBe(0);
    expect(r.divergent_rows).toBe(0);
  });

  it('refuses bad input naming the field', () => {
    expect(refusedParameter(() => runClusterBootstrap({ bandwidthBytesPerS: 0 }, 1))).toBe(
      'bandwidthBytesPerS',
    );
    expect(refusedParameter(() => runClusterBootstrap({ format: 'x' as never }, 1))).toBe('format');
  });
});
