import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../../errors.testkit.js';
import { latencySummary, LogHistogram } from '../../stats/index.js';
import { READ_ROUTINGS } from './lag-config.js';
import { runLag, runLagSummary, runLagWithHistory } from './run-lag.js';
import { bruteForceLagOracle } from './run-lag.testkit.js';

const ops = 12000;

describe('runLag: routing policies against the history checkers', () => {
  const results = Object.fromEntries(READ_ROUTINGS.map((routing) => [routing, runLag({ routing, ops }, 1)]));

  it('random routing shows every anomaly and sends nothing to the leader', () => {
    const r = results.random;
    expect(r.intervals.ryw_violations.count).toBeGreaterThan(0);
    expect(r.intervals.monotonic_read_violations.count).toBeGreaterThan(0);
    expect(r.intervals.consistent_prefix_violations.count).toBeGreaterThan(0);
    expect(r.leader_read_share).toBe(0);
    expect(r.reads + r.writes).toBe(ops);
  });

  it('reading what the user may have modified from the leader: no read-your-writes violation', () => {
    expect(results['leader-for-own'].intervals.ryw_violations.count).toBe(0);
    expect(results['leader-for-own'].intervals.ryw_violations.of).toBeGreaterThan(1000);
    expect(results['leader-for-own'].leader_read_share).toBeGreaterThan(0.5);
  });

  it('client-position (redirect or wait): no read-your-writes and no monotonic-read violation, few leader reads when the monitor is fresh', () => {
    for (const r of [
      results['client-position'],
      runLag({ routing: 'client-position', positionWait: true, ops }, 1),
    ]) {
      expect(r.intervals.ryw_violations.count).toBe(0);
      expect(r.intervals.monotonic_read_violations.count).toBe(0);
    }
    // It routes on the lag monitor's reports: polled every 10 ms, they are fresh enough to keep most
    // reads on followers (polled every second, most reads go to the leader: see the monitor's tests).
    expect(
      runLag({ routing: 'client-position', monitorIntervalMs: 10, ops }, 1).leader_read_share,
    ).toBeLessThan(results['leader-for-own'].leader_read_share);
  });

  it('sticky followers: no monotonic-read violation while followers do not fail, though consistent prefix across partitions still breaks', () => {
    const sticky = results.sticky;
    expect(sticky.intervals.monotonic_read_violations.count).toBe(0);
    expect(sticky.intervals.monotonic_read_violations.of).toBeGreaterThan(1000);
    expect(sticky.intervals.consistent_prefix_violations.count).toBeGreaterThan(0);
    // When a sticky follower fails, its clients move to another, possibly older, follower.
    const crashing = runLag(
      { routing: 'sticky', ops: 30000, followerCrash: { ttf: 'exp(0.002)', ttr: 'exp(0.01)' } },
      2,
    );
    expect(crashing.intervals.monotonic_read_violations.count).toBeGreaterThan(0);
  });

  it('leader-window and lag-bounded trade leader reads against anomalies', () => {
    const wide = runLag({ routing: 'leader-window', windowMs: 2000, ops }, 1);
    expect(wide.intervals.ryw_violations.count).toBeLessThanOrEqual(
      results['leader-window'].intervals.ryw_violations.count,
    );
    expect(wide.leader_read_share).toBeGreaterThan(results['leader-window'].leader_read_share);
    expect(runLag({ routing: 'lag-bounded', maxLagMs: 1e9, ops }, 1).leader_read_share).toBe(0);
    const strict = runLag({ routing: 'lag-bounded', maxLagMs: 0, ops }, 1);
    expect(strict.leader_read_share).toBeGreaterThan(results['lag-bounded'].leader_read_share);
    expect(strict.intervals.ryw_violations.count).toBeLessThanOrEqual(
      results['lag-bounded'].intervals.ryw_violations.count,
    );
  });

  it('recording the history changes nothing in the result or the samples', () => {
    for (const config of [
      { routing: 'client-position' as const, positionWait: true, ops: 6000 },
      { routing: 'lag-bounded' as const, ops: 6000, followerCrash: { ttf: 'exp(0.002)', ttr: 'exp(0.01)' } },
    ]) {
      const recorded = runLagWithHistory(config, 4);
      const streamed = runLagSummary(config, 4);
      expect(streamed.result).toEqual(recorded.result);
      expect(streamed.events).toBe(recorded.events);
      expect(streamed.histograms).toEqual(recorded.histograms);
      expect(recorded.history.reads.length).toBe(recorded.result.reads);
      expect(runLagSummary(config, 4, { record: true }).history).toEqual(recorded.history);
    }
  });

  it("the result's counts and staleness are a brute-force replay's of the returned history", () => {
    for (const config of [
      { routing: 'random' as const, ops: 3000 },
      { routing: 'lag-bounded' as const, ops: 3000, monitorIntervalMs: 50, causalPartitioning: true },
    ]) {
      const { result, history, dependsOn, commitMs } = runLagWithHistory(config, 3);
      const oracle = bruteForceLagOracle(history, dependsOn, commitMs);
      expect(oracle.ryw.count).toBeGreaterThan(0);
      expect(oracle.prefix.of).toBeGreaterThan(100);
      expect(oracle.stale.count).toBeGreaterThan(0);
      expect(result.intervals.ryw_violations).toMatchObject(oracle.ryw);
      expect(result.intervals.monotonic_read_violations).toMatchObject(oracle.monotonic);
      expect(result.intervals.consistent_prefix_violations).toMatchObject(oracle.prefix);
      expect(result.intervals.stale_reads).toMatchObject(oracle.stale);
      const ages = new LogHistogram();
      const behind = new LogHistogram();
      oracle.ages.forEach((a) => ages.record(a));
      oracle.behind.forEach((b) => behind.record(b));
      expect(result.read_age_ms).toEqual(latencySummary(ages));
      expect(result.versions_behind).toEqual(latencySummary(behind));
    }
  });
}, 60_000);

