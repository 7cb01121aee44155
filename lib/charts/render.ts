import { createRequire } from 'node:module';
import path from 'node:path';
import type { Spec as VegaSpec } from 'vega';
import { ParameterError } from '../errors.js';
import { writeFileAtomic } from '../sweep/atomic-write.js';
import type { VegaLiteSpec } from './spec.js';
import { chartFont } from './theme.js';

const require = createRequire(import.meta.url);

/**
 * The TrueType files handed to resvg: DejaVu Sans in its four styles, from `dejavu-fonts-ttf`.
 * Resolved through the package, so PNG output does not depend on the machine's fonts.
 */
export const chartFontFiles: readonly string[] = Object.freeze(
  ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map((file) =>
    require.resolve(`dejavu-fonts-ttf/ttf/${file}`),
  ),
);

/** The figure formats {@link writeFigure} can write. */
export type FigureFormat = 'svg' | 'png';
const FORMATS: readonly FigureFormat[] = ['svg', 'png'];

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Zoom factor: 2 gives a PNG twice the SVG's pixel size in each direction. Default 2. */
  scale?: number;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec. vega-lite is loaded by dynamic `import()` here, so
 * loading lib/charts (also through `require`, as the tslab kernel does) stays cheap.
 *
 * @example
 * const vgSpec = await compileToVega(stalenessCurveSpec(rows));
 */
export async function compileToVega(spec: VegaLiteSpec): Promise<VegaSpec> {
  const vl = await import('vega-lite');
  return vl.compile(spec).spec;
}

/**
 * Renders a Vega-Lite spec to an SVG document, headless: no canvas, no browser
 * (`new vega.View(..., { renderer: 'none' })` and `view.toSVG()`). Text widths are estimated
 * by Vega in the absence of a canvas.
 *
 * @example
 * const svg = await renderSvg(stalenessCurveSpec(rows));
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vgSpec = await compileToVega(spec);
  const vega = await import('vega');
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises an SVG (as made by {@link renderSvg}) to PNG with resvg, using only the DejaVu Sans
 * files of {@link chartFontFiles} (system fonts are not loaded), so the result is the same on
 * every machine.
 *
 * @example
 * const png = svgToPng(await renderSvg(spec), { scale: 2 });
 */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 2;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 20) {
    throw new ParameterError('scale', String(scale), 'a number > 0 and <= 20');
  }
  // Loaded on first use (a native addon), so importing lib/charts stays cheap.
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontFiles: [...chartFontFiles], defaultFontFamily: chartFont },
  });
  return resvg.render().asPng();
}

/**
 * Renders `spec` and writes it as `<basePath>.svg` and/or `<basePath>.png` (creating the
 * directory). Every format is rendered before anything is written, and each file is written
 * atomically (lib/sweep/atomic-write), so a failed render leaves nothing behind. Returns the paths written, in the order of `formats`.
 *
 * @example
 * await writeFigure(spec, 'data/figures/pbs-t-visibility-n3', ['svg', 'png']);
 * // ['data/figures/pbs-t-visibility-n3.svg', 'data/figures/pbs-t-visibility-n3.png']
 */
export async function writeFigure(
  spec: VegaLiteSpec,
  basePath: string,
  formats: readonly FigureFormat[] = ['svg'],
  options: PngOptions = {},
): Promise<string[]> {
  if (formats.length === 0) {
    throw new ParameterError('formats', '[]', `one or more of ${FORMATS.join(', ')}`);
  }
  for (const format of formats) {
    if (!FORMATS.includes(format)) {
      throw new ParameterError('formats', String(format), FORMATS.join(', '));
    }
  }
  if (basePath === '' || basePath.endsWith('/') || basePath.endsWith(path.sep)) {
    throw new ParameterError('basePath', JSON.stringify(basePath), 'a file path without extension, e.g. data/figures/name');
  }
  const unique = [...new Set(formats)];
  const svg = await renderSvg(spec);
  const contents = unique.map((format) => ({
    target: `${basePath}.${format}`,
    data: format === 'svg' ? svg : svgToPng(svg, options),
  }));
  for (const { target, data } of contents) writeFileAtomic(target, data);
  return contents.map((c) => c.target);
}
