import { ParameterError } from '../errors.js';
import { probabilityDomain, uniqueInOrder, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';
import { paper, themeConfig, type ChartTheme } from './theme.js';

/**
 * One point of a t-visibility curve: the probability that a read starting `t` ms after the
 * reference write committed is consistent, with its 95% interval (see DESIGN.md, "Metrics").
 */
export interface StalenessCurveRow {
  /** The curve this point belongs to, e.g. "R=1,W=1" or "lnkd-ssd R=1 W=1". */
  series: string;
  /** Time after the commit, in ms. */
  t: number;
  /** Estimated P(consistent read) at `t`. */
  p_consistent: number;
  /** Lower end of the 95% interval (Wilson) of `p_consistent`. */
  ci_low: number;
  /** Upper end of the 95% interval (Wilson) of `p_consistent`. */
  ci_high: number;
}

/** Options of {@link stalenessCurveSpec}. */
export interface StalenessCurveOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme (size, fonts, palette). Default {@link paper}. */
  theme?: ChartTheme;
  /**
   * Log-scale x axis. Points with t <= 0 cannot be placed on it and are left out of the chart.
   * Default false.
   */
  logX?: boolean;
  /** x-axis title. Default "t (ms after commit)". */
  xTitle?: string;
  /** y-axis title. Default "P(consistent read)". */
  yTitle?: string;
  /** Legend title; default none (the series names speak for themselves). */
  legendTitle?: string | null;
  /**
   * y domain. Default: from {@link probabilityDomain} over estimates and interval ends, so the
   * band is always inside the plot.
   */
  yDomain?: [number, number];
}

const NUMERIC_FIELDS = ['t', 'p_consistent', 'ci_low', 'ci_high'] as const;

/**
 * Vega-Lite spec of t-visibility curves (Bailis et al., "Probabilistically Bounded Staleness for
 * Practical Partial Quorums", VLDB 2012, Fig. 5 style): per series a line of P(consistent read)
 * against t, over a band of its 95% interval. Colour by series in input order.
 *
 * @example
 * const spec = stalenessCurveSpec(
 *   [{ series: 'R=1,W=1', t: 0, p_consistent: 0.4, ci_low: 0.37, ci_high: 0.43 },
 *    { series: 'R=1,W=1', t: 10, p_consistent: 0.9, ci_low: 0.88, ci_high: 0.92 }],
 *   { title: 'PBS t-visibility', logX: false },
 * );
 * await writeFigure(spec, 'data/figures/pbs-t-visibility', ['svg', 'png']);
 */
export function stalenessCurveSpec(
  rows: readonly StalenessCurveRow[],
  options: StalenessCurveOptions = {},
): VegaLiteSpec {
  const theme = options.theme ?? paper;
  const values = rows.map((row, i) => {
    if (typeof row.series !== 'string') {
      throw new ParameterError(`rows[${i}].series`, String(row.series), 'a string');
    }
    for (const field of NUMERIC_FIELDS) {
      if (typeof row[field] !== 'number' || !Number.isFinite(row[field])) {
        throw new ParameterError(`rows[${i}].${field}`, String(row[field]), 'a finite number');
      }
    }
    return { series: row.series, t: row.t, p_consistent: row.p_consistent, ci_low: row.ci_low, ci_high: row.ci_high };
  });
  const logX = options.logX ?? false;
  const shown = logX ? values.filter((v) => v.t > 0) : values;
  const yDomain =
    options.yDomain ?? probabilityDomain(shown.flatMap((v) => [v.p_consistent, v.ci_low, v.ci_high]));
  const yTitle = options.yTitle ?? 'P(consistent read)';
  const y = {
    type: 'quantitative' as const,
    title: yTitle,
    scale: { domain: yDomain, zero: false, nice: false },
  };
  const tooltip = [
    { field: 'series', type: 'nominal' as const },
    { field: 't', type: 'quantitative' as const, title: 't (ms)' },
    { field: 'p_consistent', type: 'quantitative' as const, format: '.4f' },
    { field: 'ci_low', type: 'quantitative' as const, format: '.4f' },
    { field: 'ci_high', type: 'quantitative' as const, format: '.4f' },
  ];
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    width: theme.width,
    height: theme.height,
    data: { values },
    ...(logX ? { transform: [{ filter: 'datum.t > 0' }] } : {}),
    encoding: {
      x: {
        field: 't',
        type: 'quantitative',
        title: options.xTitle ?? 't (ms after commit)',
        scale: logX ? { type: 'log', nice: false } : { zero: true },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: options.legendTitle ?? null,
        scale: { domain: uniqueInOrder(values.map((v) => v.series)), range: [...theme.palette] },
        // Legend symbols as strokes of the line, not pale swatches of the band.
        legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: theme.lineWidth },
      },
    },
    layer: [
      {
        name: 'band',
        mark: { type: 'area', opacity: theme.bandOpacity, clip: true },
        // stack: null, or Vega-Lite stacks areas that share a colour channel.
        encoding: { y: { ...y, field: 'ci_low', stack: null }, y2: { field: 'ci_high' } },
      },
      {
        name: 'estimate',
        mark: { type: 'line', strokeWidth: theme.lineWidth, clip: true },
        encoding: { y: { ...y, field: 'p_consistent' }, tooltip },
      },
    ],
    config: themeConfig(theme),
  };
  return spec;
}
