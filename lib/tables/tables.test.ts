// loadResults against an independent reading of the same files: every CSV `npm start` writes (a
// quick run of the default experiments into a temporary directory), parsed by csv-parse, its
// types taken from the manifest's per-cell parameter values (JSON, not CSV) or from the text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDefaultExperiment } from '../../experiments/default-experiment.js';
import { DEFAULT_EXPERIMENTS } from '../../experiments/default-experiments.js';
import {
  displayTable,
  formatInterval,
  intervalColumns,
  loadResults,
  tableHtml,
  tableText,
  toTable,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'replilab-tables-'));
const csvs: string[] = [];
beforeAll(async () => {
  for (const experiment of DEFAULT_EXPERIMENTS) {
    const written = await runDefaultExperiment(experiment, {
      full: false,
      trialScale: 0.02,
      seed: 3,
      threads: 1,
      outDir: dir,
      formats: ['svg'],
      log: () => {},
    });
    csvs.push(...written.filter((p) => p.endsWith('.csv')));
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ManifestCells {
  parameters: Record<string, unknown>;
  cells: { cell: number; parameters: Record<string, unknown> }[];
}

describe('loadResults', () => {
  it('reads every CSV of npm start with its types and its manifest', () => {
    expect(csvs.length).toBe(9);
    for (const csv of csvs) {
      const records = parse<Record<string, string>>(readFileSync(csv), { columns: true });
      const manifest = JSON.parse(
        readFileSync(csv.replace(/\.csv$/, '.manifest.json'), 'utf8'),
      ) as ManifestCells;
      const table = loadResults(csv);
      expect(table.numRows(), csv).toBe(records.length);
      expect(table.columnNames(), csv).toEqual(Object.keys(records[0]));
      expect(table.parameters, csv).toEqual(manifest.parameters);
      expect(table.experiment, csv).toBe(csv.split('/').at(-2));
      const rows = table.objects() as Record<string, unknown>[];
      records.forEach((record, i) => {
        const cell = manifest.cells.find((c) => c.cell === Number(record.cell))!;
        for (const [name, text] of Object.entries(record)) {
          const value = rows[i][name];
          const declared = cell.parameters[name];
          const where = `${csv} row ${i} ${name}=${text}`;
          if (text === '') expect(value, where).toBeNull();
          // A number or boolean parameter has the manifest's value (a grid's values as given).
          else if (typeof declared === 'number' || typeof declared === 'boolean')
            expect(value, where).toBe(declared);
          else if (/^-?[0-9.]+$/.test(text)) expect(value, where).toBe(parseFloat(text));
          else if (text === 'true' || text === 'false') expect(value, where).toBe(text === 'true');
          else if (text.startsWith('[') || text.startsWith('{'))
            expect(JSON.stringify(value), where).toBe(text);
          else expect(value, where).toBe(text);
        }
      });
    }
  });

  it('keeps a numeric-looking text parameter as text when the manifest says text', () => {
    const quorums = loadResults(csvs.find((p) => p.endsWith('leaderless/quorums.csv'))!);
    expect(quorums.array('latency')[0]).toBe('lnkd-disk');
    expect(typeof quorums.array('r')[0]).toBe('number');
  });
});

describe('intervals and display', () => {
  it('formats an estimate with its interval to the width of the interval', () => {
    expect(formatInterval(0.1234, 0.1101, 0.1372)).toBe('0.123 [0.110, 0.137]');
    expect(formatInterval(0.99952, 0.99911, 0.99978)).toBe('0.99952 [0.99911, 0.99978]');
    expect(formatInterval(187.9, 150.2, 260.4)).toBe('188 [150, 260]');
  });

  it('finds the three interval conventions of the lab CSVs', () => {
    const wan = loadResults(csvs.find((p) => p.endsWith('staleness/wan.csv'))!);
    const combined = intervalColumns(wan);
    expect(combined.columnNames()).not.toContain('ci_low');
    expect(combined.columnNames()).not.toContain('t_visibility_99_low_ms');
    const first = wan.objects()[0] as Record<string, number>;
    expect(combined.array('p_consistent')[0]).toBe(
      formatInterval(first.p_consistent, first.ci_low, first.ci_high),
    );
    expect(tableText(combined, { columns: ['r', 'p_consistent'], limit: 1 }).split('\n')[1]).toMatch(
      /^1 {2}\d/,
    );
    const routing = intervalColumns(loadResults(csvs.find((p) => p.endsWith('lag/routing.csv'))!), {
      style: 'separate',
    });
    const names = routing.columnNames();
    expect(names.slice(names.indexOf('ryw_violations'), names.indexOf('ryw_violations') + 3)).toEqual([
      'ryw_violations',
      'ryw_violations_low',
      'ryw_violations_high',
    ]);
  });

  it('renders HTML and text: numbers right-aligned and rounded, long tables cut with the row count', () => {
    const t = toTable(Array.from({ length: 30 }, (_, i) => ({ name: `row ${i}`, x: i + 0.123456789, n: i })));
    const html = tableHtml(t, { limit: 5 });
    expect((html.match(/<tr/g) ?? []).length).toBe(6); // header + 5 rows
    expect(html).toContain('0.1235');
    expect(html).not.toContain('0.123456789');
    expect(html).toMatch(/text-align: right[^>]*>0\.1235/);
    expect(html).toContain('25 more rows, 30 in all');
    const text = tableText(t, { limit: 3 }).split('\n');
    expect(text).toEqual([
      'name        x  n',
      'row 0  0.1235  0',
      'row 1   1.123  1',
      'row 2   2.123  2',
      '… 27 more rows, 30 in all',
    ]);
  });

  it('sends one display of text/html and text/plain to a tslab kernel', () => {
    const sent: { data: Record<string, unknown> }[] = [];
    const write = (content: { data: Record<string, unknown> }) => sent.push(content);
    displayTable(
      toTable([{ a: 1.5 }]),
      {},
      {
        cache: { '/x/node_modules/tslab/dist/jupyter.js': { exports: { lastWriteDisplayData: write } } },
        require: () => undefined,
        global: {},
      },
    );
    expect(Object.keys(sent[0].data).sort()).toEqual(['text/html', 'text/plain']);
    expect(sent[0].data['text/plain']).toBe('  a\n1.5');
  });

  it('takes plain rows, interfaces included, as toTable reads them', () => {
    interface Point {
      series: string;
      y: number;
    }
    const rows: Point[] = [{ series: 'R=1 W=1', y: 0.25 }];
    const sent: { data: Record<string, unknown> }[] = [];
    const env = {
      cache: {
        '/x/node_modules/tslab/dist/jupyter.js': {
          exports: { lastWriteDisplayData: (c: { data: Record<string, unknown> }) => sent.push(c) },
        },
      },
      require: () => undefined,
      global: {},
    };
    displayTable(rows, {}, env);
    expect(sent[0].data['text/plain']).toBe('series      y\nR=1 W=1  0.25');
  });
});
