import { ParameterError } from '../errors.js';
import { placeLabels, type PlotBox as Box } from './label-placement.js';
import { chartTextWidth } from './text-metrics.js';
import { paretoFront } from './pareto.js';
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';
import { defaultTheme, plotSize, themeConfig, type ChartTheme } from './theme.js';

/** One configuration in a latency/staleness trade-off chart. */
export interface TradeoffRow {
  /** Label drawn beside the point, e.g. "N=3 R=1 W=2". */
  series: string;
  /** Latency of the configuration in ms (which latency: say so in `xTitle`). */
  latency_ms: number;
  /** Staleness of the configuration in ms (which measure: say so in `yTitle`). */
  staleness_ms: number;
  /** Lower end of the y value's 95% interval (e.g. Wilson, for a proportion); drawn as an error bar with `staleness_high`. */
  staleness_low?: number | null;
  /** Upper end of the y value's 95% interval. */
  staleness_high?: number | null;
}

/** Options of {@link latencyStalenessTradeoffSpec}. */
export interface TradeoffOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme (size, fonts, palette). Default {@link defaultTheme} (screen). */
  theme?: ChartTheme;
  /** x-axis title. Default "read + write latency p99 (ms)". */
  xTitle?: string;
  /** y-axis title. Default "t-visibility for 99.9% (ms)". */
  yTitle?: string;
  /** Log-scale x axis (all latencies must then be > 0). Default false. */
  logX?: boolean;
  /** Log-scale y axis (all staleness values must then be > 0). Default false. */
  logY?: boolean;
  /** Draw the series name beside each point. Default true. */
  labels?: boolean;
}

/** The legend entries that tell front from dominated points. */
export const PARETO_LABEL = 'Pareto-optimal';
export const DOMINATED_LABEL = 'dominated';

/**
 * Vega-Lite spec of a latency/staleness trade-off: one labelled point per configuration, the
 * Pareto-optimal ones (lowest latency for their staleness, {@link paretoFront}) filled and joined
 * by their attainment staircase, the dominated ones hollow and grey.
 *
 * @example
 * const spec = latencyStalenessTradeoffSpec([
 *   { series: 'R=1 W=1', latency_ms: 12, staleness_ms: 40 },
 *   { series: 'R=2 W=2', latency_ms: 30, staleness_ms: 0.5 },
 * ], { xTitle: 'read p99 + write p99 (ms)' });
 */
