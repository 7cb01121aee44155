// The notebooks' code cells as a reader sees them in JupyterLab: no line wider than 100
// characters (wider lines scroll sideways in a cell), no console.table (box-drawing text that
// wraps; tables go through displayTable as HTML), and the library imported by its package name.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const NOTEBOOKS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'notebooks');
const MAX_LINE = 100;

interface Cell {
  cell_type: string;
  source: string | string[];
}

function codeCells(file: string, dir = NOTEBOOKS): { index: number; lines: string[] }[] {
  const nb = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { cells: Cell[] };
  return nb.cells.flatMap((cell, i) =>
    cell.cell_type === 'code'
      ? [
          {
            index: i + 1,
            lines: (Array.isArray(cell.source) ? cell.source.join('') : cell.source).split('\n'),
          },
        ]
      : [],
  );
}

/** Every offending line as `file cell N line M: text`, so a failure says where to look. */
function offending(file: string, bad: (line: string) => boolean, dir = NOTEBOOKS): string[] {
  return codeCells(file, dir).flatMap(({ index, lines }) =>
    lines.flatMap((line, j) => (bad(line) ? [`${file} cell ${index} line ${j + 1}: ${line}`] : [])),
  );
}

const tooLong = (line: string) => [...line].length > MAX_LINE;
const consoleTable = (line: string) => /console\s*\.\s*table\b/.test(line);

const files = readdirSync(NOTEBOOKS)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

describe('notebook code cells', () => {
  it('finds the notebooks', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  // Code points, not UTF-16 units: a λ or an en dash is one character on screen.
  it.each(files)(`%s: no code line is longer than ${MAX_LINE} characters`, (file) => {
    expect(offending(file, tooLong)).toEqual([]);
  });

  it.each(files)('%s: no console.table (tables go through displayTable)', (file) => {
    expect(offending(file, consoleTable)).toEqual([]);
  });

  it.each(files)('%s: imports the library by its package name, not from dist/', (file) => {
    expect(offending(file, (line) => /from\s+['"][./]+dist\//.test(line))).toEqual([]);
  });

  it('names the cell and line of each offence in a notebook that has them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'replilab-cells-'));
    try {
      const cells = [
        { cell_type: 'markdown', source: ['# ', 'y'.repeat(200)] },
        {
          cell_type: 'code',
          source: ['const a = 1;\n', `// ${'λ'.repeat(MAX_LINE - 3)}\n`, 'console.table([a]);'],
        },
        { cell_type: 'code', source: `const b = '${'x'.repeat(MAX_LINE)}';` },
      ];
      writeFileSync(path.join(dir, 'bad.ipynb'), JSON.stringify({ cells }));
      // The comment line is exactly 100 characters: allowed; the markdown cell is not code.
      expect(offending('bad.ipynb', tooLong, dir)).toEqual([
        `bad.ipynb cell 3 line 1: const b = '${'x'.repeat(MAX_LINE)}';`,
      ]);
      expect(offending('bad.ipynb', consoleTable, dir)).toEqual([
        'bad.ipynb cell 2 line 3: console.table([a]);',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
