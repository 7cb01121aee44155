import { ParameterError } from '../errors.js';
import { INTERACTIVE_PREFIX } from './interactive.js';
import { fieldRef, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';
import { defaultTheme, themeConfig, type ChartTheme } from './theme.js';

/** A cell value: a category (string) or a number; used for the axes and the facet. */
export type HeatmapKey = string | number;

/**
 * One row of heatmap data: any record; the fields named in {@link HeatmapOptions} are used.
 * A `null` (or missing) metric leaves its cell blank, as do grid cells with no row at all
 * (e.g. R or W > N).
 */
export type HeatmapRow = Readonly<Record<string, HeatmapKey | null | undefined>>;

/** Options of {@link heatmapSpec}. */
export interface HeatmapOptions {
  /** Field on the x axis (ordinal), e.g. "W". Numbers ascending; text in order of first appearance. */
  x: string;
  /** Field on the y axis (ordinal), e.g. "R". Larger numbers at the top; text in order of first appearance, top down. */
  y: string;
  /** Field of the quantitative metric that colours and labels each cell. */
  value: string;
  /** Optional field that splits the chart into side-by-side panels (facet columns), e.g. "N". */
  facet?: string;
  /** Chart title; none when omitted. */
  title?: string;
  /** Axis titles; default the field names. */
  xTitle?: string;
  yTitle?: string;
  /** Colour legend title; default the value field's name. */
  valueTitle?: string;
  /** Facet header title prefix; default the facet field's name. */
  facetTitle?: string;
  /** d3-format of the cell labels and legend, default ".2f". */
  format?: string;
  /** Colour domain [low, high]; default the range of the values. */
  domain?: [number, number];
  /**
   * Vega colour scheme; default "viridis" (perceptually uniform, colour-blind safe, readable in
   * grey scale). Other safe sequential choices: "cividis", "blues", "greens".
   */
  scheme?: string;
  /** Reverse the scheme (e.g. to make "good" values light). Default false. */
  reverse?: boolean;
  /** Theme (fonts, sizes). Default {@link defaultTheme} (screen). */
  theme?: ChartTheme;
  /**
   * For JupyterLab: a slider over the colour domain that dims the cells failing a target, `keep`
   * `above` (values >= the slider, e.g. P(consistent)) or `below` (values <= it, e.g. a latency),
   * so a reader sees which (R, W) meet it. It starts at the end that dims nothing; static exports
   * never show it (lib/charts/interactive staticSpec). `false` for none. Default `{ keep: 'above' }`.
   */
  threshold?: { keep?: 'above' | 'below' } | false;
}

/**
 * The fraction of the colour domain above which a cell label is dark instead of white, per
 * scheme: the light end of the built-in sequential schemes (viridis turns light green about
 * 55% of the way up; blues and greens are light at the low end, so reversed there).
 */
const LIGHT_FROM: Readonly<Record<string, { light: 'high' | 'low'; at: number }>> = {
  viridis: { light: 'high', at: 0.55 },
  cividis: { light: 'high', at: 0.55 },
  magma: { light: 'high', at: 0.6 },
  inferno: { light: 'high', at: 0.6 },
  plasma: { light: 'high', at: 0.5 },
  blues: { light: 'low', at: 0.55 },
  greens: { light: 'low', at: 0.55 },
  greys: { light: 'low', at: 0.55 },
};

function key(row: HeatmapRow, field: string, i: number): HeatmapKey {
  const v = row[field];
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw new ParameterError(`rows[${i}].${field}`, String(v), 'a string or a finite number');
}

/**
 * Vega-Lite spec of a heatmap: one rectangle per (x, y) cell on two ordinal axes, coloured by a
 * quantitative metric with a colour-blind-safe sequential scheme (viridis by default), each cell
 * labelled with its value in a colour that contrasts with the fill (white on dark, black on
 * light). With `facet`, one panel per facet value side by side (numeric values ascending), each with only its own x and y
 * values (e.g. N=3 shows R, W = 1..3 and N=5 shows 1..5) and one shared colour scale. Rows whose
 * metric is null, and grid cells without a row, are left blank.
 *
 * @example
 * const spec = heatmapSpec(
 *   [{ N: 3, R: 1, W: 1, p: 0.32 }, { N: 3, R: 1, W: 2, p: 0.55 }, { N: 3, R: 2, W: 2, p: 1 }],
 *   { x: 'W', y: 'R', value: 'p', facet: 'N', valueTitle: 'P(consistent)', domain: [0, 1] },
 * );
 * await displayChart(spec);
 */
export function heatmapSpec(rows: readonly HeatmapRow[], options: HeatmapOptions): VegaLiteSpec {
  const theme = options.theme ?? defaultTheme;
  const { x, y, value, facet } = options;
  for (const [name, field] of [
    ['x', x],
    ['y', y],
    ['value', value],
    ['facet', facet],
  ] as const) {
    if (field === undefined && name === 'facet') continue;
    if (typeof field !== 'string' || field === '')
      throw new ParameterError(`options.${name}`, String(field), 'a field name');
  }
  const values = rows.map((row, i) => {
    const v = row[value];
    if (!(v === null || v === undefined || (typeof v === 'number' && Number.isFinite(v)))) {
      throw new ParameterError(`rows[${i}].${value}`, String(v), 'a finite number, or null for a blank cell');
    }
    const out: Record<string, HeatmapKey | null> = {
      [x]: key(row, x, i),
      [y]: key(row, y, i),
      [value]: v ?? null,
    };
    if (facet !== undefined) out[facet] = key(row, facet, i);
    return out;
  });
  const numbers = values.map((v) => v[value]).filter((v): v is number => typeof v === 'number');
  let domain = options.domain;
  if (domain !== undefined) {
    if (!(
      Array.isArray(domain) &&
      domain.length === 2 &&
      domain.every(Number.isFinite) &&
      domain[0] < domain[1]
    )) {
      throw new ParameterError('options.domain', JSON.stringify(domain), '[low, high] with low < high');
    }
  } else {
    const lo = numbers.length > 0 ? Math.min(...numbers) : 0;
    const hi = numbers.length > 0 ? Math.max(...numbers) : 1;
    domain = lo < hi ? [lo, hi] : [lo - 0.5, hi + 0.5];
  }
  const scheme = options.scheme ?? 'viridis';
  const reverse = options.reverse ?? false;
  const format = options.format ?? '.2f';
  const light = LIGHT_FROM[scheme] ?? { light: 'high' as const, at: 0.55 };
  const lightHigh = (light.light === 'high') !== reverse;
  const [lo, hi] = domain;
  const threshold = lightHigh ? lo + light.at * (hi - lo) : hi - light.at * (hi - lo);
  const v = fieldRef(value);
  const onLight = lightHigh ? `${v} >= ${threshold}` : `${v} <= ${threshold}`;

  const step = Math.max(36, Math.round(theme.labelFontSize * 4.4));
  // Numbers ascending (y: descending, so the largest is on top); text in order of first appearance.
  const numeric = (field: string): boolean => values.every((row) => typeof row[field] === 'number');
  const xEnc = {
    field: x,
    type: 'ordinal' as const,
    title: options.xTitle ?? x,
    sort: numeric(x) ? ('ascending' as const) : null,
    axis: { labelAngle: 0, domain: false, ticks: false },
  };
  const yEnc = {
    field: y,
    type: 'ordinal' as const,
    title: options.yTitle ?? y,
    sort: numeric(y) ? ('descending' as const) : null,
    axis: { domain: false, ticks: false },
  };
  // The colour legend beside the panels, as tall as a panel; below them for one or two rows.
  const yCount = Math.max(
    1,
    ...(facet === undefined
      ? [values]
      : [...new Set(values.map((row) => row[facet]))].map((f) => values.filter((row) => row[facet] === f))
    ).map((panel) => new Set(panel.map((row) => row[y])).size),
  );
  const legend =
    yCount <= 2
      ? {
          format,
          orient: 'bottom' as const,
          direction: 'horizontal' as const,
          gradientLength: Math.max(step * 4, 160),
        }
      : { format, gradientLength: Math.max(step * yCount, 120) };
  const tooltip = [
    ...(facet !== undefined ? [{ field: facet, type: 'ordinal' as const }] : []),
    { field: y, type: 'ordinal' as const },
    { field: x, type: 'ordinal' as const },
    { field: value, type: 'quantitative' as const, format, title: options.valueTitle ?? value },
  ];
  const keep = options.threshold === false ? null : (options.threshold?.keep ?? 'above');
  const param = `${INTERACTIVE_PREFIX}threshold`;
  const params =
    keep === null
      ? []
      : [
          {
            name: param,
            value: keep === 'above' ? lo : hi,
            bind: {
              input: 'range',
              min: lo,
              max: hi,
              step: Number(((hi - lo) / 100).toPrecision(2)),
              name: `${options.valueTitle ?? value} ${keep === 'above' ? 'at least' : 'at most'} `,
            },
          },
        ];
  // Cells failing the target, under a veil of the background colour (their tooltip stays).
  const veil = (i: number) =>
    keep === null
      ? []
      : [
          {
            name: `${INTERACTIVE_PREFIX}veil_${i}`,
            transform: [{ filter: keep === 'above' ? `${v} < ${param}` : `${v} > ${param}` }],
            mark: { type: 'rect' as const, fill: theme.background, opacity: 0.8 },
            encoding: { tooltip },
          },
        ];
  const inner = (i: number) => ({
    width: { step },
    height: { step },
    encoding: { x: xEnc, y: yEnc },
    layer: [
      {
        mark: { type: 'rect' as const, stroke: theme.background, strokeWidth: 1.5 },
        encoding: {
          color: {
            field: value,
            type: 'quantitative' as const,
            title: options.valueTitle ?? value,
            scale: { scheme, domain: [lo, hi], reverse, clamp: true },
            legend: legend,
          },
          tooltip,
        },
      },
      {
        mark: { type: 'text' as const, fontSize: theme.labelFontSize, baseline: 'middle' as const },
        encoding: {
          text: { field: value, type: 'quantitative' as const, format },
          color: { condition: { test: onLight, value: '#000000' }, value: '#ffffff' },
        },
      },
      ...veil(i),
    ],
  });
  const head = {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    data: { values },
    transform: [{ filter: `isValid(${v}) && isFinite(${v})` }],
  };
  const top = params.length > 0 ? { params } : {};
  if (facet === undefined) return { ...head, ...inner(0), ...top, config: themeConfig(theme) };
  // One panel per facet value, concatenated rather than faceted: each panel keeps only its own
  // x and y values (vega-lite warns about independent scales in a faceted layer).
  const facetValues = [...new Set(values.map((row) => row[facet]!))];
  if (facetValues.every((f) => typeof f === 'number')) facetValues.sort((a, b) => a - b);
  const spec: VegaLiteSpec = {
    ...head,
    hconcat: facetValues.map((f, i) => ({
      title: {
        text: `${options.facetTitle ?? facet} = ${f}`,
        anchor: 'middle' as const,
        fontSize: theme.axisTitleFontSize,
        fontWeight: 'normal' as const,
      },
      transform: [{ filter: `${fieldRef(facet)} === ${JSON.stringify(f)}` }],
      ...inner(i),
    })),
    resolve: { scale: { color: 'shared' }, legend: { color: 'shared' } },
    ...top,
    config: themeConfig(theme),
  };
  return spec;
}
