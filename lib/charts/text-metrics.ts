import { createRequire } from 'node:module';
import type { Font } from 'fontkit';
import { chartFont } from './theme.js';

const require = createRequire(import.meta.url);

/** The TrueType files of the chart font, by style: DejaVu Sans from `dejavu-fonts-ttf`. */
export const chartFontFaces = Object.freeze({
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  italic: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf'),
  boldItalic: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-BoldOblique.ttf'),
});

/** The text properties of a Vega scenegraph item that decide its width. */
interface TextItem {
  font?: string;
  fontSize?: number;
  fontWeight?: string | number;
  fontStyle?: string;
  /** Vega truncates text wider than this (0: no limit). */
  limit?: number;
}

const fonts = new Map<string, Font>();
const widths = new Map<string, number>();

function face(item: TextItem): keyof typeof chartFontFaces {
  const bold =
    item.fontWeight === 'bold' ||
    (typeof item.fontWeight === 'number' && item.fontWeight >= 600) ||
    Number(item.fontWeight) >= 600;
  const italic = item.fontStyle === 'italic' || item.fontStyle === 'oblique';
  return bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular';
}

function loadFont(style: keyof typeof chartFontFaces): Font {
  let font = fonts.get(style);
  if (font === undefined) {
    // fontkit is loaded on first use, so importing lib/charts stays cheap.
    const fontkit = require('fontkit') as typeof import('fontkit');
    font = fontkit.openSync(chartFontFaces[style]) as Font;
    fonts.set(style, font);
  }
  return font;
}

/**
 * The width in pixels of `text` set in the chart font (DejaVu Sans) at the item's size, weight
 * and style, from the font's own advance widths and kerning (fontkit's layout). Vega without a
 * canvas guesses 0.8 em a character, which leaves wide gaps beside legends and axis titles;
 * with this measure, headless SVG/PNG/PDF layouts fit the text that is actually drawn.
 *
 * @example
 * chartTextWidth({ fontSize: 11 }, 'recovery time (ms)'); // about 103
 */
export function chartTextWidth(item: TextItem, text: string): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  if (size <= 0 || text === '') return 0;
  const style = face(item);
  const key = `${style}\u0000${text}`;
  let em = widths.get(key);
  if (em === undefined) {
    const font = loadFont(style);
    em = font.layout(text).advanceWidth / font.unitsPerEm;
    widths.set(key, em);
  }
  return item.limit !== undefined && item.limit > 0 ? Math.min(em * size, item.limit) : em * size;
}

/** Vega's text metrics hook (`vega.textMetrics`): `width(item, text)` sizes every text mark. */
interface VegaTextMetrics {
  width: (item: TextItem, text: string) => number;
  estimateWidth: (item: TextItem, text: string) => number;
}

/**
 * Makes Vega measure text in the chart font ({@link chartTextWidth}) instead of estimating it,
 * through its documented hook for canvas-less renderers (`textMetrics.width`, as vl-convert
 * does). Texts in another family keep Vega's estimate. Idempotent.
 *
 * @example
 * const vega = await import('vega');
 * useChartTextMetrics(vega.textMetrics);
 */
export function useChartTextMetrics(metrics: VegaTextMetrics): void {
  if ((metrics.width as { replilab?: boolean }).replilab) return;
  const estimate = metrics.estimateWidth;
  const width = (item: TextItem, text: string): number => {
    const family = (item.font ?? chartFont).replace(/["']/g, '').split(',')[0].trim();
    // As Vega's own measure: a missing line is empty, and text is trimmed.
    return family === chartFont
      ? chartTextWidth(item, text == null ? '' : String(text).trim())
      : estimate(item, text);
  };
  (width as { replilab?: boolean }).replilab = true;
  metrics.width = width;
}
