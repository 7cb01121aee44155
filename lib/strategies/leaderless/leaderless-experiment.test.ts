import { describe, expect, it } from 'vitest';
import { leaderlessCsvRow, leaderlessRunFromFlags } from '../../cli/leaderless-command.js';
import { LogHistogram } from '../../stats/index.js';
import {
  batchSeed,
  expectRefusedNaming,
  expectRowsAgree,
  expectSameAtAnyThreads,
} from '../../sweep/command-experiment.testkit.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { runLeaderless, runLeaderlessWithHistory } from './run-leaderless.js';

describe('sweep experiment leaderless', () => {
  it('the CSV is byte-identical at 1, 2 and 8 threads (two runs per cell), with the columns of replilab leaderless --out', async () => {
    const result = await expectSameAtAnyThreads({
      experiment: 'leaderless',
      seed: 6,
      trials: 2,
      grid: { w: [1, 2], sloppy: [false, true] },
      fixed: { r: 1, ops: 300, 'clock-skew': 'uniform(0,20)' },
    });
    expect(result.columns).toEqual([
      'cell',
      'replicate',
      ...leaderlessCsvRow(runLeaderless({ ops: 10 }, 1), 1, {}).columns,
    ]);
    expect(result.cells.map((c) => [c.rows![0].w, c.rows![0].sloppy])).toEqual([
      [1, false],
      [1, true],
      [2, false],
      [2, true],
    ]);
  }, 60_000);

  it('a one-run cell is runLeaderless with the seed drawn from deriveStream(seed, cell, 0)', async () => {
    const result = await runSweep(
      {
        experiment: 'leaderless',
        seed: 2,
        trials: 1,
        fixed: { r: 1, w: 1, ops: 2000, keys: 10, 'clock-skew': 'uniform(0,50)' },
      },
      { threads: 1 },
    );
    const config = leaderlessRunFromFlags({
      r: '1',
      w: '1',
      ops: '2000',
      keys: '10',
      clockSkew: 'uniform(0,50)',
    }).config;
    const direct = runLeaderless(config, batchSeed(2, 0, 0));
    expect(direct.intervals.stale_read_fraction.count).toBeGreaterThan(0);
    expect(direct.acked_writes_lost).toBeGreaterThan(0);
    expectRowsAgree(result.cells[0].rows![0], leaderlessCsvRow(direct, 2, config).row);
  }, 30_000);

  it('runs pool: stale reads and lost writes from pooled counts, latency quantiles from every operation', async () => {
    const result = await runSweep(
      { experiment: 'leaderless', seed: 9, trials: 3, fixed: { r: 1, w: 1, ops: 600, conflict: 'siblings' } },
      { threads: 1 },
    );
    const row = result.cells[0].rows![0] as Record<string, number | boolean | null>;
    const config = leaderlessRunFromFlags({ r: '1', w: '1', ops: '600', conflict: 'siblings' }).config;
    const runs = [0, 1, 2].map((b) => runLeaderlessWithHistory(config, batchSeed(9, 0, b)));
    const total = (f: (r: (typeof runs)[number]) => number) => runs.reduce((t, r) => t + f(r), 0);
    const stale = {
      count: total((r) => r.result.intervals.stale_read_fraction.count),
      of: total((r) => r.result.intervals.stale_read_fraction.of),
    };
    expect(row.stale_read_fraction).toBe(stale.count / stale.of);
    expect(row.acked_writes_lost).toBe(total((r) => r.result.acked_writes_lost));
    expect(row.max_siblings).toBe(Math.max(...runs.map((r) => r.result.max_siblings)));
    const siblings =
      total((r) => r.result.mean_siblings! * r.history.reads.length) / total((r) => r.history.reads.length);
    expect(row.mean_siblings as number).toBeCloseTo(siblings, 12);
    const writes = new LogHistogram();
    for (const run of runs)
      for (const w of run.history.writes) if (w.ackMs !== null) writes.record(w.ackMs - w.invokeMs);
    const reads = new LogHistogram();
    for (const run of runs) for (const r of run.history.reads) reads.record(r.returnMs - r.invokeMs);
    expect([
      row.read_p50_ms,
      row.read_p99_ms,
      row.read_p999_ms,
      row.write_p50_ms,
      row.write_p99_ms,
      row.write_p999_ms,
    ]).toEqual([
      reads.quantile(0.5),
      reads.quantile(0.99),
      reads.quantile(0.999),
      writes.quantile(0.5),
      writes.quantile(0.99),
      writes.quantile(0.999),
    ]);
    expect(new Set(runs.map((r) => r.result.latency_ms.read.p99)).size).toBe(3);
  }, 30_000);

  it('bad values are refused before any work, naming the sweep field', () => {
    expectRefusedNaming({ experiment: 'leaderless', seed: 1, trials: 2, grid: { w: [1, 4] } }, 'grid.w');
    expectRefusedNaming(
      { experiment: 'leaderless', seed: 1, trials: 2, fixed: { 'clock-skew': 'exp(-1)' } },
      'fixed.clock-skew',
    );
    expectRefusedNaming(
      { experiment: 'leaderless', seed: 1, trials: 2, fixed: { 'crash-mtbf': 'exp(0.1)' } },
      'crash-mttr',
    );
    expectRefusedNaming(
      { experiment: 'leaderless', seed: 1, trials: 2, fixed: { config: 'x.yaml' } },
      'fixed.config',
    );
  });
});
