import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { heatmapSpec } from './heatmap.js';
import { renderSvg } from './render.js';
import { VEGA_LITE_SCHEMA } from './spec.js';
import { compileWarnings } from './test-data.testkit.js';
import { talk } from './theme.js';

/** A made-up (N, R, W) grid: 1 for strict quorums, something below for partial ones. */
function grid(): { N: number; R: number; W: number; p: number }[] {
  const rows: { N: number; R: number; W: number; p: number }[] = [];
  for (const N of [3, 5]) {
    for (let R = 1; R <= N; R++)
      for (let W = 1; W <= N; W++) rows.push({ N, R, W, p: R + W > N ? 1 : 0.3 + (0.6 * (R + W)) / (2 * N) });
  }
  return rows;
}

describe('heatmapSpec', () => {
  it('is a Vega-Lite v5 spec that compiles without warnings, with and without a facet', async () => {
    const faceted = heatmapSpec(grid(), {
      x: 'W',
      y: 'R',
      value: 'p',
      facet: 'N',
      title: 'P(consistent)',
      domain: [0, 1],
    });
    expect(faceted.$schema).toBe(VEGA_LITE_SCHEMA);
    expect(() => compile(faceted)).not.toThrow();
    expect(await compileWarnings(faceted)).toEqual([]);
    const single = heatmapSpec(
      grid().filter((r) => r.N === 3),
      { x: 'W', y: 'R', value: 'p' },
    );
    expect(await compileWarnings(single)).toEqual([]);
    expect(JSON.parse(JSON.stringify(faceted))).toEqual(faceted);
  });

  it('layers labelled rects coloured by the value with a colour-blind-safe scheme', () => {
    const spec = heatmapSpec(grid(), { x: 'W', y: 'R', value: 'p', facet: 'N', domain: [0, 1] }) as any;
    expect(spec.hconcat.map((panel: any) => panel.title.text)).toEqual(['N = 3', 'N = 5']);
    const [rect, text] = spec.hconcat[1].layer;
    expect(rect.mark.type).toBe('rect');
    expect(rect.encoding.color.field).toBe('p');
    expect(rect.encoding.color.scale.scheme).toBe('viridis');
    expect(rect.encoding.color.scale.domain).toEqual([0, 1]);
    expect(text.mark.type).toBe('text');
    expect(text.encoding.text.field).toBe('p');
    // dark label on the light (high) end of viridis, white on the dark end
    expect(text.encoding.color.condition).toEqual({ test: 'datum["p"] >= 0.55', value: '#000000' });
    expect(text.encoding.color.value).toBe('#ffffff');
    expect(spec.hconcat[1].transform).toEqual([{ filter: 'datum["N"] === 5' }]);
    expect(spec.resolve.scale).toEqual({ color: 'shared' });
  });

  it('renders to SVG with one rect and one label per present cell; missing and null cells stay blank', async () => {
    const rows: { R: number; W: number; p: number | null }[] = [
      { R: 1, W: 1, p: 0.25 },
      { R: 1, W: 2, p: 0.5 },
      { R: 2, W: 1, p: 0.75 },
      { R: 2, W: 2, p: null },
    ];
    const svg = await renderSvg(
      heatmapSpec(rows, { x: 'W', y: 'R', value: 'p', format: '.3f', title: 'cells' }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('cells');
    for (const label of ['0.250', '0.500', '0.750']) expect(svg).toContain(`>${label}<`);
    const marks = svg.match(/<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/s)?.[1] ?? '';
    expect(marks.match(/<path/g)?.length).toBe(3);
    const full = await renderSvg(
      heatmapSpec(grid(), { x: 'W', y: 'R', value: 'p', facet: 'N', facetTitle: 'N' }),
    );
    expect(full).toContain('N = 5');
    expect(full.match(/roledescription="text mark"[^>]*>1\.00</g)?.length).toBe(6 + 15); // strict quorums: 6 for N=3, 15 for N=5
  });

  it('puts white labels on the dark end of light-low schemes, and takes size from the theme', () => {
    const spec = heatmapSpec(grid(), {
      x: 'W',
      y: 'R',
      value: 'p',
      scheme: 'blues',
      domain: [0, 1],
      theme: talk,
    }) as any;
    expect(spec.layer[1].encoding.color.condition.test).toBe('datum["p"] <= 0.44999999999999996');
    expect(spec.width.step).toBeGreaterThan(60);
    expect(spec.config.font).toBe('DejaVu Sans');
  });

  it('keeps text categories in order of first appearance', async () => {
    const rows = [
      { k: '1', s: 'b', v: 1 },
      { k: '2', s: 'b', v: 2 },
      { k: '10+', s: 'a', v: 3 },
    ];
    const spec = heatmapSpec(rows, { x: 'k', y: 's', value: 'v' }) as any;
    expect(spec.encoding.x.sort).toBeNull();
    expect(spec.encoding.y.sort).toBeNull();
    expect(await compileWarnings(spec)).toEqual([]);
  });

  it('refuses bad rows and options, naming the field', () => {
    expect(() => heatmapSpec([{ R: 1, W: 1, p: Number.NaN }], { x: 'W', y: 'R', value: 'p' })).toThrow(
      'rows[0].p: got NaN',
    );
    expect(() => heatmapSpec([{ R: 1, p: 1 }], { x: 'W', y: 'R', value: 'p' })).toThrow(ParameterError);
    expect(() => heatmapSpec([], { x: 'W', y: 'R', value: 'p', domain: [1, 0] })).toThrow('options.domain');
  });
});