describe('runLag: lag distribution', () => {
  it('at a low write rate (no entry overtaken in flight) the lag is the replication delay: exp(0.1) quantiles', () => {
    const r = runLag(
      {
        replicationLatency: 'exp(0.1)',
        writeRatio: 1,
        clients: 1,
        ratePerMs: 0.001,
        ops: 20000,
        followers: 2,
        partitions: 1,
      },
      4,
    );
    const n = r.lag_ms.samples;
    expect(n).toBeGreaterThan(39990); // 2 followers x 20000 writes, but for the last few still in flight at the end
    // Quantiles of exp(0.1): ln(2)/0.1 and ln(100)/0.1; tolerance: ~4 standard errors of the sample quantile.
    expect(r.lag_ms.p50 as number).toBeGreaterThan(6.93 * 0.97);
    expect(r.lag_ms.p50 as number).toBeLessThan(6.93 * 1.03);
    expect(r.lag_ms.p99 as number).toBeGreaterThan(46.05 * 0.9);
    expect(r.lag_ms.p99 as number).toBeLessThan(46.05 * 1.1);
    expect(r.lag_ms.mean as number).toBeCloseTo(10, 0);
  });

  it('the run hands out the samples of its summaries: lag per apply, and read latency as the history records it', () => {
    const { result, histograms, history } = runLagWithHistory(
      { routing: 'random', ops: 3000, followers: 2, followerCrash: { ttf: 'exp(0.002)', ttr: 'exp(0.01)' } },
      7,
    );
    expect(latencySummary(LogHistogram.from(histograms.lag_ms))).toEqual(result.lag_ms);
    expect(result.lag_ms.samples).toBeGreaterThan(result.writes); // one sample per (entry, follower) applied
    expect(result.lag_ms.samples).toBeLessThanOrEqual(2 * result.writes);
    const reads = new LogHistogram();
    for (const read of history.reads) reads.record(read.returnMs - read.invokeMs);
    expect(latencySummary(LogHistogram.from(histograms.read_latency_ms))).toEqual(latencySummary(reads));
    expect(latencySummary(reads)).toEqual(result.read_latency_ms);
  });

  it('a constant delay gives a constant lag', () => {
    const r = runLag({ replicationLatency: 'const(5)', ops: 2000 }, 5);
    expect(r.lag_ms.p50).toBeCloseTo(5, 2);
    expect(r.lag_ms.max).toBeCloseTo(5, 9);
  });

  it('is a pure function of (config, seed) and refuses bad input naming the field', () => {
    expect(runLag({ ops: 1000, routing: 'lag-bounded' }, 6)).toEqual(
      runLag({ ops: 1000, routing: 'lag-bounded' }, 6),
    );
    expect(refusedParameter(() => runLag({ routing: 'nearest' as never }, 1))).toBe('routing');
    expect(refusedParameter(() => runLag({ ratePerMs: -1 }, 1))).toBe('ratePerMs');
    expect(refusedParameter(() => runLag({ followers: 0 }, 1))).toBe('followers');
    expect(refusedParameter(() => runLag({ replicationLatency: 'nope' }, 1))).toBe('replicationLatency');
  });
});

