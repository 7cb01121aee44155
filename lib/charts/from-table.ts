import { ParameterError } from '../errors.js';
import { cdfRowsFromSamples, cdfSpec, quantileLevel, type CdfRow } from './cdf.js';
import { convergenceSpec } from './convergence.js';
import { failoverSpec } from './failover.js';
import { heatmapSpec, type HeatmapRow } from './heatmap.js';
import { lwwLossSpec } from './lww-loss.js';
import type { VegaLiteSpec } from './spec.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import type { ChartTheme } from './theme.js';
import { latencyStalenessTradeoffSpec } from './tradeoff.js';

/** The chart kinds drawn from a table (a CSV), one builder each. Timelines come from replay traces instead. */
export const TABLE_CHART_KINDS = [
  'staleness',
  'cdf',
  'heatmap',
  'tradeoff',
  'failover',
  'lww-loss',
  'convergence',
] as const;
export type TableChartKind = (typeof TABLE_CHART_KINDS)[number];

/** A table row as csv-parse gives it with `columns: true`: column name to cell text. */
export type TableRow = Readonly<Record<string, string>>;

/**
 * How to draw a table: the kind and which columns play which part. The names are the `replilab
 * chart` flags, and errors name the flag (`--x`, `--series`, ...). Column options take a column
 * name or a sum of columns (`read_p99_ms+write_p99_ms`).
 */
export interface TableChartOptions {
  kind: TableChartKind;
  /** Chart title; `{column}` is replaced by that column's value in the first row, e.g. "N=3, {latency}". */
  title?: string;
  theme?: ChartTheme;
  /** x column. Defaults per kind: staleness t, cdf value, heatmap w, tradeoff latency_ms, failover timeout_ms, lww-loss skew_ms, convergence t_ms. */
  x?: string;
  /** y column (the estimate). Defaults: p_consistent, p, r, staleness_ms, recovery_ms, lost, divergent_keys. */
  y?: string;
  /** Column of the lower interval end. Defaults: ci_low (staleness, lww-loss), recovery_low_ms (failover, optional). */
  low?: string;
  /** Column of the upper interval end. Defaults: ci_high, recovery_high_ms. */
  high?: string;
  /**
   * What names each row's series: a column, a comma list of columns ("r,w" gives "r=1 w=2"), or a
   * template with `{column}` ("R={r} W={w}"). Default: the `series` column if there is one.
   */
  series?: string;
  /** heatmap: the value colouring each cell (default p_consistent); cdf: a column of raw samples. */
  value?: string;
  /** heatmap: a column splitting the chart into panels (e.g. n). */
  facet?: string;
  /** cdf: columns holding quantiles (names with pNN: read_p50_ms, read_p99_ms), one distribution per series. */
  quantiles?: readonly string[];
  /** failover: the right-axis rate column and its interval (defaults unnecessary_rate, unnecessary_low, unnecessary_high). */
  right?: string;
  rightLow?: string;
  rightHigh?: string;
  /** Keep only rows where a column holds one of some values: "r=1|2" (repeatable). */
  where?: readonly string[];
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
}

interface KindDefaults {
  x: string;
  y: string;
  low?: string;
  high?: string;
}

const DEFAULTS: Readonly<Record<TableChartKind, KindDefaults>> = {
  staleness: { x: 't', y: 'p_consistent', low: 'ci_low', high: 'ci_high' },
  cdf: { x: 'value', y: 'p' },
  heatmap: { x: 'w', y: 'r' },
  tradeoff: { x: 'latency_ms', y: 'staleness_ms' },
  failover: { x: 'timeout_ms', y: 'recovery_ms', low: 'recovery_low_ms', high: 'recovery_high_ms' },
  'lww-loss': { x: 'skew_ms', y: 'lost', low: 'ci_low', high: 'ci_high' },
  convergence: { x: 't_ms', y: 'divergent_keys' },
};

/** Reads columns of a table, naming the flag that chose them when something is wrong. */
class Table {
  readonly columns: readonly string[];
  constructor(readonly rows: readonly TableRow[]) {
    this.columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  }

  has(column: string): boolean {
    return column.split('+').every((c) => this.columns.includes(c.trim()));
  }

  /** Refuses a column expression naming a column the table lacks. */
  check(flag: string, expression: string): void {
    for (const part of expression.split('+').map((c) => c.trim())) {
      if (!this.columns.includes(part)) {
        throw new ParameterError(
          flag,
          JSON.stringify(expression),
          `a column of the CSV, or a sum a+b of them: ${this.columns.join(', ')}`,
        );
      }
    }
  }

