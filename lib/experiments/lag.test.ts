import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../stats/index.js';
import { LAG_DEFAULTS } from '../strategies/leader-follower/lag-config.js';
import { runLag, runLagWithHistory } from '../strategies/leader-follower/run-lag.js';
import {
  batchSeed,
  expectRefusedNaming,
  expectRowsAgree,
  expectSameAtAnyThreads,
} from '../sweep/command-experiment.testkit.js';
import { runSweep } from '../sweep/run-sweep.js';
import { lag } from './lag.js';

describe('lag parameters', () => {
  it("the defaults give the model's defaults (the rate converted from per second to per ms)", () => {
    expect({ ...lag.config(lag.defaults()), followerCrash: null }).toEqual(LAG_DEFAULTS);
    expect(lag.defaults().rate).toBe(100);
    expect(lag.config(lag.resolve({ rate: 20 })).ratePerMs).toBe(0.02);
  });
});

describe('sweep experiment lag', () => {
  it('the CSV is byte-identical at 1, 2 and 8 threads (two runs per cell), with the columns of replilab lag --out', async () => {
    const result = await expectSameAtAnyThreads({
      experiment: 'lag',
      seed: 4,
      trials: 2,
      grid: { routing: ['random', 'sticky'] },
      fixed: { ops: 300 },
    });
    expect(result.columns).toEqual([
      'cell',
      'replicate',
      ...lag.row(runLag({ ops: 20 }, 1), 1, lag.defaults(), 1).columns,
    ]);
    expect(result.cells.map((c) => [c.rows![0].routing, c.rows![0].trials])).toEqual([
      ['random', 2],
      ['sticky', 2],
    ]);
  }, 60_000);

  it('a one-run cell is runLag with the seed drawn from deriveStream(seed, cell, 0)', async () => {
    const result = await runSweep(
      {
        experiment: 'lag',
        seed: 8,
        trials: 1,
        cells: [{ routing: 'sticky' }, { routing: 'random', ops: 500 }],
      },
      { threads: 1 },
    );
    const values = lag.resolve({ routing: 'random', ops: 500 });
    const direct = runLag(lag.config(values), batchSeed(8, 1, 0));
    expect(direct.intervals.ryw_violations.count).toBeGreaterThan(0);
    expectRowsAgree(result.cells[1].rows![0], lag.row(direct, 8, values, 1).row);
  }, 30_000);

  it('runs pool: anomaly counts summed with intervals from them, read-latency quantiles from every read, replication-lag quantiles from every apply of every run', async () => {
    const result = await runSweep(
      {
        experiment: 'lag',
        seed: 3,
        trials: 3,
        fixed: { routing: 'random', ops: 400, client_latency: 'exp(1)' },
      },
      { threads: 1 },
    );
    const row = result.cells[0].rows![0] as Record<string, number | null>;
    const config = lag.config(lag.resolve({ routing: 'random', ops: 400, clientLatency: 'exp(1)' }));
    const runs = [0, 1, 2].map((b) => runLagWithHistory(config, batchSeed(3, 0, b)));
    const ryw = runs.reduce(
      (t, r) => ({
        count: t.count + r.result.intervals.ryw_violations.count,
        of: t.of + r.result.intervals.ryw_violations.of,
      }),
      { count: 0, of: 0 },
    );
    expect(row.ryw_violations).toBe(ryw.count / ryw.of);
    expect(row.reads).toBe(runs.reduce((t, r) => t + r.result.reads, 0));
    const reads = new LogHistogram();
    for (const run of runs) for (const read of run.history.reads) reads.record(read.returnMs - read.invokeMs);
    expect(row.read_latency_ms_p99).toBe(reads.quantile(0.99));
    expect(row.read_latency_ms_samples).toBe(reads.total);
    expect(row.lag_ms_max).toBe(Math.max(...runs.map((r) => r.result.lag_ms.max!)));
    const merged = LogHistogram.from(runs[0].histograms.lag_ms);
    for (const run of runs.slice(1)) merged.merge(run.histograms.lag_ms);
    expect(merged.total).toBe(runs.reduce((t, r) => t + r.result.lag_ms.samples, 0));
    expect([row.lag_ms_p50, row.lag_ms_p90, row.lag_ms_p99, row.lag_ms_p999]).toEqual(
      [0.5, 0.9, 0.99, 0.999].map((p) => merged.quantile(p)),
    );
    expect(row.lag_ms_mean).toBe(merged.mean());
    expect(row.lag_ms_samples).toBe(merged.total);
    expect(new Set(runs.map((r) => r.result.lag_ms.p99)).size).toBe(3); // three distinct runs, not one counted thrice
  }, 30_000);

  it('bad values are refused before any work, naming the sweep field', () => {
    expectRefusedNaming(
      { experiment: 'lag', seed: 1, trials: 2, grid: { routing: ['random', 'nowhere'] } },
      'grid.routing',
    );
    expectRefusedNaming(
      { experiment: 'lag', seed: 1, trials: 2, fixed: { followers: 'three' } },
      'fixed.followers',
    );
    expectRefusedNaming(
      { experiment: 'lag', seed: 1, trials: 2, cells: [{ write_ratio: 1.5 }] },
      'cells[0].write_ratio',
    );
    expectRefusedNaming({ experiment: 'lag', seed: 1, trials: 2, fixed: { zipf: '0x1' } }, 'fixed.zipf');
    expectRefusedNaming(
      { experiment: 'lag', seed: 1, trials: 2, fixed: { rate_per_ms: 0.1 } },
      'rate_per_ms',
    );
  });
});
