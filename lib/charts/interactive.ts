import { fieldRef, type VegaLiteSpec } from './spec.js';
import type { ChartTheme } from './theme.js';

/**
 * The prefix of every parameter, layer and field that exists only for a reader moving an input in
 * JupyterLab (a slider for t, a threshold): {@link staticSpec} drops what carries it, so a static
 * export (SVG, PNG, PDF) looks as the chart did before it had inputs.
 */
export const INTERACTIVE_PREFIX = 'interactive_';

const isInteractive = (x: unknown): boolean =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as { name?: unknown }).name === 'string' &&
  (x as { name: string }).name.startsWith(INTERACTIVE_PREFIX);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.filter((x) => !isInteractive(x)).map(strip);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'params' && Array.isArray(value)) {
      const kept = value.filter((p) => !isInteractive(p));
      if (kept.length > 0) out[key] = kept.map(strip);
      continue;
    }
    // Inline data rows are values, not views: copied as they are.
    out[key] = key === 'values' ? value : strip(value);
  }
  return out;
}

/**
 * The spec without its interactive parts: parameters and layers whose `name` starts with
 * {@link INTERACTIVE_PREFIX}, at any depth (layers, concatenations). A spec without such parts
 * comes back equal to itself, so a figure renders to the same bytes as before charts had inputs.
 *
 * @example
 * const svg = await renderSvg(stalenessCurveSpec(rows)); // renderSvg exports staticSpec(spec)
 * staticSpec(stalenessCurveSpec(rows)).params; // undefined: the t slider is gone
 */
export function staticSpec(spec: VegaLiteSpec): VegaLiteSpec {
  return strip(spec) as VegaLiteSpec;
}

/** Whether some parameter of the spec (at any depth) is bound to an input element. */
export function hasBoundParam(spec: unknown): boolean {
  if (Array.isArray(spec)) return spec.some(hasBoundParam);
  if (typeof spec !== 'object' || spec === null) return false;
  const params = (spec as { params?: unknown }).params;
  if (Array.isArray(params) && params.some((p) => typeof p === 'object' && p !== null && 'bind' in p))
    return true;
  return Object.entries(spec).some(([key, value]) => key !== 'data' && hasBoundParam(value));
}

/** Options of {@link cursorLayers}. */
export interface CursorOptions {
  /**
   * Which point of each series the readout shows: `nearest` the point whose x is closest to the
   * cursor (curves sampled on a grid), `at-or-below` the last point at or left of it (a step
   * function such as an empirical CDF, whose value holds until the next step). Default `nearest`.
   */
  mode?: 'nearest' | 'at-or-below';
  /** The slider's start value (x units); default a tenth of the way through the x values (log: half). */
  value?: number;
}

/** What {@link cursorLayers} reads from the chart it is added to. */
export interface CursorChart {
  x: string;
  y: string;
  low?: string;
  high?: string;
  series: string;
  /** The series names in legend order (the readout lists them in this order). */
  seriesNames: readonly string[];
  /** Every x value drawn (after a log axis dropped x <= 0). */
  xs: readonly number[];
  logX: boolean;
  xTitle: string;
  /** y definition shared with the chart's line (type, title, scale). */
  yDef: Record<string, unknown>;
  yFormat: string;
  tooltip: readonly Record<string, unknown>[];
  theme: ChartTheme;
}

const PARAM = `${INTERACTIVE_PREFIX}x`;

/**
 * A step for a slider over [min, max]: the finest gap between x values, but at most 500 steps,
 * rounded up to 1, 2 or 5 times a power of ten so that the values the slider shows are round.
 */
function sliderStep(sorted: readonly number[], min: number, max: number): number {
  let gap = Infinity;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i] - sorted[i - 1]);
  const step = Math.max(gap, (max - min) / 500);
  const magnitude = 10 ** Math.floor(Math.log10(step));
  const nice = [1, 2, 5, 10].find((m) => m * magnitude >= step * (1 - 1e-9))! * magnitude;
  return Number(nice.toPrecision(1));
}

/** `x` rounded to a multiple of `step` (down or up), without binary fractions' noise. */
function snap(x: number, step: number, round: (x: number) => number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number((round(x / step) * step).toFixed(decimals));
}

/**
 * A cursor for line charts of series against x: a slider (a Vega-Lite parameter bound to a range
 * input, on a log axis over log10 x) that moves a vertical rule, marks each series' point at that
 * x, and lists each series' estimate (with its interval) at the top left of the plot, in the
 * series' colour. The parameter and every layer are named with {@link INTERACTIVE_PREFIX}, so
 * {@link staticSpec} drops them for export. Returns nothing (no cursor) without x values.
 *
 * @example
 * const cursor = cursorLayers({ x: 't', y: 'p', series: 'series', seriesNames: ['a'], xs: [0, 1, 2],
 *   logX: false, xTitle: 't (ms)', yDef: { type: 'quantitative' }, yFormat: '.3f', tooltip: [], theme });
 * // cursor.params: [{ name: 'interactive_x', value: 0.2, bind: { input: 'range', ... } }]
 */
