import { ParameterError } from '../errors.js';
import type { LogHistogram } from '../stats/index.js';
import type { CursorOptions } from './interactive.js';
import { intervalLinesSpec } from './interval-lines.js';
import type { VegaLiteSpec } from './spec.js';
import type { ChartTheme } from './theme.js';
import { checkRows } from './validate.js';

/**
 * One point of a cumulative distribution: P(X <= value) = p, with an optional 95% interval on p
 * (`p_low`, `p_high`: a DKW band for an empirical CDF) or on the value (`value_low`,
 * `value_high`: a quantile's interval, e.g. {@link LogHistogram.quantileInterval}).
 */
export interface CdfRow {
  /** The distribution this point belongs to, e.g. "recovery, timeout 150 ms". */
  series: string;
  /** The value (ms, or whatever `xTitle` says). */
  value: number;
  /** P(X <= value), in [0, 1]. */
  p: number;
  p_low?: number | null;
  p_high?: number | null;
  value_low?: number | null;
  value_high?: number | null;
}

/** Options of {@link cdfSpec}. */
export interface CdfOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme. Default the screen theme. */
  theme?: ChartTheme;
  /** x-axis title. Default "value (ms)". */
  xTitle?: string;
  /** y-axis title. Default "P(X ≤ x)". */
  yTitle?: string;
  /** Log-scale x axis (values <= 0 are left out). Default false. */
  logX?: boolean;
  /**
   * How points are joined: `step` (an empirical CDF, from {@link cdfRowsFromSamples}) or `linear`
   * (a few quantiles, where the CDF between them is unknown and a straight line is a guide). Default
   * `step` when every row has a p interval, else `linear`.
   */
  join?: 'step' | 'linear';
  /**
   * For JupyterLab: a slider for x that moves a rule and lists P(X <= x) of every series there
   * (the last point at or below x, see {@link cursorLayers}); `false` for none. Static exports
   * never show it ({@link staticSpec}). Default on.
   */
  cursor?: CursorOptions | false;
}

/** Significance of the DKW band drawn around empirical CDFs (95%). */
const ALPHA = 0.05;

/**
 * The half-width of the Dvoretzky-Kiefer-Wolfowitz 95% confidence band of an empirical CDF of n
 * samples, sqrt(ln(2/alpha) / (2n)), with Massart's tight constant (P. Massart, "The tight constant
 * in the Dvoretzky-Kiefer-Wolfowitz inequality", Ann. Probab. 18(3), 1990).
 *
 * @example
 * dkwHalfWidth(1000); // 0.04295
 */
export function dkwHalfWidth(n: number, alpha = ALPHA): number {
  if (!Number.isInteger(n) || n < 1) throw new ParameterError('n', String(n), 'a whole number >= 1');
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}

/**
 * The empirical CDF of each series' samples, with its DKW 95% band, as {@link CdfRow}s: one row
 * per distinct value (at most `maxPoints` per series, taken evenly by rank, always keeping the
 * smallest and largest value). Non-finite samples are refused.
 *
 * @example
 * cdfRowsFromSamples({ 'timeout 150 ms': [310, 290, 402], 'timeout 300 ms': [520, 480] });
 */
export function cdfRowsFromSamples(
  samples: Readonly<Record<string, readonly number[]>>,
  maxPoints = 400,
): CdfRow[] {
  const rows: CdfRow[] = [];
  for (const [series, values] of Object.entries(samples)) {
    values.forEach((v, i) => {
      if (!Number.isFinite(v))
        throw new ParameterError(`samples[${JSON.stringify(series)}][${i}]`, String(v), 'a finite number');
    });
    if (values.length === 0) continue;
    const sorted = [...values].sort((a, b) => a - b);
    const n = sorted.length;
    const eps = dkwHalfWidth(n);
    // The last index of each distinct value: the ECDF's value there is (index + 1) / n.
    const ends: number[] = [];
    for (let i = 0; i < n; i++) if (i === n - 1 || sorted[i + 1] !== sorted[i]) ends.push(i);
    const keep =
      ends.length <= maxPoints
        ? ends
        : Array.from(
            { length: maxPoints },
            (_, k) => ends[Math.round((k * (ends.length - 1)) / (maxPoints - 1))],
          );
    for (const i of keep) {
      const p = (i + 1) / n;
      rows.push({ series, value: sorted[i], p, p_low: Math.max(0, p - eps), p_high: Math.min(1, p + eps) });
    }
  }
  return rows;
}

/**
 * Quantile points of a {@link LogHistogram} as {@link CdfRow}s, each with the
 * distribution-free 95% interval of the quantile (`value_low`, `value_high`).
 *
 * @example
 * cdfRowsFromHistogram('read latency', histogram, [0.5, 0.9, 0.99, 0.999]);
 */
