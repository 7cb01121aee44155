import type { CursorOptions } from './interactive.js';
import { intervalLinesSpec } from './interval-lines.js';
import { probabilityDomain, type VegaLiteSpec } from './spec.js';
import type { ChartTheme } from './theme.js';
import { checkRows } from './validate.js';

/**
 * One point of a t-visibility curve: the probability that a read starting `t` ms after the
 * reference write committed is consistent (returns that write's version or a newer one), with its
 * 95% interval.
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
  /** Theme (size, fonts, palette). Default {@link defaultTheme} (screen). */
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
  /**
   * For JupyterLab: a slider for t that moves a rule and lists P(consistent) of every curve at
   * that t (see {@link cursorLayers}); `false` for none. Static exports never show it
   * ({@link staticSpec}). Default on, starting a tenth of the way through the t values (log: half).
   */
  cursor?: CursorOptions | false;
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
  checkRows(rows, { text: ['series'], finite: NUMERIC_FIELDS });
  const values = rows.map((row) => ({
    series: row.series,
    t: row.t,
    p_consistent: row.p_consistent,
    ci_low: row.ci_low,
    ci_high: row.ci_high,
  }));
  const logX = options.logX ?? false;
  const shown = logX ? values.filter((v) => v.t > 0) : values;
  return intervalLinesSpec(values, {
    x: 't',
    y: 'p_consistent',
    low: 'ci_low',
    high: 'ci_high',
    title: options.title,
    theme: options.theme,
    logX,
    xTitle: options.xTitle ?? 't (ms after commit)',
    yTitle: options.yTitle ?? 'P(consistent read)',
    legendTitle: options.legendTitle ?? null,
    yDomain:
      options.yDomain ?? probabilityDomain(shown.flatMap((v) => [v.p_consistent, v.ci_low, v.ci_high])),
    ...(options.cursor === false ? {} : { cursor: { mode: 'nearest' as const, ...options.cursor } }),
  });
}
