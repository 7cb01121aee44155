import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, requireBuiltCli, runCli, runCliJson } from './cli.testkit.js';

beforeAll(requireBuiltCli);

describe('replilab lag', () => {
  it('--json prints one object with the stable names, for every routing policy', () => {
    for (const routing of [
      'random',
      'sticky',
      'leader-for-own',
      'leader-window',
      'client-position',
      'lag-bounded',
    ]) {
      const j = runCliJson([
        'lag',
        '--routing',
        routing,
        '--ops',
        '3000',
        '--followers',
        '2',
        '--replication-latency',
        'exp(0.1)',
        '--clients',
        '10',
        '--keys',
        '10',
        '--write-ratio',
        '0.3',
        '--rate',
        '100',
        '--seed',
        '2',
        '--json',
      ]);
      for (const key of [
        'ryw_violations',
        'monotonic_read_violations',
        'consistent_prefix_violations',
        'leader_read_share',
      ]) {
        expect(j[key], `${routing} ${key}`).toBeGreaterThanOrEqual(0);
        expect(j[key], `${routing} ${key}`).toBeLessThanOrEqual(1);
      }
      for (const q of ['p50', 'p99', 'max']) expect(j.lag_ms[q]).toBeGreaterThan(0);
      expect(j.config).toMatchObject({ routing, followers: 2, ops: 3000, rate: 100, write_ratio: 0.3 });
      if (routing === 'leader-for-own' || routing === 'client-position') expect(j.ryw_violations).toBe(0);
      if (routing === 'sticky') expect(j.monotonic_read_violations).toBe(0);
    }
  }, 60_000);

  it('--window-ms, --max-lag-ms, --position-wait and --config (snake_case keys) reach the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-lag-'));
    const file = join(dir, 'lag.yaml');
    writeFileSync(file, 'routing: leader-window\nwindow_ms: 250\nops: 500\nseed: 4\n');
    const j = runCliJson(['lag', '--config', file, '--max-lag-ms', '7', '--position-wait', '--json']);
    expect(j.seed).toBe(4);
    expect(j.config).toMatchObject({
      routing: 'leader-window',
      window_ms: 250,
      max_lag_ms: 7,
      position_wait: true,
      ops: 500,
    });
    expect(j.leader_read_share).toBeGreaterThan(0);
  });

  it('--help lists the flags with their units and defaults', () => {
    const help = runCli(['lag', '--help']).stdout;
    for (const text of [
      '--window-ms <ms>',
      '--max-lag-ms <ms>',
      '--position-wait',
      '--rate <per-s>',
      '(default 100)',
    ])
      expect(help).toContain(text);
  });

  it('prints a summary without --json', () => {
    const run = runCli(['lag', '--ops', '1000']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^lag: routing random/);
  });

  it('refuses bad input naming the flag, exit 2', () => {
    expectRefused(runCli(['lag', '--routing', 'nearest']), '--routing', []);
    expectRefused(runCli(['lag', '--rate=-1']), '--rate', []);
    expectRefused(runCli(['lag', '--followers', '0']), '--followers', []);
    expectRefused(runCli(['lag', '--write-ratio', '2']), '--write-ratio', []);
    expectRefused(runCli(['lag', '--replication-latency', 'exp(0)']), '--replication-latency', []);
    expectRefused(runCli(['lag', '--zipf', '0x1']), '--zipf', []);
    expectRefused(runCli(['lag', '--window-ms', '-1']), '--window-ms', []);
    expectRefused(runCli(['lag', '--max-lag-ms', 'soon']), '--max-lag-ms', []);
    const renamed = runCli(['lag', '--window', '100']);
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toContain('--window-ms'); // the old flag is refused, pointing at the new one
  }, 30_000);
});
