// replilab failover/lag/conflicts --out (one-row CSVs through the shared result row) and `replilab sweep` of a
// family experiment (failover) end to end, on the built CLI.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expectRefused, requireBuiltCli, runCli } from './cli.testkit.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'replilab-run-output-'));
}

function csv(path: string): Record<string, string>[] {
  return parse<Record<string, string>>(readFileSync(path), { columns: true });
}

beforeAll(requireBuiltCli);

describe('--out on the model commands', () => {
  it('replilab failover --out writes one row (config, metrics with intervals, trials, seed) that matches --json, and a manifest', () => {
    const dir = tempDir();
    const out = join(dir, 'f.csv');
    const run = runCli([
      'failover',
      '--election',
      'coordinator',
      '--fault',
      'pause',
      '--trials',
      '20',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const j = JSON.parse(run.stdout) as Record<string, any>;
    const rows = csv(out);
    expect(rows).toHaveLength(1);
    const columns = Object.keys(rows[0]);
    expect(columns.slice(0, 2)).toEqual(['nodes', 'election']);
    expect(columns.slice(-2)).toEqual(['trials', 'seed']);
    expect(rows[0]).toMatchObject({
      election: 'coordinator',
      fault: 'pause',
      fencing: 'epoch',
      trials: '20',
      seed: '3',
    });
    expect(Number(rows[0].recovery_ms_p50)).toBe(j.recovery_ms.p50);
    expect(Number(rows[0].unnecessary_failover_trials)).toBe(j.intervals.unnecessary_failover_trials.count);
    expect(Number(rows[0].unnecessary_failover_trials_ci_high)).toBe(
      j.intervals.unnecessary_failover_trials.high,
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'f.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      experiment: 'failover',
      seed: 3,
      trials: 20,
      parameters: { election: 'coordinator' },
    });
  }, 30_000);

  it('replilab lag --out writes one row that matches --json', () => {
    const dir = tempDir();
    const out = join(dir, 'lag.csv');
    const run = runCli(['lag', '--routing', 'sticky', '--ops', '500', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const j = JSON.parse(run.stdout) as Record<string, any>;
    const [row] = csv(out);
    expect(row).toMatchObject({ routing: 'sticky', ops: '500', trials: '1', seed: '1' });
    expect(Number(row.monotonic_read_violations)).toBe(j.monotonic_read_violations);
    expect(Number(row.ryw_violations_ci_high)).toBe(j.intervals.ryw_violations.high);
    expect(Number(row.lag_ms_p99)).toBe(j.lag_ms.p99);
  }, 30_000);

  it('replilab conflicts --out writes one row that matches --json (lost writes per datacenter as JSON)', () => {
    const dir = tempDir();
    const out = join(dir, 'c.csv');
    const run = runCli([
      'conflicts',
      '--duration-ms',
      '500',
      '--clock-skew',
      'uniform(0,50)',
      '--no-fifo-links',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const j = JSON.parse(run.stdout) as Record<string, any>;
    const [row] = csv(out);
    expect(row).toMatchObject({
      fifo_links: 'false',
      clock_skew: 'uniform(0,50)',
      duration_ms: '500',
      trials: '1',
      seed: '1',
    });
    expect(Number(row.conflicts)).toBe(j.conflicts);
    expect(Number(row.conflicts_ci_low)).toBe(j.intervals.conflicts.low);
    expect(row.acked_writes_lost_by_datacenter).toBe(JSON.stringify(j.acked_writes_lost_by_datacenter));
    expect(Number(row.write_latency_ms_p99)).toBe(j.write_latency_ms.p99);
  }, 30_000);

  for (const command of ['failover', 'lag', 'conflicts']) {
    it(`replilab ${command} refuses an --out that is not .csv, and a bad flag with --out, before any work and without files`, () => {
      const dir = tempDir();
      expectRefused(runCli([command, '--out', join(dir, 'x.txt')]), '--out', [join(dir, 'x.txt')]);
      const bad = {
        failover: ['--fault', 'melt'],
        lag: ['--routing', 'nowhere'],
        conflicts: ['--topology', 'mesh'],
      }[command]!;
      expectRefused(runCli([command, ...bad, '--out', join(dir, 'y.csv')]), bad[0], [
        join(dir, 'y.csv'),
        join(dir, 'y.manifest.json'),
      ]);
    });
  }
});

describe('replilab sweep of a family experiment (failover)', () => {
  it('byte-identical at 1 and 2 threads, with the columns of replilab failover --out; --help lists the family experiments', () => {
    const dir = tempDir();
    const file = join(dir, 'failover.yaml');
    writeFileSync(
      file,
      'experiment: failover\nseed: 1\ntrials: 30\ngrid: { timeout_ms: [300, 1000], election: [raft, coordinator] }\nfixed: { fault: pause }\n',
    );
    const texts = [1, 2].map((threads) => {
      const out = join(dir, `t${threads}.csv`);
      const run = runCli(['sweep', file, '--out', out, '--threads', String(threads)]);
      expect(run.code, run.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    });
    expect(texts[1]).toBe(texts[0]);
    const rows = parse<Record<string, string>>(texts[0], { columns: true });
    expect(rows.map((r) => [r.timeout_ms, r.election, r.trials])).toEqual([
      ['300', 'raft', '30'],
      ['300', 'coordinator', '30'],
      ['1000', 'raft', '30'],
      ['1000', 'coordinator', '30'],
    ]);
    const single = join(dir, 'single.csv');
    expect(runCli(['failover', '--trials', '1', '--out', single]).code).toBe(0);
    expect(Object.keys(rows[0])).toEqual(['cell', 'replicate', ...Object.keys(csv(single)[0])]);
    const help = runCli(['sweep', '--help']).stdout;
    for (const name of [
      'failover:',
      'leaderless:',
      'lag:',
      'conflicts:',
      'election_timeout_ms',
      'anti_entropy_interval_ms',
    ])
      expect(help).toContain(name);
  }, 60_000);

  it('a bad grid value is refused naming the field and the cell (exit 2, one line, no files)', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'experiment: failover\nseed: 1\ntrials: 30\ngrid: { timeout_ms: [300, -1] }\n');
    const out = join(dir, 'bad.csv');
    const run = runCli(['sweep', file, '--out', out]);
    expectRefused(run, 'grid.timeout_ms (cell 1: timeout_ms=-1)', [
      out,
      join(dir, 'bad.manifest.json'),
      join(dir, 'bad.csv.partial.jsonl'),
    ]);
  });
});
