import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { chartFontFiles, renderSvg, svgToPng, writeFigure, type FigureFormat } from './render.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import { sampleStalenessRows, sampleTradeoffRows } from './test-data.testkit.js';
import { latencyStalenessTradeoffSpec } from './tradeoff.js';
import { paper } from './theme.js';

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
    expect(width).toBeGreaterThan(2 * paper.width);
    expect(width).toBeLessThan(2 * (paper.width + 400));
    expect(height).toBeGreaterThan(2 * paper.height);
    expect(height).toBeLessThan(2 * (paper.height + 200));
    expect(png.length).toBeGreaterThan(10_000);
    const one = pngSize(svgToPng(svg, { scale: 1 }));
    expect(Math.abs(one.width * 2 - width)).toBeLessThanOrEqual(2);
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(ParameterError);
  });

  it('writes figures atomically and returns the paths', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'replilab-charts-'));
    const base = path.join(dir, 'nested', 'pbs');
    const written = await writeFigure(spec, base, ['svg', 'png']);
    expect(written).toEqual([`${base}.svg`, `${base}.png`]);
    expect((await readFile(`${base}.svg`, 'utf8')).startsWith('<svg')).toBe(true);
    expect((await readFile(`${base}.png`)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect((await readdir(path.dirname(base))).sort()).toEqual(['pbs.png', 'pbs.svg']);
  });

  it('refuses unknown formats before writing anything', async () => {
    const base = path.join(await mkdtemp(path.join(tmpdir(), 'replilab-charts-')), 'x');
    await expect(writeFigure(spec, base, ['pdf' as FigureFormat])).rejects.toThrow('formats: got pdf');
    await expect(writeFigure(spec, base, [])).rejects.toThrow(ParameterError);
    expect(existsSync(path.dirname(base)) && (await readdir(path.dirname(base))).length).toBe(0);
    await rm(path.dirname(base), { recursive: true, force: true });
  });
});
