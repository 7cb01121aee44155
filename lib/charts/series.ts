import type { ChartTheme } from './theme.js';

/** Options of {@link seriesChannels}. */
export interface SeriesChannelOptions {
  /** The data field naming each row's series. Default "series". */
  field?: string;
  /** Legend title; null (default) for none: the series names speak for themselves. */
  title?: string | null;
}

/**
 * The encoding channels that tell series apart, shared by every line chart in lib/charts:
 * colour from the theme's palette in the order of `domain`, and, when the theme has dash
 * patterns (the paper themes), the dash pattern as well, so series stay apart in grayscale
 * print. Both channels use one field and one title, so Vega-Lite draws one merged legend, with
 * line strokes as symbols; with `legendOrient: 'bottom'` it goes under the plot in as many
 * columns as fit the plot's width.
 *
 * @example
 * const { color, strokeDash } = seriesChannels(paper, ['R=1 W=1', 'R=2 W=2']);
 * const encoding = { color, ...(strokeDash ? { strokeDash } : {}) };
 */
export function seriesChannels(
  theme: ChartTheme,
  domain: readonly string[],
  options: SeriesChannelOptions = {},
): { color: Record<string, unknown>; strokeDash?: Record<string, unknown> } {
  const field = options.field ?? 'series';
  const title = options.title ?? null;
  const legend: Record<string, unknown> = {
    symbolType: 'stroke',
    symbolOpacity: 1,
    symbolStrokeWidth: theme.lineWidth,
  };
  if (theme.legendOrient === 'bottom') {
    // Text widths as Vega estimates them without a canvas (about 0.6 em a character), plus the symbol.
    const longest = Math.max(1, ...domain.map((name) => name.length));
    const entry = longest * theme.labelFontSize * 0.6 + 3 * theme.labelFontSize + 8;
    Object.assign(legend, {
      orient: 'bottom',
      direction: 'horizontal',
      columns: Math.max(1, Math.min(domain.length, Math.floor(theme.width / entry))),
    });
  }
  const base = { field, type: 'nominal' as const, title, legend };
  const color = { ...base, scale: { domain: [...domain], range: [...theme.palette] } };
  if (theme.dashes === undefined) return { color };
  return {
    color,
    strokeDash: { ...base, scale: { domain: [...domain], range: theme.dashes.map((d) => [...d]) } },
  };
}
