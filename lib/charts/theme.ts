import type { Config } from 'vega-lite';

/**
 * The look of a figure: size, type, colours. Every chart builder in lib/charts takes one
 * (default {@link screen}) and turns it into a Vega-Lite `config` with {@link themeConfig}.
 *
 * @example
 * const spec = stalenessCurveSpec(rows, { theme: talk });
 */
export interface ChartTheme {
  /** Short name, usable in figure file names ("paper", "talk"). */
  readonly name: string;
  /**
   * Font family for every piece of text. Must be a family that the PNG/PDF renderers have as a
   * TrueType file: lib/charts loads only DejaVu Sans (from `dejavu-fonts-ttf`), never system fonts.
   */
  readonly font: string;
  /** Width of the plotting area in pixels (Vega-Lite `width`). */
  readonly width: number;
  /** Height of the plotting area in pixels (Vega-Lite `height`). */
  readonly height: number;
  /** Font size of the chart title, in pixels. */
  readonly titleFontSize: number;
  /** Font size of axis and legend titles, in pixels. */
  readonly axisTitleFontSize: number;
  /** Font size of tick labels, legend labels and point labels, in pixels. */
  readonly labelFontSize: number;
  /** Stroke width of lines, in pixels. */
  readonly lineWidth: number;
  /** Area of point marks, in square pixels (Vega-Lite `size`). */
  readonly pointSize: number;
  /** Opacity of confidence bands (0..1). */
  readonly bandOpacity: number;
  /**
   * Categorical palette, in order of use. Colour-blind safe: the default is Okabe & Ito (2008),
   * "Color Universal Design", https://jfly.uni-koeln.de/color/ (yellow left out: too pale on white).
   */
  readonly palette: readonly string[];
  /** Colour of secondary marks (dominated points, grid-like guides). */
  readonly mutedColor: string;
  /** Background colour of the whole figure (CSS colour). */
  readonly background: string;
  /**
   * Stroke dash patterns, one per series in order (`[1, 0]` is solid), drawn together with the
   * palette so that series stay apart in grayscale print. Omitted: every line solid.
   */
  readonly dashes?: readonly (readonly number[])[];
  /** Where legends go: `right` of the plot (default) or `bottom` (keeps narrow figures narrow). */
  readonly legendOrient?: 'right' | 'bottom';
  /**
   * The width the whole figure fills, in figure pixels (1 px = 1 pt in print, see
   * lib/charts/pdf.ts), when the theme is sized for a page: 252 for a single column (3.5 in),
   * 504 for two columns (7 in). Charts on one plot then fit it exactly (Vega-Lite `autosize`
   * `fit-x`, see {@link plotSize}); `width` is used for charts of several panels. Omitted: the
   * plot area is `width` wide and the figure grows around it.
   */
  readonly figureWidth?: number;
}

/**
 * Okabe–Ito palette without the yellow (#F0E442), which is hard to see on white.
 * Order: orange, sky blue, bluish green, blue, vermillion, reddish purple, black.
 */
export const okabeIto: readonly string[] = Object.freeze([
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#000000',
]);

/** The one font lib/charts ships and embeds: DejaVu Sans (TrueType, from `dejavu-fonts-ttf`). */
export const chartFont = 'DejaVu Sans';

/**
 * For notebooks and screens: a plot area of 360 x 240 px with 10-13 px type (the builders' default).
 */
export const screen: ChartTheme = Object.freeze({
  name: 'screen',
  font: chartFont,
  width: 360,
  height: 240,
  titleFontSize: 13,
  axisTitleFontSize: 11,
  labelFontSize: 10,
  lineWidth: 1.5,
  pointSize: 40,
  bandOpacity: 0.25,
  palette: okabeIto,
  mutedColor: '#8c8c8c',
  background: '#ffffff',
});

/**
 * Paul Tol's high-contrast scheme (dark blue, yellow, red) with black first among equals: four
 * colours that colour-blind readers tell apart and whose CIE L* (28, 73, 50, 0) stay at least 20
 * apart, so they survive grayscale printing. Beyond four series the Okabe-Ito sky blue, bluish
 * green and reddish purple follow, told apart by the paper themes' dash patterns.
 * Reference: P. Tol, "Colour Schemes", SRON/EPS/TN/09-002 (2021), https://personal.sron.nl/~pault/
 * (the high-contrast scheme is "optimised for contrast in grayscale and for colour-blind vision").
 */
export const grayscaleSafe: readonly string[] = Object.freeze([
  '#004488',
  '#DDAA33',
  '#BB5566',
  '#000000',
  '#56B4E9',
  '#009E73',
  '#CC79A7',
]);

