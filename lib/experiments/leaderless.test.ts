import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../stats/index.js';
import { runLeaderless, runLeaderlessWithHistory } from '../strategies/leaderless/run-leaderless.js';
import {
  batchSeed,
  expectRefusedNaming,
  expectRowsAgree,
  expectSameAtAnyThreads,
} from '../sweep/command-experiment.testkit.js';
import { runSweep } from '../sweep/run-sweep.js';
import type { ParameterError } from '../errors.js';
import { LEADERLESS_DEFAULTS, validateLeaderlessConfig } from '../strategies/leaderless/cluster-config.js';
import { leaderless, parseNodeIds, parsePartitions, partitionsText, valuesOfConfig } from './leaderless.js';

describe('sweep experiment leaderless', () => {
  it('the CSV is byte-identical at 1, 2 and 8 threads (two runs per cell), with the columns of replilab leaderless --out', async () => {
    const result = await expectSameAtAnyThreads({
      experiment: 'leaderless',
      seed: 6,
      trials: 2,
      grid: { w: [1, 2], sloppy: [false, true] },
      fixed: { r: 1, ops: 300, clock_skew: 'uniform(0,20)' },
    });
    expect(result.columns).toEqual([
      'cell',
      'replicate',
      ...leaderless.row(runLeaderless({ ops: 10 }, 1), 1, leaderless.defaults(), 1).columns,
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
        fixed: { r: 1, w: 1, ops: 2000, keys: 10, clock_skew: 'uniform(0,50)' },
      },
      { threads: 1 },
    );
    const values = leaderless.resolve({ r: 1, w: 1, ops: 2000, keys: 10, clockSkew: 'uniform(0,50)' });
    const direct = runLeaderless(leaderless.config(values), batchSeed(2, 0, 0));
    expect(direct.intervals.stale_read_fraction.count).toBeGreaterThan(0);
    expect(direct.acked_writes_lost).toBeGreaterThan(0);
    expectRowsAgree(result.cells[0].rows![0], leaderless.row(direct, 2, values, 1).row);
  }, 30_000);

  it('runs pool: stale reads and lost writes from pooled counts, latency quantiles from every operation', async () => {
    const result = await runSweep(
      { experiment: 'leaderless', seed: 9, trials: 3, fixed: { r: 1, w: 1, ops: 600, conflict: 'siblings' } },
      { threads: 1 },
    );
    const row = result.cells[0].rows![0] as Record<string, number | boolean | null>;
    const config = leaderless.config(leaderless.resolve({ r: 1, w: 1, ops: 600, conflict: 'siblings' }));
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
      { experiment: 'leaderless', seed: 1, trials: 2, fixed: { clock_skew: 'exp(-1)' } },
      'fixed.clock_skew',
    );
    expectRefusedNaming(
      { experiment: 'leaderless', seed: 1, trials: 2, fixed: { crash_mtbf: 'exp(0.1)' } },
      'crash_mttr (cell 0',
    );
    expectRefusedNaming(
      { experiment: 'leaderless', seed: 1, trials: 2, fixed: { 'clock-skew': 'uniform(0,5)' } },
      'fixed.clock-skew',
    );
    expectRefusedNaming(
      { experiment: 'leaderless', seed: 1, trials: 2, grid: { rate: [100, 0] } },
      'grid.rate',
    );
    expectRefusedNaming(
      { experiment: 'leaderless', seed: 1, trials: 2, fixed: { config: 'x.yaml' } },
      'fixed.config',
    );
  });
});

