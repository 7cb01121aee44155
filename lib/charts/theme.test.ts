import { lab } from 'd3-color';
import { describe, expect, it } from 'vitest';
import { cdfSpec } from './cdf.js';
import { convergenceSpec } from './convergence.js';
import { failoverSpec } from './failover.js';
import { lwwLossSpec } from './lww-loss.js';
import { renderSvg } from './render.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import {
  sampleCdfRows,
  sampleConvergenceRows,
  sampleFailoverRows,
  sampleLwwLossRows,
  sampleStalenessRows,
  sampleTradeoffRows,
} from './test-data.testkit.js';
import { chartFont, grayscaleSafe, paper, paperDouble, screen, talk, themes } from './theme.js';
import { latencyStalenessTradeoffSpec } from './tradeoff.js';
import { svgSize } from './pdf.js';

describe('themes', () => {
  it('use one font family, the shipped DejaVu Sans, everywhere', () => {
    for (const theme of Object.values(themes)) expect(theme.font).toBe(chartFont);
    expect(chartFont).toBe('DejaVu Sans');
  });

  it('paper: the first four colours stay at least 20 L* apart, so they survive grayscale print', () => {
    const lightness = grayscaleSafe.slice(0, 4).map((c) => lab(c).l);
    for (let i = 0; i < lightness.length; i++) {
      for (let j = i + 1; j < lightness.length; j++)
        expect(Math.abs(lightness[i] - lightness[j])).toBeGreaterThanOrEqual(20);
    }
    expect(paper.palette).toBe(grayscaleSafe);
    // every series also gets its own dash pattern
    const dashes = paper.dashes!.map((d) => d.join(','));
    expect(new Set(dashes).size).toBe(dashes.length);
    expect(dashes.length).toBeGreaterThanOrEqual(paper.palette.length);
  });

  it('talk has larger type than paper and screen', () => {
    expect(talk.labelFontSize).toBeGreaterThan(1.5 * screen.labelFontSize);
    expect(talk.axisTitleFontSize).toBeGreaterThan(1.5 * screen.axisTitleFontSize);
    expect(screen.labelFontSize).toBeGreaterThan(paper.labelFontSize);
  });

  it('paper figures fill a column (252 pt) or both (504 pt) exactly', async () => {
    const builders = [
      (theme: typeof paper) => stalenessCurveSpec(sampleStalenessRows(), { theme, title: 'x' }),
      (theme: typeof paper) => cdfSpec(sampleCdfRows(), { theme }),
      (theme: typeof paper) => failoverSpec(sampleFailoverRows(), { theme }),
      (theme: typeof paper) => lwwLossSpec(sampleLwwLossRows(), { theme }),
      (theme: typeof paper) => convergenceSpec(sampleConvergenceRows(), { theme }),
      (theme: typeof paper) => latencyStalenessTradeoffSpec(sampleTradeoffRows, { theme }),
    ];
    for (const build of builders) {
      expect(svgSize(await renderSvg(build(paper))).width).toBe(252);
      expect(svgSize(await renderSvg(build(paperDouble))).width).toBe(504);
    }
  });
});
