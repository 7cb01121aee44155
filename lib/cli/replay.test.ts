import { describe, expect, it, beforeAll } from 'vitest';
import { expectRefused, requireBuiltCli, runCli } from './cli.testkit.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = runCli;

beforeAll(requireBuiltCli);

const cell = [
  '--latency',
  'lnkd-disk',
  '--n',
  '3',
  '--r',
  '1',
  '--w',
  '1',
  '--t',
  '0,1,5',
  '--trials',
  '5000',
  '--seed',
  '11',
];

describe('replilab replay', () => {
  it('--sweep FILE --cell K replays the trial of that sweep cell (same trace as the cell given by flags)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-replay-sweep-'));
    const sweepFile = join(dir, 'sweep.yaml');
    writeFileSync(
      sweepFile,
      'experiment: staleness\nseed: 3\ntrials: 5000\ngrid:\n  r: [1, 2]\n  w: [1, 2]\nfixed:\n  latency: lnkd-disk\n  t: "0:4:2"\n  engine: event\n',
    );
    const fromSweep = run([
      'replay',
      '--sweep',
      sweepFile,
      '--cell',
      '2',
      '--t-index',
      '1',
      '--trial',
      '7',
      '--out',
      join(dir, 'a.jsonl'),
    ]);
    expect(fromSweep.code).toBe(0);
    // Cell 2 in grid order (r outer, w inner): R=2 W=1.
    const byFlags = run([
      'replay',
      '--latency',
      'lnkd-disk',
      '--r',
      '2',
      '--w',
      '1',
      '--t',
      '0:4:2',
      '--trials',
      '5000',
      '--seed',
      '3',
      '--cell',
      '2',
      '--t-index',
      '1',
      '--trial',
      '7',
      '--out',
      join(dir, 'b.jsonl'),
    ]);
    expect(byFlags.code).toBe(0);
    const events = (file: string) => readFileSync(join(dir, file), 'utf8').split('\n').slice(1).join('\n');
    expect(events('a.jsonl')).toBe(events('b.jsonl'));
    expect(JSON.parse(readFileSync(join(dir, 'a.jsonl'), 'utf8').split('\n')[0])).toMatchObject({
      seed: 3,
      cell: 2,
      tIndex: 1,
      trial: 7,
    });
    const mixed = run(['replay', '--sweep', sweepFile, '--n', '5', '--out', join(dir, 'c.jsonl')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--sweep');
    expect(existsSync(join(dir, 'c.jsonl'))).toBe(false);
  });

  it('writes the trace and the timeline, and prints a one-paragraph summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-replay-'));
    const out = join(dir, 'trial.jsonl');
    const { code, stdout, stderr } = run([
      'replay',
      ...cell,
      '--cell',
      '3',
      '--t-index',
      '1',
      '--trial',
      '42',
      '--out',
      out,
      '--figures',
      'svg,png',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({
      seed: 11,
      cell: 3,
      tIndex: 1,
      trial: 42,
      tMs: 1,
      parameters: { n: 3, r: 1, w: 1, trials: 5000 },
    });
    expect(lines).toHaveLength(1 + header.eventCount);
    expect(JSON.parse(lines[1])).toMatchObject({ kind: 'write-start', timeMs: 0 });
    expect(readFileSync(join(dir, 'trial.svg'), 'utf8')).toContain('<path');
    expect(readFileSync(join(dir, 'trial.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readdirSync(dir).sort()).toEqual(['trial.jsonl', 'trial.png', 'trial.svg']);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toContain('trial 42 of 5000 at t = 1 ms');
    expect(stdout).toContain(header.outcome.consistent ? 'consistent read' : 'stale read');
    expect(stdout).toContain(`${header.eventCount} events`);
    expect(stdout).toContain(out);
  });

  it('--help shows the options and examples', () => {
    const { code, stdout } = run(['replay', '--help']);
    expect(code).toBe(0);
    for (const text of ['--latency', '--cell', '--t-index', '--trial', '--out', '--figures', 'Examples:'])
      expect(stdout).toContain(text);
  });

  describe('bad input: one line naming the flag, exit code 2, no output file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-replay-bad-'));
    const cases: [string, string[], string][] = [
      ['--t-index beyond the grid', ['--t-index', '3'], '--t-index'],
      ['--trial beyond the trials', ['--trial', '5000'], '--trial'],
      ['negative --trial', ['--trial', '-1'], '--trial'],
      ['bad --cell', ['--cell', 'x'], '--cell'],
      ['W > N', ['--w', '4'], '--w'],
      ['unknown preset', ['--latency', 'lnkd-tape'], '--latency'],
      ['bad --figures', ['--figures', 'gif'], '--figures'],
    ];
    for (const [name, args, flag] of cases) {
      it(name, () => {
        const out = join(dir, `${name.replace(/\W+/g, '-')}.jsonl`);
        expectRefused(run(['replay', ...cell, ...args, '--out', out]), flag, [out]);
      });
    }
    it('--out missing or not .jsonl', () => {
      for (const [args, flag] of [
        [[], '--out'],
        [['--out', join(dir, 'x.csv')], '--out'],
      ] as const) {
        const { code, stderr } = run(['replay', ...cell, ...args]);
        expect(code).toBe(2);
        expect(stderr.trim().split('\n')).toHaveLength(1);
        expect(stderr).toContain(flag);
      }
      expect(readdirSync(dir)).toEqual([]);
    });
  });
});
