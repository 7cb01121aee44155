import { createRequire } from 'node:module';
import { ParameterError } from '../errors.js';
import { chartFontFaces } from './text-metrics.js';
import { chartFont } from './theme.js';

const require = createRequire(import.meta.url);

/** Options of {@link svgToPdf}. */
export interface PdfOptions {
  /** The document title (PDF metadata); default none. */
  title?: string;
}

/** The pixel size an SVG document declares (`width` and `height` on its root element). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)(?:px)?"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)(?:px)?"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0))
    throw new ParameterError(
      'svg',
      root.slice(0, 80) || '(no <svg> element)',
      'an SVG document with width and height in pixels',
    );
  return { width, height };
}

/**
 * The SVG with every dash pattern whose gaps are all zero (such as "1,0", how Vega marks a solid
 * series among dashed ones) removed: such a stroke is solid, and pdfkit refuses zero lengths.
 */
function solidDashesRemoved(svg: string): string {
  return svg.replace(/\sstroke-dasharray="([^"]*)"/g, (attr, list: string) => {
    const lengths = list
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    const gaps =
      lengths.length % 2 === 0
        ? lengths.filter((_, i) => i % 2 === 1)
        : [...lengths, ...lengths].filter((_, i) => i % 2 === 1);
    return gaps.every((g) => g === 0) ? '' : attr;
  });
}

/**
 * Converts an SVG (as made by `renderSvg`) to a one-page PDF with pdfkit and svg-to-pdfkit, in
 * pure JavaScript. The chart font (DejaVu Sans, from `dejavu-fonts-ttf`) is embedded as a
 * TrueType subset (a /FontFile2 stream), so the PDF looks the same on every machine. One figure
 * pixel is one PDF point: a paper-theme figure 252 px wide is 3.5 in, a column. The output is
 * deterministic (fixed creation date), so equal SVGs give byte-identical PDFs.
 *
 * @example
 * const pdf = await svgToPdf(await renderSvg(spec), { title: 'PBS t-visibility' });
 * pdf.subarray(0, 5).toString(); // '%PDF-'
 */
export async function svgToPdf(svg: string, options: PdfOptions = {}): Promise<Buffer> {
  const { width, height } = svgSize(svg);
  // Loaded on first use: pdfkit pulls in fontkit and its tables.
  const PDFDocument = require('pdfkit') as typeof import('pdfkit');
  const SVGtoPDF = require('svg-to-pdfkit') as (
    doc: PDFKit.PDFDocument,
    svg: string,
    x: number,
    y: number,
    options: Record<string, unknown>,
  ) => void;
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    // A fixed date: the same figure gives the same bytes (pdfkit stamps the current time otherwise).
    info: {
      Creator: 'replilab',
      Producer: 'replilab (pdfkit, svg-to-pdfkit)',
      CreationDate: new Date(0),
      ...(options.title ? { Title: options.title } : {}),
    },
  });
  // svg-to-pdfkit picks "<family>-Bold" etc. for bold/italic text of a registered family.
  doc.registerFont(chartFont, chartFontFaces.regular);
  doc.registerFont(`${chartFont}-Bold`, chartFontFaces.bold);
  doc.registerFont(`${chartFont}-Italic`, chartFontFaces.italic);
  doc.registerFont(`${chartFont}-BoldItalic`, chartFontFaces.boldItalic);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const warnings: string[] = [];
  SVGtoPDF(doc, solidDashesRemoved(svg), 0, 0, {
    width,
    height,
    assumePt: true,
    // Any family the SVG names falls back to the chart font (only it is shipped).
    fontCallback: (_family: string, bold: boolean, italic: boolean) =>
      `${chartFont}${bold && italic ? '-BoldItalic' : bold ? '-Bold' : italic ? '-Italic' : ''}`,
    warningCallback: (message: string) => warnings.push(message),
  });
  doc.end();
  await ended;
  if (warnings.length > 0)
    throw new Error(`svgToPdf: svg-to-pdfkit could not convert the SVG: ${warnings[0]}`);
  return Buffer.concat(chunks);
}
