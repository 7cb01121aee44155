import type { FailoverResult } from '../strategies/leader-follower/run-failover.js';
import { ParameterError } from '../errors.js';
import { bandLayer } from './interval-lines.js';
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';
import { defaultTheme, plotSize, themeConfig, type ChartTheme } from './theme.js';
import { checkRows } from './validate.js';

/** One failure-detector timeout: how fast the cluster recovered, and how often it failed over for nothing. */
export interface FailoverRow {
  /** The failure detector's timeout, ms. */
  timeout_ms: number;
  /**
   * Recovery time, ms (from the leader's failure to the moment a new leader's heartbeat has reached
   * every live follower): a quantile over trials, e.g. the median.
   */
  recovery_ms: number;
  /** Optional lower end of a recovery band (e.g. a quantile's interval, or a lower quantile). */
  recovery_low_ms?: number | null;
  /** Optional upper end of a recovery band. */
  recovery_high_ms?: number | null;
  /** Fraction of trials with an unnecessary failover (a failover while the leader was alive). */
  unnecessary_rate: number;
  /** Lower end of its Wilson 95% interval. */
  unnecessary_low: number;
  /** Upper end of its Wilson 95% interval. */
  unnecessary_high: number;
}

/** Options of {@link failoverSpec}. */
export interface FailoverOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** Theme. Default the screen theme. */
  theme?: ChartTheme;
  /** x-axis title. Default "failure-detection timeout (ms)". */
  xTitle?: string;
  /** Left axis (and legend) title. Default "recovery, median (ms)". */
  recoveryTitle?: string;
  /** Right axis (and legend) title. Default "P(unnecessary failover)": the fraction of trials with one. */
  unnecessaryTitle?: string;
  /** Log-scale x axis. Default false. */
  logX?: boolean;
}

/** Which recovery quantile {@link failoverRow} plots, and which pair spans its band. */
export interface FailoverRowOptions {
  /** The line. Default "p50". */
  quantile?: 'p50' | 'p90' | 'p99';
  /** The band's ends, e.g. ["p50", "p99"]; default none. */
  band?: readonly ['p50' | 'p90' | 'p99', 'p50' | 'p90' | 'p99'];
}

/**
 * One {@link FailoverRow} from a failover run's result (`runFailover(...).result`) at `timeoutMs`:
 * the chosen recovery quantile and the unnecessary-failover trials with their Wilson interval.
 *
 * @example
 * failoverRow(150, runFailover({ ...config, timeoutMs: 150 }, seed).result, { band: ['p50', 'p99'] });
 */
export function failoverRow(
  timeoutMs: number,
  result: FailoverResult,
  options: FailoverRowOptions = {},
): FailoverRow {
  const q = options.quantile ?? 'p50';
  const recovery = result.recovery_ms[q];
  if (recovery === null)
    throw new ParameterError(`result.recovery_ms.${q}`, 'null', 'a run in which some trial recovered');
  const u = result.intervals.unnecessary_failover_trials;
  return {
    timeout_ms: timeoutMs,
    recovery_ms: recovery,
    ...(options.band
      ? {
          recovery_low_ms: result.recovery_ms[options.band[0]],
          recovery_high_ms: result.recovery_ms[options.band[1]],
        }
      : {}),
    unnecessary_rate: u.p,
    unnecessary_low: u.low,
    unnecessary_high: u.high,
  };
}

/**
 * Vega-Lite spec of the failover trade-off (Kleppmann, DDIA ch. 5, "Handling Node Outages"; Raft
 * §9.3): against the failure-detection timeout, recovery time on the left axis (a line, over a band
 * when the rows carry one) and, on the right axis, the fraction of trials with an unnecessary
 * failover (dashed, over its Wilson 95% band). Short timeouts recover fast but fail over a live
 * leader more often; the two axes are coloured like their lines and named in one legend.
 *
 * @example
 * const spec = failoverSpec([150, 300, 600].map((t) => failoverRow(t, runFailover({ ...cfg, timeoutMs: t }, 1).result)));
 */
