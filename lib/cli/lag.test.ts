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
        '0.1',
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
      expect(j.config).toMatchObject({ routing, followers: 2, ops: 3000 });
      if (routing === 'leader-for-own' || routing === 'client-position') expect(j.ryw_violations).toBe(0);
      if (routing === 'sticky') expect(j.monotonic_read_violations).toBe(0);
    }
  }, 60_000);

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
  }, 30_000);
});