describe('runLag: the lag monitor', () => {
  // Why the monitor's error is bounded: a reply tells the leader the follower's applied position P
  // as of some moment before it arrives at t_r, and the router sees the lag the leader computed
  // then, L_r = t_r - append(P + 1) (0 if P was the whole log). At a later time t the follower has
  // applied A >= P, so its true lag t - append(A + 1) exceeds L_r by at most t - t_r: the age of
  // the newest reply. Polls leave every I ms and each takes a round trip of RTT (two one-way
  // draws); the newest reply at t is from poll k while poll k + 1's has not arrived, so
  // t - t_r < (k + 1) I + RTT_{k+1} - (k I + RTT_k) <= I + RTT_max (the start-up state at t = 0,
  // before the first reply, obeys the same bound). With uniform(1,21) one-way delays, RTT <= 42 ms.
  const intervals = [1, 10, 100, 1000];
  const runs = intervals.map((monitorIntervalMs) =>
    runLag(
      {
        routing: 'lag-bounded',
        replicationLatency: 'uniform(1,21)',
        maxLagMs: 10,
        monitorIntervalMs,
        ops: 12000,
      },
      1,
    ),
  );

  it('underestimates the lag by at most a poll interval plus the longest round trip', () => {
    runs.forEach((r, i) => {
      expect(r.monitor_underestimate_ms.samples).toBeGreaterThan(3000);
      expect(r.monitor_underestimate_ms.max as number).toBeLessThanOrEqual(intervals[i] + 42);
    });
    // Polled every ms, the monitor is never more than a round trip behind: a tight check.
    expect(runs[0].monitor_underestimate_ms.max as number).toBeLessThan(43);
  });

  it('underestimates more, and lets more reads past the bound, the less often it polls', () => {
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].monitor_underestimate_ms.mean as number).toBeGreaterThan(
        runs[i - 1].monitor_underestimate_ms.mean as number,
      );
      expect(runs[i].monitor_underestimate_ms.p99 as number).toBeGreaterThan(
        runs[i - 1].monitor_underestimate_ms.p99 as number,
      );
    }
    // Wilson 95% intervals apart: polled every second, far more follower reads exceed the bound.
    const [often, , , rarely] = runs.map((r) => r.intervals.lag_bound_exceeded);
    expect(rarely.low).toBeGreaterThan(often.high);
  });

  it('client-position sends more reads to the leader when the positions it sees are older', () => {
    const share = (monitorIntervalMs: number) =>
      runLag({ routing: 'client-position', monitorIntervalMs, ops: 12000 }, 1).intervals.leader_read_share;
    const often = share(1);
    const rarely = share(1000);
    expect(rarely.low).toBeGreaterThan(often.high);
  });

  it('monitoring shifts no other draw: policies that ignore it give the same result at any interval', () => {
    for (const routing of ['random', 'sticky', 'leader-for-own'] as const) {
      const a = runLag({ routing, ops: 3000, monitorIntervalMs: 3 }, 2);
      const b = runLag({ routing, ops: 3000, monitorIntervalMs: 700 }, 2);
      expect(a.intervals.ryw_violations).toEqual(b.intervals.ryw_violations);
      expect(a.read_age_ms).toEqual(b.read_age_ms);
      expect(a.lag_ms).toEqual(b.lag_ms);
    }
  });
}, 60_000);

