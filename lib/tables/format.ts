import { table as columnTable, type ColumnTable } from 'arquero';
import { plainDecimal } from '../output/csv.js';

/**
 * A number for a reader: integers as they are, others to `digits` significant digits (whole
 * numbers from 10^digits up), never in exponent form; infinities as `inf`/`-inf`, NaN empty.
 *
 * @example
 * formatNumber(0.123456); // '0.1235'
 * formatNumber(187.93539); // '187.9'
 */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return plainDecimal(x);
  if (Math.abs(x) >= 10 ** digits) return plainDecimal(Math.round(x));
  return plainDecimal(Number(x.toPrecision(digits)));
}

/**
 * An estimate with its interval, `0.123 [0.110, 0.137]`: all three with the same decimals, enough
 * to show the interval's width to two significant digits (a zero width: `digits` significant).
 *
 * @example
 * formatInterval(0.1234, 0.1101, 0.1372); // '0.123 [0.110, 0.137]'
 */
export function formatInterval(estimate: number, low: number, high: number, digits = 3): string {
  const width = high - low;
  let decimals: number;
  if (Number.isFinite(width) && width > 0) decimals = 1 - Math.floor(Math.log10(width));
  else {
    const scale = Math.max(Math.abs(estimate), Math.abs(low), Math.abs(high));
    decimals = scale > 0 && Number.isFinite(scale) ? digits - 1 - Math.floor(Math.log10(scale)) : 0;
  }
  decimals = Math.min(8, Math.max(0, decimals));
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(decimals) : plainDecimal(x));
  return `${f(estimate)} [${f(low)}, ${f(high)}]`;
}

/** One estimate and the two columns of its interval. */
export interface IntervalColumn {
  estimate: string;
  low: string;
  high: string;
}

/**
 * The estimates of a table that carry an interval, by the lab's column names: `X` with
 * `X_ci_low`/`X_ci_high` (proportions), `X_<unit>` with `X_low_<unit>`/`X_high_<unit>`
 * (t-visibility quantiles), and bare `ci_low`/`ci_high`, which belong to the column just before
 * `ci_low` (the staleness CSV's `p_consistent`).
 *
 * @example
 * findIntervals(loadResults('data/staleness/wan.csv')); // [{ estimate: 'p_consistent', low: 'ci_low', high: 'ci_high' }, ...]
 */
export function findIntervals(table: ColumnTable): IntervalColumn[] {
  const names = table.columnNames();
  const has = new Set(names);
  const found: IntervalColumn[] = [];
  names.forEach((name, i) => {
    if (has.has(`${name}_ci_low`) && has.has(`${name}_ci_high`))
      found.push({ estimate: name, low: `${name}_ci_low`, high: `${name}_ci_high` });
    const unit = /^(.*)_([a-z]+)$/.exec(name);
    if (unit && has.has(`${unit[1]}_low_${unit[2]}`) && has.has(`${unit[1]}_high_${unit[2]}`))
      found.push({ estimate: name, low: `${unit[1]}_low_${unit[2]}`, high: `${unit[1]}_high_${unit[2]}` });
    if (names[i + 1] === 'ci_low' && has.has('ci_high') && !/_ci_|^ci_/.test(name))
      found.push({ estimate: name, low: 'ci_low', high: 'ci_high' });
  });
  return found;
}

/** Options of {@link intervalColumns}. */
export interface IntervalColumnsOptions {
  /** The estimates to show (default: every one {@link findIntervals} finds). */
  intervals?: readonly IntervalColumn[];
  /** `combined`: one text column `0.123 [0.110, 0.137]` in place of the estimate; `separate`: `X`, `X_low`, `X_high` side by side. Default `combined`. */
  style?: 'combined' | 'separate';
}

/**
 * Shows each estimate with its interval: the three columns become one text column
 * (`0.123 [0.110, 0.137]`, see {@link formatInterval}) at the estimate's place, or three
 * adjacent numeric columns `X`, `X_low`, `X_high`. Other columns keep their order.
 *
 * @example
 * displayTable(intervalColumns(loadResults('data/lag/routing.csv').select('routing', 'ryw_violations', 'ryw_violations_ci_low', 'ryw_violations_ci_high')));
 */
export function intervalColumns(table: ColumnTable, options: IntervalColumnsOptions = {}): ColumnTable {
  const intervals = options.intervals ?? findIntervals(table);
  const style = options.style ?? 'combined';
  const bounds = new Set(intervals.flatMap((i) => [i.low, i.high]));
  const byEstimate = new Map(intervals.map((i) => [i.estimate, i]));
  const columns: Record<string, unknown[]> = {};
  const order: string[] = [];
  const values = (name: string) => table.array(name) as ArrayLike<unknown>;
  const n = table.numRows();
  for (const name of table.columnNames()) {
    const interval = byEstimate.get(name);
    if (interval === undefined) {
      if (bounds.has(name)) continue;
      columns[name] = Array.from(values(name));
      order.push(name);
      continue;
    }
    const [est, low, high] = [values(name), values(interval.low), values(interval.high)];
    if (style === 'combined') {
      columns[name] = Array.from({ length: n }, (_, i) =>
        typeof est[i] === 'number' && typeof low[i] === 'number' && typeof high[i] === 'number'
          ? formatInterval(est[i], low[i], high[i])
          : null,
      );
      order.push(name);
    } else {
      columns[name] = Array.from(est);
      columns[`${name}_low`] = Array.from(low);
      columns[`${name}_high`] = Array.from(high);
      order.push(name, `${name}_low`, `${name}_high`);
    }
  }
  return columnTable(columns, order);
}