  /** The number in `expression` (a column or a sum of columns) at row i; null for an empty cell. */
  number(flag: string, expression: string, i: number): number | null {
    let sum = 0;
    for (const part of expression.split('+').map((c) => c.trim())) {
      const text = (this.rows[i][part] ?? '').trim();
      if (text === '') return null;
      const v = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
      if (!Number.isFinite(v)) {
        throw new ParameterError(
          flag,
          JSON.stringify(expression),
          `a column of finite numbers (row ${i + 2} of the CSV has ${JSON.stringify(text)} in ${part})`,
        );
      }
      sum += v;
    }
    return sum;
  }

  /** Like {@link number}, refusing empty cells. */
  required(flag: string, expression: string, i: number): number {
    const v = this.number(flag, expression, i);
    if (v === null)
      throw new ParameterError(
        flag,
        JSON.stringify(expression),
        `a column with a number in every row (row ${i + 2} of the CSV is empty there)`,
      );
    return v;
  }
}

/** `{column}` placeholders in `template` filled from `row`. */
function fill(flag: string, template: string, row: TableRow, table: Table): string {
  return template.replace(/\{([^}]+)\}/g, (_, column: string) => {
    table.check(flag, column);
    return row[column];
  });
}

/** The series name of each row, per `--series`. */
function seriesNames(table: Table, spec: string | undefined, fallback: string): string[] {
  if (spec === undefined) {
    return table.rows.map((row) => (table.columns.includes('series') ? row['series'] : fallback));
  }
  if (spec.includes('{')) return table.rows.map((row) => fill('--series', spec, row, table));
  const columns = spec
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (columns.length === 0)
    throw new ParameterError(
      '--series',
      JSON.stringify(spec),
      'a column, a comma list of columns, or a template like "R={r} W={w}"',
    );
  for (const c of columns) table.check('--series', c);
  return table.rows.map((row) =>
    columns.length === 1 ? row[columns[0]] : columns.map((c) => `${c}=${row[c]}`).join(' '),
  );
}

/** The rows that pass every `--where column=v1|v2`. */
function filterRows(rows: readonly TableRow[], where: readonly string[]): TableRow[] {
  const table = new Table(rows);
  const tests = where.map((clause) => {
    const m = /^([^=]+)=(.*)$/.exec(clause);
    if (!m)
      throw new ParameterError('--where', JSON.stringify(clause), 'column=value or column=v1|v2, e.g. r=1|2');
    const column = m[1].trim();
    if (rows.length > 0) table.check('--where', column);
    const allowed = m[2].split('|').map((v) => v.trim());
    // Numbers compare as numbers (1 matches 1.0), text as text.
    return (row: TableRow) =>
      allowed.some(
        (v) => v === row[column] || (v !== '' && row[column] !== '' && Number(v) === Number(row[column])),
      );
  });
  return rows.filter((row) => tests.every((t) => t(row)));
}

/** Refuses rows that repeat an x within one series: the curves of several cells would zigzag into one. */
function needsOneSeries(
  flag: string,
  given: string | undefined,
  series: readonly string[],
  x: readonly number[],
): void {
  const seen = new Set<string>();
  for (let i = 0; i < series.length; i++) {
    const key = `${series[i]}\u0000${x[i]}`;
    if (seen.has(key)) {
      throw new ParameterError(
        flag,
        given === undefined ? 'nothing' : JSON.stringify(given),
        `series that tell the curves apart (two rows of series ${JSON.stringify(series[i])} have x = ${x[i]}): name columns, e.g. --series r,w, or filter with --where`,
      );
    }
    seen.add(key);
  }
}

/**
 * Builds the chart of `kind` from table rows (a CSV as csv-parse gives it), with the lab's own
 * column names as defaults, so `replilab chart` and `npm run figures` draw the lab's CSVs with
 * few flags. Every column is checked before anything is drawn; errors name the flag.
 *
 * @example
 * const rows = parse(readFileSync('data/staleness/wan.csv'), { columns: true });
 * const spec = tableChartSpec(rows, { kind: 'staleness', series: 'R={r} W={w}', where: ['r=1|2', 'w=1|2'] });
 */
