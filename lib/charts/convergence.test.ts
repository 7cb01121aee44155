import { describe, expect, it } from 'vitest';
import { convergenceRows, convergenceSpec } from './convergence.js';
import { compileWarnings, expectValidExports, sampleConvergenceRows } from './test-data.testkit.js';
import { paperDouble } from './theme.js';

describe('convergenceSpec', () => {
  it("takes a run's divergence samples", () => {
    expect(
      convergenceRows('ring', [
        { t_ms: 0, divergent_keys: 0 },
        { t_ms: 100, divergent_keys: 4 },
      ]),
    ).toEqual([
      { series: 'ring', t_ms: 0, divergent: 0 },
      { series: 'ring', t_ms: 100, divergent: 4 },
    ]);
  });

  it('draws staircases with labelled markers, and a band only when every row has one', async () => {
    const spec = convergenceSpec(sampleConvergenceRows(), {
      markers: [{ t_ms: 3000, label: 'outage ends' }],
    }) as any;
    expect(spec.layer.map((l: any) => l.name)).toEqual(['estimate', 'markers', 'marker-labels']);
    expect(spec.layer[0].mark.interpolate).toBe('step-after');
    expect(spec.layer[2].data.values).toEqual([{ t_ms: 3000, label: 'outage ends' }]);
    expect(await compileWarnings(spec)).toEqual([]);
    const banded = convergenceSpec([{ series: 'a', t_ms: 0, divergent: 2, low: 1, high: 3 }]) as any;
    expect(banded.layer[0].name).toBe('band');
    expect(() =>
      convergenceSpec([
        { series: 'a', t_ms: 0, divergent: 2, low: 1 },
        { series: 'a', t_ms: 1, divergent: 2 },
      ]),
    ).toThrow('rows[].low/high');
    expect(() => convergenceSpec([], { markers: [{ t_ms: Number.NaN, label: 'x' }] })).toThrow(
      'rows[0].t_ms',
    );
  });

  it('renders to SVG, PNG and PDF', async () => {
    const { svg } = await expectValidExports(
      convergenceSpec(sampleConvergenceRows(), {
        theme: paperDouble,
        markers: [{ t_ms: 3000, label: 'outage ends' }],
      }),
      3,
    );
    expect(svg).toContain('outage ends');
  });
});
