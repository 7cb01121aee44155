import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../stats/index.js';
import {
  cdfRowsFromHistogram,
  cdfRowsFromQuantiles,
  cdfRowsFromSamples,
  cdfSpec,
  dkwHalfWidth,
  quantileLevel,
} from './cdf.js';
import { staticSpec } from './interactive.js';
import { compileWarnings, expectValidExports, sampleCdfRows } from './test-data.testkit.js';
import { paper } from './theme.js';

describe('cdf', () => {
  it('has the DKW half-width sqrt(ln(2/0.05) / 2n) (Massart 1990)', () => {
    // ln 40 = 3.6888794541139363; sqrt(3.6888794541139363 / 2000) = 0.042946...
    expect(dkwHalfWidth(1000)).toBeCloseTo(0.0429468, 6);
    expect(dkwHalfWidth(1)).toBeCloseTo(1.3581015, 6);
    expect(() => dkwHalfWidth(0)).toThrow('n: got 0');
  });

  it('gives the empirical CDF at each distinct sample, with ties at their last rank and a clipped band', () => {
    const rows = cdfRowsFromSamples({ a: [3, 1, 2, 2] });
    expect(rows.map((r) => [r.value, r.p])).toEqual([
      [1, 0.25],
      [2, 0.75],
      [3, 1],
    ]);
    const eps = dkwHalfWidth(4);
    expect(rows[0].p_low).toBe(0);
    expect(rows[1].p_low).toBeCloseTo(0.75 - eps, 12);
    expect(rows[2].p_high).toBe(1);
    const thinned = cdfRowsFromSamples({ b: Array.from({ length: 1000 }, (_, i) => i) }, 11);
    expect(thinned.map((r) => r.value)).toEqual([0, 100, 200, 300, 400, 500, 599, 699, 799, 899, 999]);
    expect(() => cdfRowsFromSamples({ c: [1, Number.NaN] })).toThrow('samples["c"][1]: got NaN');
  });

  it('reads quantile levels from names, and named quantiles and histograms as points', () => {
    expect(quantileLevel('p50')).toBe(0.5);
    expect(quantileLevel('read_p999_ms')).toBe(0.999);
    expect(() => quantileLevel('mean')).toThrow('quantile: got "mean"');
    expect(cdfRowsFromQuantiles('r', { mean: 5, p99: 40, p50: 10, p90: null, max: 80 })).toEqual([
      { series: 'r', value: 10, p: 0.5 },
      { series: 'r', value: 40, p: 0.99 },
    ]);
    const h = new LogHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const [median] = cdfRowsFromHistogram('h', h, [0.5]);
    expect(median.value).toBeCloseTo(500, -1); // within the sketch's 0.1%
    expect(median.value_low).toBeLessThan(500);
    expect(median.value_high).toBeGreaterThan(500);
  });

  it('draws samples as staircases over their band, quantiles as points with interval bars', async () => {
    const steps = cdfSpec(sampleCdfRows()) as any;
    expect(steps.layer.map((l: any) => l.name)).toEqual([
      'band',
      'estimate',
      'interactive_rule',
      'interactive_points',
      'interactive_heading',
      'interactive_readout',
    ]);
    expect((staticSpec(steps) as any).layer.map((l: any) => l.name)).toEqual(['band', 'estimate']);
    expect(steps.layer[1].mark.interpolate).toBe('step-after');
    expect(steps.layer[1].encoding.y.scale.domain).toEqual([0, 1]);
    expect(await compileWarnings(steps)).toEqual([]);
    const points = cdfSpec([
      { series: 'q', value: 10, p: 0.5, value_low: 9, value_high: 11 },
      { series: 'q', value: 40, p: 0.99, value_low: 35, value_high: 48 },
    ]) as any;
    expect((staticSpec(points) as any).layer.map((l: any) => l.name)).toEqual([
      'estimate',
      'points',
      'quantile-intervals',
    ]);
    expect(await compileWarnings(points)).toEqual([]);
    expect(() => cdfSpec([{ series: 'q', value: 1, p: 1.5 }])).toThrow('rows[0].p: got 1.5');
  });

  it('renders to SVG, PNG and PDF', async () => {
    const { svg } = await expectValidExports(
      cdfSpec(sampleCdfRows(), { theme: paper, xTitle: 'recovery (ms)' }),
    );
    expect(svg).toContain('recovery (ms)');
  });
});
