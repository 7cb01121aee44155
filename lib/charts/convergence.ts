import { ParameterError } from '../errors.js';
import { intervalLinesSpec } from './interval-lines.js';
import type { VegaLiteSpec } from './spec.js';
import type { ChartTheme } from './theme.js';
import { checkRows } from './validate.js';

/** One sample of divergence over time: how far apart the replicas are at `t_ms`. */
export interface ConvergenceRow {
  /** The run, e.g. "anti-entropy every 500 ms" or "ring topology". */
  series: string;
  /** Virtual time of the sample, ms. */
  t_ms: number;
  /** The divergence measure, e.g. keys on which the replicas differ. */
  divergent: number;
  /** Optional lower end of an interval of `divergent` (over replicate runs). */
  low?: number | null;
  /** Optional upper end. */
  high?: number | null;
}

/** A moment to mark on the time axis (a vertical rule with a label). */
export interface ConvergenceMarker {
  t_ms: number;
  label: string;
}

/** Options of {@link convergenceSpec}. */
export interface ConvergenceOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme. Default the screen theme. */
  theme?: ChartTheme;
  /** x-axis title. Default "time (ms)". */
  xTitle?: string;
  /** y-axis title. Default "keys on which replicas differ". */
  yTitle?: string;
  /** Moments to mark, e.g. `{ t_ms: 4000, label: 'partition heals' }`. */
  markers?: readonly ConvergenceMarker[];
}

/**
 * {@link ConvergenceRow}s from a run's divergence samples (`MultiLeaderResult.divergence`:
 * `{ t_ms, divergent_keys }`).
 *
 * @example
 * convergenceRows('ring', run.result.divergence);
 */
export function convergenceRows(
  series: string,
  samples: readonly { t_ms: number; divergent_keys: number }[],
): ConvergenceRow[] {
  return samples.map((s) => ({ series, t_ms: s.t_ms, divergent: s.divergent_keys }));
}

/**
 * Vega-Lite spec of convergence over time: per series the divergence (keys on which replicas
 * differ) as a staircase held between samples, falling to 0 when the replicas converge, over an
 * interval band when the rows carry one, with labelled rules at marked moments (a partition
 * healing, the last write). Reference: Vogels, "Eventually Consistent", CACM 52(1), 2009.
 *
 * @example
 * const spec = convergenceSpec(convergenceRows('all-to-all', result.divergence),
 *   { markers: [{ t_ms: 2000, label: 'outage ends' }] });
 */
export function convergenceSpec(
  rows: readonly ConvergenceRow[],
  options: ConvergenceOptions = {},
): VegaLiteSpec {
  checkRows(rows, { text: ['series'], finite: ['t_ms', 'divergent'], optional: ['low', 'high'] });
  const markers = options.markers ?? [];
  checkRows(markers, { text: ['label'], finite: ['t_ms'] });
  const band = rows.length > 0 && rows.every((r) => typeof r.low === 'number' && typeof r.high === 'number');
  if (!band && rows.some((r) => typeof r.low === 'number' || typeof r.high === 'number')) {
    throw new ParameterError('rows[].low/high', 'on some rows only', 'on every row or on none');
  }
  const values = rows.map((r) => ({
    series: r.series,
    t_ms: r.t_ms,
    divergent: r.divergent,
    low: r.low ?? null,
    high: r.high ?? null,
  }));
  const markerLayers =
    markers.length === 0
      ? []
      : [
          {
            name: 'markers',
            data: { values: markers.map((m) => ({ t_ms: m.t_ms, label: m.label })) },
            mark: { type: 'rule', color: '#555555', strokeDash: [4, 3] },
            encoding: { x: { field: 't_ms', type: 'quantitative' }, color: { value: '#555555' } },
          },
          {
            name: 'marker-labels',
            data: { values: markers.map((m) => ({ t_ms: m.t_ms, label: m.label })) },
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, y: 0, color: '#333333' },
            encoding: {
              x: { field: 't_ms', type: 'quantitative' },
              text: { field: 'label', type: 'nominal' },
              color: { value: '#333333' },
            },
          },
        ];
  return intervalLinesSpec(values, {
    x: 't_ms',
    y: 'divergent',
    ...(band ? { low: 'low', high: 'high' } : {}),
    title: options.title,
    theme: options.theme,
    xTitle: options.xTitle ?? 'time (ms)',
    yTitle: options.yTitle ?? 'keys on which replicas differ',
    interpolate: 'step-after',
    layers: markerLayers,
  });
}
