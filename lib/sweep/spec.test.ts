import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParameterError } from '../errors.js';
import { loadSweepSpec, validateSweepSpec } from './spec.js';

const base = { experiment: 'staleness', seed: 1, trials: 1000 };

function refusal(input: unknown): ParameterError {
  try {
    validateSweepSpec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ParameterError);
    return error as ParameterError;
  }
  throw new Error('expected a ParameterError');
}

describe('validateSweepSpec: cells', () => {
  it('a grid is the cartesian product in key order, the last key fastest; defaults fill the rest', () => {
    const sweep = validateSweepSpec({
      ...base,
      grid: { latency: ['lnkd-ssd', 'lnkd-disk'], r: [1, 2], w: [1, 2] },
      fixed: { t: '0:50:5' },
    });
    expect(sweep.cells.map((c) => [c.index, c.values.latency, c.values.r, c.values.w])).toEqual([
      [0, 'lnkd-ssd', 1, 1],
      [1, 'lnkd-ssd', 1, 2],
      [2, 'lnkd-ssd', 2, 1],
      [3, 'lnkd-ssd', 2, 2],
      [4, 'lnkd-disk', 1, 1],
      [5, 'lnkd-disk', 1, 2],
      [6, 'lnkd-disk', 2, 1],
      [7, 'lnkd-disk', 2, 2],
    ]);
    expect(sweep.cells[0].values).toEqual({
      latency: 'lnkd-ssd',
      n: 3,
      r: 1,
      w: 1,
      t: '0:50:5',
      engine: 'fast',
    });
  });

  it('staleness keys are snake_case; a leg override joins the latency label; a number for t is its text', () => {
    const sweep = validateSweepSpec({ ...base, grid: { t: [5, '0,2'] }, fixed: { w_latency: 'exp(4)' } });
    const options = sweep.cells.map((c) => c.options as { tGridMs: number[]; latencyLabel: string });
    expect(options.map((o) => o.tGridMs)).toEqual([[5], [0, 2]]);
    expect(options[0].latencyLabel).toMatch(/^lnkd-ssd;W=exp\(/);
  });

  it('replicates repeat each grid point with their own cell index', () => {
    const sweep = validateSweepSpec({
      experiment: 'selftest',
      seed: 1,
      trials: 10,
      grid: { k: [1, 2] },
      replicates: 3,
    });
    expect(sweep.cells.map((c) => [c.index, c.values.k, c.replicate])).toEqual([
      [0, 1, 0],
      [1, 1, 1],
      [2, 1, 2],
      [3, 2, 0],
      [4, 2, 1],
      [5, 2, 2],
    ]);
  });

  it('an explicit cells list, and no grid at all (one cell)', () => {
    const sweep = validateSweepSpec({
      experiment: 'selftest',
      seed: 1,
      trials: 10,
      cells: [{ k: 3, x: 1.5 }, { k: 1 }],
      fixed: { work: 2 },
    });
    expect(sweep.cells.map((c) => c.values)).toEqual([
      { k: 3, x: 1.5, work: 2, fail: false, hold_mb: 0 },
      { k: 1, x: 1, work: 2, fail: false, hold_mb: 0 },
    ]);
    expect(validateSweepSpec({ experiment: 'selftest', seed: 1, trials: 10 }).cells).toHaveLength(1);
  });
});

describe('validateSweepSpec: refusals name the field', () => {
  const cases: [string, unknown, string, RegExp?][] = [
    [
      'unknown experiment',
      { ...base, experiment: 'raft' },
      'experiment',
      /staleness, failover, leaderless, lag, conflicts, upgrade, editing, selftest/,
    ],
    ['missing experiment', { seed: 1, trials: 1 }, 'experiment'],
    ['missing seed', { experiment: 'staleness', trials: 1000 }, 'seed'],
    ['seed not a number', { ...base, seed: 'one' }, 'seed'],
    ['negative seed', { ...base, seed: -1 }, 'seed'],
    ['fractional trials', { ...base, trials: 1.5 }, 'trials'],
    [
      'unknown top-level field',
      { ...base, seeds: [1, 2] },
      'seeds',
      /experiment, scenario, seed, trials, grid/,
    ],
    ['unknown parameter', { ...base, grid: { quorum: [2] } }, 'grid.quorum', /latency, w_latency/],
    [
      'kebab-case parameter name',
      { ...base, fixed: { 'w-latency': 'exp(1)' } },
      'fixed.w-latency',
      /"w_latency" \(names are snake_case\)/,
    ],
    ['W > N', { ...base, grid: { n: [3], w: [4] } }, 'grid.w', /cell 0: .*w=4/],
    ['bad latency', { ...base, grid: { latency: ['lnkd-ssd', 'lnkd-tape'] } }, 'grid.latency', /cell 1/],
    ['bad t', { ...base, fixed: { t: '0:10' } }, 'fixed.t'],
    ['grid value not a list', { ...base, grid: { r: 2 } }, 'grid.r', /list/],
    ['empty grid list', { ...base, grid: { r: [] } }, 'grid.r'],
    ['nested value', { ...base, grid: { r: [[1]] } }, 'grid.r[0]'],
    ['grid and fixed share a key', { ...base, grid: { r: [1] }, fixed: { r: 1 } }, 'grid.r'],
    ['grid and cells together', { ...base, grid: { r: [1] }, cells: [{ r: 1 }] }, 'cells'],
    ['bad cell in a list', { ...base, cells: [{ r: 1 }, { r: 9 }] }, 'cells[1].r'],
    ['zero replicates', { ...base, replicates: 0 }, 'replicates'],
    ['ci_width out of range', { ...base, ci_width: 2 }, 'ci_width'],
    ['max_trials without ci_width', { ...base, max_trials: 10 }, 'max_trials'],
    ['selftest k out of range', { experiment: 'selftest', seed: 1, trials: 1, grid: { k: [0] } }, 'grid.k'],
    [
      'selftest fail not boolean',
      { experiment: 'selftest', seed: 1, trials: 1, fixed: { fail: 'maybe' } },
      'fixed.fail',
    ],
    ['bad leg override', { ...base, fixed: { w_latency: 'exp(-1)' } }, 'fixed.w_latency'],
    ['trials is no sweep key', { ...base, fixed: { trials: 10 } }, 'fixed.trials'],
    ['not a mapping', [1, 2], 'sweep'],
  ];
  for (const [name, input, field, extra] of cases) {
    it(name, () => {
      const error = refusal(input);
      expect(error.message.startsWith(field)).toBe(true);
      expect(error.message.split('\n')).toHaveLength(1);
      if (extra) expect(error.message).toMatch(extra);
    });
  }
});

describe('loadSweepSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replilab-spec-'));

  it('reads YAML (1e6 is a number, 0:50:5 a string) and JSON alike', () => {
    writeFileSync(
      join(dir, 'a.yaml'),
      'experiment: staleness\nseed: 1\ntrials: 1e6\ngrid:\n  r: [1, 2]\nfixed:\n  t: 0:50:5\n',
    );
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify({
        experiment: 'staleness',
        seed: 1,
        trials: 1e6,
        grid: { r: [1, 2] },
        fixed: { t: '0:50:5' },
      }),
    );
    const yaml = loadSweepSpec(join(dir, 'a.yaml'));
    const json = loadSweepSpec(join(dir, 'a.json'));
    expect(yaml.spec).toEqual(json.spec);
    expect(yaml.cells.map((c) => c.values)).toEqual(json.cells.map((c) => c.values));
    expect(yaml.source).toBe(join(dir, 'a.yaml'));
  });

  it('refuses malformed YAML and JSON naming the file and the line', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'experiment: staleness\ngrid:\n  r: [1, 2\n');
    expect(() => loadSweepSpec(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml: got malformed YAML at line \d+/);
    writeFileSync(join(dir, 'bad.json'), '{"experiment": "staleness",');
    expect(() => loadSweepSpec(join(dir, 'bad.json'))).toThrow(/bad\.json: got malformed JSON/);
    writeFileSync(join(dir, 'dup.yaml'), 'seed: 1\nseed: 2\n');
    expect(() => loadSweepSpec(join(dir, 'dup.yaml'))).toThrow(ParameterError);
    expect(() => loadSweepSpec(join(dir, 'missing.yaml'))).toThrow(/sweep file: got .*missing\.yaml/);
  });
});

