import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { LogHistogram } from '../stats/index.js';
import { MULTI_LEADER_DEFAULTS } from '../strategies/multi-leader/multi-leader-config.js';
import { runMultiLeader, runMultiLeaderWithHistory } from '../strategies/multi-leader/run-multi-leader.js';
import {
  batchSeed,
  expectRefusedNaming,
  expectRowsAgree,
  expectSameAtAnyThreads,
} from '../sweep/command-experiment.testkit.js';
import { runSweep } from '../sweep/run-sweep.js';
import { conflicts } from './conflicts.js';
import { fromText } from './param.js';

function refusal(action: () => unknown): ParameterError {
  try {
    action();
  } catch (error) {
    if (error instanceof ParameterError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('conflicts parameters', () => {
  it("the defaults give the model's defaults", () => {
    expect({ ...conflicts.config(conflicts.defaults()), devices: null }).toEqual(MULTI_LEADER_DEFAULTS);
  });

  it('the failing datacenter: three scalar parameters, one dcFailure (inf: for good)', () => {
    expect(conflicts.config(conflicts.resolve({ failDc: 1, failAtMs: 1000 })).dcFailure).toEqual({
      dc: 1,
      atMs: 1000,
      durationMs: Infinity,
    });
    expect(
      conflicts.config(conflicts.fromFile({ fail_dc: 2, fail_at_ms: '5', fail_for_ms: 100 })).dcFailure,
    ).toEqual({ dc: 2, atMs: 5, durationMs: 100 });
    expect(conflicts.fromFile({ fail_dc: 'none', fail_for_ms: 'inf' }).failDc).toBeNull();
    expect(refusal(() => conflicts.resolve({ failAtMs: 10 })).parameter).toBe('failDc');
    expect(refusal(() => conflicts.resolve({ failDc: 3 })).parameter).toBe('failDc');
    expect(refusal(() => conflicts.resolve({ datacenters: 1, failDc: 0 })).parameter).toBe('failDc');
  });

  it('local followers: one count, or a comma list with one count per datacenter', () => {
    const meta = conflicts.params.localFollowers.meta;
    expect(fromText(meta, '2')).toBe(2);
    expect(fromText(meta, '0, 3,1')).toEqual([0, 3, 1]);
    expect(fromText(meta, '0x1')).toBeUndefined();
    expect(conflicts.config(conflicts.fromFile({ local_followers: [0, 3, 1] })).localFollowers).toEqual([
      0, 3, 1,
    ]);
    expect(refusal(() => conflicts.resolve({ localFollowers: [1, 2] })).parameter).toBe('localFollowers');
    expect(refusal(() => conflicts.resolve({ localFollowers: 65 })).parameter).toBe('localFollowers');
  });

  it('--json: the stable names first, the result in the CSV order after', () => {
    const result = runMultiLeader({ durationMs: 10 }, 1);
    const json = conflicts.json(result, 1, conflicts.defaults());
    expect(Object.keys(json).slice(0, 8)).toEqual([
      'writes',
      'acked_writes',
      'conflicts',
      'conflicts_per_1000_writes',
      'acked_writes_lost',
      'converged',
      'convergence_ms',
      'out_of_order_applies',
    ]);
    expect(Object.keys(json).slice(-2)).toEqual(['seed', 'config']);
  });
});

describe('sweep experiment conflicts', () => {
  it('the CSV is byte-identical at 1, 2 and 8 threads (two runs per cell), with the columns of the conflicts CSV row', async () => {
    const result = await expectSameAtAnyThreads({
      experiment: 'conflicts',
      seed: 3,
      trials: 2,
      grid: { resolution: ['lww', 'siblings'], home_routing: [false, true] },
      fixed: { duration_ms: 300 },
    });
    expect(result.columns).toEqual([
      'cell',
      'replicate',
      ...conflicts.row(runMultiLeader({ durationMs: 10 }, 1), 1, conflicts.defaults(), 1).columns,
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
        fixed: { duration_ms: 1000, clock_skew: 'uniform(0,50)' },
      },
      { threads: 1 },
    );
    const values = conflicts.resolve({ durationMs: 1000, clockSkew: 'uniform(0,50)' });
    const direct = runMultiLeader(conflicts.config(values), batchSeed(7, 0, 0));
    expect(direct.conflicts).toBeGreaterThan(0);
    expectRowsAgree(result.cells[0].rows![0], conflicts.row(direct, 7, values, 1).row);
  }, 30_000);

  it('runs pool: conflicts and lost writes summed (per datacenter too), write-latency quantiles from every write, follower-lag quantiles from every apply, the mean divergence series', async () => {
    const fixed = {
      duration_ms: 500,
      local_write_latency: 'exp(1)',
      clock_skew: 'uniform(0,50)',
      local_followers: 2,
      local_replication_latency: 'exp(0.01)',
    };
    const result = await runSweep({ experiment: 'conflicts', seed: 4, trials: 3, fixed }, { threads: 1 });
    const row = result.cells[0].rows![0] as Record<string, unknown>;
    const config = conflicts.config(conflicts.fromFile(fixed));
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
      { experiment: 'conflicts', seed: 1, trials: 2, fixed: { fifo_links: 'maybe' } },
      'fixed.fifo_links',
    );
    expectRefusedNaming(
      { experiment: 'conflicts', seed: 1, trials: 2, fixed: { duration: 300 } },
      'fixed.duration',
    );
    expectRefusedNaming(
      { experiment: 'conflicts', seed: 1, trials: 2, fixed: { zipf: '0x1' } },
      'fixed.zipf',
    );
    expectRefusedNaming(
      { experiment: 'conflicts', seed: 1, trials: 2, cells: [{ fail_at_ms: 100 }] },
      'fail_dc (cell 0: fail_at_ms=100)', // the parameter to blame is not in the cell: the cell is named
    );
    expectRefusedNaming(
      { experiment: 'conflicts', seed: 1, trials: 2, cells: [{ topology: 'mesh' }] },
      'cells[0].topology',
    );
  });
});
