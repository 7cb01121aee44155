import { ParameterError } from '../errors.js';
import { placeLabels } from './label-placement.js';
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
  // Labels kept apart (several configurations often share coordinates, e.g. every strict quorum at 0).
  const size = plotSize(theme);
  const labels = placeLabels(
    rows.map((row) => ({ x: row.latency_ms, y: row.staleness_ms, text: row.series })),
    {
      width: theme.figureWidth !== undefined ? theme.width : size.width,
      height: size.height,
      fontSize: theme.labelFontSize,
      logX,
      logY,
    },
  );
  const values = rows.map((row, i) => ({
    series: row.series,
    latency_ms: row.latency_ms,
    staleness_ms: row.staleness_ms,
    pareto: onFront.has(i) ? PARETO_LABEL : DOMINATED_LABEL,
    label_y: labels[i].y,
    label_align: labels[i].align,
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
    scale: logX ? { type: 'log' as const } : { zero: false },
  };
  const y = {
    field: 'staleness_ms',
    type: 'quantitative' as const,
    title: options.yTitle ?? 't-visibility for 99.9% (ms)',
    scale: logY ? { type: 'log' as const } : { zero: false },
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
          strokeWidth: theme.lineWidth,
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
                strokeWidth: Math.max(1, theme.lineWidth * 0.8),
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
          strokeWidth: Math.max(1, theme.lineWidth * 0.8),
        },
        encoding: { fill, stroke, tooltip },
      },
      ...((options.labels ?? true)
        ? (['left', 'right'] as const).map((align) => ({
            name: align === 'left' ? 'labels' : 'labels-left-of-point',
            transform: [{ filter: { field: 'label_align', equal: align } }],
            mark: {
              type: 'text' as const,
              align,
              baseline: 'bottom' as const,
              dx: align === 'left' ? 5 : -5,
              dy: -3,
              fontSize: theme.labelFontSize,
            },
            encoding: {
              y: { ...y, field: 'label_y' },
              text: { field: 'series', type: 'nominal' as const },
            },
          }))
        : []),
    ],
    config: themeConfig(theme),
  };
  return spec;
}
