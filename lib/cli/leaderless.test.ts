import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, requireBuiltCli, runCli, runCliJson } from './cli.testkit.js';

beforeAll(requireBuiltCli);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'replilab-leaderless-cli-'));
}

/** The result's documented JSON names (a contract: keep them). */
const CONTRACT_KEYS = [
  'ops',
  'reads',
  'writes',
  'stale_read_fraction',
  'acked_writes',
  'acked_writes_lost',
  'failed_writes',
  'max_siblings',
  'mean_siblings',
  'ryw_violations',
  'monotonic_read_violations',
  'availability',
  'latency_ms',
  'read_age_ms',
  'versions_behind',
  'messages_per_op',
  'hints_stored',
  'hints_handed_off',
  'convergence_ms',
];

const runJson = (args: string[]) => runCliJson(['leaderless', ...args, '--json']);

describe('replilab leaderless --json', () => {
  it('prints one object with the documented names and sane numbers (2000 ops)', () => {
    const j = runJson(['--ops', '2000', '--r', '1', '--w', '1', '--clock-skew', 'uniform(0,50)']);
    for (const key of CONTRACT_KEYS) expect(j, key).toHaveProperty(key);
    expect(j.latency_ms.read.p999).toBeGreaterThan(0);
    expect(j.latency_ms.read.p50).toBeLessThanOrEqual(j.latency_ms.read.p99);
    expect(j.latency_ms.read.p99).toBeLessThanOrEqual(j.latency_ms.read.p999);
    expect(j.ops).toBe(2000);
    expect(j.reads + j.writes).toBe(2000);
    expect(j.acked_writes + j.failed_writes).toBe(j.writes);
    expect(j.acked_writes_lost).toBeGreaterThan(0); // LWW with 50 ms of clock skew and W=1 loses writes
    expect(j.acked_writes_lost).toBeLessThanOrEqual(j.acked_writes);
    expect(j.availability).toBeGreaterThan(0.99);
    expect(j.max_siblings).toBe(1); // LWW
    expect(j.messages_per_op).toBeGreaterThan(0);
    expect(j.messages_per_op).toBeLessThanOrEqual(6); // at most N requests + N replies
    expect([j.hints_stored, j.hints_handed_off]).toEqual([0, 0]);
    expect(j.intervals.stale_read_fraction.low).toBeLessThanOrEqual(j.stale_read_fraction);
    expect(j.intervals.stale_read_fraction.high).toBeGreaterThanOrEqual(j.stale_read_fraction);
    expect(j.seed).toBe(1);
    expect(j.config).toMatchObject({
      n: 3,
      r: 1,
      w: 1,
      ops: 2000,
      clock_skew: 'uniform(0,50)',
      session_length: null,
    });
  });

  it('siblings mode reports siblings', () => {
    const j = runJson([
      '--ops',
      '2000',
      '--conflict',
      'siblings',
      '--keys',
      '20',
      '--write-ratio',
      '0.8',
      '--r',
      '1',
      '--w',
      '1',
    ]);
    expect(j.max_siblings).toBeGreaterThan(1);
    expect(j.acked_writes_lost).toBe(0);
  });

  it('--sloppy stores hints when nodes crash, and hands them off', () => {
    const j = runJson([
      '--ops',
      '2000',
      '--sloppy',
      '--crash-mtbf',
      'exp(0.002)',
      '--crash-mttr',
      'exp(0.01)',
      '--hinted-handoff-interval-ms',
      '200',
    ]);
    expect(j.config).toMatchObject({ sloppy: true, hinted_handoff_interval_ms: 200 });
    expect(j.hints_stored).toBeGreaterThan(0);
    expect(j.hints_handed_off).toBeGreaterThan(0);
    expect(j.hints_handed_off).toBeLessThanOrEqual(j.hints_stored);
  });

  it('random partitions and slow nodes from flags and from a file run, and change the outcome', () => {
    const calm = runJson(['--ops', '2000', '--w', '3', '--r', '1']);
    const cut = runJson([
      '--ops',
      '2000',
      '--w',
      '3',
      '--r',
      '1',
      '--partition-every',
      'exp(0.005)',
      '--partition-duration',
      'exp(0.01)',
    ]);
    expect(calm.failed_writes).toBe(0);
    expect(cut.failed_writes).toBeGreaterThan(0);
    expect(cut.config).toMatchObject({
      partition_every: 'exp(0.005)',
      partition_duration: 'exp(0.01)',
      partition_isolate: 1,
    });
    const dir = tempDir();
    const file = join(dir, 'faults.yaml');
    writeFileSync(
      file,
      'ops: 2000\nw: 3\nr: 1\npartition_every: "exp(0.005)"\npartition_duration: "exp(0.01)"\n',
    );
    expect(runJson(['--config', file])).toEqual(cut);
    const slow = runJson([
      '--ops',
      '2000',
      '--coordinator',
      'client',
      '--w',
      '3',
      '--slow-nodes',
      '0,1',
      '--slow-delay',
      'const(40)',
    ]);
    expect(slow.latency_ms.write.p50).toBeGreaterThan(40);
    expect(slow.config).toMatchObject({ slow_nodes: '0,1', slow_delay: 'const(40)' });
  });

  it('--read-repair and --anti-entropy-interval-ms run, count their work, and measure convergence', () => {
    const base = [
      '--ops',
      '1500',
      '--keys',
      '30',
      '--r',
      '1',
      '--w',
      '1',
      '--loss',
      '0.1',
      '--crash-mtbf',
      'exp(0.002)',
      '--crash-mttr',
      'exp(0.02)',
    ];
    const off = runJson(base);
    expect(off.config).toMatchObject({ read_repair: 'off', anti_entropy_interval_ms: null });
    expect([off.read_repairs, off.anti_entropy_messages, off.convergence_ms]).toEqual([0, 0, null]);
    const on = runJson([...base, '--read-repair', 'background', '--anti-entropy-interval-ms', '100']);
    expect(on.config).toMatchObject({ read_repair: 'background', anti_entropy_interval_ms: 100 });
    expect(on.read_repairs).toBeGreaterThan(0);
    expect(on.keys_repaired_by_read_repair).toBeGreaterThan(0);
    expect(on.anti_entropy_messages).toBeGreaterThan(0);
    expect(on.anti_entropy_bytes).toBeGreaterThan(0);
    expect(on.keys_repaired_by_anti_entropy).toBeGreaterThan(0);
    expect(on.replicas_converged).toBe(true);
    expect(on.convergence_ms).not.toBeNull();
    const none = runJson([...base, '--anti-entropy-interval-ms', 'none', '--read-repair', 'blocking']);
    expect(none.config).toMatchObject({ read_repair: 'blocking', anti_entropy_interval_ms: null });
  });

  it('takes read_repair and anti_entropy_interval_ms from a config file, and names the file key when refusing', () => {
    const dir = tempDir();
    const file = join(dir, 'cluster.yaml');
    writeFileSync(
      file,
      'read_repair: blocking\nanti_entropy_interval_ms: 50\nops: 600\nkeys: 20\nr: 2\nw: 1\nloss: 0.1\n',
    );
    const j = runJson(['--config', file]);
    expect(j.config).toMatchObject({ read_repair: 'blocking', anti_entropy_interval_ms: 50 });
    expect(j.convergence_ms).not.toBeNull();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'anti_entropy_interval_ms: -5\n');
    const run = runCli(['leaderless', '--config', bad, '--json']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('bad.yaml: anti_entropy_interval_ms');
  });

  it('is deterministic: the same seed gives the same JSON, another seed another', () => {
    const args = [
      'leaderless',
      '--ops',
      '1500',
      '--conflict',
      'siblings',
      '--crash-mtbf',
      'exp(0.002)',
      '--crash-mttr',
      'exp(0.02)',
      '--loss',
      '0.01',
      '--seed',
      '7',
      '--json',
    ];
    const a = runCli(args);
    const b = runCli(args);
    expect(a.code, a.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const c = runCli(args.map((arg) => (arg === '7' ? '8' : arg)));
    expect(c.stdout).not.toBe(a.stdout);
  });
});

describe('replilab leaderless: config file and flags', () => {
  it('takes a YAML file and lets flags override it', () => {
    const dir = tempDir();
    const file = join(dir, 'cluster.yaml');
    writeFileSync(
      file,
      [
        'nodes: 6',
        'n: 3',
        'r: 1',
        'w: 1',
        'ops: 1000',
        'keys: 50',
        'zipf: 0.99',
        'clock_skew: "uniform(0,20)"',
        'rate: 200',
        'session_length: inf',
        'seed: 5',
        '',
      ].join('\n'),
    );
    const fromFile = runJson(['--config', file]);
    expect(fromFile.seed).toBe(5);
    expect(fromFile.config).toMatchObject({
      nodes: 6,
      n: 3,
      r: 1,
      w: 1,
      ops: 1000,
      keys: 50,
      zipf: 0.99,
      arrivals: 'open',
      rate: 200,
      session_length: null,
    });
    const overridden = runJson(['--config', file, '--w', '3', '--seed', '9', '--ops', '800']);
    expect(overridden.seed).toBe(9);
    expect(overridden.ops).toBe(800);
    expect(overridden.config).toMatchObject({ nodes: 6, r: 1, w: 3, ops: 800, keys: 50 });
  });

  it('takes a JSON file; the printed config runs again to the same result', () => {
    const dir = tempDir();
    const first = runJson([
      '--ops',
      '600',
      '--conflict',
      'siblings',
      '--arrivals',
      'closed',
      '--think',
      'exp(0.5)',
      '--partitions',
      '100-200:0,1|2,3,4',
      '--seed',
      '3',
    ]);
    expect(first.config).toMatchObject({
      arrivals: 'closed',
      think: 'exp(0.5)',
      partitions: '100-200:0,1|2,3,4',
    });
    const file = join(dir, 'again.json');
    writeFileSync(file, JSON.stringify({ ...first.config, seed: first.seed }));
    const { config: _c, ...rest } = first;
    const { config: _d, ...again } = runJson(['--config', file]);
    expect(again).toEqual(rest);
  });

  it('prints a human summary with intervals without --json', () => {
    const run = runCli(['leaderless', '--ops', '500']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^leaderless: 5 nodes, N=3 R=2 W=2/);
    expect(run.stdout).toMatch(/stale reads: +\d\.\d{4} \[\d\.\d{4}, \d\.\d{4}\]/);
    expect(run.stdout).toContain('convergence:');
  });

  it('writes a one-row CSV (parameters, metrics, trials, seed) and its manifest with --out', () => {
    const dir = tempDir();
    const out = join(dir, 'run.csv');
    const run = runCli(['leaderless', '--ops', '500', '--seed', '4', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const j = JSON.parse(run.stdout) as Record<string, any>;
    const rows = parse<Record<string, string>>(readFileSync(out), { columns: true });
    expect(rows).toHaveLength(1);
    const columns = Object.keys(rows[0]);
    expect(columns.slice(0, 4)).toEqual(['nodes', 'n', 'r', 'w']);
    expect(columns.slice(-2)).toEqual(['trials', 'seed']);
    expect(columns).toContain('stale_read_fraction_ci_high');
    expect(Number(rows[0].stale_read_fraction)).toBe(j.stale_read_fraction);
    expect(Number(rows[0].read_p99_ms)).toBe(j.latency_ms.read.p99);
    expect(rows[0].seed).toBe('4');
    const manifest = JSON.parse(readFileSync(join(dir, 'run.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      experiment: 'leaderless',
      seed: 4,
      trials: 1,
      parameters: { ops: 500 },
    });
  });
});

describe('replilab leaderless: bad input is refused naming the field (exit 2, one line, no files)', () => {
  const cases: [string, string[], string][] = [
    ['W > N', ['--w', '4'], '--w'],
    ['R > N', ['--n', '2', '--r', '3'], '--r'],
    ['a negative rate', ['--rate', '-0.1'], '--rate'],
    ['a negative write ratio', ['--write-ratio', '-0.5'], '--write-ratio'],
    ['a negative loss rate', ['--loss', '-0.01'], '--loss'],
    ['zero nodes', ['--nodes', '0'], '--nodes'],
    ['a Zipf exponent out of range', ['--zipf', '-1'], '--zipf'],
    ['--crash-mtbf without --crash-mttr', ['--crash-mtbf', 'exp(0.001)'], '--crash-mttr'],
    ['a bad clock-skew distribution', ['--clock-skew', 'exp(-1)'], '--clock-skew'],
    ['an unknown conflict mode', ['--conflict', 'merge'], '--conflict'],
    ['a default that no longer fits', ['--n', '1'], '--r'],
    [
      'a zero hinted-handoff interval',
      ['--sloppy', '--hinted-handoff-interval-ms', '0'],
      '--hinted-handoff-interval-ms',
    ],
    ['an unknown read-repair mode', ['--read-repair', 'sometimes'], '--read-repair'],
    ['a zero anti-entropy interval', ['--anti-entropy-interval-ms', '0'], '--anti-entropy-interval-ms'],
    [
      'a non-numeric anti-entropy interval',
      ['--anti-entropy-interval-ms', 'often'],
      '--anti-entropy-interval-ms',
    ],
    ['--think with open-loop arrivals', ['--think', 'exp(0.1)'], '--think'],
    ['--arrivals closed without --think', ['--arrivals', 'closed'], '--think'],
    ['store loss without crashes', ['--store-loss', '0.5'], '--store-loss'],
    ['a partition of a node that does not exist', ['--partitions', '0-100:0,1|9'], '--partitions'],
    ['a malformed partition', ['--partitions', '100-0:0|1'], '--partitions'],
    [
      '--partition-every without --partition-duration',
      ['--partition-every', 'exp(0.01)'],
      '--partition-duration',
    ],
    [
      'a bad partition-every distribution',
      ['--partition-every', 'often', '--partition-duration', 'exp(0.01)'],
      '--partition-every',
    ],
    [
      'isolating every node',
      ['--partition-every', 'exp(0.01)', '--partition-duration', 'exp(0.01)', '--partition-isolate', '5'],
      '--partition-isolate',
    ],
    ['--slow-nodes without --slow-delay', ['--slow-nodes', '0'], '--slow-delay'],
    ['a slow node that does not exist', ['--slow-nodes', '0,7', '--slow-delay', 'exp(0.1)'], '--slow-nodes'],
    ['a malformed slow-node list', ['--slow-nodes', 'zero', '--slow-delay', 'exp(0.1)'], '--slow-nodes'],
  ];
  for (const [what, args, flag] of cases) {
    it(`${what}: names ${flag}`, () => {
      const dir = tempDir();
      const out = join(dir, 'x.csv');
      expectRefused(runCli(['leaderless', ...args, '--ops', '100', '--out', out]), flag, [
        out,
        join(dir, 'x.manifest.json'),
      ]);
    });
  }

  it('an old flag name is refused, suggesting the new one', () => {
    const run = runCli(['leaderless', '--anti-entropy-interval', '100']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--anti-entropy-interval-ms');
  });

  const fileCases: [string, string, string][] = [
    ['W > N', 'n: 3\nw: 4\n', 'bad.yaml: w'],
    ['R > N', 'n: 2\nr: 3\n', 'bad.yaml: r'],
    ['a negative rate', 'rate: -1\n', 'bad.yaml: rate'],
    ['an unknown key', 'nodes: 5\nreplicas: 3\n', 'bad.yaml: replicas'],
    ['a camelCase key', 'writeRatio: 0.9\n', '"write_ratio" (keys are snake_case)'],
    ['an old nested key', 'crash: { ttf: "exp(1)", ttr: "exp(1)" }\n', 'bad.yaml: crash'],
    ['zero nodes', 'nodes: 0\n', 'bad.yaml: nodes'],
    ['a Zipf exponent out of range', 'zipf: -0.5\n', 'bad.yaml: zipf'],
    ['crash_mtbf without crash_mttr', 'crash_mtbf: "exp(0.001)"\n', '--crash-mttr'],
    ['malformed YAML', 'w: [1\n', 'bad.yaml'],
    ['isolating no node', 'partition_isolate: 0\n', 'bad.yaml: partition_isolate'],
    ['a slow node out of range', 'slow_nodes: "0,9"\nslow_delay: "exp(1)"\n', 'bad.yaml: slow_nodes'],
  ];
  for (const [what, text, name] of fileCases) {
    it(`in the config file, ${what}: names ${name}`, () => {
      const dir = tempDir();
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, text);
      expectRefused(runCli(['leaderless', '--config', file, '--json']), name, []);
    });
  }

  it("a flag that fixes the file's bad value wins", () => {
    const dir = tempDir();
    const file = join(dir, 'w.yaml');
    writeFileSync(file, 'w: 4\nops: 200\n');
    expectRefused(runCli(['leaderless', '--config', file]), 'w.yaml: w', []);
    expect(runCli(['leaderless', '--config', file, '--w', '3', '--json']).code).toBe(0);
  });

  it("a file value that conflicts with a flag names the file's key", () => {
    const dir = tempDir();
    const file = join(dir, 'w.yaml');
    writeFileSync(file, 'w: 3\n');
    expectRefused(runCli(['leaderless', '--config', file, '--n', '2']), 'w.yaml: w', []);
  });
});

describe('replilab leaderless --scenario', () => {
  it('lists the quorum edge cases', () => {
    const run = runCli(['leaderless', '--scenario', 'list']);
    expect(run.code).toBe(0);
    for (const name of [
      'sloppy-non-overlap',
      'concurrent-read-inversion',
      'failed-write-read',
      'stale-restore-under-w',
    ])
      expect(run.stdout).toContain(name);
  });

  it("counts a scenario's occurrences with an interval; its control has none; flags override its config", () => {
    const json = (args: string[]) => {
      const run = runCli(['leaderless', '--scenario', 'failed-write-read', ...args, '--json']);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as Record<string, any>;
    };
    const hit = json(['--ops', '2000']);
    expect(hit.scenario).toBe('failed-write-read');
    expect(hit.occurrences.count).toBeGreaterThan(0);
    expect(hit.occurrences.low).toBeGreaterThan(0);
    expect(hit.config).toMatchObject({ w: 3, r: 1, loss: 0.2, ops: 2000 });
    expect(hit.result.failed_writes).toBeGreaterThan(0);
    const control = json(['--ops', '2000', '--control']);
    expect(control.control).toBe(true);
    expect(control.occurrences.count).toBe(0);
    const human = runCli(['leaderless', '--scenario', 'failed-write-read', '--ops', '1000']);
    expect(human.stdout).toMatch(/occurrences: \d+ of \d+: [\d.]+ \[[\d.]+, [\d.]+\] \(Wilson 95%\)/);
  });

  it("refuses an unknown scenario, --control alone, and a flag that breaks the scenario's config", () => {
    expectRefused(runCli(['leaderless', '--scenario', 'split-brain']), '--scenario', []);
    expectRefused(runCli(['leaderless', '--control']), '--control', []);
    // The scenario sets W = 3; --n 2 makes it invalid: named as the scenario's field.
    expectRefused(
      runCli(['leaderless', '--scenario', 'failed-write-read', '--n', '2']),
      'w (scenario failed-write-read)',
      [],
    );
  });
});

describe('replilab leaderless --help', () => {
  it('shows examples, every parameter, the read-repair and anti-entropy flags, and --scenario', () => {
    const run = runCli(['leaderless', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--write-ratio <p>');
    expect(run.stdout).toContain('--rate <per-s>');
    expect(run.stdout).toContain('--sloppy');
    expect(run.stdout).toContain('--read-repair <mode>');
    expect(run.stdout).toContain('--anti-entropy-interval-ms <ms>');
    expect(run.stdout).toContain('--scenario <name>');
    expect(run.stdout).toContain('--scenario list');
    expect(run.stdout).not.toMatch(/not yet modelled/i);
  });
});
