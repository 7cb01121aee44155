// lib/charts systemComparisonSpec, the chart notebook 05 draws the systems with.
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../charts/render.js';
import { systemComparisonSpec } from '../charts/system-comparison.js';
import { compileWarnings } from '../charts/test-data.testkit.js';
import { paper } from '../charts/theme.js';
import { refusedParameter } from '../errors.testkit.js';

const rows = [
  { system: 'dynamo', value: 0.16, low: 0.155, high: 0.17, published: 0.9994 },
  { system: 'riak (lww)', value: 0.001, low: 0.0005, high: 0.002 },
];

describe('systemComparisonSpec', () => {
  it('compiles as Vega-Lite v5 without warnings and renders every system and the published diamond', async () => {
    const spec = systemComparisonSpec(rows, { xTitle: 'share', title: 'one-version reads' });
    expect(await compileWarnings(spec)).toEqual([]);
    expect(await compileWarnings(systemComparisonSpec(rows, { logX: true, theme: paper }))).toEqual([]);
    const svg = await renderSvg(spec);
    for (const text of ['dynamo', 'riak (lww)', 'published', 'lab (95% interval)', 'one-version reads'])
      expect(svg).toContain(text);
    const values = (spec as unknown as { data: { values: { published: number | null }[] } }).data.values;
    expect(values.map((v) => v.published)).toEqual([0.9994, null]);
    // Without published values there is no diamond layer and no legend entry for one.
    const labOnly = await renderSvg(systemComparisonSpec(rows.map(({ published: _, ...r }) => r)));
    expect(labOnly).not.toMatch(/>published</);
    expect(svg).toMatch(/>published</);
  });

  it('refuses an estimate outside its interval, and non-positive values on a log axis', () => {
    expect(
      refusedParameter(() => systemComparisonSpec([{ system: 'x', value: 0.5, low: 0.6, high: 0.7 }])),
    ).toBe('rows[0]');
    expect(
      refusedParameter(() =>
        systemComparisonSpec([{ system: 'x', value: 0, low: 0, high: 0.1 }], { logX: true }),
      ),
    ).toBe('rows[0].low');
  });
});
