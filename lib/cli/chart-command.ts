import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { parse } from 'csv-parse/sync';
import {
  FIGURE_FORMATS,
  TABLE_CHART_KINDS,
  figureFiles,
  pngScale,
  renderSvg,
  specTitle,
  tableChartSpec,
  themes,
  type ChartTheme,
  type FigureFormat,
  type PngOptions,
  type TableChartOptions,
  type TableRow,
  type VegaLiteSpec,
} from '../charts/index.js';
import { ParameterError } from '../errors.js';
import { parseTraceJsonl } from '../experiments/staleness-replay.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { replayChartSpec } from './replay-command.js';

/** Every kind `replilab chart` draws: the table kinds, and `timeline` from a replay trace (.jsonl). */
export const CHART_KINDS = [...TABLE_CHART_KINDS, 'timeline'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** The themes `--theme` offers (`--columns 2` turns `paper` into the two-column size). */
const THEME_NAMES = ['paper', 'talk', 'screen'] as const;

/** The flags that pass straight to {@link TableChartOptions} (column names and titles, as text). */
const TEXT_FLAGS = [
  'title',
  'x',
  'y',
  'low',
  'high',
  'series',
  'value',
  'facet',
  'right',
  'rightLow',
  'rightHigh',
  'xTitle',
  'yTitle',
] as const;

/** The flags of `replilab chart`, as commander hands them over. */
export interface ChartFlags extends Partial<Record<(typeof TEXT_FLAGS)[number], string>> {
  kind?: string;
  format: string;
  theme: string;
  columns?: string;
  out?: string;
  scale?: string;
  dpi?: string;
  quantiles?: string;
  where?: string[];
  logX?: boolean;
  logY?: boolean;
}

/** A chart request, checked: what to draw, in which theme, into which files. */
export interface ChartRequest {
  input: string;
  kind: ChartKind;
  theme: ChartTheme;
  formats: FigureFormat[];
  png: PngOptions;
  /** The output path without extension. */
  base: string;
  table: Omit<TableChartOptions, 'kind'>;
}

function parseNumber(flag: string, text: string, low: number, high: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < low || v > high)
    throw new ParameterError(flag, JSON.stringify(text), `a number from ${low} to ${high}`);
  return v;
}

/** The figure formats of a comma list, e.g. "svg,pdf". */
export function parseFigureFormats(flag: string, text: string): FigureFormat[] {
  const formats = text
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  if (formats.length === 0 || formats.some((f) => !(FIGURE_FORMATS as readonly string[]).includes(f))) {
    throw new ParameterError(flag, JSON.stringify(text), `a comma list of ${FIGURE_FORMATS.join(', ')}`);
  }
  return [...new Set(formats)] as FigureFormat[];
}

/** The theme of `--theme` and `--columns`. */
export function chartTheme(name: string, columns?: string): ChartTheme {
  if (!(THEME_NAMES as readonly string[]).includes(name))
    throw new ParameterError('--theme', JSON.stringify(name), THEME_NAMES.join(', '));
  if (columns === undefined) return themes[name as 'paper' | 'talk' | 'screen'];
  if (name !== 'paper')
    throw new ParameterError(
      '--columns',
      JSON.stringify(columns),
      `only with --theme paper (got --theme ${name})`,
    );
  if (columns !== '1' && columns !== '2')
    throw new ParameterError(
      '--columns',
      JSON.stringify(columns),
      '1 (one column, 3.5 in) or 2 (both columns, 7 in)',
    );
  return columns === '2' ? themes['paper-double'] : themes.paper;
}

/**
 * Checks every flag of `replilab chart` before any file is read: the kind, formats, theme, PNG
 * resolution and output path. Errors name the flag.
 */
