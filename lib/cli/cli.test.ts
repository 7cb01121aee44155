import { describe, expect, it, beforeAll } from 'vitest';
import { CLI, expectRefused, requireBuiltCli, runCli } from './cli.testkit.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const run = runCli;

beforeAll(requireBuiltCli);

describe('replilab staleness', () => {
  it('--json prints exactly one JSON object with the documented names', () => {
    const { code, stdout } = run([
      'staleness',
      '--latency',
      'lnkd-disk',
      '--t',
      '0:10:5',
      '--trials',
      '20000',
      '--json',
      '--threads',
      '1',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]);
    expect(Object.keys(json)).toEqual([
      'n',
      'r',
      'w',
      'trials',
      'seed',
      'curve',
      't_visibility',
      'latency_ms',
    ]);
    expect(json).toMatchObject({ n: 3, r: 1, w: 1, trials: 20000, seed: 1 });
    expect(json.curve.map((p: { t: number }) => p.t)).toEqual([0, 5, 10]);
    expect(Object.keys(json.t_visibility)).toEqual(['0.9', '0.99', '0.999']);
    expect(Object.keys(json.latency_ms.read)).toEqual(['p50', 'p99', 'p999']);
  });

  it('writes a CSV, its manifest and figures; 1 and 2 threads give byte-identical CSVs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-cli-'));
    const common = [
      'staleness',
      '--latency',
      'ymmr',
      '--r',
      '1',
      '--w',
      '2',
      '--t',
      '0,1,5,10,50,100',
      '--trials',
      '150000',
      '--seed',
      '5',
    ];
    expect(
      run([...common, '--threads', '1', '--out', join(dir, 'one.csv'), '--figures', 'svg,png']).code,
    ).toBe(0);
    expect(run([...common, '--threads', '2', '--out', join(dir, 'two.csv')]).code).toBe(0);
    const one = readFileSync(join(dir, 'one.csv'));
    expect(readFileSync(join(dir, 'two.csv')).equals(one)).toBe(true);
    const rows = parse<Record<string, string>>(one, { columns: true });
    expect(rows).toHaveLength(6);
    expect(Object.keys(rows[0]).slice(0, 6)).toEqual(['latency', 'engine', 'n', 'r', 'w', 't']);
    expect(Object.keys(rows[0]).slice(-2)).toEqual(['trials', 'seed']);
    const manifest = JSON.parse(readFileSync(join(dir, 'one.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ experiment: 'staleness', seed: 5, trials: 150000, threads: 1 });
    expect(manifest.outputs).toHaveLength(3);
    expect(readFileSync(join(dir, 'one.svg'), 'utf8')).toContain('<path');
    expect(readFileSync(join(dir, 'one.png')).subarray(1, 4).toString()).toBe('PNG');
    // Nothing half-written is left behind.
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('reads an empirical latency trace with file:', () => {
    const { code, stdout } = run([
      'staleness',
      '--latency',
      'file:data/latency/example-trace.csv',
      '--t',
      '0,1',
      '--trials',
      '5000',
      '--json',
      '--threads',
      '1',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).curve).toHaveLength(2);
  });

  it('--help loads the schema, not the model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-loads-'));
    const hook = join(dir, 'hook.mjs');
    writeFileSync(
      hook,
      "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOAD ' + r.url + '\\n'); return r; }\n",
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hook}`)});\n`,
    );
    const help = spawnSync(process.execPath, ['--import', register, CLI, 'staleness', '--help'], {
      encoding: 'utf8',
    });
    expect(help.status, help.stderr).toBe(0);
    const loaded = help.stderr.split('\n').filter((line) => line.startsWith('LOAD '));
    expect(loaded.some((line) => line.endsWith('/experiments/staleness.js'))).toBe(true);
    for (const model of ['staleness-run.js', 'batch/staleness.js', 'wars-fast.js', 'wars-event.js'])
      expect(loaded.filter((line) => line.endsWith(model))).toEqual([]);
  });

  it('--help shows the options and examples', () => {
    const { code, stdout } = run(['staleness', '--help']);
    expect(code).toBe(0);
    for (const text of [
      '--latency',
      '--w-latency',
      '--n',
      '--t',
      '--trials',
      '--seed',
      '--threads',
      '--out',
      '--json',
      'Examples:',
    ]) {
      expect(stdout).toContain(text);
    }
  });

  it('--config gives the parameters in snake_case (flags win); a leg override of none follows --latency', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-config-'));
    const config = join(dir, 'staleness.yaml');
    writeFileSync(
      config,
      'latency: "exp(1)"\nw_latency: "exp(4)"\nw: 2\nt: "0,1,5"\ntrials: 4000\nseed: 3\n',
    );
    const fromFile = run(['staleness', '--config', config, '--w', '1', '--json', '--threads', '1']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const flags = [
      ...['staleness', '--latency', 'exp(1)', '--w-latency', 'exp(4)', '--t', '0,1,5'],
      ...['--trials', '4000', '--seed', '3', '--json', '--threads', '1'],
    ];
    expect(JSON.parse(fromFile.stdout)).toEqual(JSON.parse(run(flags).stdout));
    const same = ['staleness', '--latency', 'exp(1)', '--t', '0,1', '--trials', '3000', '--json'];
    expect(run([...same, '--w-latency', 'none']).stdout).toBe(run(same).stdout);
    // The refusal names the file's key, where the value came from.
    expectRefused(
      run(['staleness', '--config', config, '--n', '1', '--trials', '10']),
      'staleness.yaml: w:',
      [],
    );
  });

  describe('bad input: one line naming the parameter, exit code 2, no output file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-bad-'));
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'words.csv'), 'latency_ms\n1.5\nslow\n');
    const cases: [string, string[], string][] = [
      ['W > N', ['--w', '4'], '--w'],
      ['R < 1', ['--r', '0'], '--r'],
      ['N < 1', ['--n', '0'], '--n'],
      ['unknown preset', ['--latency', 'lnkd-tape'], '--latency'],
      ['malformed distribution', ['--latency', 'exp(0.1'], '--latency'],
      ['negative parameter', ['--latency', 'exp(-1)'], '--latency'],
      ['NaN parameter', ['--w-latency', 'pareto(NaN,2)'], '--w-latency'],
      ['empty latency file', ['--latency', `file:${join(dir, 'empty.csv')}`], '--latency'],
      ['non-numeric latency file', ['--latency', `file:${join(dir, 'words.csv')}`], '--latency'],
      ['bad --t range', ['--t', '10:0:1'], '--t'],
      ['zero --t step', ['--t', '0:10:0'], '--t'],
      ['non-numeric --t', ['--t', '0,a,5'], '--t'],
      ['negative trials', ['--trials', '-5'], '--trials'],
      ['unknown engine', ['--engine', 'warp'], '--engine'],
      ['unknown option', ['--quorum', '2'], '--quorum'],
    ];
    for (const [name, args, flag] of cases) {
      it(name, () => {
        const out = join(dir, `${name.replace(/\W+/g, '-')}.csv`);
        // Small trials first: a case's own --trials comes later and wins.
        expectRefused(run(['staleness', '--trials', '1000', ...args, '--out', out]), flag, [
          out,
          out.replace(/\.csv$/, '.manifest.json'),
        ]);
      });
    }
  });
});

describe('replilab', () => {
  it('--version prints the package version', () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
    expect(execFileSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).trim()).toBe(version);
  });
});
