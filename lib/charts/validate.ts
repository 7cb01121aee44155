import { ParameterError } from '../errors.js';

/**
 * A data row as the builders take it: an object of strings, numbers and nulls (a typed row such
 * as {@link StalenessCurveRow}, or a CSV row after conversion); the builders read the fields named
 * in their options.
 */
export type ChartRow = object;

/** The value of `field` in `row`. */
export function cell(row: ChartRow, field: string): unknown {
  return (row as Record<string, unknown>)[field];
}

/** What {@link checkRows} requires of each row's fields. */
export interface RowFields {
  /** Fields that must hold a string (series names). */
  text?: readonly string[];
  /** Fields that must hold a finite number. */
  finite?: readonly string[];
  /** Fields that may be absent or null, and otherwise hold a finite number. */
  optional?: readonly string[];
  /** Fields that must hold a number > 0 (for log scales). */
  positive?: readonly string[];
}

/**
 * Checks every row before a chart is built, throwing a {@link ParameterError} that names the
 * first bad field as `rows[i].field`. Shared by every builder in lib/charts.
 *
 * @example
 * checkRows([{ series: 'a', t: 1 }], { text: ['series'], finite: ['t'] }); // passes
 * checkRows([{ series: 'a', t: NaN }], { finite: ['t'] }); // throws "rows[0].t: got NaN; ..."
 */
export function checkRows(rows: readonly ChartRow[], fields: RowFields): void {
  rows.forEach((chartRow, i) => {
    const row = chartRow as Record<string, unknown>;
    for (const f of fields.text ?? []) {
      if (typeof row[f] !== 'string') throw new ParameterError(`rows[${i}].${f}`, String(row[f]), 'a string');
    }
    for (const f of fields.finite ?? []) {
      if (typeof row[f] !== 'number' || !Number.isFinite(row[f]))
        throw new ParameterError(`rows[${i}].${f}`, String(row[f]), 'a finite number');
    }
    for (const f of fields.optional ?? []) {
      const v = row[f];
      if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new ParameterError(`rows[${i}].${f}`, String(v), 'a finite number, or null');
      }
    }
    for (const f of fields.positive ?? []) {
      const v = row[f];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
        throw new ParameterError(`rows[${i}].${f}`, String(v), 'a finite number > 0 (log scale)');
    }
  });
}