export function failoverSpec(rows: readonly FailoverRow[], options: FailoverOptions = {}): VegaLiteSpec {
  const theme = options.theme ?? defaultTheme;
  checkRows(rows, {
    finite: ['timeout_ms', 'recovery_ms', 'unnecessary_rate', 'unnecessary_low', 'unnecessary_high'],
    optional: ['recovery_low_ms', 'recovery_high_ms'],
    ...(options.logX ? { positive: ['timeout_ms'] } : {}),
  });
  const recoveryBand =
    rows.length > 0 &&
    rows.every((r) => typeof r.recovery_low_ms === 'number' && typeof r.recovery_high_ms === 'number');
  const recoveryTitle = options.recoveryTitle ?? 'recovery, median (ms)';
  const unnecessaryTitle = options.unnecessaryTitle ?? 'P(unnecessary failover)';
  const [leftColor, rightColor] = [theme.palette[0], theme.palette[2] ?? theme.palette[1]];
  const solid = theme.dashes?.[0] ?? [1, 0];
  const dashed = theme.dashes?.[1] ?? [6, 3];
  const values = [...rows]
    .sort((a, b) => a.timeout_ms - b.timeout_ms)
    .map((r) => ({
      ...r,
      recovery_low_ms: r.recovery_low_ms ?? null,
      recovery_high_ms: r.recovery_high_ms ?? null,
    }));
  // One legend for both axes: colour and dash from a constant datum per side, on shared scales.
  const legend = {
    symbolType: 'stroke',
    symbolOpacity: 1,
    symbolStrokeWidth: theme.lineWidth,
    ...(theme.legendOrient === 'bottom' ? { orient: 'bottom', direction: 'vertical' } : {}),
  };
  const side = (title: string) => ({
    color: {
      datum: title,
      type: 'nominal',
      title: null,
      scale: { domain: [recoveryTitle, unnecessaryTitle], range: [leftColor, rightColor] },
      legend,
    },
  });
  // Dashes on the lines only (areas cannot take them).
  const dash = (title: string) => ({
    datum: title,
    type: 'nominal',
    title: null,
    scale: { domain: [recoveryTitle, unnecessaryTitle], range: [[...solid], [...dashed]] },
    legend,
  });
  const tooltip = [
    { field: 'timeout_ms', type: 'quantitative', title: 'timeout (ms)' },
    { field: 'recovery_ms', type: 'quantitative', format: '.4~g' },
    { field: 'unnecessary_rate', type: 'quantitative', format: '.4f' },
    { field: 'unnecessary_low', type: 'quantitative', format: '.4f' },
    { field: 'unnecessary_high', type: 'quantitative', format: '.4f' },
  ];
  const yLeft = {
    type: 'quantitative',
    title: recoveryTitle,
    scale: { zero: true },
    axis: { titleColor: leftColor, orient: 'left' },
  };
  const yRight = {
    type: 'quantitative',
    title: unnecessaryTitle,
    scale: {
      domain: [0, Math.min(1, Math.max(0.01, ...rows.map((r) => r.unnecessary_high)) * 1.05)],
      nice: false,
    },
    axis: { titleColor: rightColor, orient: 'right', format: '.2~f' },
  };
  const line = (field: string, y: Record<string, unknown>, title: string) => [
    {
      name: `${field}-line`,
      mark: { type: 'line', strokeWidth: theme.lineWidth, clip: true },
      encoding: { y: { ...y, field }, strokeDash: dash(title), tooltip },
    },
    {
      name: `${field}-points`,
      mark: { type: 'point', filled: true, opacity: 1, clip: true },
      encoding: { y: { ...y, field }, tooltip },
    },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...plotSize(theme),
    data: { values },
    encoding: {
      x: {
        field: 'timeout_ms',
        type: 'quantitative',
        title: options.xTitle ?? 'failure-detection timeout (ms)',
        scale: options.logX ? { type: 'log', nice: false } : { zero: true },
      },
    },
    layer: [
      {
        encoding: side(recoveryTitle),
        layer: [
          ...(recoveryBand
            ? [bandLayer(theme, yLeft, 'recovery_low_ms', 'recovery_high_ms', {}, 'recovery-band')]
            : []),
          ...line('recovery_ms', yLeft, recoveryTitle),
        ],
      },
      {
        encoding: side(unnecessaryTitle),
        layer: [
          bandLayer(theme, yRight, 'unnecessary_low', 'unnecessary_high', {}, 'unnecessary-band'),
          ...line('unnecessary_rate', yRight, unnecessaryTitle),
        ],
      },
    ],
    resolve: { scale: { y: 'independent' } },
    config: themeConfig(theme),
  } as unknown as VegaLiteSpec;
}
