import { existsSync, readFileSync } from 'node:fs';
import { from, table as columnTable, type ColumnTable } from 'arquero';
import { parse } from 'csv-parse/sync';
import { manifestPathFor, type Manifest } from '../output/manifest.js';

/** A value of a results table: what the lab's CSV writer writes, read back with its type. */
export type TableValue = string | number | boolean | null | unknown[] | Record<string, unknown>;

/** A results table read by {@link loadResults}: an Arquero table with its run's manifest attached. */
export type ResultsTable = ColumnTable & {
  /** The manifest written beside the CSV, or null when there is none. */
  readonly manifest: Manifest | null;
  /** The manifest's parameters (a sweep's grid, cells, fixed values and replicates; a run's values); `{}` without a manifest. */
  readonly parameters: Record<string, unknown>;
  /** The experiment named by the manifest, or null. */
  readonly experiment: string | null;
};

/**
 * Any run result's rows (`execute(...).rows`, a sweep's cells' rows, `toRows(...)`) as an Arquero
 * table, columns in the order of the first row's keys (then any key a later row adds).
 *
 * @example
 * const t = toTable(staleness.execute({ r: 1, w: 1, t: '0:10:1' }).rows);
 * t.filter((d) => d.t > 5).objects();
 */
// `object`, not Record<string, unknown>: interfaces (TradeoffRow, StalenessCurveRow) have no index
// signature, and TypeScript only lets types with one be passed as a Record.
export function toTable(rows: readonly object[]): ColumnTable {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const key of Object.keys(row))
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
  return from(rows as Record<string, unknown>[], names);
}

/** The lab's number grammar in CSV (lib/output/csv.ts plainDecimal): plain decimal, `inf`, `-inf`. */
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

function asNumber(text: string): number | null {
  if (text === '') return null; // NaN and unset values are both written empty
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return NUMBER.test(text) ? Number(text) : Number.NaN;
}

function asJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The type a column's texts take, when the manifest does not say: number, boolean, JSON or text. */
function inferColumn(texts: readonly string[]): (text: string) => TableValue {
  const present = texts.filter((t) => t !== '');
  if (present.length === 0) return () => null;
  if (present.every((t) => NUMBER.test(t) || t === 'inf' || t === '-inf')) return asNumber;
  if (present.every((t) => t === 'true' || t === 'false')) return (t) => (t === '' ? null : t === 'true');
  // Lists and records (per-datacenter counts, divergence samples, ranges) are written as JSON.
  if (present.every((t) => /^[[{]/.test(t) && asJson(t) !== undefined))
    return (t) => (t === '' ? null : (asJson(t) as TableValue));
  return (t) => (t === '' ? null : t);
}

/** Each row's parameter values as its manifest records them (a sweep's cells by `cell`, a run's values). */
function parameterLookup(
  manifest: Manifest | null,
): (row: Record<string, string>) => Record<string, unknown> {
  if (manifest === null) return () => ({});
  const cells = (manifest as Manifest & { cells?: { cell: number; parameters: Record<string, unknown> }[] })
    .cells;
  if (Array.isArray(cells)) {
    const byCell = new Map(cells.map((c) => [c.cell, c.parameters]));
    return (row) => byCell.get(Number(row.cell)) ?? {};
  }
  return () => manifest.parameters;
}

/**
 * Reads a lab CSV (`npm start`, `replilab sweep --out`, an experiment's `--out`) with the manifest
 * beside it into an Arquero table, every value with its type: a parameter column takes the type
 * its value has in the manifest (a number, a boolean, or text when the text is the manifest's
 * value); other columns are numbers when every cell is one in the lab's grammar (`inf`, `-inf`),
 * booleans when every cell is `true`/`false`, JSON lists and records when every cell is one, text
 * otherwise. Empty cells (unset parameters, NaN) read as null. The manifest, its parameters and
 * the experiment's name are attached to the table (Arquero verbs return plain tables).
 *
 * @throws Error when the file cannot be read.
 * @example
 * const q = loadResults('data/leaderless/quorums.csv');
 * q.parameters.grid; // { r: [1, 2, 3], w: [1, 2, 3] }
 * q.filter((d) => d.r + d.w > d.n).objects();
 */
export function loadResults(csvPath: string): ResultsTable {
  let header: string[] = [];
  const records = parse<Record<string, string>>(readFileSync(csvPath), {
    columns: (names: string[]) => (header = names),
  });
  const manifestPath = manifestPathFor(csvPath);
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest)
    : null;
  const parametersOf = parameterLookup(manifest);
  const rowParameters = records.map(parametersOf);
  const columns: Record<string, TableValue[]> = {};
  for (const name of header) {
    const texts = records.map((r) => r[name] ?? '');
    const inferred = inferColumn(texts);
    columns[name] = texts.map((text, i) => {
      const declared = rowParameters[i][name];
      if (typeof declared === 'number') return asNumber(text);
      if (typeof declared === 'boolean') return text === '' ? null : text === 'true';
      if (typeof declared === 'string' && declared === text) return text;
      return inferred(text);
    });
  }
  const table = columnTable(columns, header);
  return Object.assign(table, {
    manifest,
    parameters: manifest?.parameters ?? {},
    experiment: manifest?.experiment ?? null,
  });
}