describe('runLag: causal partitioning and a remote leader', () => {
  it('causally related writes in one partition and one follower per client: no consistent-prefix violation', () => {
    const config = { ops: 12000, causalPartitioning: true };
    const sticky = runLag({ ...config, routing: 'sticky' }, 1).intervals.consistent_prefix_violations;
    expect(sticky.of).toBeGreaterThan(5000);
    expect(sticky.count).toBe(0);
    // Either alone is not enough: sticky reads across partitions, or one partition read from random followers.
    expect(
      runLag({ ops: 12000, routing: 'sticky' }, 1).intervals.consistent_prefix_violations.count,
    ).toBeGreaterThan(0);
    expect(
      runLag({ ...config, routing: 'random' }, 1).intervals.consistent_prefix_violations.count,
    ).toBeGreaterThan(0);
  });

  it('leader-for-own pays the remote leader twice per leader read: mean read latency 2 x 0.5 + 2 L x leader share', () => {
    for (const leaderLatency of [0, 40]) {
      const r = runLag({ routing: 'leader-for-own', leaderLatency, ops: 6000 }, 1);
      expect(r.failed_reads).toBe(0);
      expect(r.read_latency_ms.mean as number).toBeCloseTo(1 + 2 * leaderLatency * r.leader_read_share, 9);
      expect(r.intervals.ryw_violations.count).toBe(0);
    }
    expect(refusedParameter(() => runLag({ leaderLatency: -1 }, 1))).toBe('leaderLatency');
    expect(refusedParameter(() => runLag({ monitorIntervalMs: 0 }, 1))).toBe('monitorIntervalMs');
  });
});

describe('runLag: the sample callbacks', () => {
  it('onApplyLag: every write applied at both followers after exactly the constant link; onFollowerRead: the truth within it, the monitor within it plus the reply trip back', () => {
    const applies: number[] = [];
    const reads: [number, number][] = [];
    const r = runLagSummary(
      {
        partitions: 1,
        followers: 2,
        clients: 1,
        writeRatio: 0.5,
        ops: 2000,
        replicationLatency: 'const(3)',
        clientLatency: 'const(0)',
        monitorIntervalMs: 10,
      },
      4,
      { onApplyLag: (ms) => applies.push(ms), onFollowerRead: (t, m) => reads.push([t, m]) },
    ).result;
    // No crashes: each write reaches both followers, after exactly the link's 3 ms (a constant
    // delay keeps the log order, so nothing waits for an earlier entry); the run may end before
    // the last write (one op every 10 ms on average) is applied.
    expect(applies.length).toBeLessThanOrEqual(2 * r.writes);
    expect(applies.length).toBeGreaterThanOrEqual(2 * (r.writes - 2));
    for (const x of applies) expect(x).toBeCloseTo(3, 9);
    // Random routing with 2 followers: every read goes to a follower.
    expect(reads.length).toBe(r.reads);
    // The true lag is the age of the oldest entry not yet applied, at most the 3 ms link; the
    // monitor's figure is that age when the reply reaches the leader, its trip (3 ms) later.
    for (const [truth, seen] of reads) {
      expect(truth).toBeLessThanOrEqual(3 + 1e-9);
      expect(seen).toBeLessThanOrEqual(6 + 1e-9);
    }
  });
});