export function chartRequest(input: string, flags: ChartFlags): ChartRequest {
  if (flags.kind === undefined) throw new ParameterError('--kind', 'nothing', CHART_KINDS.join(', '));
  if (!(CHART_KINDS as readonly string[]).includes(flags.kind))
    throw new ParameterError('--kind', JSON.stringify(flags.kind), CHART_KINDS.join(', '));
  const kind = flags.kind as ChartKind;
  const formats = parseFigureFormats('--format', flags.format);
  const theme = chartTheme(flags.theme, flags.columns);
  if (flags.scale !== undefined && flags.dpi !== undefined)
    throw new ParameterError('--dpi', JSON.stringify(flags.dpi), 'either --scale or --dpi, not both');
  const png: PngOptions = {
    ...(flags.scale !== undefined ? { scale: parseNumber('--scale', flags.scale, 0.1, 20) } : {}),
    ...(flags.dpi !== undefined ? { dpi: parseNumber('--dpi', flags.dpi, 10, 1440) } : {}),
  };
  pngScale(png);
  const wantedExtension = kind === 'timeline' ? '.jsonl' : '.csv';
  if (!input.toLowerCase().endsWith(wantedExtension)) {
    throw new ParameterError(
      '<input>',
      JSON.stringify(input),
      kind === 'timeline' ? 'a replay trace FILE.jsonl (replilab replay --out)' : 'a FILE.csv',
    );
  }
  if (!existsSync(input) || !statSync(input).isFile())
    throw new ParameterError('<input>', JSON.stringify(input), 'an existing file');
  const themeSuffix = theme.name === 'screen' ? '' : `-${theme.name}`;
  const base =
    flags.out ??
    path.join(path.dirname(input), `${path.basename(input, path.extname(input))}-${kind}${themeSuffix}`);
  if (base === '' || base.endsWith('/') || base.endsWith(path.sep) || /\.(svg|png|pdf)$/i.test(base)) {
    throw new ParameterError(
      '--out',
      JSON.stringify(base),
      'a path without extension (the formats add .svg, .png, .pdf), e.g. figures/wan-curves',
    );
  }
  const quantiles = flags.quantiles
    ?.split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  return {
    input,
    kind,
    theme,
    formats,
    png,
    base,
    table: {
      ...Object.fromEntries(TEXT_FLAGS.map((flag) => [flag, flags[flag]])),
      theme,
      quantiles,
      where: flags.where,
      logX: flags.logX,
      logY: flags.logY,
    },
  };
}

/**
 * Reads a CSV (header row, then data) as csv-parse gives it, naming `flag` when it cannot.
 *
 * @example
 * readCsvTable('data/staleness/wan.csv')[0]!.p_consistent; // '0.33173'
 */