export function tableChartSpec(allRows: readonly TableRow[], options: TableChartOptions): VegaLiteSpec {
  if (!(TABLE_CHART_KINDS as readonly string[]).includes(options.kind)) {
    throw new ParameterError('--kind', JSON.stringify(options.kind), TABLE_CHART_KINDS.join(', '));
  }
  const rows = filterRows(allRows, options.where ?? []);
  if (rows.length === 0)
    throw new ParameterError(
      options.where?.length ? '--where' : 'csv',
      allRows.length === 0 ? 'a CSV without data rows' : 'no row left',
      'a CSV with at least one data row to draw',
    );
  const table = new Table(rows);
  const d = DEFAULTS[options.kind];
  const x = options.x ?? d.x;
  const y = options.y ?? d.y;
  const title = options.title === undefined ? undefined : fill('--title', options.title, rows[0], table);
  const common = {
    title,
    theme: options.theme,
    ...(options.xTitle !== undefined ? { xTitle: options.xTitle } : {}),
    ...(options.yTitle !== undefined ? { yTitle: options.yTitle } : {}),
  };
  const indices = rows.map((_, i) => i);
  const optionalBand = (low: string | undefined, high: string | undefined) => {
    const lo = options.low ?? low;
    const hi = options.high ?? high;
    if (options.low !== undefined) table.check('--low', options.low);
    if (options.high !== undefined) table.check('--high', options.high);
    return lo !== undefined && hi !== undefined && table.has(lo) && table.has(hi) ? { lo, hi } : undefined;
  };

  switch (options.kind) {
    case 'staleness':
    case 'lww-loss':
    case 'convergence': {
      table.check('--x', x);
      table.check('--y', y);
      const band = optionalBand(d.low, d.high);
      if (options.kind !== 'convergence' && band === undefined) {
        throw new ParameterError(
          options.low === undefined ? '--low' : '--high',
          JSON.stringify(options.low ?? d.low),
          `columns of the interval's ends (default ${d.low}, ${d.high}): ${table.columns.join(', ')}`,
        );
      }
      const series = seriesNames(table, options.series, y);
      const xs = indices.map((i) => table.required('--x', x, i));
      needsOneSeries('--series', options.series, series, xs);
      const ys = indices.map((i) => table.required('--y', y, i));
      const lows = indices.map((i) => (band ? table.required('--low', band.lo, i) : null));
      const highs = indices.map((i) => (band ? table.required('--high', band.hi, i) : null));
      if (options.kind === 'staleness') {
        return stalenessCurveSpec(
          indices.map((i) => ({
            series: series[i],
            t: xs[i],
            p_consistent: ys[i],
            ci_low: lows[i]!,
            ci_high: highs[i]!,
          })),
          {
            ...common,
            logX: options.logX,
            ...(options.xTitle === undefined && x !== 't' ? { xTitle: x } : {}),
            ...(options.yTitle === undefined && y !== 'p_consistent' ? { yTitle: y } : {}),
          },
        );
      }
      if (options.kind === 'lww-loss') {
        return lwwLossSpec(
          indices.map((i) => ({
            series: series[i],
            skew_ms: xs[i],
            lost: ys[i],
            ci_low: lows[i]!,
            ci_high: highs[i]!,
          })),
          { ...common, logX: options.logX },
        );
      }
      return convergenceSpec(
        indices.map((i) => ({
          series: series[i],
          t_ms: xs[i],
          divergent: ys[i],
          low: lows[i],
          high: highs[i],
        })),
        common,
      );
    }
    case 'cdf': {
      const series = seriesNames(table, options.series, options.value ?? options.quantiles?.join(',') ?? y);
      let cdfRows: CdfRow[];
      if (options.quantiles !== undefined) {
        if (options.quantiles.length === 0)
          throw new ParameterError(
            '--quantiles',
            '""',
            'a comma list of quantile columns, e.g. read_p50_ms,read_p99_ms',
          );
        const levels = options.quantiles.map((q) => {
          table.check('--quantiles', q);
          try {
            return quantileLevel(q);
          } catch {
            throw new ParameterError(
              '--quantiles',
              JSON.stringify(q),
              'columns whose names carry the level: p50, read_p99_ms, ...',
            );
          }
        });
        // One distribution per series: its first row holds the quantiles (CSV rows repeat per t point).
        const first = new Map<string, number>();
        indices.forEach((i) => first.has(series[i]) || first.set(series[i], i));
        cdfRows = [...first].flatMap(([name, i]) =>
          options.quantiles!.flatMap((q, k) => {
            const v = table.number('--quantiles', q, i);
            return v === null ? [] : [{ series: name, value: v, p: levels[k] }];
          }),
        );
      } else if (options.value !== undefined) {
        table.check('--value', options.value);
        const samples: Record<string, number[]> = {};
        indices.forEach((i) =>
          (samples[series[i]] ??= []).push(table.required('--value', options.value!, i)),
        );
        cdfRows = cdfRowsFromSamples(samples);
      } else {
        table.check('--x', x);
        table.check('--y', y);
        const band = optionalBand(undefined, undefined);
        cdfRows = indices.map((i) => ({
          series: series[i],
          value: table.required('--x', x, i),
          p: table.required('--y', y, i),
          ...(band
            ? { value_low: table.number('--low', band.lo, i), value_high: table.number('--high', band.hi, i) }
            : {}),
        }));
      }
      return cdfSpec(cdfRows, { ...common, logX: options.logX });
    }
    case 'heatmap': {
      const value = options.value ?? 'p_consistent';
      table.check('--x', x);
      table.check('--y', y);
      table.check('--value', value);
      if (options.facet !== undefined) table.check('--facet', options.facet);
      const key = (column: string, i: number) => {
        const text = rows[i][column];
        return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
      };
      // One cell per (facet, x, y): the first row (curves repeat a cell's row per t point).
      const seen = new Set<string>();
      const cells: HeatmapRow[] = [];
      for (const i of indices) {
        const cell = {
          [x]: key(x, i),
          [y]: key(y, i),
          [value]: table.number('--value', value, i),
          ...(options.facet ? { [options.facet]: key(options.facet, i) } : {}),
        };
        const id = JSON.stringify([cell[x], cell[y], options.facet ? cell[options.facet] : null]);
        if (!seen.has(id)) cells.push(cell);
        seen.add(id);
      }
      return heatmapSpec(cells, {
        x,
        y,
        value,
        facet: options.facet,
        title,
        theme: options.theme,
        xTitle: options.xTitle,
        yTitle: options.yTitle,
      });
    }
    case 'tradeoff': {
      table.check('--x', x);
      table.check('--y', y);
      const series = seriesNames(table, options.series, y);
      // One point per series: its first row (a cell's latency and t-visibility repeat on every t row).
      const first = new Map<string, number>();
      indices.forEach((i) => first.has(series[i]) || first.set(series[i], i));
      // Error bars only when asked for (--low and --high name the y value's interval columns).
      if (options.low !== undefined) table.check('--low', options.low);
      if (options.high !== undefined) table.check('--high', options.high);
      return latencyStalenessTradeoffSpec(
        [...first].map(([name, i]) => ({
          series: name,
          latency_ms: table.required('--x', x, i),
          staleness_ms: table.required('--y', y, i),
          ...(options.low !== undefined && options.high !== undefined
            ? {
                staleness_low: table.number('--low', options.low, i),
                staleness_high: table.number('--high', options.high, i),
              }
            : {}),
        })),
        {
          ...common,
          logX: options.logX,
          logY: options.logY,
          xTitle: options.xTitle ?? x,
          yTitle: options.yTitle ?? y,
        },
      );
    }
    case 'failover': {
      table.check('--x', x);
      table.check('--y', y);
      const right = options.right ?? 'unnecessary_rate';
      const rightLow = options.rightLow ?? 'unnecessary_low';
      const rightHigh = options.rightHigh ?? 'unnecessary_high';
      table.check('--right', right);
      table.check('--right-low', rightLow);
      table.check('--right-high', rightHigh);
      const band = optionalBand(d.low, d.high);
      return failoverSpec(
        indices.map((i) => ({
          timeout_ms: table.required('--x', x, i),
          recovery_ms: table.required('--y', y, i),
          ...(band
            ? {
                recovery_low_ms: table.number('--low', band.lo, i),
                recovery_high_ms: table.number('--high', band.hi, i),
              }
            : {}),
          unnecessary_rate: table.required('--right', right, i),
          unnecessary_low: table.required('--right-low', rightLow, i),
          unnecessary_high: table.required('--right-high', rightHigh, i),
        })),
        {
          title,
          theme: options.theme,
          xTitle: options.xTitle,
          recoveryTitle: options.yTitle,
          logX: options.logX,
        },
      );
    }
  }
}
