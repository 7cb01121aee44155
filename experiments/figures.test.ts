import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stalenessPresetsExperiment } from './staleness-presets.js';

const dir = mkdtempSync(join(tmpdir(), 'replilab-figures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run figures', { timeout: 180_000 }, () => {
  it('redraws byte-identical figures from the CSVs and manifests the experiments wrote', async () => {
    // What `npm start` does, with few trials: sweeps, CSV + manifest, then figures from the CSV.
    const written = await stalenessPresetsExperiment({ trials: 2000, seed: 7, threads: 1, outDir: dir, formats: ['svg', 'png', 'pdf'], log: () => {} });
    const figures = written.filter((p) => /\.(svg|png|pdf)$/.test(p)).sort();
    expect(figures).toHaveLength(4 * 2 * 3); // 4 presets x (curves, tradeoff) x 3 formats
    const before = new Map(figures.map((p) => [p, readFileSync(p)]));
    for (const p of figures.filter((f) => f.endsWith('.svg'))) {
      expect(readFileSync(p, 'utf8')).toMatch(/<path[^>]*\sd="M[^"]+"/);
    }
    rmSync(figures[0]!); // a missing figure is drawn again too
    const run = spawnSync(process.execPath, ['dist/experiments/figures.js', '--data', dir], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('24 files from 4 manifest(s)');
    for (const [p, bytes] of before) expect(readFileSync(p).equals(bytes), p).toBe(true);
    const staleness = readdirSync(join(dir, 'staleness'));
    expect(staleness.filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('refuses a missing data directory, naming the flag', () => {
    const run = spawnSync(process.execPath, ['dist/experiments/figures.js', '--data', join(dir, 'nope')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^figures: --data: got /);
  });
});
