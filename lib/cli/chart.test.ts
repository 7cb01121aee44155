import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngSize } from '../charts/test-data.testkit.js';
import { toCsv } from '../output/csv.js';
import { expectRefused, requireBuiltCli, runCli } from './cli.testkit.js';

const dir = mkdtempSync(join(tmpdir(), 'replilab-chart-'));
const csv = join(dir, 'curves.csv');
const failover = join(dir, 'failover.csv');

beforeAll(() => {
  requireBuiltCli();
  const rows = [1, 2].flatMap((r) =>
    [0, 5, 10].map((t) => ({
      r,
      w: 1,
      t,
      p_consistent: 1 - 0.5 / (1 + t * r),
      ci_low: 0.9 - 0.5 / (1 + t * r),
      ci_high: Math.min(1, 1.05 - 0.5 / (1 + t * r)),
      read_p99_ms: 2 * r,
      write_p99_ms: 3,
      t_visibility_999_ms: 20 / r,
    })),
  );
  writeFileSync(csv, toCsv(Object.keys(rows[0]), rows));
  const f = [100, 200, 400].map((t) => ({
    timeout_ms: t,
    recovery_ms: t + 50,
    unnecessary_rate: 10 / t,
    unnecessary_low: 5 / t,
    unnecessary_high: 15 / t,
  }));
  writeFileSync(failover, toCsv(Object.keys(f[0]), f));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case spawns the CLI (about a second each on a loaded 2-core machine).
describe('replilab chart', { timeout: 90_000 }, () => {
  it('writes SVG, PNG (at --dpi) and PDF with the font embedded, and prints their paths', () => {
    const base = join(dir, 'out', 'curves');
    const run = runCli([
      'chart',
      csv,
      '--kind',
      'staleness',
      '--series',
      'R={r} W={w}',
      '--format',
      'svg,png,pdf',
      '--theme',
      'paper',
      '--dpi',
      '144',
      '--out',
      base,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([`${base}.svg`, `${base}.png`, `${base}.pdf`]);
    const svg = readFileSync(`${base}.svg`, 'utf8');
    expect(svg).toMatch(/<path[^>]*\sd="M[^"]+"/);
    expect(svg).toContain('R=2 W=1');
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(width).toBe(252); // one paper column
    expect(pngSize(readFileSync(`${base}.png`)).width).toBe(2 * width); // 144 dpi = 2 px a point
    const pdf = readFileSync(`${base}.pdf`).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf).toContain('/FontFile2');
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
  });

  it("draws the trade-off, a heatmap and the failover chart from the lab's column names", () => {
    const a = runCli([
      'chart',
      csv,
      '--kind',
      'tradeoff',
      '--series',
      'r,w',
      '--x',
      'read_p99_ms+write_p99_ms',
      '--y',
      't_visibility_999_ms',
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout.trim()).toBe(join(dir, 'curves-tradeoff-paper.svg'));
    expect(readFileSync(join(dir, 'curves-tradeoff-paper.svg'), 'utf8')).toContain('r=1 w=1');
    const b = runCli([
      'chart',
      csv,
      '--kind',
      'heatmap',
      '--value',
      't_visibility_999_ms',
      '--theme',
      'talk',
      '--format',
      'png',
      '--scale',
      '1',
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(join(dir, 'curves-heatmap-talk.png'))).toBe(true);
    const c = runCli(['chart', failover, '--kind', 'failover', '--theme', 'screen', '--columns', '2']);
    expectRefused(c, '--columns', [join(dir, 'failover-failover.svg')]);
    const d = runCli(['chart', failover, '--kind', 'failover', '--theme', 'screen']);
    expect(d.code, d.stderr).toBe(0);
    expect(readFileSync(join(dir, 'failover-failover.svg'), 'utf8')).toContain('P(unnecessary failover)');
  });

  it('refuses bad input naming the flag, exit 2, writing nothing', () => {
    const before = readdirSync(dir).sort();
    const out = join(dir, 'bad');
    expectRefused(runCli(['chart', csv, '--kind', 'pie', '--out', out]), '--kind', []);
    expectRefused(runCli(['chart', csv, '--out', out]), '--kind', []);
    expectRefused(
      runCli(['chart', csv, '--kind', 'staleness', '--series', 'r', '--format', 'svg,gif', '--out', out]),
      '--format',
      [],
    );
    expectRefused(runCli(['chart', csv, '--kind', 'staleness', '--out', out]), '--series', []);
    expectRefused(
      runCli(['chart', csv, '--kind', 'staleness', '--series', 'r', '--x', 'nope', '--out', out]),
      '--x',
      [],
    );
    expectRefused(
      runCli(['chart', csv, '--kind', 'staleness', '--series', 'r', '--where', 'r=9', '--out', out]),
      '--where',
      [],
    );
    expectRefused(
      runCli(['chart', csv, '--kind', 'staleness', '--series', 'r', '--theme', 'poster', '--out', out]),
      '--theme',
      [],
    );
    expectRefused(
      runCli([
        'chart',
        csv,
        '--kind',
        'staleness',
        '--series',
        'r',
        '--dpi',
        '300',
        '--scale',
        '2',
        '--out',
        out,
      ]),
      '--dpi',
      [],
    );
    expectRefused(
      runCli(['chart', csv, '--kind', 'staleness', '--series', 'r', '--out', `${out}.svg`]),
      '--out',
      [],
    );
    expectRefused(runCli(['chart', join(dir, 'missing.csv'), '--kind', 'staleness']), '<input>', []);
    expectRefused(runCli(['chart', csv, '--kind', 'timeline']), '<input>', []);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('has --help with examples', () => {
    const run = runCli(['chart', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--kind staleness');
  });
});
