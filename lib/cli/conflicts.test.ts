import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, requireBuiltCli, runCli, runCliJson } from './cli.testkit.js';

beforeAll(requireBuiltCli);

/** The stable JSON names (keep them), in this order first. */
const STABLE_KEYS = [
  'writes',
  'acked_writes',
  'conflicts',
  'conflicts_per_1000_writes',
  'acked_writes_lost',
  'converged',
  'convergence_ms',
  'out_of_order_applies',
];

const runJson = (args: string[]) => runCliJson(['conflicts', ...args, '--json']);

describe('replilab conflicts --json', () => {
  it('prints one object with the stable names first and consistent numbers', () => {
    const j = runJson([
      '--datacenters',
      '3',
      '--duration-ms',
      '3000',
      '--keys',
      '20',
      '--clock-skew',
      'uniform(0,50)',
    ]);
    expect(Object.keys(j).slice(0, STABLE_KEYS.length)).toEqual(STABLE_KEYS);
    expect(j.acked_writes).toBe(j.writes);
    expect(j.conflicts_per_1000_writes).toBeCloseTo((1000 * j.conflicts) / j.writes, 9);
    expect(j.acked_writes_lost).toBeGreaterThan(0); // LWW drops the losing side of each conflict
    expect(j.acked_writes_lost).toBeLessThanOrEqual(j.conflicts);
    expect(j.converged).toBe(true);
    expect(j.convergence_ms).toBe(50);
    expect(j.out_of_order_applies).toBe(0);
    expect(j.intervals.conflicts.low).toBeLessThanOrEqual(j.conflicts / j.writes);
    expect(j.seed).toBe(1);
    expect(j.config).toMatchObject({
      datacenters: 3,
      topology: 'all',
      resolution: 'lww',
      clock_skew: 'uniform(0,50)',
      duration_ms: 3000,
    });
  });

  it('every flag of item 7 is taken: merge loses nothing, home routing avoids every conflict', () => {
    const args = [
      '--datacenters',
      '4',
      '--topology',
      'ring',
      '--inter-dc-latency',
      'uniform(20,60)',
      '--clock-skew',
      'none',
      '--keys',
      '50',
      '--zipf',
      '0.9',
      '--write-rate',
      '50',
      '--duration-ms',
      '2000',
      '--seed',
      '3',
    ];
    const merge = runJson([...args, '--resolution', 'merge']);
    expect(merge.acked_writes_lost).toBe(0);
    expect(merge.conflicts).toBeGreaterThan(0);
    expect(merge.config).toMatchObject({
      datacenters: 4,
      topology: 'ring',
      keys: 50,
      zipf: 0.9,
      write_rate: 50,
      duration_ms: 2000,
    });
    const routed = runJson([...args, '--resolution', 'replica-id', '--home-routing']);
    expect(routed.conflicts).toBe(0);
    expect(routed.writes).toBe(merge.writes);
    expect(runJson([...args, '--resolution', 'siblings']).max_siblings).toBeGreaterThan(1);
  });

  it('an outage that never ends: not converged, convergence_ms null, fail_for_ms null in the config', () => {
    const j = runJson(['--duration-ms', '2000', '--home-routing', '--fail-dc', '1', '--fail-at-ms', '1000']);
    expect(j.converged).toBe(false);
    expect(j.convergence_ms).toBeNull();
    expect(j.config).toMatchObject({ fail_dc: 1, fail_at_ms: 1000, fail_for_ms: null });
    const back = runJson([
      '--duration-ms',
      '2000',
      '--home-routing',
      '--fail-dc',
      '1',
      '--fail-at-ms',
      '1000',
      '--fail-for-ms',
      '500',
    ]);
    expect(back.converged).toBe(true);
    expect(back.config.fail_for_ms).toBe(500);
  });

  it('--no-fifo-links, --divergence-sample-ms and --config (snake_case keys) reach the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-conflicts-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'duration_ms: 1000\nlocal_followers: "0,2,1"\nlocal_read_rate: 100\nseed: 5\n');
    const j = runJson(['--config', file, '--no-fifo-links', '--divergence-sample-ms', '250']);
    expect(j.seed).toBe(5);
    expect(j.config).toMatchObject({
      duration_ms: 1000,
      fifo_links: false,
      divergence_sample_ms: 250,
      local_followers: [0, 2, 1],
      local_read_rate: 100,
    });
    expect(j.divergence[1].t_ms).toBe(250);
    expect(j.follower_reads).toBeLessThan(j.local_reads); // datacenter 0 has no follower
  });
});

