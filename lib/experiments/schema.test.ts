// Every experiment's faces agree with its schema: the command's flags, the sweep keys, the CSV
// columns of sweeps, `replilab params --json` and the JSON Schema of sweep files. Then, with
// configurations generated from the schemas (fast-check), every valid one runs deterministically
// and every invalid one is refused with exit code 2 naming the parameter, on the command line and
// in a sweep file alike.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { requireBuiltCli, runCli, CLI } from '../cli/cli.testkit.js';
import { COMMANDS } from '../cli/commands.js';
import { sweepExperiment } from '../sweep/experiments.js';
import { validateSweepSpec } from '../sweep/spec.js';
import { sweepFileSchema } from '../sweep/sweep-schema.js';
import { flagOf, type Experiment } from './define.js';
import { snakeCase, type Param, type ParamMeta } from './param.js';
import { EXPERIMENTS } from './registry.js';

beforeAll(requireBuiltCli);

/** Flags every experiment command has besides its parameters. */
const RUN_FLAGS = ['--config', '--seed', '--out', '--json', '--quiet', '--help', '--threads', '--figures'];

/** Flags a command adds that are no parameters (leaderless: its quorum edge-case scenarios). */
const EXTRA_FLAGS: Record<string, string[]> = { leaderless: ['--scenario', '--control'] };

/** Parameters set small in generated configurations, so each run takes well under a second. */
const SMALL: Record<string, Record<string, number>> = {
  failover: { trials: 2, nodes: 5, warmupHeartbeats: 5 },
  leaderless: { ops: 300, keys: 50, nodes: 5 },
  lag: { ops: 300 },
  conflicts: { durationMs: 200 },
  editing: { sessions: 2, durationMs: 1000, interleavingTrials: 2 },
  staleness: { trials: 300 },
};

const sweepNames = (e: Experiment) => e.keys.filter((k) => e.params[k].meta.sweep).map(snakeCase);

/**
 * Sweep keys that have no CSV column of their own: staleness writes its leg overrides into the
 * `latency` column's label (`lnkd-ssd;W=exp(4)`), as its CSV always has.
 */
const FOLDED: Record<string, readonly string[]> = {
  staleness: ['w_latency', 'a_latency', 'r_latency', 's_latency'],
};

describe.each(EXPERIMENTS.map((e) => [e.name, e] as const))(
  'the faces of %s agree with its schema',
  (name, experiment) => {
    // selftest has no command: sweeps run it.
    it.skipIf(!Object.hasOwn(COMMANDS, name))(
      'its command has one flag per parameter, and nothing else but the run flags',
      async () => {
        const command = await COMMANDS[name]();
        const flags = command.options.map((o) => o.long!.replace(/^--no-/, '--'));
        const params = experiment.keys.map(flagOf);
        for (const flag of params) expect(flags, flag).toContain(flag);
        const others = [...RUN_FLAGS, ...(EXTRA_FLAGS[name] ?? [])];
        expect(flags.filter((f) => !params.includes(f) && !others.includes(f))).toEqual([]);
      },
    );

    it('replilab params --json lists the same names, flags and defaults', () => {
      const run = runCli(['params', name, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const listed = (
        JSON.parse(run.stdout) as { params: { name: string; flag: string; default: unknown }[] }
      ).params;
      expect(listed.map((p) => p.name)).toEqual(experiment.keys.map(snakeCase));
      expect(listed.map((p) => p.flag)).toEqual(experiment.keys.map(flagOf));
      expect(listed.map((p) => p.default)).toEqual(
        experiment.keys.map((k) => experiment.params[k].meta.default),
      );
    });

    it('its sweep keys, its JSON Schema keys and the parameter columns of its sweep CSV are the sweep parameters, in order', async () => {
      const names = sweepNames(experiment);
      const sweep = sweepExperiment(name);
      expect(sweep.parameters.map((p) => p.name)).toEqual(names);
      const rule = (sweepFileSchema().allOf as { if: any; then: any }[]).find(
        (r) => r.if.properties.experiment.const === name,
      )!;
      expect(Object.keys(rule.then.properties.grid.properties)).toEqual(names);
      expect(Object.keys(rule.then.properties.fixed.properties)).toEqual(names);
      await sweep.prepare?.();
      const columns = sweep.columns.filter((c) => names.includes(c));
      expect(columns).toEqual(names.filter((n) => !FOLDED[name]?.includes(n)));
    });
  },
);

/** A text the command line takes for a value (the inverse of fromText). */
function asText(meta: ParamMeta, value: unknown): string {
  if (value === null) return meta.nullText!;
  if (Array.isArray(value)) return value.join('-');
  return String(value);
}

/** Typical valid values of a parameter, from its bounds and default. */
function validValue(param: Param): fc.Arbitrary<unknown> {
  const meta = param.meta;
  const d = meta.default;
  const nullable = (a: fc.Arbitrary<unknown>) =>
    meta.nullText !== undefined ? fc.option(a, { nil: null }) : a;
  const inRange = (lo: number, hi: number) => (x: number) =>
    param.schema.safeParse(x).success && x >= lo && x <= hi;
  switch (meta.kind) {
    case 'integer': {
      const base = typeof d === 'number' ? d : 1;
      return nullable(fc.integer({ min: 0, max: Math.max(4, 2 * base) }).filter(inRange(0, Infinity)));
    }
    case 'number': {
      const base = typeof d === 'number' && d > 0 ? d : 1;
      return nullable(
        fc.double({ min: base / 2, max: base * 2, noNaN: true }).map((x) => Number(x.toPrecision(6))),
      );
    }
    case 'choice':
      return fc.constantFrom(...meta.choices!);
    case 'boolean':
      return fc.boolean();
    case 'distribution':
      return nullable(
        fc.constantFrom(...new Set(['exp(1)', 'const(2)', 'uniform(0,4)', ...(d ? [d as string] : [])])),
      );
    case 'range': {
      const [lo] = d as [number, number];
      return fc
        .tuple(fc.integer({ min: Math.ceil(lo / 2), max: lo * 2 }), fc.integer({ min: 0, max: lo }))
        .map(([a, b]) => [a, a + b]);
    }
    default:
      return fc.constant(d);
  }
}

/** Values a parameter refuses, as command-line text. */
function invalidTexts(meta: ParamMeta): string[] {
  switch (meta.kind) {
    case 'integer':
      return ['0x1', 'many', '-1', '2.5', '1e99'];
    case 'number':
      return ['0x10', 'fast', 'NaN', 'Infinity'];
    case 'choice':
      return ['nonsense'];
    case 'distribution':
      return ['exp(-1)', 'gamma(1)'];
    case 'range':
      return ['300-150', 'soon', '0-5'];
    default:
      return [];
  }
}

/** A generated configuration of an experiment: every parameter drawn, the SMALL ones fixed. */
function configuration(experiment: Experiment): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of experiment.keys) {
    const small = SMALL[experiment.name]?.[key];
    shape[key] = small !== undefined ? fc.constant(small) : validValue(experiment.params[key]);
  }
  return fc.record(shape).filter((values) => {
    try {
      experiment.resolve(values);
      return true;
    } catch (error) {
      if (error instanceof ParameterError) return false;
      throw error;
    }
  });
}

