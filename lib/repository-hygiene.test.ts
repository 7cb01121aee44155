// Every tracked file must read on its own. A reader of the repository has neither the design notes
// that preceded it nor the tracker it was planned in, so no source, doc, notebook or config may send
// them to a document outside the repository or to an issue number: say the thing itself instead
// (or point at docs/architecture.md).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What may not be referred to, and how a reference to it looks. */
const FORBIDDEN: readonly { what: string; pattern: RegExp }[] = [
  { what: 'a design document outside the repository', pattern: /\bDESIGN\.md\b/i },
  { what: 'a folder beside the repository', pattern: /\.\.\/shared\b/ },
  { what: 'an issue number', pattern: /\bissues? #?\d+\b/i },
];

/**
 * Tracked files not checked: dependency metadata, and the golden fixtures, which are outputs the
 * code wrote and are never edited by hand.
 */
const SKIPPED: readonly RegExp[] = [/^package-lock\.json$/, /^experiments\/golden\//];

/** The text a reader sees: a notebook's cell sources (outputs are what the code printed), or the file. */
function readerText(path: string, content: Buffer): string | null {
  if (content.includes(0)) return null; // binary
  const text = content.toString('utf8');
  if (!path.endsWith('.ipynb')) return text;
  const notebook = JSON.parse(text) as { cells: { source: string | string[] }[] };
  return notebook.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
}

/** `path:line: what: "matched text"` for every forbidden reference in the text. */
function findings(path: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const { what, pattern } of FORBIDDEN) {
      const m = pattern.exec(line);
      if (m !== null) found.push(`${path}:${i + 1}: ${what}: "${m[0]}"`);
    }
  });
  return found;
}

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter((p) => p !== '' && !SKIPPED.some((s) => s.test(p)));
}

describe('repository hygiene', () => {
  it('no tracked source, doc or notebook refers to a file outside the repository or to an issue number', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((path) => {
      const text = readerText(path, readFileSync(join(ROOT, path)));
      return text === null ? [] : findings(path, text);
    });
    expect(found).toEqual([]);
  });

  it('the patterns catch the forms such references take, and not ordinary words', () => {
    // Built from pieces, so that this file does not refer to them itself.
    const design = ['DESIGN', 'md'].join('.');
    const caught = [
      `see ${design}, "Metrics"`,
      `the reference in ${['..', 'shared', 'reference', 'x.json'].join('/')}`,
      `(${'issue'} 3, item 2)`,
      `${'Issue'} 5's JSON names`,
      `${'issues'} 4 and 6`,
      `fixed in ${'issue'} #12`,
    ];
    for (const text of caught) expect(findings('x', text), text).toHaveLength(1);
    const fine = [
      'clients issue operations at 2 per ms',
      'empirical(samples): got sample #2 = -2',
      "color: '#000000'",
      'see docs/architecture.md',
      'the issue time of a write',
    ];
    for (const text of fine) expect(findings('x', text), text).toEqual([]);
  });

  it('reads what a notebook shows: its cell sources, not its outputs', () => {
    const notebook = {
      cells: [
        { cell_type: 'markdown', source: ['# Title\n', `as ${'issue'} 7 asks\n`] },
        { cell_type: 'code', source: 'f()', outputs: [{ text: `${'issue'} 8` }] },
      ],
    };
    const text = readerText('n.ipynb', Buffer.from(JSON.stringify(notebook)));
    expect(findings('n.ipynb', text ?? '')).toEqual([`n.ipynb:2: an issue number: "${'issue'} 7"`]);
  });
});

describe('test scratch space', () => {
  // Tests make scratch folders with mkdtemp under os.tmpdir() and many do not remove them; the
  // global setup (lib/test-tmpdir.testkit.ts) points TMPDIR at one folder per run and removes it.
  it("os.tmpdir() is the run's own folder, not the system's", () => {
    expect(tmpdir()).toMatch(/replilab-tests-[^/]+$/);
    expect(existsSync(tmpdir())).toBe(true);
  });
});