export function latencyStalenessTradeoffSpec(
  rows: readonly TradeoffRow[],
  options: TradeoffOptions = {},
): VegaLiteSpec {
  const theme = options.theme ?? defaultTheme;
  const logX = options.logX ?? false;
  const logY = options.logY ?? false;
  const points = rows.map((row, i) => {
    if (typeof row.series !== 'string') {
      throw new ParameterError(`rows[${i}].series`, String(row.series), 'a string');
    }
    for (const [field, log] of [
      ['latency_ms', logX],
      ['staleness_ms', logY],
    ] as const) {
      const v = row[field];
      if (typeof v !== 'number' || !Number.isFinite(v) || (log && v <= 0)) {
        throw new ParameterError(
          `rows[${i}].${field}`,
          String(v),
          log ? 'a finite number > 0 (log scale)' : 'a finite number',
        );
      }
    }
    return { x: row.latency_ms, y: row.staleness_ms, i };
  });
  const front = paretoFront(points);
  const onFront = new Set(front.map((p) => p.i));
  // The scales are fixed here (explicit domains, not niced) so that the labels are placed on the
  // pixels Vega will draw the points at; labels kept apart (several configurations often share
  // coordinates, e.g. every strict quorum at 0) and inside the plot.
  const xDomain = paddedDomain(
    rows.map((r) => r.latency_ms),
    logX,
  );
  const yDomain = paddedDomain(
    rows.flatMap((r) => [r.staleness_ms, r.staleness_low, r.staleness_high].filter(isFiniteNumber)),
    logY,
  );
  const plot = plotArea(theme, yDomain);
  const toPx = (v: number, [lo, hi]: [number, number], log: boolean, span: number) =>
    log
      ? ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * span
      : ((v - lo) / (hi - lo)) * span;
  const pxOf = (x: number, y: number): [number, number] => [
    toPx(x, xDomain, logX, plot.width),
    plot.height - toPx(y, yDomain, logY, plot.height),
  ];
  const lineWidth = theme.lineWidth;
  const ruleWidth = Math.max(1, theme.lineWidth * 0.8);
  // The other marks labels must keep off: the front's staircase (step-after: across at a front
  // point's y to the next point's x, then down) and the interval bars, each as thick as drawn.
  const segment = (a: [number, number], b: [number, number], stroke: number): Box => ({
    x0: Math.min(a[0], b[0]) - stroke / 2,
    x1: Math.max(a[0], b[0]) + stroke / 2,
    y0: Math.min(a[1], b[1]) - stroke / 2,
    y1: Math.max(a[1], b[1]) + stroke / 2,
  });
  const obstacles: Box[] = [];
  const drawn = (b: Box) => [b.x0, b.x1, b.y0, b.y1].every(Number.isFinite);
  for (let k = 1; k < front.length; k++) {
    const [a, b] = [front[k - 1], front[k]];
    obstacles.push(segment(pxOf(a.x, a.y), pxOf(b.x, a.y), lineWidth));
    obstacles.push(segment(pxOf(b.x, a.y), pxOf(b.x, b.y), lineWidth));
  }
  for (const row of rows)
    if (isFiniteNumber(row.staleness_low) && isFiniteNumber(row.staleness_high))
      obstacles.push(
        segment(pxOf(row.latency_ms, row.staleness_low), pxOf(row.latency_ms, row.staleness_high), ruleWidth),
      );
  const labels = placeLabels(
    rows.map((row) => {
      const [px, py] = pxOf(row.latency_ms, row.staleness_ms);
      return { px, py, text: row.series };
    }),
    {
      // A bound at or below 0 on a log axis has no pixel: that bar is left out here.
      obstacles: obstacles.filter(drawn),
      width: plot.width,
      height: plot.height,
      fontSize: theme.labelFontSize,
      // Vega draws a circle of area `size` as radius sqrt(size) / 2, plus half its stroke.
      pointRadiusPx: Math.sqrt(theme.pointSize) / 2 + Math.max(1, ruleWidth / 2),
      // The plot's width is fitted by Vega when the theme fixes the figure's: keep slack.
      marginPx: theme.figureWidth !== undefined ? 3 : 1,
    },
  );
  const groups = [...new Set(labels.map((l) => `${l.align} ${l.dx} ${l.dy}`))];
  const values = rows.map((row, i) => ({
    series: row.series,
    latency_ms: row.latency_ms,
    staleness_ms: row.staleness_ms,
    pareto: onFront.has(i) ? PARETO_LABEL : DOMINATED_LABEL,
    label_group: groups.indexOf(`${labels[i].align} ${labels[i].dx} ${labels[i].dy}`),
    staleness_low: row.staleness_low ?? null,
    staleness_high: row.staleness_high ?? null,
  }));
  const withIntervals = values.filter(
    (v) => typeof v.staleness_low === 'number' && typeof v.staleness_high === 'number',
  );
  const frontValues = front.map((p) => values[p.i]);
  const frontColor = theme.palette[3] ?? theme.palette[0] ?? '#0072B2';

  const x = {
    field: 'latency_ms',
    type: 'quantitative' as const,
    title: options.xTitle ?? 'read + write latency p99 (ms)',
    scale: logX
      ? { type: 'log' as const, domain: xDomain, nice: false }
      : { zero: false, domain: xDomain, nice: false },
  };
  const y = {
    field: 'staleness_ms',
    type: 'quantitative' as const,
    title: options.yTitle ?? 't-visibility for 99.9% (ms)',
    scale: logY
      ? { type: 'log' as const, domain: yDomain, nice: false }
      : { zero: false, domain: yDomain, nice: false },
  };
  // One field drives fill and stroke: front points filled, dominated ones hollow (legend too).
  const fill = {
    field: 'pareto',
    type: 'nominal' as const,
    title: null,
    scale: { domain: [PARETO_LABEL, DOMINATED_LABEL], range: [frontColor, 'transparent'] },
  };
  const stroke = {
    field: 'pareto',
    type: 'nominal' as const,
    title: null,
    scale: { domain: [PARETO_LABEL, DOMINATED_LABEL], range: [frontColor, theme.mutedColor] },
  };
  const tooltip = [
    { field: 'series', type: 'nominal' as const },
    { field: 'latency_ms', type: 'quantitative' as const },
    { field: 'staleness_ms', type: 'quantitative' as const },
    { field: 'pareto', type: 'nominal' as const },
  ];
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...plotSize(theme),
    data: { values },
    encoding: { x, y },
    layer: [
      {
        name: 'front',
        data: { values: frontValues },
        // step-after: the staircase bounding the region the front dominates.
        mark: {
          type: 'line',
          interpolate: 'step-after',
          color: frontColor,
          strokeWidth: lineWidth,
          opacity: 0.6,
        },
      },
      ...(withIntervals.length > 0
        ? [
            {
              name: 'intervals',
              data: { values: withIntervals },
              mark: {
                type: 'rule' as const,
                color: theme.mutedColor,
                strokeWidth: ruleWidth,
              },
              encoding: { y: { ...y, field: 'staleness_low' }, y2: { field: 'staleness_high' } },
            },
          ]
        : []),
      {
        name: 'points',
        mark: {
          type: 'point',
          filled: true,
          opacity: 1,
          size: theme.pointSize,
          strokeWidth: ruleWidth,
        },
        encoding: { fill, stroke, tooltip },
      },
      ...((options.labels ?? true)
        ? groups.map((key, g) => {
            const [align, dx, dy] = key.split(' ');
            return {
              name: g === 0 ? 'labels' : `labels-${g}`,
              transform: [{ filter: { field: 'label_group', equal: g } }],
              mark: {
                type: 'text' as const,
                align: align as 'left' | 'right',
                baseline: 'bottom' as const,
                dx: Number(dx),
                dy: Number(dy),
                fontSize: theme.labelFontSize,
              },
              encoding: { text: { field: 'series', type: 'nominal' as const } },
            };
          })
        : []),
    ],
    config: themeConfig(theme),
  };
  return spec;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The data's extent with 6% room on each side (a factor on a log scale), so points at the edges are drawn whole. */
