import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runDefaultExperiment } from './default-experiment.js';
import { DEFAULT_EXPERIMENTS } from './default-experiments.js';
import { recipesFor } from './figure-recipes.js';

const dir = mkdtempSync(join(tmpdir(), 'replilab-figures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CSV at `path` as csv-parse reads it. */
const csvRows = (path: string) => parse<Record<string, string>>(readFileSync(path), { columns: true });

describe('npm start, then npm run figures', { timeout: 300_000 }, () => {
  it("writes every default experiment's CSV, manifest and figures, and redraws the figures byte-identically from the CSVs", async () => {
    // What `npm start` does, with few trials: sweeps, CSV + manifest, then figures from each CSV.
    const written: string[] = [];
    for (const experiment of DEFAULT_EXPERIMENTS) {
      written.push(
        ...(await runDefaultExperiment(experiment, {
          full: false,
          trialScale: 0.02,
          seed: 7,
          threads: 1,
          outDir: dir,
          formats: ['svg', 'png', 'pdf'],
          log: () => {},
        })),
      );
    }
    const csvs = written.filter((p) => p.endsWith('.csv'));
    expect(csvs.map((p) => relative(dir, p)).sort()).toEqual([
      'conflicts/latency.csv',
      'failover/timeouts.csv',
      'lag/routing.csv',
      'leaderless/lww-skew.csv',
      'leaderless/quorums.csv',
      'staleness/lnkd-disk.csv',
      'staleness/lnkd-ssd.csv',
      'staleness/wan.csv',
      'staleness/ymmr.csv',
    ]);
    for (const csv of csvs) expect(written, csv).toContain(csv.replace(/\.csv$/, '.manifest.json'));
    // Every recipe is drawn from the CSV it names, in three formats.
    const figures = written.filter((p) => /\.(svg|png|pdf)$/.test(p)).sort();
    const expected = csvs
      .flatMap((csv) => {
        const experiment = DEFAULT_EXPERIMENTS.find((e) =>
          relative(dir, csv).startsWith(`${e.experiment}/`),
        )!;
        return recipesFor(csv, experiment.figures).flatMap((r) =>
          ['svg', 'png', 'pdf'].map((f) => csv.replace(/\.csv$/, `-${r.name}.${f}`)),
        );
      })
      .sort();
    expect(figures).toEqual(expected);
    expect(figures).toHaveLength(3 * (4 * 2 + 2 + 2 + 2 + 1)); // staleness 4 presets x 2, leaderless 2, failover 2, lag 2, conflicts 1
    const before = new Map(figures.map((p) => [p, readFileSync(p)]));
    for (const p of figures.filter((f) => f.endsWith('.svg'))) {
      // A drawn mark: a curve or band path, or a heatmap's cells.
      expect(readFileSync(p, 'utf8'), p).toMatch(/<path[^>]*\sd="M[^"]+"/);
    }
    for (const p of [
      join(dir, 'staleness/wan-curves.svg'),
      join(dir, 'failover/timeouts-raft.png'),
      join(dir, 'conflicts/latency-conflicts.pdf'),
    ])
      rmSync(p); // missing figures are drawn again too
    const run = spawnSync(process.execPath, ['dist/experiments/figures.js', '--data', dir], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${figures.length} files from ${csvs.length} manifest(s)`);
    for (const [p, bytes] of before) expect(readFileSync(p).equals(bytes), p).toBe(true);
    for (const sub of ['staleness', 'leaderless', 'failover', 'lag', 'conflicts']) {
      expect(readdirSync(join(dir, sub)).filter((f) => f.includes('.partial-'))).toEqual([]);
    }
  });

  it('writes the cells each figure draws: the (R, W) grid, both conflict modes, both election modes, every routing policy, every delay', () => {
    const quorums = csvRows(join(dir, 'leaderless/quorums.csv'));
    expect(quorums.map((r) => `${r.r}${r.w}`)).toEqual([
      '11',
      '12',
      '13',
      '21',
      '22',
      '23',
      '31',
      '32',
      '33',
    ]);
    // Strict quorums (R + W > N) never read stale in this model: its reads wait for R of the N replicas.
    for (const r of quorums.filter((q) => Number(q.r) + Number(q.w) > 3))
      expect(Number(r.stale_read_fraction), `R=${r.r} W=${r.w}`).toBe(0);
    const skew = csvRows(join(dir, 'leaderless/lww-skew.csv'));
    expect(skew.map((r) => `${r.conflict} ${r.clock_skew}`)).toEqual([
      'lww ',
      'lww uniform(0,10)',
      'lww uniform(0,25)',
      'lww uniform(0,50)',
      'lww uniform(0,100)',
      'siblings ',
      'siblings uniform(0,10)',
      'siblings uniform(0,25)',
      'siblings uniform(0,50)',
      'siblings uniform(0,100)',
    ]);
    // Siblings keep every concurrent write: none is lost at any skew.
    for (const r of skew.filter((s) => s.conflict === 'siblings'))
      expect(Number(r.acked_writes_lost)).toBe(0);
    const failover = csvRows(join(dir, 'failover/timeouts.csv'));
    expect(
      failover.map((r) =>
        r.election === 'raft' ? `raft ${r.election_timeout_ms}` : `coordinator ${r.timeout_ms}`,
      ),
    ).toEqual([
      'coordinator 250',
      'coordinator 500',
      'coordinator 1000',
      'coordinator 2000',
      'raft [250,500]',
      'raft [500,1000]',
      'raft [1000,2000]',
      'raft [2000,4000]',
    ]);
    // Pauses last at most 1000 ms: a coordinator waiting 2000 ms never fails over a paused leader.
    expect(Number(failover[3].unnecessary_failover_trials)).toBe(0);
    expect(csvRows(join(dir, 'lag/routing.csv')).map((r) => r.routing)).toEqual([
      'random',
      'sticky',
      'leader-for-own',
      'leader-window',
      'client-position',
      'lag-bounded',
    ]);
    expect(csvRows(join(dir, 'conflicts/latency.csv')).map((r) => r.inter_dc_latency)).toEqual([
      'const(10)',
      'const(25)',
      'const(50)',
      'const(100)',
      'const(200)',
    ]);
  });

  it('refuses a missing data directory, naming the flag', () => {
    const run = spawnSync(process.execPath, ['dist/experiments/figures.js', '--data', join(dir, 'nope')], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^figures: --data: got /);
  });
});