export function cdfRowsFromHistogram(
  series: string,
  histogram: LogHistogram,
  ps: readonly number[],
): CdfRow[] {
  if (histogram.total === 0) return [];
  return ps.map((p, i) => {
    if (!(p > 0 && p < 1))
      throw new ParameterError(`ps[${i}]`, String(p), 'a probability strictly between 0 and 1');
    const { low, high } = histogram.quantileInterval(p);
    return { series, value: histogram.quantile(p), p, value_low: low, value_high: high };
  });
}

/**
 * The probability a quantile name stands for: `p50` -> 0.5, `p99` -> 0.99, `p999` -> 0.999
 * (the digits after an implied "0."), also inside longer names such as `read_p99_ms`.
 *
 * @example
 * quantileLevel('recovery_p999_ms'); // 0.999
 */
export function quantileLevel(name: string): number {
  const m = /(?:^|_)p(\d+)(?:_|$)/.exec(name);
  if (!m)
    throw new ParameterError(
      'quantile',
      JSON.stringify(name),
      'a name with pNN in it, e.g. p50, read_p99_ms',
    );
  return Number(`0.${m[1]}`);
}

/**
 * Named quantiles (`{ p50, p90, p99 }`, as in the lab's results, e.g. `FailoverResult.recovery_ms`)
 * as {@link CdfRow}s; null quantiles (no sample) and other keys are skipped.
 *
 * @example
 * cdfRowsFromQuantiles('recovery', run.result.recovery_ms);
 */
export function cdfRowsFromQuantiles(
  series: string,
  quantiles: Readonly<Record<string, number | null | undefined>>,
): CdfRow[] {
  return Object.entries(quantiles)
    .filter(([key, v]) => /^p\d+$/.test(key) && typeof v === 'number' && Number.isFinite(v))
    .map(([key, v]) => ({ series, value: v as number, p: quantileLevel(key) }))
    .sort((a, b) => a.p - b.p);
}

/**
 * Vega-Lite spec of cumulative distributions (of latency, recovery time, ...): per series
 * P(X <= x) against x, with its 95% band. Empirical CDFs ({@link cdfRowsFromSamples}) are drawn
 * as staircases over their DKW band; quantile points ({@link cdfRowsFromQuantiles},
 * {@link cdfRowsFromHistogram}) as points joined by straight guides, each with a horizontal bar
 * over the quantile's interval when the rows carry one.
 *
 * @example
 * const spec = cdfSpec(cdfRowsFromSamples({ raft: raftRecoveries, coordinator: coordinatorRecoveries }),
 *   { xTitle: 'recovery time (ms)', title: 'Failover recovery time' });
 */
export function cdfSpec(rows: readonly CdfRow[], options: CdfOptions = {}): VegaLiteSpec {
  checkRows(rows, {
    text: ['series'],
    finite: ['value', 'p'],
    optional: ['p_low', 'p_high', 'value_low', 'value_high'],
  });
  rows.forEach((row, i) => {
    if (row.p < 0 || row.p > 1)
      throw new ParameterError(`rows[${i}].p`, String(row.p), 'a probability from 0 to 1');
  });
  const hasBand =
    rows.length > 0 && rows.every((r) => typeof r.p_low === 'number' && typeof r.p_high === 'number');
  const bars = rows.filter((r) => typeof r.value_low === 'number' && typeof r.value_high === 'number');
  const join = options.join ?? (hasBand ? 'step' : 'linear');
  const values = rows.map((r) => ({
    series: r.series,
    value: r.value,
    p: r.p,
    p_low: r.p_low ?? null,
    p_high: r.p_high ?? null,
    value_low: r.value_low ?? null,
    value_high: r.value_high ?? null,
  }));
  const y = { type: 'quantitative' as const, scale: { domain: [0, 1], zero: false, nice: false } };
  return intervalLinesSpec(values, {
    x: 'value',
    y: 'p',
    ...(hasBand ? { low: 'p_low', high: 'p_high' } : {}),
    title: options.title,
    theme: options.theme,
    logX: options.logX,
    xTitle: options.xTitle ?? 'value (ms)',
    yTitle: options.yTitle ?? 'P(X ≤ x)',
    yDomain: [0, 1],
    interpolate: join === 'step' ? 'step-after' : 'linear',
    points: join === 'linear',
    ...(options.cursor === false ? {} : { cursor: { mode: 'at-or-below' as const, ...options.cursor } }),
    layers:
      bars.length === 0
        ? []
        : [
            {
              name: 'quantile-intervals',
              transform: [{ filter: 'isValid(datum.value_low) && isValid(datum.value_high)' }],
              mark: { type: 'rule', clip: true, opacity: 0.8 },
              encoding: {
                x: { field: 'value_low', type: 'quantitative' },
                x2: { field: 'value_high' },
                y: { ...y, field: 'p' },
              },
            },
          ],
  });
}
