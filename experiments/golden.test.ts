// Results must not change when the code that produces them is reorganised. The fixtures under
// experiments/golden/ were written once, by the code as it stood before the parameter-schema
// redesign, with GOLDEN_WRITE=1; they are never rewritten to make this test pass. A flag or column
// renamed for consistency is mapped here and listed in CHANGELOG.md.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { runDefaultExperiment } from './default-experiment.js';
import { DEFAULT_EXPERIMENTS } from './default-experiments.js';

const FIXTURES = join(process.cwd(), 'experiments/golden');
const WRITE = process.env.GOLDEN_WRITE === '1';
const CLI = join(process.cwd(), 'dist/lib/cli/main.js');

/** One run of each command, small enough for a test, covering each family's main switches. */
const COMMANDS: Record<string, string[]> = {
  'staleness-fast': [
    'staleness',
    '--latency',
    'lnkd-disk',
    '--r',
    '1',
    '--w',
    '2',
    '--trials',
    '5000',
    '--t',
    '0:20:5',
    '--json',
  ],
  'staleness-event': ['staleness', '--engine', 'event', '--trials', '400', '--t', '0,5', '--json'],
  'leaderless-lww': ['leaderless', '--ops', '3000', '--clock-skew', 'uniform(0,50)', '--json'],
  'leaderless-siblings': [
    'leaderless',
    '--ops',
    '3000',
    '--conflict',
    'siblings',
    '--sloppy',
    '--loss',
    '0.01',
    '--json',
  ],
  'failover-raft': ['failover', '--trials', '40', '--json'],
  'failover-pause': ['failover', '--election', 'coordinator', '--fault', 'pause', '--trials', '40', '--json'],
  'lag-default': ['lag', '--json'],
  'conflicts-default': ['conflicts', '--json'],
  'scenario-patroni': ['scenario', 'run', 'patroni', '--trials', '20', '--json'],
  'scenario-dynamo': ['scenario', 'run', 'dynamo', '--json'],
};

/**
 * Units changed for consistency (rates are per second everywhere now): the factor from the new
 * value to the old one, by command and config key (camelCase). See CHANGELOG.md.
 */
const UNIT_CHANGES: Record<string, Record<string, number>> = {
  failover: { writeRate: 1 / 1000 },
};

/**
 * The `config` a command echoes, as the old code wrote it: keys in camelCase (they are snake_case
 * now, as in files and CSV columns) and old units.
 */
function normalizeConfig(command: string, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    const key = name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const factor = UNIT_CHANGES[command]?.[key];
    out[key] = factor !== undefined && typeof value === 'number' ? value * factor : value;
  }
  return out;
}

/** A CSV's rows with every column whose unit changed back in the old unit (numbers as the old CSV wrote them). */
function csvInOldUnits(experiment: string, text: string): Record<string, string>[] {
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  for (const row of rows) {
    for (const [key, factor] of Object.entries(UNIT_CHANGES[experiment] ?? {})) {
      const column = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      if (row[column] !== undefined && row[column] !== '') row[column] = String(Number(row[column]) * factor);
    }
  }
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'replilab-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, text: string): string {
  const path = join(FIXTURES, name);
  if (WRITE) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  if (!existsSync(path)) throw new Error(`golden fixture ${name} is missing`);
  return readFileSync(path, 'utf8');
}

describe('results are those of the code before the redesign', { timeout: 300_000 }, () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    it(`replilab ${args.join(' ')}`, () => {
      const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      const expected = JSON.parse(
        fixture(`commands/${name}.json`, `${JSON.stringify(result, null, 1)}\n`),
      ) as Record<string, unknown>;
      if (!WRITE && result.config !== undefined) {
        result.config = normalizeConfig(args[0], result.config as Record<string, unknown>);
      }
      expect(result).toEqual(expected);
    });
  }

  it('every default experiment writes the same CSVs (trials scaled down)', async () => {
    const written: string[] = [];
    for (const experiment of DEFAULT_EXPERIMENTS) {
      written.push(
        ...(await runDefaultExperiment(experiment, {
          full: false,
          trialScale: 0.02,
          seed: 7,
          threads: 2,
          outDir: dir,
          formats: ['svg'],
          log: () => {},
        })),
      );
    }
    const csvs = written.filter((p) => p.endsWith('.csv')).sort();
    expect(csvs.length).toBeGreaterThan(0);
    for (const csv of csvs) {
      const name = relative(dir, csv);
      const text = readFileSync(csv, 'utf8');
      const expected = fixture(`default-experiments/${name}`, text);
      const experiment = name.split('/')[0];
      // PBS staleness must stay byte-identical; elsewhere, columns whose unit changed are compared in the old unit.
      if (experiment === 'staleness' || UNIT_CHANGES[experiment] === undefined)
        expect(text, name).toBe(expected);
      else expect(csvInOldUnits(experiment, text), name).toEqual(parse(expected, { columns: true }));
    }
    if (!WRITE) {
      const fixtures = readdirSync(join(FIXTURES, 'default-experiments'), {
        recursive: true,
        encoding: 'utf8',
      }).filter((f) => f.endsWith('.csv'));
      expect(fixtures.sort()).toEqual(csvs.map((c) => relative(dir, c)).sort());
    }
  });
});
