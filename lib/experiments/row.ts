import type { CsvValue } from '../output/csv.js';
import { snakeCase } from './param.js';

/** How one side of a row (parameters or metrics) deviates from the generic rules. */
export interface RowPartOptions {
  /** Fields with a CSV form of their own: field -> its cells (checked before the generic rules). */
  special?: Readonly<Record<string, (value: any) => Record<string, CsvValue>>>;
  /** Fields left out (e.g. a metric that repeats a parameter). */
  skip?: readonly string[];
}

/** A run's (or a sweep cell's) result as one CSV row. */
export interface ResultRowInput {
  /** The config that ran (defaults filled in), under its field names (camelCase becomes snake_case). */
  parameters: Readonly<Record<string, unknown>>;
  /** The model's result object, under its stable snake_case names. */
  metrics: Readonly<Record<string, unknown>>;
  /** Trials behind the row, in the experiment's unit. */
  trials: number;
  seed: number;
}

// The one naming rule of parameters (param.ts): a config field's column is its key in snake_case.
export { snakeCase };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** Always the row's last two columns, so never taken from the parameters or metrics. */
const TRAILING = new Set(['trials', 'seed']);

/**
 * A config as CSV cells: one column per field in snake_case; scalars as they are, objects and
 * arrays (a latency matrix, a partition schedule) as compact JSON, so the columns do not depend
 * on the values.
 *
 * @example
 * parameterCells({ timeoutMs: 100, electionTimeoutMs: [150, 300] }); // { timeout_ms: 100, election_timeout_ms: '[150,300]' }
 */
export function parameterCells(
  config: Readonly<Record<string, unknown>>,
  options: RowPartOptions = {},
): Record<string, CsvValue> {
  return cells(config, options, (field, value, row) => {
    row[snakeCase(field)] =
      value === null || typeof value !== 'object' ? (value as CsvValue) : JSON.stringify(value);
  });
}

/** Each field's cells: left out, its special form, or `generic`'s; the row's trailing columns never come from here. */
function cells(
  object: Readonly<Record<string, unknown>>,
  options: RowPartOptions,
  generic: (name: string, value: unknown, row: Record<string, CsvValue>) => void,
): Record<string, CsvValue> {
  const row: Record<string, CsvValue> = {};
  for (const [name, value] of Object.entries(object)) {
    if (TRAILING.has(name) || options.skip?.includes(name)) continue;
    const special = options.special?.[name];
    if (special) Object.assign(row, special(value));
    else generic(name, value, row);
  }
  return row;
}

function flatten(prefix: string, value: unknown, row: Record<string, CsvValue>): void {
  if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(`${prefix}_${key}`, inner, row);
  } else if (value !== null && typeof value === 'object') row[prefix] = JSON.stringify(value);
  else row[prefix] = value as CsvValue;
}

/**
 * A result object as CSV cells, in its field order: scalars as they are; nested objects flattened
 * (`recovery_ms: { p50 }` -> `recovery_ms_p50`); arrays as compact JSON; `intervals` (proportions
 * with Wilson 95% intervals) as `<metric>_ci_low` and `<metric>_ci_high`, plus `<metric>` (the
 * count) and `<metric>_of` when the result has no field of that name.
 *
 * @example
 * metricCells({ stale: 0.1, intervals: { stale: { count: 1, of: 10, p: 0.1, low: 0.02, high: 0.4 } } });
 * // { stale: 0.1, stale_ci_low: 0.02, stale_ci_high: 0.4 }
 */
export function metricCells(
  result: Readonly<Record<string, unknown>>,
  options: RowPartOptions = {},
): Record<string, CsvValue> {
  return cells(result, options, (name, value, row) => {
    if (name !== 'intervals' || !isPlainObject(value)) {
      flatten(name, value, row);
      return;
    }
    for (const [metric, estimate] of Object.entries(
      value as Record<string, { count: number; of: number; low: number; high: number }>,
    )) {
      if (!Object.hasOwn(result, metric)) {
        row[metric] = estimate.count;
        row[`${metric}_of`] = estimate.of;
      }
      row[`${metric}_ci_low`] = estimate.low;
      row[`${metric}_ci_high`] = estimate.high;
    }
  });
}

/**
 * The CSV row of a run or a sweep cell: parameters first, then
 * metrics, then `trials` and `seed`; and its columns. Shared by every command's `--out` and by
 * the sweep experiments that wrap those commands, so both write the same columns.
 *
 * @example
 * const { columns, row } = resultCsvRow({ parameters: config, metrics: result, trials: 400, seed: 1 });
 * writeCsv('x.csv', columns, [row]);
 */
export function resultCsvRow(
  input: ResultRowInput,
  options: { parameters?: RowPartOptions; metrics?: RowPartOptions } = {},
): { columns: string[]; row: Record<string, CsvValue> } {
  const row: Record<string, CsvValue> = {
    ...parameterCells(input.parameters, options.parameters),
    ...metricCells(input.metrics, options.metrics),
    trials: input.trials,
    seed: input.seed,
  };
  return { columns: Object.keys(row), row };
}
