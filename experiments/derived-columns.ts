/**
 * Columns derived from a sweep CSV's own, for figure recipes (FigureRecipe.rows). A sweep row
 * keeps the model's columns: counts with their totals and Wilson 95% interval ends as
 * proportions (lib/experiments/row.ts), and distributions in their text form. A chart wants a
 * rate per 1000 with its interval, or a number on the x axis; these helpers derive them.
 */
import type { TableRow } from '../lib/charts/index.js';
import { parseLatency } from '../lib/latency/index.js';
import type { CsvValue } from '../lib/output/csv.js';

/**
 * A value of a sweep's CSV row as a number (for progress lines; NaN when it is not one).
 *
 * @example
 * csvNumber(cell.rows[0].p_consistent).toFixed(4); // '0.9738'
 */
export function csvNumber(value: CsvValue | undefined): number {
  return Number(value);
}

/**
 * The number in `column` of `row`.
 *
 * @throws Error naming the column when the cell is not a finite number.
 * @example
 * cellNumber({ acked_writes: '9862' }, 'acked_writes'); // 9862
 */
export function cellNumber(row: TableRow, column: string): number {
  const text = row[column];
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value))
    throw new Error(`column ${column}: ${JSON.stringify(text)} is not a finite number`);
  return value;
}

/**
 * `rows` with the columns `derive` computes for each row added (or replaced). Numbers are written
 * as JavaScript prints them, which reads back to the same number.
 *
 * @example
 * withColumns(rows, (row) => ({ stale_per_1000: 1000 * cellNumber(row, 'stale_read_fraction') }));
 */
export function withColumns(
  rows: readonly TableRow[],
  derive: (row: TableRow) => Readonly<Record<string, number | string>>,
): TableRow[] {
  return rows.map((row) => ({
    ...row,
    ...Object.fromEntries(Object.entries(derive(row)).map(([name, value]) => [name, String(value)])),
  }));
}

/** A proportion per 1000, with the ends of its Wilson 95% interval per 1000. */
export interface PerThousand {
  value: number;
  low: number;
  high: number;
}

/**
 * A sweep row's count `metric` out of `total`, per 1000, with its interval from the row's
 * `<metric>_ci_low` and `<metric>_ci_high` (Wilson 95%, on the pooled count: lib/stats).
 *
 * @example
 * perThousand(row, 'acked_writes_lost', 'acked_writes'); // { value: 2.2, low: 1.5, high: 3.1 }
 */
export function perThousand(row: TableRow, metric: string, total: string): PerThousand {
  const of = cellNumber(row, total);
  return {
    value: of === 0 ? 0 : (1000 * cellNumber(row, metric)) / of,
    low: 1000 * cellNumber(row, `${metric}_ci_low`),
    high: 1000 * cellNumber(row, `${metric}_ci_high`),
  };
}

/**
 * The number a distribution column (text form, lib/latency) stands for on an axis: its largest
 * value (`max`, e.g. S of clock offsets uniform(0,S)) or its mean (`mean`, e.g. a one-way delay).
 * An empty cell (the parameter is off: no skew) is 0.
 *
 * @example
 * distributionNumber('uniform(0,50)', 'max'); // 50
 * distributionNumber('const(25)', 'mean');    // 25
 */
export function distributionNumber(text: string | undefined, what: 'max' | 'mean'): number {
  if (text === undefined || text.trim() === '') return 0;
  const distribution = parseLatency(text, 'distribution column');
  return what === 'max' ? distribution.quantile(1) : distribution.mean();
}
