import { createRequire } from 'node:module';
import path from 'node:path';
import type { Spec as VegaSpec } from 'vega';
import { ParameterError } from '../errors.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { staticSpec } from './interactive.js';
import type { VegaLiteSpec } from './spec.js';
import { svgToPdf } from './pdf.js';
import { chartFontFaces, useChartTextMetrics } from './text-metrics.js';
import { chartFont } from './theme.js';

const require = createRequire(import.meta.url);

/**
 * The TrueType files handed to resvg and pdfkit: DejaVu Sans in its four styles, from
 * `dejavu-fonts-ttf`. Resolved through the package, so output does not depend on the machine's fonts.
 */
export const chartFontFiles: readonly string[] = Object.freeze(Object.values(chartFontFaces));

/** The figure formats {@link writeFigure} can write. */
export type FigureFormat = 'svg' | 'png' | 'pdf';
/** Every {@link FigureFormat}, in a fixed order. */
export const FIGURE_FORMATS: readonly FigureFormat[] = Object.freeze(['svg', 'png', 'pdf']);
const FORMATS = FIGURE_FORMATS;

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Zoom factor: 2 gives a PNG twice the SVG's pixel size in each direction. Default 2. */
  scale?: number;
  /**
   * Resolution in dots per inch, instead of `scale`: one figure pixel is one point (1/72 in, as
   * in the PDF), so the scale is dpi / 72 (300 dpi: 4.17). Give `scale` or `dpi`, not both.
   */
  dpi?: number;
}

/** The zoom factor of {@link PngOptions}: `scale`, or `dpi / 72`, default 2. */
export function pngScale(options: PngOptions): number {
  if (options.scale !== undefined && options.dpi !== undefined) {
    throw new ParameterError('dpi', String(options.dpi), 'either a scale or a dpi, not both');
  }
  if (options.dpi !== undefined) {
    if (!Number.isFinite(options.dpi) || options.dpi < 10 || options.dpi > 1440)
      throw new ParameterError('dpi', String(options.dpi), 'a number from 10 to 1440');
    return options.dpi / 72;
  }
  return options.scale ?? 2;
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
 * (`new vega.View(..., { renderer: 'none' })` and `view.toSVG()`). Interactive parts (sliders and
 * what they move, see lib/charts/interactive) are left out: a static figure has no inputs. Text is measured in the chart
 * font (lib/charts/text-metrics). The result depends on the spec alone (not on what was rendered
 * before in the process), so figures are reproducible byte for byte.
 *
 * @example
 * const svg = await renderSvg(stalenessCurveSpec(rows));
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vgSpec = await compileToVega(staticSpec(spec));
  const vega = await import('vega');
  // vega exports `textMetrics` (vega-scenegraph) at run time; its typings omit it.
  useChartTextMetrics(
    (vega as unknown as { textMetrics: Parameters<typeof useChartTextMetrics>[0] }).textMetrics,
  );
  // Clip-path and gradient ids count up across renders in a process; restarting them makes the
  // SVG a function of the spec alone (the same figure in any order, e.g. npm start vs npm run figures).
  (vega as unknown as { resetSVGDefIds: () => void }).resetSVGDefIds();
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
  const scale = pngScale(options);
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
 * The bytes of `svg` in each of `formats` (SVG text, PNG, PDF), all produced before anything is
 * written, so a caller can write them together or not at all.
 *
 * @example
 * const files = await figureFiles(await renderSvg(spec), ['svg', 'pdf']); // [{ format: 'svg', data }, { format: 'pdf', data }]
 */
export async function figureFiles(
  svg: string,
  formats: readonly FigureFormat[],
  options: PngOptions & { title?: string } = {},
): Promise<{ format: FigureFormat; data: string | Buffer }[]> {
  if (formats.length === 0) throw new ParameterError('formats', '[]', `one or more of ${FORMATS.join(', ')}`);
  for (const format of formats) {
    if (!FORMATS.includes(format)) throw new ParameterError('formats', String(format), FORMATS.join(', '));
  }
  const out: { format: FigureFormat; data: string | Buffer }[] = [];
  for (const format of new Set(formats)) {
    out.push({
      format,
      data:
        format === 'svg'
          ? svg
          : format === 'png'
            ? svgToPng(svg, options)
            : await svgToPdf(svg, { title: options.title }),
    });
  }
  return out;
}

/**
 * Renders `spec` and writes it as `<basePath>.svg`, `.png` and/or `.pdf` (creating the
 * directory; PNG at `options.scale` or `options.dpi`). Every format is rendered before anything is written, and each file is written
 * atomically (lib/output/atomic-write), so a failed render leaves nothing behind. Returns the paths written, in the order of `formats`.
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
  if (basePath === '' || basePath.endsWith('/') || basePath.endsWith(path.sep)) {
    throw new ParameterError(
      'basePath',
      JSON.stringify(basePath),
      'a file path without extension, e.g. data/figures/name',
    );
  }
  pngScale(options); // refuse a bad scale before rendering
  const files = await figureFiles(await renderSvg(spec), formats, { ...options, title: specTitle(spec) });
  const contents = files.map(({ format, data }) => ({ target: `${basePath}.${format}`, data }));
  for (const { target, data } of contents) writeFileAtomic(target, data);
  return contents.map((c) => c.target);
}

/** The title text of a spec, if it has one (a string, lines, or `{ text }`). */
export function specTitle(spec: VegaLiteSpec): string | undefined {
  const title = (spec as { title?: unknown }).title;
  const text = typeof title === 'object' && title !== null && 'text' in title ? title.text : title;
  if (typeof text === 'string') return text;
  if (Array.isArray(text)) return text.join(' ');
  return undefined;
}
