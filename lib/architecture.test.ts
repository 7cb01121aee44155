// The layers run one way: a module may import its own layer and the layers below it, never one
// above, and no import cycle exists anywhere in lib/. Tests and test kits are exempt from the
// layer rule (a test may drive a lower layer through a higher one) but not from the cycle rule.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Each folder of lib/ and its layer: random, stats, latency -> sim -> workload, check -> models
 * (the three families, the fast kernels) -> experiments (schema, run, pool, row) -> sweep engine,
 * charts, tables, scenarios -> cli. lib/errors.ts and lib/output (atomic writes, CSV, manifests) are below
 * everything; lib/index.ts (the public root) re-exports every layer but the CLI, which a test
 * below keeps out of it.
 */
const LAYERS: Record<string, number> = {
  'errors.ts': 0,
  random: 0,
  output: 0,
  stats: 1,
  latency: 1,
  sim: 2,
  workload: 3,
  check: 3,
  fast: 4,
  strategies: 4,
  experiments: 5,
  'index.ts': 7,
  charts: 6,
  sweep: 6,
  tables: 6,
  scenarios: 6,
  testbed: 6,
  cli: 7,
};

const ROOT = join(process.cwd(), 'lib');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const isTest = (path: string) => /\.(test|testkit)\.ts$/.test(path);

/** The relative imports of a file (static, dynamic; type-only ones too unless `runtimeOnly`), as paths of .ts files under lib/. */
function importsOf(path: string, runtimeOnly = false): string[] {
  // Code only: doc comments show imports as examples (from a notebook's point of view).
  const text = readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [
    ...text.matchAll(
      runtimeOnly
        ? /^\s*(?:import|export)\s(?!type\s)[^;]*?from\s+'(\.[^']+)'/gm
        : /^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm,
    ),
    ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1]);
  return specifiers
    .filter((s) => s.endsWith('.js'))
    .map((s) => normalize(join(dirname(path), s.replace(/\.js$/, '.ts'))));
}

function layerOf(path: string): { name: string; layer: number } {
  const name = relative(ROOT, path).split('/')[0];
  const layer = LAYERS[name];
  if (layer === undefined)
    throw new Error(`lib/${name} has no layer: add it to LAYERS in lib/architecture.test.ts`);
  return { name, layer };
}

const files = sources(ROOT);
const graph = new Map(
  files.map((file) => [file, importsOf(file).filter((target) => target.startsWith(ROOT))]),
);
/** Imports that load code when the module loads (type-only imports are erased by the compiler). */
const runtimeGraph = new Map(
  files.map((file) => [file, importsOf(file, true).filter((target) => target.startsWith(ROOT))]),
);

describe('architecture', () => {
  it('no module imports a layer above its own', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      if (isTest(file)) continue;
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (to.layer > from.layer) violations.push(`${relative(ROOT, file)} -> ${relative(ROOT, target)}`);
      }
    }
    expect(violations.join('\n')).toBe('');
  });

  it('has no import cycle (type-only imports, erased at compile time, aside)', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of runtimeGraph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of runtimeGraph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('the public root and its subpaths load neither commander nor the CLI (static imports; dynamic ones load on use)', () => {
    const entries = [
      'index.ts',
      'latency/index.ts',
      'sim/index.ts',
      'check/index.ts',
      'charts/index.ts',
      'tables/index.ts',
    ];
    for (const entry of entries) {
      const seen = new Set<string>();
      const bare = new Set<string>();
      const walk = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
        for (const m of text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^;]*?from\s+'([^']+)'/gm)) {
          if (m[1].startsWith('.')) walk(normalize(join(dirname(file), m[1].replace(/\.js$/, '.ts'))));
          else bare.add(m[1]);
        }
      };
      walk(join(ROOT, entry));
      expect(
        [...seen].filter((f) => relative(ROOT, f).startsWith('cli/')),
        entry,
      ).toEqual([]);
      expect(bare.has('commander'), `${entry} loads commander`).toBe(false);
    }
  });

  it('the rule is checked: a fabricated upward import is found', () => {
    const from = layerOf(join(ROOT, 'strategies/x.ts'));
    const to = layerOf(join(ROOT, 'cli/main.ts'));
    expect(to.layer).toBeGreaterThan(from.layer);
  });
});
