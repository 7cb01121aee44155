import { toHTML, type ColumnTable } from 'arquero';
import { findDisplayRoute, type DisplayEnvironment } from '../charts/notebook.js';
import { formatNumber } from './format.js';
import { toTable } from './load.js';

/** Options of {@link displayTable}, {@link tableHtml} and {@link tableText}. */
export interface DisplayTableOptions {
  /** Rows shown; a longer table is cut there with a line giving the row count. Default 20. */
  limit?: number;
  /** Significant digits of non-integer numbers (see {@link formatNumber}). Default 4. */
  digits?: number;
  /** The columns shown, in this order (default: all). */
  columns?: readonly string[];
  /** A caption above the table. */
  title?: string;
}

const MAX_TEXT = 40;
const INTERVAL = /^-?[\d.]+ \[-?[\d.]+, -?[\d.]+\]$/;

function cellText(value: unknown, digits: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value, digits);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The column names shown and whether each holds numbers (right-aligned). */
function layout(table: ColumnTable, options: DisplayTableOptions) {
  const names = options.columns ? [...options.columns] : table.columnNames();
  const numeric = new Map(
    names.map((name) => {
      const values = Array.from(table.array(name) as ArrayLike<unknown>);
      const present = values.filter((v) => v !== null && v !== undefined);
      // Numbers, and estimates with their intervals (intervalColumns), are right-aligned.
      const numeric = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && INTERVAL.test(v));
      return [name, present.length > 0 && present.every(numeric)];
    }),
  );
  const limit = options.limit ?? 20;
  const rows = table.numRows();
  const more = rows > limit ? `${rows - limit} more rows, ${rows} in all` : null;
  return { names, numeric, limit, rows, more, digits: options.digits ?? 4 };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The table as HTML (Arquero's toHTML): numbers right-aligned and rounded to `digits`
 * significant digits, long texts cut, at most `limit` rows followed by the row count.
 *
 * @example
 * tableHtml(toTable(rows), { limit: 10 });
 */
export function tableHtml(table: ColumnTable, options: DisplayTableOptions = {}): string {
  const { names, numeric, limit, more, digits } = layout(table, options);
  const format = Object.fromEntries(names.map((n) => [n, (v: unknown) => cellText(v, digits)]));
  const align = Object.fromEntries(names.map((n) => [n, numeric.get(n) ? 'r' : 'l']));
  const html = toHTML(table, {
    limit,
    columns: names,
    format,
    align,
    null: () => '',
    style: { td: 'font-variant-numeric: tabular-nums;' },
  } as Parameters<typeof toHTML>[1]);
  const caption = options.title ? `<p><b>${escapeHtml(options.title)}</b></p>` : '';
  const footer = more ? `<p><i>… ${more}</i></p>` : '';
  return `<div>${caption}${html}${footer}</div>`;
}

/**
 * The table as plain text: columns padded, numbers right-aligned, the same rounding and row
 * limit as {@link tableHtml}.
 *
 * @example
 * console.log(tableText(loadResults('data/lag/routing.csv'), { columns: ['routing', 'ryw_violations'] }));
 */
export function tableText(table: ColumnTable, options: DisplayTableOptions = {}): string {
  const { names, numeric, limit, rows, more, digits } = layout(table, options);
  const shown = Math.min(limit, rows);
  const cells = names.map((name) => {
    const values = table.array(name) as ArrayLike<unknown>;
    return [name, ...Array.from({ length: shown }, (_, i) => cellText(values[i], digits))];
  });
  const widths = cells.map((column) => Math.max(...column.map((c) => c.length)));
  const lines = Array.from({ length: shown + 1 }, (_, r) =>
    cells
      .map((column, c) =>
        numeric.get(names[c]) ? column[r].padStart(widths[c]) : column[r].padEnd(widths[c]),
      )
      .join('  ')
      .trimEnd(),
  );
  return [...(options.title ? [options.title] : []), ...lines, ...(more ? [`… ${more}`] : [])].join('\n');
}

/**
 * Shows a table (an Arquero table, or plain rows as {@link toTable} reads them) in a tslab
 * notebook cell: one display carrying `text/html` ({@link tableHtml})
 * and `text/plain` ({@link tableText}), through the same route as displayChart
 * (lib/charts/notebook.ts), or tslab's public `display.html`. Outside a kernel, prints the text.
 *
 * @example
 * // in a tslab cell
 * displayTable(intervalColumns(loadResults('data/leaderless/quorums.csv')), { columns: ['r', 'w', 'stale_read_fraction'] });
 */
export function displayTable(
  data: ColumnTable | readonly object[],
  options: DisplayTableOptions = {},
  env?: DisplayEnvironment,
): void {
  // Plain rows (a run's result rows, a notebook's summary objects) go through toTable first.
  const table = Array.isArray(data) ? toTable(data) : (data as ColumnTable);
  const text = tableText(table, options);
  let route: ReturnType<typeof findDisplayRoute>;
  try {
    route = findDisplayRoute(env);
  } catch {
    process.stdout.write(text + '\n');
    return;
  }
  const html = tableHtml(table, options);
  if (route.kind === 'bundle') {
    route.write({ data: { 'text/html': html, 'text/plain': text }, metadata: {}, transient: {} }, false);
    return;
  }
  // The public route: tslab's display also has html (tslab/dist/public.d.ts).
  const scope: Record<string, unknown> = env?.global ?? globalThis;
  const kernel = scope['__tslab__'] as { require?: (this: void, id: string) => unknown } | undefined;
  const display = (kernel?.require?.('tslab') as { display?: Record<string, unknown> } | undefined)?.display;
  if (typeof display?.html === 'function') (display.html as (s: string) => void).call(display, html);
  else process.stdout.write(text + '\n');
}
