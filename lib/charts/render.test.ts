import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { svgToPdf } from './pdf.js';
import { chartFontFiles, renderSvg, svgToPng, writeFigure, type FigureFormat } from './render.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import { sampleStalenessRows, sampleTradeoffRows } from './test-data.testkit.js';
import { latencyStalenessTradeoffSpec } from './tradeoff.js';
import { screen } from './theme.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('render', () => {
  const spec = stalenessCurveSpec(sampleStalenessRows(), { title: 'PBS t-visibility' });
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ships the DejaVu Sans TrueType files', () => {
    expect(chartFontFiles.length).toBeGreaterThan(0);
    for (const f of chartFontFiles) expect(existsSync(f) && f.endsWith('.ttf')).toBe(true);
  });

  it('renders SVG headless with paths, text and the font', async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
    expect(svg).toContain('<text');
    expect(svg).toContain('P(consistent read)');
    expect(svg).toContain('PBS t-visibility');
    expect(svg).toContain('DejaVu Sans');
    const tradeoff = await renderSvg(latencyStalenessTradeoffSpec(sampleTradeoffRows));
    expect(tradeoff).toContain('R=2 W=2');
  });

  it('rasterises to a PNG of plausible size', async () => {
    const svg = await renderSvg(spec);
    const png = svgToPng(svg, { scale: 2 });
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const { width, height } = pngSize(png);
    // the plot area plus axes, title and legend, at scale 2
    expect(width).toBeGreaterThan(2 * screen.width);
    expect(width).toBeLessThan(2 * (screen.width + 400));
    expect(height).toBeGreaterThan(2 * screen.height);
    expect(height).toBeLessThan(2 * (screen.height + 200));
    expect(png.length).toBeGreaterThan(10_000);
    const one = pngSize(svgToPng(svg, { scale: 1 }));
    expect(Math.abs(one.width * 2 - width)).toBeLessThanOrEqual(2);
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(ParameterError);
    // --dpi: one figure pixel is one point, so 300 dpi is a zoom of 300/72
    const dpi = pngSize(svgToPng(svg, { dpi: 300 }));
    expect(Math.abs(dpi.width - (one.width * 300) / 72)).toBeLessThanOrEqual(2);
    expect(() => svgToPng(svg, { dpi: 5 })).toThrow('dpi: got 5');
  });

  it('makes deterministic PDFs: the same SVG gives the same bytes', async () => {
    const svg = await renderSvg(spec);
    expect((await svgToPdf(svg)).equals(await svgToPdf(svg))).toBe(true);
  });

  it('writes figures atomically and returns the paths', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'replilab-charts-'));
    const base = path.join(dir, 'nested', 'pbs');
    const written = await writeFigure(spec, base, ['svg', 'png', 'pdf']);
    expect(written).toEqual([`${base}.svg`, `${base}.png`, `${base}.pdf`]);
    expect((await readFile(`${base}.pdf`)).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await readFile(`${base}.svg`, 'utf8')).startsWith('<svg')).toBe(true);
    expect((await readFile(`${base}.png`)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect((await readdir(path.dirname(base))).sort()).toEqual(['pbs.pdf', 'pbs.png', 'pbs.svg']);
  });

  it('refuses unknown formats before writing anything', async () => {
    const base = path.join(await mkdtemp(path.join(tmpdir(), 'replilab-charts-')), 'x');
    await expect(writeFigure(spec, base, ['gif' as FigureFormat])).rejects.toThrow('formats: got gif');
    await expect(writeFigure(spec, base, ['svg', 'png'], { scale: 2, dpi: 300 })).rejects.toThrow(
      'dpi: got 300',
    );
    await expect(writeFigure(spec, base, [])).rejects.toThrow(ParameterError);
    expect(existsSync(path.dirname(base)) && (await readdir(path.dirname(base))).length).toBe(0);
    await rm(path.dirname(base), { recursive: true, force: true });
  });
});