export function readCsvTable(file: string, flag = '<input>'): TableRow[] {
  try {
    return parse<TableRow>(readFileSync(file), { columns: true, skip_empty_lines: true });
  } catch (error) {
    throw new ParameterError(
      flag,
      JSON.stringify(file),
      `a readable CSV with a header row (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

/** The spec of a checked request: from the CSV's rows, or the replay trace for a timeline. */
export function requestSpec(request: ChartRequest): VegaLiteSpec {
  if (request.kind === 'timeline') {
    let trace;
    try {
      trace = parseTraceJsonl(readFileSync(request.input, 'utf8'));
    } catch (error) {
      if (error instanceof ParameterError)
        throw new ParameterError(
          '<input>',
          JSON.stringify(request.input),
          `a replay trace: ${error.message}`,
        );
      throw new ParameterError(
        '<input>',
        JSON.stringify(request.input),
        `a replay trace in JSON lines (${(error as Error).message.split('\n')[0]})`,
      );
    }
    const spec = replayChartSpec(trace, request.theme);
    return request.table.title === undefined ? spec : { ...spec, title: request.table.title };
  }
  return tableChartSpec(readCsvTable(request.input), {
    ...request.table,
    kind: request.kind,
  });
}

/**
 * Draws a checked request: builds the spec, renders every format, and only then writes the files
 * (each atomically), so bad input or a failed render leaves nothing behind. Returns the paths.
 *
 * @example
 * await drawChart(chartRequest('data/staleness/wan.csv', { kind: 'staleness', format: 'svg,pdf', theme: 'paper', series: 'R={r} W={w}' }));
 */
export async function drawChart(request: ChartRequest): Promise<string[]> {
  const spec = requestSpec(request);
  const files = await figureFiles(await renderSvg(spec), request.formats, {
    ...request.png,
    title: specTitle(spec),
  });
  const written = files.map(({ format, data }) => ({ target: `${request.base}.${format}`, data }));
  for (const { target, data } of written) writeFileAtomic(target, data);
  return written.map((w) => w.target);
}

const EXAMPLES = `
Examples:
  $ replilab chart data/staleness/wan.csv --kind staleness --series "R={r} W={w}" --where "r=1|2" --where "w=1|2"
  $ replilab chart data/staleness/wan.csv --kind tradeoff --series "R={r} W={w}" --x read_p99_ms+write_p99_ms --y t_visibility_999_ms --format svg,pdf
  $ replilab chart data/staleness/wan.csv --kind heatmap --x w --y r --value t_visibility_999_ms --where t=0 --theme talk --format png --dpi 150
  $ replilab chart data/staleness/wan.csv --kind cdf --series "R={r} W={w}" --quantiles read_p50_ms,read_p99_ms,read_p999_ms --log-x
  $ replilab chart failover.csv --kind failover --format svg,png,pdf --theme paper --columns 2 --out figures/failover
  $ replilab chart loss.csv --kind lww-loss --x skew_ms --y lost_per_1000 --low ci_low --high ci_high
  $ replilab chart divergence.csv --kind convergence --series topology --y divergent_keys
  $ replilab chart trial.jsonl --kind timeline --format pdf

Kinds and the columns they read (defaults; override with --x, --y, --low, --high, ...):
  staleness    t, p_consistent, ci_low, ci_high, per series
  cdf          value, p (quantile points; --low/--high: the value's interval), or --value COL
               (raw samples: empirical CDF with a 95% DKW band), or --quantiles COL,COL (pNN in the names)
  heatmap      x w, y r, --value p_consistent, optional --facet n (first row per cell)
  tradeoff     latency_ms, staleness_ms, first row per series; Pareto front marked
  failover     timeout_ms, recovery_ms [recovery_low_ms, recovery_high_ms], right axis
               --right unnecessary_rate with --right-low unnecessary_low, --right-high unnecessary_high
  lww-loss     skew_ms, lost, ci_low, ci_high, per series
  convergence  t_ms, divergent_keys [--low, --high], per series
  timeline     a replay trace FILE.jsonl (replilab replay --out)
A column option also takes a sum of columns (a+b). --series takes a column, a list (r,w -> "r=1 w=2")
or a template ("R={r} W={w}"); --title may use {column} (from the first row).

Output: BASE.svg/.png/.pdf, BASE from --out or <input>-<kind>[-<theme>] beside the input (screen
adds no suffix). Themes: paper (one column, 3.5 in; --columns 2: 7 in; grayscale-safe colours and
dashes), talk (large type), screen (notebooks). Every export uses the shipped DejaVu Sans: PDFs
embed it, PNGs are drawn with it. One figure pixel is one PDF point; --dpi D sets the PNG scale to
D/72 (--scale S: S times the pixel size, default 2). Files are written atomically, and only after
every format rendered; bad input exits 2 naming the flag and writes nothing.`;

/** `replilab chart <input> --kind KIND ...`: a figure from a CSV (or a replay trace) without re-simulating. */
export function chartCommand(): Command {
  return new Command('chart')
    .description(
      'Draw a figure (SVG, PNG, PDF) from a CSV the lab wrote, or a replay trace, without re-simulating.',
    )
    .argument('<input>', 'a CSV (or, for --kind timeline, a replay trace .jsonl)')
    .addOption(new Option('--kind <kind>', `what to draw: ${CHART_KINDS.join(', ')}`))
    .option('--format <list>', `comma list of ${FIGURE_FORMATS.join(', ')}`, 'svg')
    .option('--theme <name>', `${THEME_NAMES.join(', ')}`, 'paper')
    .option('--columns <1|2>', 'with --theme paper: one column (3.5 in) or both (7 in)')
    .option('--out <base>', 'output path without extension')
    .option('--scale <s>', 'PNG zoom (default 2)')
    .option('--dpi <d>', 'PNG resolution instead of --scale: scale = dpi / 72')
    .option('--title <text>', 'chart title; {column} is filled from the first row')
    .option('--x <column>', 'x column (or a+b)')
    .option('--y <column>', 'y column (or a+b)')
    .option('--low <column>', 'lower interval end')
    .option('--high <column>', 'upper interval end')
    .option('--series <spec>', 'series: a column, a list r,w, or a template "R={r} W={w}"')
    .option('--value <column>', 'heatmap: cell value; cdf: raw samples')
    .option('--facet <column>', 'heatmap: one panel per value')
    .option('--quantiles <list>', 'cdf: quantile columns, e.g. read_p50_ms,read_p99_ms')
    .option('--right <column>', 'failover: right-axis rate')
    .option('--right-low <column>', 'failover: its lower interval end')
    .option('--right-high <column>', 'failover: its upper interval end')
    .option(
      '--where <column=v1|v2>',
      'keep rows whose column is one of the values (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--x-title <text>', 'x-axis title')
    .option('--y-title <text>', 'y-axis title')
    .option('--log-x', 'log-scale x axis')
    .option('--log-y', 'log-scale y axis (tradeoff)')
    .addHelpText('after', EXAMPLES)
    .action(async (input: string, flags: ChartFlags) => {
      const written = await drawChart(chartRequest(input, flags));
      for (const file of written) process.stdout.write(`${file}\n`);
    });
}
