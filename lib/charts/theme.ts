import type { Config } from 'vega-lite';

/**
 * The look of a figure: size, type, colours. Every chart builder in lib/charts takes one
 * (default {@link paper}) and turns it into a Vega-Lite `config` with {@link themeConfig}.
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

/** For papers and notebooks: about a single column wide at 2x PNG scale, small type. */
export const paper: ChartTheme = Object.freeze({
  name: 'paper',
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

/** For slides: large type and thick lines, readable from the back of a room. */
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

/** The built-in themes by name. */
export const themes: Readonly<Record<'paper' | 'talk', ChartTheme>> = Object.freeze({ paper, talk });

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
