import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStaleness } from '../strategies/leaderless/staleness.js';
import { STALENESS_COLUMNS } from '../strategies/leaderless/staleness-rows.js';
import { resolveLatency } from '../latency/index.js';
import { runSweep, type SweepProgress } from './run-sweep.js';
import { selftest } from '../experiments/selftest.js';
import { irwinHallCdf, runSelftest, SELFTEST_BATCH_TRIALS } from './selftest.js';
import { toCsv } from './csv-output.js';

// Worker threads run dist/lib/sweep/worker.js: npm test builds first.

describe('irwinHallCdf', () => {
  it('known values', () => {
    expect(irwinHallCdf(1, 0.3)).toBeCloseTo(0.3, 14);
    expect(irwinHallCdf(2, 1)).toBeCloseTo(0.5, 14);
    expect(irwinHallCdf(2, 1.5)).toBeCloseTo(1 - 0.5 * 0.5 ** 2, 14); // 0.875
    expect(irwinHallCdf(3, 1)).toBeCloseTo(1 / 6, 14); // volume of the unit simplex
    expect(irwinHallCdf(3, 1.5)).toBeCloseTo(0.5, 14); // symmetry about k/2
    expect(irwinHallCdf(4, 2)).toBeCloseTo(0.5, 14);
    expect(irwinHallCdf(5, -1)).toBe(0);
    expect(irwinHallCdf(5, 6)).toBe(1);
  });
});

