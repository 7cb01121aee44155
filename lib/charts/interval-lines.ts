import { cursorLayers, type CursorOptions } from './interactive.js';
import { seriesChannels } from './series.js';
import { fieldRef, uniqueInOrder, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';
import { defaultTheme, plotSize, themeConfig, type ChartTheme } from './theme.js';
import { cell, checkRows, type ChartRow } from './validate.js';

/** How a line joins its points: straight, or a staircase that holds each value until the next x. */
export type LineInterpolation = 'linear' | 'step-after' | 'monotone';

/** Options of {@link intervalLinesSpec}: which fields to draw, and how. */
export interface IntervalLinesOptions {
  /** Field on the x axis (a finite number in every row). */
  x: string;
  /** Field of the estimate on the y axis (a finite number in every row). */
  y: string;
  /** Field of the lower end of the estimate's interval; with `high`, draws a band. */
  low?: string;
  /** Field of the upper end of the estimate's interval. */
  high?: string;
  /** Field naming each row's series (a string). Default "series". */
  series?: string;
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme (size, fonts, palette, dashes). Default {@link defaultTheme}. */
  theme?: ChartTheme;
  /** x-axis title; default the x field's name. */
  xTitle?: string;
  /** y-axis title; default the y field's name. */
  yTitle?: string;
  /** Legend title; default none. */
  legendTitle?: string | null;
  /** Log-scale x axis: rows with x <= 0 are left out of the chart. Default false. */
  logX?: boolean;
  /** Log-scale y axis: rows with y <= 0 are left out of the chart. Default false. */
  logY?: boolean;
  /** x domain [low, high]; default Vega-Lite's, from zero for a linear axis. */
  xDomain?: [number, number];
  /** y domain [low, high]; default Vega-Lite's (from zero), and always wide enough for the band when given by the builder. */
  yDomain?: [number, number];
  /** How points are joined. Default "linear". */
  interpolate?: LineInterpolation;
  /** Also draw a point at each row (for sparse grids). Default false. */
  points?: boolean;
  /** d3-format of y values in tooltips. Default ".4~g". */
  yFormat?: string;
  /** Vega-Lite layers drawn on top (annotations), sharing the x and y scales. */
  layers?: readonly Record<string, unknown>[];
  /**
   * A slider over x that moves a rule and reads each series' estimate at it (see
   * {@link cursorLayers}), for JupyterLab; static exports drop it ({@link staticSpec}). Default none.
   */
  cursor?: CursorOptions;
}

/**
 * The band layer every interval chart shares: an unstacked area from `low` to `high`, coloured
 * by series, under the estimate line. `y` is the y channel definition (title, scale) that the
 * line uses too, so both share one scale.
 *
 * @example
 * bandLayer(screen, { type: 'quantitative', title: 'P', scale: { domain: [0, 1] } }, 'ci_low', 'ci_high');
 * // `name` must be unique within a spec (Vega names the layer's data after it).
 */
export function bandLayer(
  theme: ChartTheme,
  y: Record<string, unknown>,
  low: string,
  high: string,
  mark: Record<string, unknown> = {},
  name = 'band',
): Record<string, unknown> {
  return {
    name,
    mark: { type: 'area', opacity: theme.bandOpacity, clip: true, ...mark },
    // stack: null, or Vega-Lite stacks areas that share a colour channel.
    encoding: { y: { ...y, field: low, stack: null }, y2: { field: high } },
  };
}

/**
 * Vega-Lite spec of one or more series of estimates against x, each a line over the band of its
 * interval (e.g. a Wilson 95% interval): the shape shared by staleness curves, LWW loss against
 * clock skew, divergence over time and CDFs, which are built on it. Series are told apart by
 * {@link seriesChannels} (colour, plus dashes in the paper themes), in order of first appearance.
 *
 * @example
 * const spec = intervalLinesSpec(
 *   [{ series: 'LWW', skew_ms: 0, lost: 0, lo: 0, hi: 0.4 }, { series: 'LWW', skew_ms: 50, lost: 3, lo: 2.1, hi: 4.2 }],
 *   { x: 'skew_ms', y: 'lost', low: 'lo', high: 'hi', points: true, xTitle: 'clock skew (ms)' },
 * );
 */
export function intervalLinesSpec(rows: readonly ChartRow[], options: IntervalLinesOptions): VegaLiteSpec {
  const theme = options.theme ?? defaultTheme;
  const series = options.series ?? 'series';
  const band = options.low !== undefined && options.high !== undefined;
  checkRows(rows, {
    text: [series],
    finite: [options.x, options.y],
    optional: band ? [options.low!, options.high!] : [],
  });
  const fields = [series, options.x, options.y, ...(band ? [options.low!, options.high!] : [])];
  const values = rows.map((row) => Object.fromEntries(fields.map((f) => [f, cell(row, f) ?? null])));
  const filters = [
    ...(options.logX ? [`${fieldRef(options.x)} > 0`] : []),
    ...(options.logY ? [`${fieldRef(options.y)} > 0`] : []),
  ];
  const y = {
    type: 'quantitative' as const,
    title: options.yTitle ?? options.y,
    scale: {
      ...(options.logY ? { type: 'log' as const } : {}),
      ...(options.yDomain ? { domain: options.yDomain, zero: false, nice: false } : {}),
    },
  };
  const yFormat = options.yFormat ?? '.4~g';
  const tooltip = [
    { field: series, type: 'nominal' as const },
    { field: options.x, type: 'quantitative' as const, title: options.xTitle ?? options.x },
    { field: options.y, type: 'quantitative' as const, format: yFormat },
    ...(band
      ? [options.low!, options.high!].map((f) => ({
          field: f,
          type: 'quantitative' as const,
          format: yFormat,
        }))
      : []),
  ];
  const interpolate = options.interpolate ?? 'linear';
  const seriesNames = uniqueInOrder(values.map((v) => v[series] as string));
  const { color, strokeDash } = seriesChannels(theme, seriesNames, {
    field: series,
    title: options.legendTitle ?? null,
  });
  const cursor =
    options.cursor === undefined
      ? null
      : cursorLayers(
          {
            x: options.x,
            y: options.y,
            low: band ? options.low : undefined,
            high: band ? options.high : undefined,
            series,
            seriesNames,
            xs: values
              .filter((v) => !options.logY || (v[options.y] as number) > 0)
              .map((v) => v[options.x] as number),
            logX: options.logX ?? false,
            xTitle: options.xTitle ?? options.x,
            yDef: y,
            yFormat,
            tooltip,
            theme,
          },
          options.cursor,
        );
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...plotSize(theme),
    data: { values },
    ...(filters.length > 0 ? { transform: [{ filter: filters.join(' && ') }] } : {}),
    encoding: {
      x: {
        field: options.x,
        type: 'quantitative',
        title: options.xTitle ?? options.x,
        scale: {
          ...(options.logX ? { type: 'log', nice: false } : { zero: true }),
          ...(options.xDomain ? { domain: options.xDomain, nice: false } : {}),
        },
      },
      color,
    },
    layer: [
      ...(band
        ? [bandLayer(theme, y, options.low!, options.high!, interpolate === 'linear' ? {} : { interpolate })]
        : []),
      {
        name: 'estimate',
        mark: { type: 'line', strokeWidth: theme.lineWidth, clip: true, interpolate },
        // Dashes on the lines only: areas cannot take them (and the band needs none).
        encoding: { y: { ...y, field: options.y }, ...(strokeDash ? { strokeDash } : {}), tooltip },
      },
      ...(options.points
        ? [
            {
              name: 'points',
              mark: { type: 'point', filled: true, opacity: 1, clip: true },
              encoding: { y: { ...y, field: options.y }, tooltip },
            },
          ]
        : []),
      ...(options.layers ?? []),
      ...(cursor?.layers ?? []),
    ],
    ...(cursor ? { params: cursor.params } : {}),
    config: themeConfig(theme),
  } as unknown as VegaLiteSpec;
}
