import { ParameterError } from '../errors.js';
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';
import { defaultTheme, plotSize, themeConfig, type ChartTheme } from './theme.js';
import { checkRows } from './validate.js';

/** One system's estimate of one quantity, with its interval, and a published value if there is one. */
export interface SystemComparisonRow {
  /** The system or scenario, e.g. `cassandra (ONE)`. */
  system: string;
  /** The lab's estimate (a proportion, or a time). */
  value: number;
  /** Lower end of its interval (Wilson 95% for proportions; a quantile for times). */
  low: number;
  /** Upper end of its interval. */
  high: number;
  /** The published observation of the same quantity (drawn as a hollow diamond), or null. */
  published?: number | null;
}

/** Options of {@link systemComparisonSpec}. */
export interface SystemComparisonOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme. Default the screen theme. */
  theme?: ChartTheme;
  /** x-axis title, e.g. "P(stale read)". */
  xTitle?: string;
  /** Log-scale x axis (for times over orders of magnitude; values must be > 0). Default false. */
  logX?: boolean;
  /** Number format of the x axis and tooltips (d3-format). Default ".3~g". */
  format?: string;
}

/**
 * Vega-Lite spec comparing systems on one quantity: one row per system (in the rows' order), the
 * lab's estimate as a dot on its interval, and the published observation, where the reference
 * has one, as a hollow diamond on the same row, so the gap between lab and field is read directly.
 *
 * @example
 * systemComparisonSpec([
 *   { system: 'dynamo', value: 0.16, low: 0.155, high: 0.17, published: 0.9994 },
 *   { system: 'riak (lww)', value: 0, low: 0, high: 0.0004 },
 * ], { xTitle: 'share of reads with one version' });
 */
export function systemComparisonSpec(
  rows: readonly SystemComparisonRow[],
  options: SystemComparisonOptions = {},
): VegaLiteSpec {
  const theme = options.theme ?? defaultTheme;
  checkRows(rows, { text: ['system'], finite: ['value', 'low', 'high'], optional: ['published'] });
  rows.forEach((r, i) => {
    if (!(r.low <= r.value && r.value <= r.high))
      throw new ParameterError(`rows[${i}]`, `${r.low} <= ${r.value} <= ${r.high}`, 'low <= value <= high');
    if (options.logX && !(r.low > 0))
      throw new ParameterError(`rows[${i}].low`, String(r.low), 'a value > 0 with logX');
  });
  const format = options.format ?? '.3~g';
  const values = rows.map((r) => ({ ...r, published: r.published ?? null }));
  const x = {
    type: 'quantitative',
    title: options.xTitle ?? 'value',
    scale: options.logX ? { type: 'log', nice: false } : { zero: true },
    axis: { format },
  };
  // Long system names are the point of the chart: let the labels run to 400 px before truncating.
  const y = {
    field: 'system',
    type: 'nominal',
    title: null,
    sort: rows.map((r) => r.system),
    axis: { labelLimit: 400 },
  };
  const [lab, field] = [theme.palette[0], theme.palette[1] ?? theme.palette[0]];
  const anyPublished = rows.some((r) => typeof r.published === 'number');
  const series = {
    scale: anyPublished
      ? { domain: ['lab (95% interval)', 'published'], range: [lab, field] }
      : { domain: ['lab (95% interval)'], range: [lab] },
    title: null,
  };
  const tooltip = [
    { field: 'system', type: 'nominal' },
    { field: 'value', type: 'quantitative', format },
    { field: 'low', type: 'quantitative', format },
    { field: 'high', type: 'quantitative', format },
    { field: 'published', type: 'quantitative', format },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...plotSize(theme),
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: theme.lineWidth },
        encoding: {
          x: { ...x, field: 'low' },
          x2: { field: 'high' },
          color: { datum: 'lab (95% interval)', ...series },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: { x: { ...x, field: 'value' }, color: { datum: 'lab (95% interval)', ...series }, tooltip },
      },
      ...(anyPublished
        ? [
            {
              transform: [{ filter: 'datum.published !== null' }],
              mark: { type: 'point', shape: 'diamond', filled: false, size: 110, strokeWidth: 2, opacity: 1 },
              encoding: {
                x: { ...x, field: 'published' },
                color: { datum: 'published', ...series },
                tooltip,
              },
            },
          ]
        : []),
    ],
    config: themeConfig(theme),
  } as unknown as VegaLiteSpec;
}
