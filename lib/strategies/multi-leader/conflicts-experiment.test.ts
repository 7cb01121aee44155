import { describe, expect, it } from 'vitest';
import { conflictsRunFromFlags } from '../../cli/conflicts-command.js';
import { conflictsCsvRow } from '../../cli/conflicts-row.js';
import { LogHistogram } from '../../stats/index.js';
import {
  batchSeed,
  expectRefusedNaming,
  expectRowsAgree,
  expectSameAtAnyThreads,
} from '../../sweep/command-experiment.testkit.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { runMultiLeader, runMultiLeaderWithHistory } from './run-multi-leader.js';

describe('sweep experiment conflicts', () => {
  it('the CSV is byte-identical at 1, 2 and 8 threads (two runs per cell), with the columns of the conflicts CSV row', async () => {
    const result = await expectSameAtAnyThreads({
      experiment: 'conflicts',
      seed: 3,
      trials: 2,
      grid: { resolution: ['lww', 'siblings'], 'home-routing': [false, true] },
      fixed: { duration: 300 },
    });
    expect(result.columns).toEqual([
      'cell',
      'replicate',
      ...conflictsCsvRow(runMultiLeader({ durationMs: 10 }, 1), 1, {}).columns,
    ]);
    expect(result.cells.map((c) => [c.rows![0].resolution, c.rows![0].home_routing])).toEqual([
      ['lww', false],
      ['lww', true],
      ['siblings', false],
      ['siblings', true],
    ]);
  }, 60_000);

  it('a one-run cell is runMultiLeader with the seed drawn from deriveStream(seed, cell, 0)', async () => {
    const result = await runSweep(
      {
        experiment: 'conflicts',
        seed: 7,
        trials: 1,
        fixed: { duration: 1000, 'clock-skew': 'uniform(0,50)' },
      },
      { threads: 1 },
    );
    const config = conflictsRunFromFlags({ duration: '1000', clockSkew: 'uniform(0,50)' }).config;
    const direct = runMultiLeader(config, batchSeed(7, 0, 0));
    expect(direct.conflicts).toBeGreaterThan(0);
    expectRowsAgree(result.cells[0].rows![0], conflictsCsvRow(direct, 7, config).row);
  }, 30_000);

  it('runs pool: conflicts and lost writes summed (per datacenter too), write-latency quantiles from every write, follower-lag quantiles from every apply, the mean divergence series', async () => {
    const fixed = {
      duration: 500,
      'local-write-latency': 'exp(1)',
      'clock-skew': 'uniform(0,50)',
      'local-followers': 2,
      'local-replication-latency': 'exp(0.01)',
    };
    const result = await runSweep({ experiment: 'conflicts', seed: 4, trials: 3, fixed }, { threads: 1 });
    const row = result.cells[0].rows![0] as Record<string, unknown>;
    const config = conflictsRunFromFlags({
      duration: '500',
      localWriteLatency: 'exp(1)',
      clockSkew: 'uniform(0,50)',
      localFollowers: '2',
      localReplicationLatency: 'exp(0.01)',
    }).config;
    const runs = [0, 1, 2].map((b) => runMultiLeaderWithHistory(config, batchSeed(4, 0, b)));
    const total = (f: (r: (typeof runs)[number]) => number) => runs.reduce((t, r) => t + f(r), 0);
    expect(row.conflicts).toBe(total((r) => r.result.conflicts));
    expect(row.conflicts_per_1000_writes).toBe(
      (1000 * total((r) => r.result.conflicts)) / total((r) => r.result.writes),
    );
    const lostByDc = runs[0].result.acked_writes_lost_by_datacenter.map((_, dc) =>
      total((r) => r.result.acked_writes_lost_by_datacenter[dc]),
    );
    expect(row.acked_writes_lost_by_datacenter).toBe(JSON.stringify(lostByDc));
    const latency = new LogHistogram();
    for (const run of runs)
      for (const w of run.history.writes) if (w.ackMs !== null) latency.record(w.ackMs - w.invokeMs);
    expect(row.write_latency_ms_p99).toBe(latency.quantile(0.99));
    const lag = LogHistogram.from(runs[0].histograms.follower_lag_ms);
    for (const run of runs.slice(1)) lag.merge(run.histograms.follower_lag_ms);
    expect(lag.total).toBe(total((r) => r.result.follower_lag_ms.samples));
    expect([
      row.follower_lag_ms_p50,
      row.follower_lag_ms_p99,
      row.follower_lag_ms_max,
      row.follower_lag_ms_samples,
    ]).toEqual([lag.quantile(0.5), lag.quantile(0.99), lag.max, lag.total]);
    expect(new Set(runs.map((r) => r.result.follower_lag_ms.p99)).size).toBe(3);
    // Divergence: the mean over runs at each sample time, a run that stopped sampling counting with its final value.
    const series = runs.map((r) => r.result.divergence);
    const longest = Math.max(...series.map((s) => s.length));
    expect(new Set(series.map((s) => s.length)).size).toBeGreaterThan(1); // the carried case is exercised
    const mean = Array.from({ length: longest }, (_, i) => ({
      t_ms: series.find((s) => s.length > i)![i].t_ms,
      divergent_keys:
        series.reduce((t, s) => t + s[Math.min(i, s.length - 1)].divergent_keys, 0) / series.length,
    }));
    expect(mean.some((m) => m.divergent_keys > 0)).toBe(true);
    expect(row.divergence).toBe(JSON.stringify(mean));
  }, 30_000);

  it('bad values are refused before any work, naming the sweep field', () => {
    expectRefusedNaming(
      { experiment: 'conflicts', seed: 1, trials: 2, grid: { resolution: ['lww', 'coinflip'] } },
      'grid.resolution',
    );
    expectRefusedNaming(
      { experiment: 'conflicts', seed: 1, trials: 2, fixed: { 'non-fifo': 'maybe' } },
      'fixed.non-fifo',
    );
    expectRefusedNaming(
      { experiment: 'conflicts', seed: 1, trials: 2, cells: [{ topology: 'mesh' }] },
      'cells[0].topology',
    );
  });
});
