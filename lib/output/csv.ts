import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from './atomic-write.js';

/** A CSV cell value: numbers are written in plain decimal, never exponent notation; booleans as true/false. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * A number in plain decimal (as every CSV of the lab writes numbers): `1e-7` becomes `0.0000001`.
 * Shortest round-trip digits are kept; NaN and infinities are written as empty, `inf`, `-inf`.
 */
export function plainDecimal(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const text = String(x);
  // String() writes exponents with a lower-case e, and only beyond 1e21 or below 1e-6.
  if (text.indexOf('e') === -1) return text;
  const [mantissa, exponentText] = text.split('e');
  const negative = mantissa.startsWith('-');
  const unsigned = negative ? mantissa.slice(1) : mantissa;
  const dot = unsigned.indexOf('.');
  const digits = unsigned.replace('.', '');
  const pointAt = (dot === -1 ? unsigned.length : dot) + Number(exponentText);
  let body: string;
  if (pointAt <= 0) body = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) body = digits + '0'.repeat(pointAt - digits.length);
  else body = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return (negative ? '-' : '') + body;
}

/**
 * Renders rows as CSV text with csv-stringify: a header of snake_case column names, then one line
 * per row in the given column order.
 *
 * @example
 * toCsv(['n', 'p'], [{ n: 3, p: 0.5 }]); // "n,p\n3,0.5\n"
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvValue>[]): string {
  return stringifyRows(columns, rows, true);
}

/**
 * Renders rows as CSV lines without the header: `toCsv(columns, a.concat(b))` is
 * `toCsv(columns, a) + csvRows(columns, b)`, so a file can be assembled from chunks.
 *
 * @example
 * csvRows(['n', 'p'], [{ n: 3, p: 0.5 }]); // "3,0.5\n"
 */
export function csvRows(columns: readonly string[], rows: readonly Record<string, CsvValue>[]): string {
  return stringifyRows(columns, rows, false);
}

const ROWS_ONLY = { record_delimiter: '\n' } as const;

function stringifyRows(
  columns: readonly string[],
  rows: readonly Record<string, CsvValue>[],
  header: boolean,
): string {
  if (!header && rows.length === 0) return '';
  return stringify(
    rows.map((row) =>
      columns.map((column) => {
        const value = row[column];
        // csv-stringify would write a boolean as 1 or an empty cell: write the word.
        return typeof value === 'number'
          ? plainDecimal(value)
          : typeof value === 'boolean'
            ? String(value)
            : (value ?? '');
      }),
    ),
    // The records are already arrays in column order: the columns are only needed for a header.
    header ? { header, columns: [...columns], record_delimiter: '\n' } : ROWS_ONLY,
  );
}

/** Writes rows as a CSV file atomically (see {@link toCsv}). */
export function writeCsv(
  path: string,
  columns: readonly string[],
  rows: readonly Record<string, CsvValue>[],
): void {
  writeFileAtomic(path, toCsv(columns, rows));
}