/** The experiments with a command of their own (the generated configurations run it). */
const COMMANDED = EXPERIMENTS.filter((e) => Object.hasOwn(COMMANDS, e.name));

describe.each(COMMANDED.map((e) => [e.name, e] as const))(
  'generated configurations of %s',
  (name, experiment) => {
    it('a valid configuration runs deterministically, and the command line gives the library result', async () => {
      await fc.assert(
        fc.asyncProperty(
          configuration(experiment),
          fc.integer({ min: 0, max: 1000 }),
          async (input, seed) => {
            const values = experiment.resolve(input);
            const first = await experiment.runValues(values, seed);
            const again = await experiment.runValues(values, seed);
            expect(JSON.stringify(again)).toBe(JSON.stringify(first));
            const args = [name, '--json', '--quiet', '--seed', String(seed)];
            for (const key of experiment.keys) {
              const meta = experiment.params[key].meta;
              const value = (values as Record<string, unknown>)[key];
              if (meta.kind === 'boolean') {
                if (value !== meta.default) args.push(value ? flagOf(key) : `--no-${flagOf(key).slice(2)}`);
              } else args.push(flagOf(key), asText(meta, value));
            }
            const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
            expect(run.status, `replilab ${args.join(' ')}\n${run.stderr}`).toBe(0);
            expect(JSON.parse(run.stdout)).toEqual(
              JSON.parse(JSON.stringify(experiment.json(first, seed, values))),
            );
          },
        ),
        { numRuns: 4, seed: 7 },
      );
    }, 180_000);

    it('an invalid value is refused naming the parameter: exit 2 on the command line, the field in a sweep file', () => {
      const cases = experiment.keys.flatMap((key) =>
        invalidTexts(experiment.params[key].meta).map((text) => ({ key, text })),
      );
      expect(cases.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.constantFrom(...cases), ({ key, text }) => {
          const run = runCli([name, flagOf(key), text, '--json']);
          expect(run.code, `${flagOf(key)} ${text}: ${run.stderr}`).toBe(2);
          expect(run.stdout).toBe('');
          expect(run.stderr.trim().split('\n')).toHaveLength(1);
          expect(run.stderr).toContain(`${flagOf(key)}:`);
          if (!experiment.params[key].meta.sweep) return;
          const field = `fixed.${snakeCase(key)}`;
          expect(() =>
            validateSweepSpec({ experiment: name, seed: 1, trials: 1, fixed: { [snakeCase(key)]: text } }),
          ).toThrow(expect.objectContaining({ parameter: expect.stringContaining(field) }));
        }),
        { numRuns: 12, seed: 11 },
      );
    }, 120_000);
  },
);