describe('replilab conflicts: local followers', () => {
  it('--local-followers, --local-replication-latency, --local-read-rate: stale follower reads, lag, convergence through the followers', () => {
    const args = [
      '--datacenters',
      '2',
      '--keys',
      '10',
      '--duration-ms',
      '3000',
      '--inter-dc-latency',
      'const(40)',
      '--resolution',
      'merge',
      '--local-read-rate',
      '200',
    ];
    const j = runJson([...args, '--local-followers', '2', '--local-replication-latency', 'const(25)']);
    expect(Object.keys(j).slice(0, STABLE_KEYS.length)).toEqual(STABLE_KEYS);
    expect(j.follower_reads).toBe(j.local_reads);
    expect(j.follower_stale_reads).toBeGreaterThan(0);
    expect(j.intervals.follower_stale_reads).toMatchObject({
      count: j.follower_stale_reads,
      of: j.follower_reads,
    });
    expect(j.follower_lag_ms.max).toBeCloseTo(25, 9);
    expect(j.convergence_ms).toBeCloseTo(65, 9); // the last write's hop, then its leader's stream
    expect(j.config).toMatchObject({
      local_followers: 2,
      local_replication_latency: 'const(25)',
      local_read_rate: 200,
    });
    const perDc = runJson([...args, '--local-followers', '0,3', '--local-replication-latency', 'const(0)']);
    expect(perDc.follower_stale_reads).toBe(0);
    expect(perDc.follower_reads).toBeLessThan(perDc.local_reads); // datacenter 0's reads go to its leader
    expect(perDc.config.local_followers).toEqual([0, 3]);
  });

  it('the text summary reports follower staleness and lag', () => {
    const run = runCli([
      'conflicts',
      '--duration-ms',
      '1000',
      '--local-followers',
      '1',
      '--local-read-rate',
      '50',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/follower stale reads: .*of follower reads/);
    expect(run.stdout).toMatch(/follower lag: +p50 .* max .*applies\)/);
  });
});

describe('replilab conflicts: bad input', () => {
  const cases: [string[], string][] = [
    [['--datacenters', '0'], '--datacenters'],
    [['--datacenters', 'x'], '--datacenters'],
    [['--topology', 'mesh'], '--topology'],
    [['--inter-dc-latency', 'exp('], '--inter-dc-latency'],
    [['--clock-skew', 'uniform(5)'], '--clock-skew'],
    [['--resolution', 'custom'], '--resolution'],
    [['--keys', '-3'], '--keys'],
    [['--zipf', '-1'], '--zipf'],
    [['--zipf', '0x1'], '--zipf'],
    [['--clock-drift', '1'], '--clock-drift'],
    [['--write-rate', 'fast'], '--write-rate'],
    [['--write-rate', '0'], '--write-rate'],
    [['--duration-ms', '0'], '--duration-ms'],
    [['--fail-dc', '9'], '--fail-dc'],
    [['--fail-dc', '0', '--datacenters', '1'], '--fail-dc'],
    [['--fail-at-ms', '10'], '--fail-dc'],
    [['--fail-for-ms', '0', '--fail-dc', '1'], '--fail-for-ms'],
    [['--seed', '-1'], '--seed'],
    [['--local-followers', '-1'], '--local-followers'],
    [['--local-followers', '65'], '--local-followers'],
    [['--local-followers', '1,2'], '--local-followers'],
    [['--local-replication-latency', 'exp('], '--local-replication-latency'],
    [['--local-read-rate', '-5'], '--local-read-rate'],
    [['--local-read-rate', 'many'], '--local-read-rate'],
  ];
  for (const [args, flag] of cases) {
    it(`${args.join(' ')}: one line naming ${flag}, exit code 2`, () => {
      expectRefused(runCli(['conflicts', ...args]), flag, []);
    });
  }
});
