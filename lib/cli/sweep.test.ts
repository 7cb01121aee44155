import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectRefused, requireBuiltCli, runCli } from './cli.testkit.js';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const run = runCli;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'replilab-sweep-cli-'));
}

beforeAll(requireBuiltCli);

describe('replilab sweep: determinism', () => {
  it('the CSV is byte-identical at 1, 2 and 8 threads (staleness, several batches per cell)', () => {
    const dir = tempDir();
    const spec = join(dir, 'quorums.yaml');
    writeFileSync(
      spec,
      [
        'experiment: staleness',
        'seed: 4',
        'trials: 140000',
        'grid:',
        '  latency: [lnkd-ssd, lnkd-disk]',
        '  r: [1, 2]',
        '  w: [1, 2]',
        'fixed:',
        '  t: "0:20:5"',
        '',
      ].join('\n'),
    );
    const outputs = [1, 2, 8].map((threads) => {
      const out = join(dir, `t${threads}.csv`);
      const result = run(['sweep', spec, '--out', out, '--threads', String(threads)]);
      expect(result.code, result.stderr).toBe(0);
      return readFileSync(out);
    });
    expect(outputs[1].equals(outputs[0])).toBe(true);
    expect(outputs[2].equals(outputs[0])).toBe(true);
    const rows = parse<Record<string, string>>(outputs[0], { columns: true });
    expect(rows).toHaveLength(8 * 5);
    expect(Object.keys(rows[0]).slice(0, 8)).toEqual([
      'cell',
      'replicate',
      'latency',
      'engine',
      'n',
      'r',
      'w',
      't',
    ]);
    expect(rows.map((row) => row.cell)).toEqual(
      [...Array(8).keys()].flatMap((c) => Array(5).fill(String(c))),
    );
    const manifest = JSON.parse(readFileSync(join(dir, 't8.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      experiment: 'staleness',
      seed: 4,
      trials: 140000,
      threads: 8,
      complete: true,
      cellsComputed: 8,
      failures: [],
    });
    expect(manifest.cells.map((c: { trials: number }) => c.trials)).toEqual(Array(8).fill(140000));
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('selftest with replicates is byte-identical at 1 and 8 threads', () => {
    const dir = tempDir();
    const spec = join(dir, 'self.json');
    writeFileSync(
      spec,
      JSON.stringify({
        experiment: 'selftest',
        seed: 11,
        trials: 70000,
        grid: { k: [2, 3], x: [0.8, 1.3] },
        replicates: 3,
      }),
    );
    const one = run(['sweep', spec, '--out', join(dir, 'a.csv'), '--threads', '1']);
    const eight = run(['sweep', spec, '--out', join(dir, 'b.csv'), '--threads', '8']);
    expect([one.code, eight.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'b.csv')).equals(readFileSync(join(dir, 'a.csv')))).toBe(true);
    expect(parse<unknown>(readFileSync(join(dir, 'a.csv')), { columns: true }).length).toBe(12);
  });
});

describe('replilab sweep: resume', () => {
  it('after kill -9 at a random point, --resume computes only the missing cells and ends byte-identical', async () => {
    const dir = tempDir();
    const spec = join(dir, 'slow.yaml');
    // 24 cells of about 0.1 s each (on one 2020s core).
    writeFileSync(
      spec,
      'experiment: selftest\nseed: 21\ntrials: 100000\ngrid:\n  k: [2, 3, 4, 5, 6, 7]\n  x: [0.5, 1, 1.5, 2]\nfixed:\n  work: 16\n',
    );
    const reference = join(dir, 'reference.csv');
    expect(run(['sweep', spec, '--out', reference, '--threads', '2']).code).toBe(0);

    const out = join(dir, 'killed.csv');
    const journal = join(dir, 'killed.partial.jsonl');
    const target = 2 + Math.floor(Math.random() * 10); // cells in the journal before the kill
    const child = spawn(process.execPath, [CLI, 'sweep', spec, '--out', out, '--threads', '2'], {
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const cellsIn = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 2 : 0);
    const deadline = Date.now() + 20_000;
    while (cellsIn() < target && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(out)).toBe(false);
    const saved = cellsIn();
    expect(saved).toBeGreaterThanOrEqual(target);
    expect(saved).toBeLessThan(24);
    // A write cut short by the kill leaves a torn last line: it must be ignored.
    appendFileSync(journal, '{"cell":23,"trials":100000,"csv":"23,0,7,2');

    // Without --resume, the journal is not silently overwritten.
    const refused = run(['sweep', spec, '--out', out, '--threads', '2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--resume');

    const resumed = run(['sweep', spec, '--out', out, '--threads', '2', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming: ${saved} of 24 cells already done, computing ${24 - saved}`);
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'killed.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ complete: true, cellsResumed: saved, cellsComputed: 24 - saved });
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  }, 60_000);

  it('--resume refuses a changed seed or grid, naming what changed; without a journal it just runs', () => {
    const dir = tempDir();
    const spec = join(dir, 's.yaml');
    const text = (seed: number, ks: string) =>
      `experiment: selftest\nseed: ${seed}\ntrials: 20000\ngrid:\n  k: [${ks}]\n  fail: [false, true]\n`;
    writeFileSync(spec, text(1, '1, 2'));
    const out = join(dir, 's.csv');
    // A failing cell keeps the journal, so a resume has something to continue.
    expect(run(['sweep', spec, '--out', out, '--threads', '1']).code).toBe(1);
    expect(existsSync(join(dir, 's.partial.jsonl'))).toBe(true);

    writeFileSync(spec, text(2, '1, 2'));
    const seed = run(['sweep', spec, '--out', out, '--resume']);
    expect(seed.code).toBe(2);
    expect(seed.stderr.trim().split('\n')).toHaveLength(1);
    expect(seed.stderr).toMatch(/--resume: .*seed: the journal has 1, now 2/);

    writeFileSync(spec, text(1, '1, 3'));
    const grid = run(['sweep', spec, '--out', out, '--resume']);
    expect(grid.code).toBe(2);
    expect(grid.stderr).toMatch(/cell 2 has k=2 in the journal, now 3/);

    const fresh = run(['sweep', spec, '--out', join(dir, 'fresh.csv'), '--resume', '--threads', '1']);
    expect(fresh.code).toBe(1); // it ran: the fail cells fail again
  });
});

describe('replilab sweep: failures', () => {
  it('a throwing cell is reported with a replay command that reproduces the throw', () => {
    const dir = tempDir();
    const spec = join(dir, 'fail.yaml');
    writeFileSync(
      spec,
      'experiment: selftest\nseed: 7\ntrials: 30000\ngrid:\n  k: [1, 2]\n  fail: [false, true]\n',
    );
    const out = join(dir, 'fail.csv');
    const { code, stderr } = run(['sweep', spec, '--out', out, '--threads', '2']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'replilab: cell 1 failed (k=1 x=1 work=1 fail=true hold_mb=0; seed 7, batch 0): selftest: this cell fails on purpose',
    );
    expect(stderr).toContain('replilab: cell 3 failed (k=2 x=1 work=1 fail=true hold_mb=0; seed 7');
    const replays = [...stderr.matchAll(/replay: (.*)/g)].map((m) => m[1]);
    expect(replays).toEqual([
      `replilab sweep ${spec} --cell 1 --threads 1`,
      `replilab sweep ${spec} --cell 3 --threads 1`,
    ]);
    // The good cells are in the CSV; the manifest lists the failures.
    expect(parse<{ cell: string }>(readFileSync(out), { columns: true }).map((r) => r.cell)).toEqual([
      '0',
      '2',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'fail.manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(false);
    expect(manifest.failures.map((f: { cell: number; replay: string }) => [f.cell, f.replay])).toEqual([
      [1, replays[0]],
      [3, replays[1]],
    ]);

    // The replay command, as printed, reproduces the throw with its stack trace.
    const replay = run(replays[0].split(' ').slice(1));
    expect(replay.code).not.toBe(0);
    expect(replay.stderr).toContain('selftest: this cell fails on purpose (fail: true, k: 1, x: 1)');
    expect(replay.stderr).toMatch(/\n\s+at .*batch\/selftest\.js/);
    // The replay of a good cell prints that cell's CSV, identical to the sweep's rows.
    const good = run(['sweep', spec, '--cell', '2', '--threads', '1']);
    expect(good.code).toBe(0);
    expect(good.stdout.split('\n')[1]).toBe(readFileSync(out, 'utf8').split('\n')[2]);
  });
});

describe('replilab sweep: bad input is refused before any work (exit 2, one line naming the field, no files)', () => {
  const dir = tempDir();
  const cases: [string, string, string[], string][] = [
    ['unknown experiment', 'experiment: raft\nseed: 1\ntrials: 10\n', [], 'experiment'],
    [
      'unknown parameter',
      'experiment: staleness\nseed: 1\ntrials: 10\ngrid:\n  quorum: [2]\n',
      [],
      'grid.quorum',
    ],
    ['W > N', 'experiment: staleness\nseed: 1\ntrials: 10\ngrid:\n  n: [3]\n  w: [4]\n', [], 'grid.w'],
    ['bad fixed t', 'experiment: staleness\nseed: 1\ntrials: 10\nfixed:\n  t: "5:0:1"\n', [], 'fixed.t'],
    ['missing seed', 'experiment: staleness\ntrials: 10\n', [], 'seed'],
    ['trials as text', 'experiment: staleness\nseed: 1\ntrials: many\n', [], 'trials'],
    ['grid not lists', 'experiment: staleness\nseed: 1\ntrials: 10\ngrid:\n  r: 1\n', [], 'grid.r'],
    ['unknown top-level field', 'experiment: staleness\nseed: 1\ntrials: 10\nthreads: 4\n', [], 'threads'],
    ['malformed YAML', 'experiment: staleness\nseed: [1\n', [], 'malformed YAML'],
    ['bad --ci-width', 'experiment: selftest\nseed: 1\ntrials: 10\n', ['--ci-width', '2'], '--ci-width'],
    [
      '--max-trials without --ci-width',
      'experiment: selftest\nseed: 1\ntrials: 10\n',
      ['--max-trials', '100'],
      '--max-trials',
    ],
    ['bad --threads', 'experiment: selftest\nseed: 1\ntrials: 10\n', ['--threads', '0'], '--threads'],
    ['--cell out of range', 'experiment: selftest\nseed: 1\ntrials: 10\n', ['--cell', '5'], '--cell'],
  ];
  for (const [name, text, extra, field] of cases) {
    it(name, () => {
      const base = join(dir, name.replace(/\W+/g, '-'));
      writeFileSync(`${base}.yaml`, text);
      const out = `${base}.csv`;
      expectRefused(run(['sweep', `${base}.yaml`, '--out', out, ...extra]), field, [out]);
      expect(
        readdirSync(dir).filter((f) => f.startsWith(`${base.split('/').pop()}.`) && !f.endsWith('.yaml')),
      ).toEqual([]);
    });
  }

  it('--out is required unless --cell', () => {
    writeFileSync(join(dir, 'ok.yaml'), 'experiment: selftest\nseed: 1\ntrials: 10\n');
    const { code, stderr } = run(['sweep', join(dir, 'ok.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--out');
  });

  it('--help documents the file form, the experiments (selftest as diagnostic) and examples', () => {
    const { code, stdout } = run(['sweep', '--help']);
    expect(code).toBe(0);
    for (const text of [
      '--out',
      '--threads',
      '--resume',
      '--ci-width',
      '--max-trials',
      '--cell',
      'grid:',
      'fixed:',
      'selftest: diagnostic',
      'w_latency',
      'Examples:',
    ]) {
      expect(stdout).toContain(text);
    }
  });
});