describe('runSweep: selftest', () => {
  it('every estimate agrees with the closed form within its Wilson interval (widened slightly)', async () => {
    const result = await runSweep(
      { experiment: 'selftest', seed: 3, trials: 200_000, grid: { k: [1, 2, 3, 5], x: [0.5, 1, 2.2] } },
      { threads: 1 },
    );
    expect(result.cells).toHaveLength(12);
    expect(result.failures).toEqual([]);
    for (const cell of result.cells) {
      const row = cell.rows![0] as Record<string, number>;
      expect(row.p_exact).toBe(irwinHallCdf(row.k, row.x));
      // A 95% interval misses now and then; widen it by half its width so 12 cells pass reliably.
      const half = (row.ci_high - row.ci_low) / 2;
      expect(row.p_exact).toBeGreaterThanOrEqual(row.ci_low - half);
      expect(row.p_exact).toBeLessThanOrEqual(row.ci_high + half);
      expect(row.trials).toBe(200_000);
    }
  });

  it('a one-cell sweep gives the library run of the schema experiment (runSelftest), parameters first', async () => {
    const result = await runSweep(
      { experiment: 'selftest', seed: 4, trials: 40_000, fixed: { k: 3, x: 1.2 } },
      { threads: 1 },
    );
    const row = result.cells[0].rows![0];
    expect(Object.keys(row).slice(0, 7)).toEqual(['cell', 'replicate', 'k', 'x', 'work', 'fail', 'hold_mb']);
    const run = await selftest.execute({ k: 3, x: 1.2, trials: 40_000 }, 4);
    expect(run).toEqual(runSelftest({ k: 3, x: 1.2, work: 1, fail: false, holdMb: 0 }, 40_000, 4));
    expect(row).toMatchObject({ ...run, fail: false, hold_mb: 0, seed: 4 });
  });

  it('the CSV is the same at 1 and 3 threads, and runs only the requested cell on demand', async () => {
    const spec = {
      experiment: 'selftest',
      seed: 9,
      trials: 50_000,
      grid: { k: [1, 2, 3] },
      fixed: { x: 0.7 },
      replicates: 2,
    };
    const one = await runSweep(spec, { threads: 1 });
    const three = await runSweep(spec, { threads: 3 });
    expect(three.csv).toBe(one.csv);
    expect(one.cells.map((c) => [c.cell, c.replicate])).toEqual([
      [0, 0],
      [1, 1],
      [2, 0],
      [3, 1],
      [4, 0],
      [5, 1],
    ]);
    // Replicates draw from their own streams.
    expect(one.cells[0].csv.split(',').slice(2)).not.toEqual(one.cells[1].csv.split(',').slice(2));
    const only = await runSweep(spec, { threads: 1, cell: 4 });
    expect(only.cells).toHaveLength(1);
    expect(only.cells[0].csv).toBe(one.cells[4].csv);
  });

  it('adaptive precision stops each cell once its interval is narrow enough, or at the cap; 1 and 2 threads agree', async () => {
    // Wilson width ~ 3.92 sqrt(p(1-p)/n): below 0.005 after 10 batches at p=0.5, 4 at p=0.1, 1 at p=0.01.
    const spec = {
      experiment: 'selftest',
      seed: 1,
      trials: 100_000,
      grid: { x: [0.5, 0.1, 0.01] },
      fixed: { k: 1 },
    };
    const progress: SweepProgress[] = [];
    const one = await runSweep(spec, { threads: 1, ciWidth: 0.005, onProgress: (p) => progress.push(p) });
    const two = await runSweep(spec, { threads: 2, ciWidth: 0.005 });
    expect(two.csv).toBe(one.csv);
    // p = 0.5 hits the cap (100000, the spec's trials); the others stop at whole batches.
    expect(one.cells.map((c) => c.trials)).toEqual([
      100_000,
      4 * SELFTEST_BATCH_TRIALS,
      SELFTEST_BATCH_TRIALS,
    ]);
    const widths = one.cells.map((c) => (c.rows![0].ci_high as number) - (c.rows![0].ci_low as number));
    expect(widths[0]).toBeGreaterThan(0.005);
    expect(widths[1]).toBeLessThan(0.005);
    expect(widths[2]).toBeLessThan(0.005);
    // Stopping after batch j used only batches 0..j: one batch fewer would not have been narrow enough.
    const capped = await runSweep(
      { ...spec, grid: { x: [0.1] } },
      { threads: 1, ciWidth: 0.005, maxTrials: 3 * SELFTEST_BATCH_TRIALS },
    );
    const w3 = (capped.cells[0].rows![0].ci_high as number) - (capped.cells[0].rows![0].ci_low as number);
    expect(w3).toBeGreaterThanOrEqual(0.005);
    // A larger cap lets the p = 0.5 cell reach the width.
    const more = await runSweep(
      { ...spec, grid: { x: [0.5] } },
      { threads: 2, ciWidth: 0.005, maxTrials: 1_000_000 },
    );
    expect(more.cells[0].trials).toBe(10 * SELFTEST_BATCH_TRIALS);
    // Progress reached every cell and ended with an up-to-date count.
    expect(progress.at(-1)).toMatchObject({ cellsDone: 3, cells: 3, cellsFailed: 0 });
    expect(progress.at(-1)!.trialsDone).toBe(progress.at(-1)!.trialsPlanned);
  });

  it('a throwing cell is reported with its parameters, seed and replay; the others finish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-sweep-fail-'));
    const out = join(dir, 'fail.csv');
    const result = await runSweep(
      { experiment: 'selftest', seed: 5, trials: 40_000, grid: { k: [1, 2], fail: [false, true] } },
      { threads: 2, outPath: out },
    );
    expect(result.cells.map((c) => c.cell)).toEqual([0, 2]);
    expect(result.failures.map((f) => [f.cell, f.seed, f.values.fail, f.batch])).toEqual([
      [1, 5, true, 0],
      [3, 5, true, 0],
    ]);
    expect(result.failures[0].message).toContain('fails on purpose');
    expect(result.failures[0].replay).toBe('runSweep(spec, { cell: 1, threads: 1 })');
    const manifest = JSON.parse(readFileSync(join(dir, 'fail.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ complete: false, cellsComputed: 2 });
    expect(manifest.failures.map((f: { cell: number }) => f.cell)).toEqual([1, 3]);
    // The CSV holds the good cells; the journal stays so a resume retries only the failed ones.
    expect(readFileSync(out, 'utf8')).toBe(result.csv);
    expect(existsSync(join(dir, 'fail.partial.jsonl'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial.csv'))).toEqual([]);
  });

  it('a worker that outgrows its memory limit fails its cell only; the pool goes on', async () => {
    // 400 MB of small heap objects against a 64 MB old-generation limit per worker.
    const result = await runSweep(
      { experiment: 'selftest', seed: 2, trials: 20_000, grid: { hold_mb: [0, 400, 0] } },
      { threads: 2, workerMemoryMb: 64 },
    );
    expect(result.cells.map((c) => c.cell)).toEqual([0, 2]);
    expect(result.failures.map((f) => f.cell)).toEqual([1]);
    expect(result.failures[0].message).toMatch(/memory/i);
  });
});

describe('runSweep: staleness', () => {
  it('a cell gives the same rows as runStaleness with that cell index', async () => {
    const result = await runSweep(
      {
        experiment: 'staleness',
        seed: 2,
        trials: 70_000,
        grid: { r: [1, 2] },
        fixed: { latency: 'lnkd-disk', t: '0,2,10' },
      },
      { threads: 2 },
    );
    const direct = await runStaleness({
      n: 3,
      r: 2,
      w: 1,
      legs: resolveLatency('lnkd-disk'),
      latencyLabel: 'lnkd-disk',
      tGridMs: [0, 2, 10],
      trials: 70_000,
      seed: 2,
      cell: 1,
      threads: 1,
    });
    const { stalenessRows } = await import('../strategies/leaderless/staleness-rows.js');
    const expected = toCsv(
      ['cell', 'replicate', ...STALENESS_COLUMNS],
      stalenessRows(direct).map((row) => ({ cell: 1, replicate: 0, ...row })),
    );
    expect(toCsv(result.columns, []) + result.cells[1].csv).toBe(expected);
  });

  it('adaptive precision on the event engine stops whole rounds (every t point alike)', async () => {
    const result = await runSweep(
      {
        experiment: 'staleness',
        seed: 2,
        trials: 40_000,
        fixed: { latency: 'lnkd-ssd', engine: 'event', t: '0,1' },
      },
      { threads: 2, ciWidth: 0.02 },
    );
    const rows = result.cells[0].rows!;
    expect(rows.map((row) => row.trials)).toEqual([result.cells[0].trials, result.cells[0].trials]);
    expect(result.cells[0].trials % 4096).toBe(0);
    expect(result.cells[0].trials).toBeLessThan(40_000);
    for (const row of rows) expect((row.ci_high as number) - (row.ci_low as number)).toBeLessThan(0.02);
  });
});
