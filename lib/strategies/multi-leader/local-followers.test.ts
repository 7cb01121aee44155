import { describe, expect, it } from 'vitest';
import { ParameterError } from '../../errors.js';
import { refusedParameter } from '../../errors.testkit.js';
import { wilsonInterval } from '../../stats/index.js';
import { followerStaleReadProbability, independentReadSample } from './follower-staleness.js';
import type { MultiLeaderConfig } from './multi-leader-config.js';
import { runMultiLeader, runMultiLeaderWithHistory } from './run-multi-leader.js';

describe('local followers: stale reads against the closed form 1 - exp(-lambda d)', () => {
  // A follower with a constant delay d holds what its leader had applied up to t - d, so a read at
  // t is stale iff the leader applied a version of the key in (t - d, t] (derivation at
  // followerStaleReadProbability). The leader's applies of one key are Poisson at rate
  // D * writeRate / keys (its own writes plus the other leaders', shifted by the constant link
  // delay L), stationary from L on. Datacenter 0's reads are thinned to disjoint windows
  // (independentReadSample), so the indicators are independent and the Wilson interval is valid.
  const cells = [
    { datacenters: 1, keys: 1, ratePerSec: 10, delayMs: 50, linkMs: 50 }, // lambda d = 0.5
    { datacenters: 2, keys: 1, ratePerSec: 5, delayMs: 20, linkMs: 30 }, // 0.2, with the other leader's versions
    { datacenters: 1, keys: 4, ratePerSec: 40, delayMs: 25, linkMs: 50 }, // 0.25 per key, keys uniform
  ];
  for (const cell of cells) {
    it(`${cell.datacenters} datacenter(s), ${cell.keys} key(s), ${cell.ratePerSec} writes/s each, d = ${cell.delayMs} ms: within the Wilson 95% interval`, () => {
      const run = runMultiLeaderWithHistory(
        {
          datacenters: cell.datacenters,
          keys: cell.keys,
          writeRatePerSec: cell.ratePerSec,
          durationMs: 6e5,
          interDcLatency: `const(${cell.linkMs})`,
          resolution: 'merge',
          localFollowers: 2,
          localReplicationLatency: `const(${cell.delayMs})`,
          localReadRatePerSec: 50,
        },
        11,
      );
      const times: number[] = [];
      const stale: number[] = [];
      const keys: number[] = [];
      run.reads.dc.forEach((dc, i) => {
        if (dc !== 0) return;
        times.push(run.reads.atMs[i]);
        stale.push(run.reads.stale[i]);
        keys.push(run.reads.key[i]);
      });
      // Thinned per key: the keys' write streams are independent Poisson processes.
      const sample = independentReadSample(times, stale, cell.delayMs, cell.linkMs + cell.delayMs, keys);
      const expected = followerStaleReadProbability(
        (cell.datacenters * cell.ratePerSec) / 1000 / cell.keys,
        cell.delayMs,
      );
      const ci = wilsonInterval(sample.count, sample.of);
      expect(sample.of).toBeGreaterThan(8000);
      expect(expected).toBeGreaterThanOrEqual(ci.low);
      expect(expected).toBeLessThanOrEqual(ci.high);
      // Every follower read is counted, and the lag of a constant FIFO stream is the delay itself.
      const r = run.result;
      expect(r.follower_reads).toBe(r.local_reads);
      expect(r.follower_stale_reads).toBe(run.reads.stale.reduce((a, b) => a + b, 0));
      expect(r.follower_lag_ms.max).toBeCloseTo(cell.delayMs, 9);
      expect(r.follower_lag_ms.p50).toBeCloseTo(cell.delayMs, 9);
      expect(r.follower_lag_ms.samples).toBe(2 * cell.datacenters * r.writes);
    });
  }

  it('the stale fraction grows with the follower delay', () => {
    const fractions = [2, 10, 50].map(
      (d) =>
        runMultiLeader(
          {
            datacenters: 2,
            keys: 5,
            writeRatePerSec: 50,
            durationMs: 20000,
            localFollowers: 1,
            localReplicationLatency: `const(${d})`,
            localReadRatePerSec: 100,
          },
          4,
        ).intervals.follower_stale_reads,
    );
    expect(fractions[1].low).toBeGreaterThan(fractions[0].high);
    expect(fractions[2].low).toBeGreaterThan(fractions[1].high);
  });
});