export function cursorLayers(
  chart: CursorChart,
  options: CursorOptions = {},
): { params: Record<string, unknown>[]; layers: Record<string, unknown>[] } | null {
  const xs = [...new Set(chart.xs.filter((x) => Number.isFinite(x) && (!chart.logX || x > 0)))].sort(
    (a, b) => a - b,
  );
  if (xs.length < 2) return null;
  const [lo, hi] = [xs[0], xs[xs.length - 1]];
  const mode = options.mode ?? 'nearest';
  const x = fieldRef(chart.x);
  let bind: Record<string, unknown>;
  let value: number;
  let cursor: string; // the cursor's x as a Vega expression
  let distance: string;
  if (chart.logX) {
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    const start = options.value !== undefined && options.value > 0 ? Math.log10(options.value) : (a + b) / 2;
    value = Number(Math.min(b, Math.max(a, start)).toFixed(3));
    bind = {
      input: 'range',
      min: Number(a.toFixed(3)),
      max: Number(b.toFixed(3)),
      step: 0.01,
      name: `log10 of ${chart.xTitle} `,
    };
    cursor = `clamp(pow(10, ${PARAM}), ${lo}, ${hi})`;
    distance = `abs(log(${x}) - log(${cursor}))`;
  } else {
    const step = sliderStep(xs, lo, hi);
    const [min, max] = [snap(lo, step, Math.floor), snap(hi, step, Math.ceil)];
    const start = options.value ?? xs[Math.floor((xs.length - 1) / 10)];
    value = snap(Math.min(hi, Math.max(lo, start)), step, Math.round);
    bind = { input: 'range', min, max, step, name: `${chart.xTitle} ` };
    cursor = `clamp(${PARAM}, ${lo}, ${hi})`;
    distance = `abs(${x} - ${cursor})`;
  }
  const rank = `${INTERACTIVE_PREFIX}rank`;
  const pick =
    mode === 'nearest'
      ? [
          { calculate: distance, as: `${INTERACTIVE_PREFIX}distance` },
          {
            window: [{ op: 'row_number', as: rank }],
            groupby: [chart.series],
            sort: [{ field: `${INTERACTIVE_PREFIX}distance`, order: 'ascending' }],
          },
        ]
      : [
          { filter: `${x} <= ${cursor}` },
          {
            window: [{ op: 'row_number', as: rank }],
            groupby: [chart.series],
            sort: [{ field: chart.x, order: 'descending' }],
          },
        ];
  const picked = [...pick, { filter: `datum.${rank} === 1` }];
  const fmt = (field: string) => `format(${fieldRef(field)}, ${JSON.stringify(chart.yFormat)})`;
  const interval =
    chart.low !== undefined && chart.high !== undefined
      ? ` + ' [' + ${fmt(chart.low)} + ', ' + ${fmt(chart.high)} + ']'`
      : '';
  const line = (n: string) => `${Math.round(chart.theme.labelFontSize * 1.3)} * (${n}) + 4`;
  const fontSize = chart.theme.labelFontSize;
  const cursorX = `${INTERACTIVE_PREFIX}cursor`;
  return {
    params: [{ name: PARAM, value, bind }],
    layers: [
      {
        // One row whatever the data, so the rule and its label never have an empty dataset.
        name: `${INTERACTIVE_PREFIX}rule`,
        transform: [
          { aggregate: [{ op: 'count', as: `${INTERACTIVE_PREFIX}n` }] },
          { calculate: cursor, as: cursorX },
        ],
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555555', clip: true },
        encoding: {
          x: { field: cursorX, type: 'quantitative' },
          color: { value: '#555555' },
          tooltip: [{ field: cursorX, type: 'quantitative', title: chart.xTitle, format: '.4~g' }],
        },
      },
      {
        name: `${INTERACTIVE_PREFIX}points`,
        transform: picked,
        mark: { type: 'point', filled: true, size: 70, opacity: 1, clip: true },
        encoding: { y: { ...chart.yDef, field: chart.y }, tooltip: chart.tooltip },
      },
      {
        name: `${INTERACTIVE_PREFIX}heading`,
        transform: [
          { aggregate: [{ op: 'count', as: `${INTERACTIVE_PREFIX}n` }] },
          {
            calculate: `${JSON.stringify(`${chart.xTitle} = `)} + format(${cursor}, '.4~g')`,
            as: `${INTERACTIVE_PREFIX}text`,
          },
          { calculate: line('0'), as: `${INTERACTIVE_PREFIX}y` },
        ],
        mark: { type: 'text', align: 'left', baseline: 'top', fontSize, fontWeight: 'bold' },
        encoding: {
          x: { value: 6 },
          y: { field: `${INTERACTIVE_PREFIX}y`, type: 'quantitative', scale: null },
          text: { field: `${INTERACTIVE_PREFIX}text` },
          color: { value: '#333333' },
        },
      },
      {
        name: `${INTERACTIVE_PREFIX}readout`,
        transform: [
          ...picked,
          {
            calculate: `${fieldRef(chart.series)} + ': ' + ${fmt(chart.y)}${interval}`,
            as: `${INTERACTIVE_PREFIX}text`,
          },
          {
            calculate: line(`1 + indexof(${JSON.stringify(chart.seriesNames)}, ${fieldRef(chart.series)})`),
            as: `${INTERACTIVE_PREFIX}y`,
          },
        ],
        mark: { type: 'text', align: 'left', baseline: 'top', fontSize },
        encoding: {
          x: { value: 6 },
          y: { field: `${INTERACTIVE_PREFIX}y`, type: 'quantitative', scale: null },
          text: { field: `${INTERACTIVE_PREFIX}text` },
          tooltip: chart.tooltip,
        },
      },
    ],
  };
}