describe('validateSweepSpec: scenario sweeps', () => {
  const scenario = { scenario: 'patroni', seed: 1, trials: 10 };

  it("a cell's settings are derived onto the failover experiment's parameters as scenario run derives them", () => {
    const sweep = validateSweepSpec({ ...scenario, grid: { ttl_s: [30, 60] }, fixed: { loop_wait_s: 5 } });
    expect(sweep.spec).toMatchObject({ experiment: 'patroni', scenario: 'patroni' });
    const configs = sweep.cells.map((c) => (c.options as { config: Record<string, unknown> }).config);
    // Patroni's lease is the coordinator's timeout: 1000 x ttl_s, renewed every 1000 x loop_wait_s.
    expect(configs.map((c) => [c.election, c.timeoutMs, c.heartbeatMs])).toEqual([
      ['coordinator', 30000, 5000],
      ['coordinator', 60000, 5000],
    ]);
    // The preset's lab value (10 writes per second), in the model's unit.
    expect(configs[0].writeRate).toBe(0.01);
  });

  it('refuses as --set does: the key as the file wrote it, the rule of the scenario, a derived key, both experiment and scenario', () => {
    expect(refusal({ ...scenario, grid: { ttl_s: [30, 20] } }).parameter).toBe(
      'grid.ttl_s (cell 1: ttl_s=20)',
    ); // loop_wait + 2 retry_timeout > ttl
    expect(refusal({ ...scenario, cells: [{ ttl_s: 30 }, { timeout_ms: 5 }] }).parameter).toBe(
      'cells[1].timeout_ms',
    );
    expect(refusal({ ...scenario, fixed: { nodes: 1 } }).parameter).toMatch(/^fixed\.nodes/);
    expect(refusal({ ...scenario, scenario: 'nosuch' }).parameter).toBe('scenario');
    expect(refusal({ ...scenario, experiment: 'failover' }).parameter).toBe('scenario');
  });

  it('the example file experiments/sweeps/patroni-ttl.yaml is valid', () => {
    expect(loadSweepSpec('experiments/sweeps/patroni-ttl.yaml').cells).toHaveLength(8);
  });
});