function paddedDomain(values: readonly number[], log: boolean): [number, number] {
  const t = (v: number) => (log ? Math.log10(v) : v);
  const u = (v: number) => (log ? 10 ** v : v);
  const lo = Math.min(...values.map(t));
  const hi = Math.max(...values.map(t));
  const pad = hi > lo ? (hi - lo) * 0.06 : Math.max(Math.abs(lo) * 0.1, log ? 0.5 : 1);
  return [u(lo - pad), u(hi + pad)];
}

/**
 * The plot area's size in pixels. A theme without a figure width fixes it; with one, Vega fits
 * the plot into the figure width (autosize fit-x) less the y axis: its title, tick labels
 * (measured in the chart font, for the domain's ends to Vega's default precision) and ticks.
 */
function plotArea(theme: ChartTheme, yDomain: [number, number]): { width: number; height: number } {
  const size = plotSize(theme);
  if (theme.figureWidth === undefined) return { width: size.width, height: size.height };
  const step = Math.abs(yDomain[1] - yDomain[0]) / 5;
  const decimals = step > 0 ? Math.max(0, -Math.floor(Math.log10(step))) : 0;
  const tickLabel = Math.max(
    ...[yDomain[0], yDomain[1], 0].map((v) =>
      chartTextWidth({ fontSize: theme.labelFontSize }, v.toFixed(decimals)),
    ),
  );
  // Vega-Lite's axis defaults: tick 5, label padding 2, title padding 4; the figure's padding 5 each side.
  const axis = 5 + 2 + tickLabel + 4 + theme.axisTitleFontSize * 1.2;
  return { width: theme.figureWidth - axis - 10, height: size.height };
}
