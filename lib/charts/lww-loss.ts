import type { CountEstimate } from '../check/index.js';
import { ParameterError } from '../errors.js';
import { intervalLinesSpec } from './interval-lines.js';
import type { VegaLiteSpec } from './spec.js';
import type { ChartTheme } from './theme.js';
import { checkRows } from './validate.js';

/** One point of an LWW loss curve: acknowledged writes lost at one clock skew, with its Wilson 95% interval. */
export interface LwwLossRow {
  /** The curve, e.g. "LWW, 5 op/ms" or "version vectors". */
  series: string;
  /** The clock skew of the run, ms (e.g. S in offsets uniform(0, S)). */
  skew_ms: number;
  /** Acknowledged writes lost, per `per` acknowledged writes (see {@link lwwLossRow}). */
  lost: number;
  /** Lower end of the 95% interval of `lost`. */
  ci_low: number;
  /** Upper end of the 95% interval of `lost`. */
  ci_high: number;
}

/** Options of {@link lwwLossSpec}. */
export interface LwwLossOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme. Default the screen theme. */
  theme?: ChartTheme;
  /** x-axis title. Default "clock skew (ms)". */
  xTitle?: string;
  /** y-axis title. Default "acknowledged writes lost per 1000". */
  yTitle?: string;
  /** Log-scale x axis (skews <= 0 are left out). Default false. */
  logX?: boolean;
}

/**
 * One {@link LwwLossRow} from a lost-write count with its Wilson interval (lib/check
 * `proportion`, e.g. `LeaderlessResult.intervals.acked_writes_lost`), scaled to `per`
 * acknowledged writes (default 1000).
 *
 * @example
 * lwwLossRow('LWW', 50, result.intervals.acked_writes_lost); // { series: 'LWW', skew_ms: 50, lost: 3.1, ci_low: 2.2, ci_high: 4.4 }
 */
export function lwwLossRow(series: string, skewMs: number, estimate: CountEstimate, per = 1000): LwwLossRow {
  if (!Number.isFinite(skewMs) || skewMs < 0)
    throw new ParameterError('skewMs', String(skewMs), 'a finite number of ms >= 0');
  if (!(per > 0)) throw new ParameterError('per', String(per), 'a number > 0');
  if (estimate.of === 0) throw new ParameterError('estimate.of', '0', 'at least one acknowledged write');
  return {
    series,
    skew_ms: skewMs,
    lost: per * estimate.p,
    ci_low: per * estimate.low,
    ci_high: per * estimate.high,
  };
}

/**
 * Vega-Lite spec of last-writer-wins loss against clock skew (Kleppmann, DDIA ch. 8, "Timestamps
 * for ordering events"; Kingsbury, Jepsen on Cassandra LWW): per series the acknowledged writes
 * lost against the skew between node clocks, with points at the measured skews over the band of
 * their Wilson 95% intervals. The y axis starts at 0 (a loss-free control sits on it).
 *
 * @example
 * const spec = lwwLossSpec([
 *   lwwLossRow('LWW', 0, { count: 0, of: 4000, p: 0, low: 0, high: 0.00096 }),
 *   lwwLossRow('LWW', 50, { count: 12, of: 4000, p: 0.003, low: 0.0017, high: 0.0052 }),
 * ], { title: 'LWW loss, hot keys' });
 */
export function lwwLossSpec(rows: readonly LwwLossRow[], options: LwwLossOptions = {}): VegaLiteSpec {
  checkRows(rows, { text: ['series'], finite: ['skew_ms', 'lost', 'ci_low', 'ci_high'] });
  const top = Math.max(0, ...rows.map((r) => Math.max(r.lost, r.ci_high)));
  return intervalLinesSpec(rows, {
    x: 'skew_ms',
    y: 'lost',
    low: 'ci_low',
    high: 'ci_high',
    title: options.title,
    theme: options.theme,
    logX: options.logX,
    xTitle: options.xTitle ?? 'clock skew (ms)',
    yTitle: options.yTitle ?? 'acknowledged writes lost per 1000',
    yDomain: [0, top > 0 ? top * 1.05 : 1],
    points: true,
  });
}