describe('leaderless parameters', () => {
  it('the defaults give the model defaults; rate is per second here, per ms in the model', () => {
    const config = leaderless.config(leaderless.defaults());
    expect({ ...LEADERLESS_DEFAULTS, ...config }).toEqual({ ...LEADERLESS_DEFAULTS });
    // null (one session per client) is left out of the config: the model's default must be it.
    expect(config).not.toHaveProperty('sessionLength');
    expect(validateLeaderlessConfig(config).sessionLength).toBe(Infinity);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(leaderless.config(leaderless.resolve({ rate: 500 })).arrivals).toEqual({
      kind: 'open',
      ratePerMs: 0.5,
    });
  });

  it('flat parameters build the nested model config, and valuesOfConfig goes back', () => {
    const values = leaderless.resolve({
      arrivals: 'closed',
      think: 'exp(0.1)',
      sessionLength: 20,
      crashMtbf: 'exp(0.0005)',
      crashMttr: 'exp(0.002)',
      storeLoss: 0.5,
      partitions: '1000-3000:0,1|2,3,4;5000-inf:0|1',
      partitionEvery: 'exp(0.001)',
      partitionDuration: 'exp(0.01)',
      partitionIsolate: 2,
      slowNodes: '0,2',
      slowDelay: 'exp(0.05)',
    });
    const config = leaderless.config(values);
    expect(config).toMatchObject({
      arrivals: { kind: 'closed', think: 'exp(0.1)' },
      sessionLength: 20,
      crash: { ttf: 'exp(0.0005)', ttr: 'exp(0.002)' },
      storeLoss: 0.5,
      partitions: [
        {
          startMs: 1000,
          endMs: 3000,
          groups: [
            [0, 1],
            [2, 3, 4],
          ],
        },
        { startMs: 5000, endMs: Infinity, groups: [[0], [1]] },
      ],
      randomPartitions: { every: 'exp(0.001)', duration: 'exp(0.01)', isolate: 2 },
      slowNodes: { nodes: [0, 2], delay: 'exp(0.05)' },
    });
    expect(leaderless.resolve(valuesOfConfig(config))).toEqual(values);
    expect(() => validateLeaderlessConfig(config)).not.toThrow();
  });

  it('cross-field rules name the parameter to change', () => {
    const refused = (input: Record<string, unknown>) => {
      try {
        leaderless.resolve(input);
      } catch (error) {
        return (error as ParameterError).parameter;
      }
      return undefined;
    };
    expect(refused({ nodes: 2 })).toBe('n');
    expect(refused({ n: 1 })).toBe('r');
    expect(refused({ w: 4 })).toBe('w');
    expect(refused({ think: 'exp(0.1)' })).toBe('think');
    expect(refused({ arrivals: 'closed' })).toBe('think');
    expect(refused({ crashMtbf: 'exp(0.1)' })).toBe('crashMttr');
    expect(refused({ storeLoss: 0.1 })).toBe('storeLoss');
    expect(refused({ partitionDuration: 'exp(0.1)' })).toBe('partitionEvery');
    expect(refused({ partitionEvery: 'exp(0.1)', partitionDuration: 'exp(0.1)', partitionIsolate: 5 })).toBe(
      'partitionIsolate',
    );
    expect(refused({ slowNodes: '0,7', slowDelay: 'exp(1)' })).toBe('slowNodes');
    expect(refused({ slowDelay: 'exp(1)' })).toBe('slowNodes');
    expect(refused({ partitions: '0-10:0|9' })).toBe('partitions');
    expect(refused({ partitions: '0-10:0,1|1' })).toBe('partitions');
    expect(refused({ latency: 'wan' })).toBe('latency');
  });

  it('partitions and slow nodes read and write their text forms', () => {
    expect(parsePartitions('none')).toEqual([]);
    expect(parsePartitions('5-3:0|1')).toBeUndefined();
    expect(parsePartitions('0-10:0')).toBeUndefined();
    expect(partitionsText(parsePartitions('0-10:0,1|2;20-inf:3|4')!)).toBe('0-10:0,1|2;20-inf:3|4');
    expect(parseNodeIds('0, 2')).toEqual([0, 2]);
    expect(parseNodeIds('none')).toBeNull();
    expect(parseNodeIds('0,0')).toBeUndefined();
  });
});