/** Dash patterns of the paper themes, in series order: solid, dashed, dotted, dash-dot, long dash, ... */
export const paperDashes: readonly (readonly number[])[] = Object.freeze(
  [
    [1, 0],
    [6, 3],
    [1.5, 2],
    [6, 2, 1.5, 2],
    [10, 3],
    [3, 3],
    [10, 2, 1.5, 2, 1.5, 2],
  ].map((d) => Object.freeze(d)),
);

const paperBase = {
  font: chartFont,
  titleFontSize: 9,
  axisTitleFontSize: 8,
  labelFontSize: 7.5,
  lineWidth: 1.1,
  pointSize: 16,
  bandOpacity: 0.22,
  palette: grayscaleSafe,
  mutedColor: '#8c8c8c',
  background: '#ffffff',
  dashes: paperDashes,
  legendOrient: 'bottom',
} as const;

/**
 * For a paper, one column wide (3.5 in = 252 pt; 1 figure px = 1 pt in the PDF): 7.5-9 pt type,
 * the grayscale-safe palette with dash patterns, legends below the plot.
 */
export const paper: ChartTheme = Object.freeze({
  ...paperBase,
  name: 'paper',
  width: 200,
  height: 120,
  figureWidth: 252,
});

/** For a paper, across both columns (7 in = 504 pt): as {@link paper}, wider. */
export const paperDouble: ChartTheme = Object.freeze({
  ...paperBase,
  name: 'paper-double',
  width: 440,
  height: 150,
  figureWidth: 504,
});

/** For slides: large type and thick lines, readable from the back of a room; fits a 16:9 slide (960 x 540 pt) with room to spare. */
export const talk: ChartTheme = Object.freeze({
  name: 'talk',
  font: chartFont,
  width: 640,
  height: 400,
  titleFontSize: 26,
  axisTitleFontSize: 20,
  labelFontSize: 18,
  lineWidth: 3,
  pointSize: 140,
  bandOpacity: 0.25,
  palette: okabeIto,
  mutedColor: '#8c8c8c',
  background: '#ffffff',
});

/** The built-in theme names (`paper-double` is the paper theme two columns wide). */
export type ThemeName = 'screen' | 'paper' | 'paper-double' | 'talk';

/** The built-in themes by name. */
export const themes: Readonly<Record<ThemeName, ChartTheme>> = Object.freeze({
  screen,
  paper,
  'paper-double': paperDouble,
  talk,
});

/** The theme every builder uses when none is given: {@link screen} (notebooks). */
export const defaultTheme: ChartTheme = screen;

/**
 * The size properties of a one-plot chart (single or layered view) in `theme`: the plot area
 * `width` x `height`, or, for a theme with a `figureWidth`, the whole figure that wide (axes,
 * legend and labels included: Vega-Lite `autosize: fit-x` with `contains: padding`).
 *
 * @example
 * const spec = { ...plotSize(paper), mark: 'line', encoding };  // 252 px (3.5 in) wide in all
 */
export function plotSize(theme: ChartTheme): {
  width: number;
  height: number;
  autosize?: { type: 'fit-x'; contains: 'padding' };
} {
  if (theme.figureWidth === undefined) return { width: theme.width, height: theme.height };
  return { width: theme.figureWidth, height: theme.height, autosize: { type: 'fit-x', contains: 'padding' } };
}

/**
 * The Vega-Lite `config` block for a theme: font everywhere, sizes, palette, white background.
 *
 * @example
 * const spec = { ...mySpec, config: themeConfig(talk) };
 */
export function themeConfig(theme: ChartTheme): Config {
  return {
    font: theme.font,
    background: theme.background,
    view: { stroke: null },
    title: { font: theme.font, fontSize: theme.titleFontSize, anchor: 'start', offset: 8 },
    axis: {
      labelFont: theme.font,
      titleFont: theme.font,
      labelFontSize: theme.labelFontSize,
      titleFontSize: theme.axisTitleFontSize,
      titleFontWeight: 'normal',
      gridColor: '#e6e6e6',
    },
    legend: {
      labelFont: theme.font,
      titleFont: theme.font,
      labelFontSize: theme.labelFontSize,
      titleFontSize: theme.axisTitleFontSize,
      titleFontWeight: 'normal',
      symbolStrokeWidth: theme.lineWidth,
      labelLimit: 0,
      ...(theme.legendOrient === 'bottom'
        ? { orient: 'bottom' as const, direction: 'horizontal' as const }
        : {}),
    },
    header: {
      labelFont: theme.font,
      titleFont: theme.font,
      labelFontSize: theme.labelFontSize,
      titleFontSize: theme.axisTitleFontSize,
    },
    text: { font: theme.font, fontSize: theme.labelFontSize },
    line: { strokeWidth: theme.lineWidth },
    point: { size: theme.pointSize, strokeWidth: Math.max(1, theme.lineWidth * 0.8) },
    range: { category: [...theme.palette] },
  };
}
