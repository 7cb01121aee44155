import { describe, expect, it } from 'vitest';
import { consistentPrefix, monotonicReads, readYourWrites, timestampOrder } from '../../check/index.js';
import { refusedParameter } from '../../errors.testkit.js';
import { latencySummary, LogHistogram } from '../../stats/index.js';
import { READ_ROUTINGS } from './lag-config.js';
import { runLag, runLagSummary, runLagWithHistory } from './run-lag.js';

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

  it('client-position (redirect or wait): no read-your-writes and no monotonic-read violation, few leader reads', () => {
    for (const r of [
      results['client-position'],
      runLag({ routing: 'client-position', positionWait: true, ops }, 1),
    ]) {
      expect(r.intervals.ryw_violations.count).toBe(0);
      expect(r.intervals.monotonic_read_violations.count).toBe(0);
    }
    expect(results['client-position'].leader_read_share).toBeLessThan(
      results['leader-for-own'].leader_read_share,
    );
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

  it("the result's counts are the checkers' on the returned history", () => {
    const { result, history, dependsOn } = runLagWithHistory({ routing: 'random', ops: 4000 }, 3);
    expect(result.intervals.ryw_violations).toMatchObject(readYourWrites(history, timestampOrder).violations);
    expect(result.intervals.monotonic_read_violations).toMatchObject(
      monotonicReads(history, timestampOrder).violations,
    );
    expect(result.intervals.consistent_prefix_violations).toMatchObject(
      consistentPrefix(history, dependsOn, timestampOrder).violations,
    );
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