describe('local followers: zero delay, leaders without followers, convergence', () => {
  const scenarios: [string, Partial<MultiLeaderConfig>][] = [
    ['all-to-all, LWW with skew', { datacenters: 3, clockSkew: 'uniform(0,50)' }],
    [
      'ring, siblings, per-datacenter counts',
      { datacenters: 3, topology: 'ring', resolution: 'siblings', localFollowers: [2, 0, 1] },
    ],
    [
      'star, an outage, home routing',
      {
        datacenters: 4,
        topology: 'star',
        homeRouting: true,
        dcFailure: { dc: 2, atMs: 1000, durationMs: 1500 },
      },
    ],
    [
      'devices',
      {
        datacenters: 2,
        resolution: 'merge',
        devices: {
          count: 4,
          writeRatePerSec: 5,
          online: 'exp(0.005)',
          offline: 'exp(0.002)',
          syncLatency: 'const(20)',
        },
      },
    ],
  ];
  for (const [name, extra] of scenarios) {
    it(`${name}: with const(0) no follower read is stale, and followers converge`, () => {
      const r = runMultiLeader(
        {
          keys: 5,
          writeRatePerSec: 50,
          durationMs: 4000,
          localFollowers: 2,
          localReplicationLatency: 'const(0)',
          localReadRatePerSec: 200,
          ...extra,
        },
        9,
      );
      expect(r.follower_reads).toBeGreaterThan(500);
      expect(r.follower_stale_reads).toBe(0);
      expect(r.follower_lag_ms.max).toBe(0);
      expect(r.converged).toBe(true);
    });
  }

  it('followers are passive: the write history, conflicts and losses are those of the run without them', () => {
    const base: Partial<MultiLeaderConfig> = {
      datacenters: 3,
      keys: 10,
      durationMs: 3000,
      clockSkew: 'uniform(0,40)',
      interDcLatency: 'uniform(20,80)',
    };
    const without = runMultiLeaderWithHistory(base, 5);
    const withFollowers = runMultiLeaderWithHistory(
      { ...base, localFollowers: 3, localReplicationLatency: 'exp(0.2)', localReadRatePerSec: 100 },
      5,
    );
    expect(withFollowers.log.applyMs).toEqual(without.log.applyMs);
    expect(withFollowers.log.node).toEqual(without.log.node);
    for (const field of [
      'writes',
      'conflicts',
      'acked_writes_lost',
      'out_of_order_applies',
      'replication_messages',
    ] as const) {
      expect(withFollowers.result[field], field).toBe(without.result[field]);
    }
    expect(without.result.local_reads).toBe(0);
    expect(without.result.follower_lag_ms).toEqual({ p50: null, p99: null, max: null, samples: 0 });
  });

  it('without followers the leader serves local reads, and they are never stale', () => {
    const r = runMultiLeader({ datacenters: 2, durationMs: 2000, localReadRatePerSec: 100 }, 1);
    expect(r.local_reads).toBeGreaterThan(300);
    expect(r.follower_reads).toBe(0);
    expect(r.follower_stale_reads).toBe(0);
    expect(r.intervals.follower_stale_reads.of).toBe(0);
  });

  it("convergence waits for the followers: the last write's one hop (L) plus the follower delay (d)", () => {
    const base: Partial<MultiLeaderConfig> = {
      datacenters: 3,
      keys: 20,
      writeRatePerSec: 50,
      durationMs: 3000,
      interDcLatency: 'const(40)',
      resolution: 'merge',
    };
    expect(runMultiLeader(base, 2).convergence_ms).toBeCloseTo(40, 9);
    const r = runMultiLeader({ ...base, localFollowers: 2, localReplicationLatency: 'const(15)' }, 2);
    expect(r.convergence_ms).toBeCloseTo(55, 9);
    expect(r.converged).toBe(true);
  });

  it('a jittered stream: every version reaches every follower, lag quantiles are ordered, replicas converge', () => {
    const r = runMultiLeader(
      {
        datacenters: 2,
        keys: 10,
        durationMs: 5000,
        localFollowers: 2,
        localReplicationLatency: 'exp(0.1)',
        localReadRatePerSec: 50,
      },
      3,
    );
    const lag = r.follower_lag_ms;
    expect(lag.samples).toBe(2 * 2 * r.writes);
    expect(lag.p50 as number).toBeGreaterThan(0);
    expect(lag.p99 as number).toBeGreaterThan(lag.p50 as number);
    expect(lag.max as number).toBeGreaterThanOrEqual(lag.p99 as number);
    expect(r.converged).toBe(true);
  });

  it('refuses bad fields, naming them', () => {
    const bad: [Partial<MultiLeaderConfig>, string][] = [
      [{ localFollowers: -1 }, 'localFollowers'],
      [{ localFollowers: 1.5 }, 'localFollowers'],
      [{ localFollowers: 65 }, 'localFollowers'],
      [{ datacenters: 3, localFollowers: [1, 2] }, 'localFollowers'],
      [{ datacenters: 2, localFollowers: [1, -2] }, 'localFollowers[1]'],
      [{ localReplicationLatency: 'exp(' }, 'localReplicationLatency'],
      [{ localReplicationLatency: 5 as never }, 'localReplicationLatency'],
      [{ localReadRatePerSec: -1 }, 'localReadRatePerSec'],
      [{ localReadRatePerSec: Infinity }, 'localReadRatePerSec'],
    ];
    for (const [config, field] of bad)
      expect(
        refusedParameter(() => runMultiLeader(config, 1)),
        field,
      ).toBe(field);
  });
});

describe('followerStaleReadProbability and independentReadSample', () => {
  it('the closed form at known points', () => {
    expect(followerStaleReadProbability(0.01, 50)).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(followerStaleReadProbability(0.01, 0)).toBe(0);
    expect(() => followerStaleReadProbability(0, 10)).toThrow(ParameterError);
  });
  it('takes reads at least d apart, from max(fromMs, d) on', () => {
    expect(independentReadSample([10, 40, 75, 130], [1, 1, 0, 1], 50, 50)).toEqual({ count: 1, of: 2 });
    expect(independentReadSample([60, 70, 80, 200], [1, 0, 0, 0], 10, 0)).toEqual({ count: 1, of: 4 });
    expect(independentReadSample([60, 70, 80], [1, 0, 1], 50, 50, [0, 1, 0])).toEqual({ count: 1, of: 2 });
  });
});
