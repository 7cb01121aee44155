import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_REFERENCE_NAMES, systemReference } from '../scenarios/system-reference.js';
import { expectRefused, requireBuiltCli, runCli, runCliJson } from './cli.testkit.js';

beforeAll(requireBuiltCli);

describe('replilab scenario', () => {
  it('list: every system of the reference file with its family, description and source', () => {
    const rows = runCliJson(['scenario', 'list', '--json']) as unknown as {
      name: string;
      family: string;
      description: string;
      source: string;
    }[];
    for (const system of SYSTEM_REFERENCE_NAMES) {
      const row = rows.find((r) => r.name === system);
      expect(row, system).toBeDefined();
      expect(row?.source).toBe(systemReference(system).source);
      expect(['leaderless', 'leader-follower', 'multi-leader']).toContain(row?.family);
    }
    const text = runCli(['scenario', 'list']);
    expect(text.code).toBe(0);
    for (const system of SYSTEM_REFERENCE_NAMES) expect(text.stdout).toContain(system);
  });

  it('show: each parameter with its value and source', () => {
    const run = runCli(['scenario', 'show', 'patroni']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ttl_s = 30 .*\n.*reference patroni\.ttl_s: Patroni documentation/);
    expect(run.stdout).toMatch(/nodes = 3 .*\n.*lab default: /);
    expect(run.stdout).toContain('a preset of: failover');
    expect(run.stdout).toMatch(/ttl_s = 30 s +leader lease TTL/);
    expect(run.stdout).toMatch(/timeout_ms = 30000 ms .*\n.*derived: 1000 x ttl_s/);
    expect(run.stdout).toMatch(/in a sweep \(scenario: patroni\): .*HA-loop notice/);
  });

  it('run --json: the report with metrics and intervals; --set changes the run and is recorded as the source', () => {
    const j = runCliJson([
      'scenario',
      'run',
      'patroni',
      '--trials',
      '40',
      '--seed',
      '2',
      '--set',
      'ttl_s=60',
      '--set',
      'loop_wait_s=5',
      '--json',
    ]);
    expect(j).toMatchObject({ scenario: 'patroni', family: 'leader-follower', trials: 40, seed: 2 });
    expect(j.parameters.find((p: { key: string }) => p.key === 'ttl_s')).toMatchObject({
      value: 60,
      source: { kind: '--set' },
    });
    const recovery = j.metrics.find((m: { name: string }) => m.name === 'recovery_ms').summary;
    // ttl 60 s, loop_wait 5 s: recovery within [55 s, 65 s] plus the promotion steps.
    expect(recovery.min).toBeGreaterThanOrEqual(55000);
    expect(recovery.max).toBeLessThan(65100);
    const lost = j.metrics.find((m: { name: string }) => m.name === 'acked_writes_lost').estimate;
    expect(lost.low).toBeLessThanOrEqual(lost.p);
    expect(lost.high).toBeGreaterThanOrEqual(lost.p);
  }, 30_000);

  it('run: a readable report naming the sources and the reference observation', () => {
    const run = runCli(['scenario', 'run', 'github-2018', '--trials', '10']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^github-2018 \(leader-follower\)/);
    expect(run.stdout).toMatch(/cut_s = 43 +reference mysql\.incident/);
    expect(run.stdout).toMatch(/writes the old leader discarded .*: \d+ over 10 trials/);
    expect(run.stdout).toContain('observed (reference): GitHub, 2018-10-21');
  }, 30_000);

  it('run --out: a one-row CSV (parameters, metrics, trials, seed) and its manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-scenario-'));
    const out = join(dir, 'mongo.csv');
    const run = runCli(['scenario', 'run', 'mongodb', '--trials', '20', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const rows = parse<Record<string, string>>(readFileSync(out, 'utf8'), { columns: true });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      scenario: 'mongodb',
      election_timeout_millis: '10000',
      trials: '20',
      seed: '1',
    });
    expect(Number(rows[0].recovery_ms_p50)).toBeGreaterThan(8000);
    const columns = Object.keys(rows[0]);
    expect(columns.slice(-2)).toEqual(['trials', 'seed']);
    const manifest = JSON.parse(readFileSync(join(dir, 'mongo.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ experiment: 'scenario mongodb', seed: 1, trials: 20 });
  }, 30_000);

  it('refuses bad input with one line naming --set KEY (or the flag), exit 2, no files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-scenario-'));
    const out = join(dir, 'x.csv');
    const files = [out, join(dir, 'x.manifest.json')];
    expectRefused(
      runCli(['scenario', 'run', 'patroni', '--set', 'tll_s=30', '--out', out]),
      '--set tll_s',
      files,
    );
    expectRefused(
      runCli(['scenario', 'run', 'patroni', '--set', 'ttl_s=20', '--out', out]),
      '--set ttl_s',
      files,
    ); // loop_wait + 2 retry_timeout > ttl
    expectRefused(
      runCli(['scenario', 'run', 'riak', '--set', 'latency=exp(-1)', '--out', out]),
      '--set latency',
      files,
    );
    expectRefused(runCli(['scenario', 'run', 'riak', '--set', 'w', '--out', out]), '--set', files);
    expectRefused(runCli(['scenario', 'run', 'raft', '--out', out]), 'scenario', files);
    expectRefused(runCli(['scenario', 'run', 'riak', '--trials', '0', '--out', out]), '--trials', files);
    expectRefused(runCli(['scenario', 'run', 'riak', '--out', join(dir, 'x.txt')]), '--out', []);
  }, 120_000); // seven CLI processes; the value checks themselves are in lib/scenarios/catalog.test.ts

  it("params NAME: the scenario's keys with role, unit, default and source; the derived values apart", () => {
    const j = runCliJson(['params', 'patroni', '--json']);
    expect(j).toMatchObject({ scenario: 'patroni', experiment: 'failover' });
    const ttl = j.params.find((p: { name: string }) => p.name === 'ttl_s');
    expect(ttl).toMatchObject({
      role: 'setting',
      unit: 's',
      default: 30,
      source: { kind: 'reference', setting: 'patroni.ttl_s' },
    });
    expect(j.params.find((p: { name: string }) => p.name === 'timeout_ms')).toBeUndefined();
    expect(j.derived.find((d: { name: string }) => d.name === 'timeout_ms')).toMatchObject({
      value: 30000,
      how: '1000 x ttl_s',
    });
  });

  it('sweep --schema: one rule per scenario, its settings with their units', () => {
    const run = runCli(['sweep', '--schema']);
    expect(run.code, run.stderr).toBe(0);
    const schema = JSON.parse(run.stdout) as Record<string, unknown>;
    const rule = (schema.allOf as Record<string, any>[]).find(
      (r) => r.if?.properties?.scenario?.const === 'patroni',
    );
    expect(rule?.then.properties.fixed.properties.ttl_s).toMatchObject({ 'x-unit': 's', default: 30 });
    expect(rule?.then.properties.fixed.properties.timeout_ms).toBeUndefined();
  });

  it('a scenario sweep with a bad key or value is refused as --set is: the key as the file wrote it, exit 2, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-scenario-'));
    const file = join(dir, 'bad.yaml');
    const out = join(dir, 'x.csv');
    writeFileSync(file, 'scenario: patroni\nseed: 1\ntrials: 5\ngrid:\n  ttl_s: [30, 20]\n');
    expectRefused(runCli(['sweep', file, '--out', out]), 'grid.ttl_s', [out]);
    writeFileSync(file, 'scenario: patroni\nseed: 1\ntrials: 5\nfixed:\n  heartbeat_ms: 10\n');
    expectRefused(runCli(['sweep', file, '--out', out]), 'fixed.heartbeat_ms', [out]);
  }, 30_000);
});
