// The interactive parts of the charts: what a reader sees when moving a slider (computed here by
// hand from the data, then read off the rendered Vega view), and static exports that are the
// charts without those parts, byte for byte.
import { describe, expect, it } from 'vitest';
import { cdfRowsFromSamples, cdfSpec } from './cdf.js';
import { heatmapSpec } from './heatmap.js';
import { hasBoundParam, staticSpec } from './interactive.js';
import { renderSvg } from './render.js';
import type { VegaLiteSpec } from './spec.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import { compileWarnings } from './test-data.testkit.js';

interface SceneItem {
  text?: string;
  items?: SceneItem[];
  name?: string;
  marktype?: string;
}

/** The spec as JupyterLab draws it (interactive parts kept), with its parameters set, headless. */
async function liveView(spec: VegaLiteSpec, signals: Record<string, unknown>) {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  for (const [name, value] of Object.entries(signals)) view.signal(name, value);
  await view.runAsync();
  return view;
}

/** The items of the mark named `name` (Vega-Lite names a layer's marks `<layer name>_marks`). */
function markItems(view: { scenegraph(): unknown }, name: string): SceneItem[] {
  const found: SceneItem[] = [];
  const visit = (node: SceneItem) => {
    if (node.marktype !== undefined && node.name === `${name}_marks`) found.push(...(node.items ?? []));
    for (const child of node.items ?? []) visit(child);
  };
  // vega's typings declare no `root` on the scenegraph it returns; it has one (vega-scenegraph Scenegraph).
  visit((view.scenegraph() as { root: SceneItem }).root);
  return found;
}

const curve = [
  { series: 'R=1 W=1', t: 0, p_consistent: 0.1, ci_low: 0.05, ci_high: 0.15 },
  { series: 'R=1 W=1', t: 10, p_consistent: 0.5, ci_low: 0.45, ci_high: 0.55 },
  { series: 'R=1 W=1', t: 20, p_consistent: 0.9, ci_low: 0.85, ci_high: 0.95 },
  { series: 'R=2 W=2', t: 0, p_consistent: 1, ci_low: 0.99, ci_high: 1 },
  { series: 'R=2 W=2', t: 10, p_consistent: 1, ci_low: 0.99, ci_high: 1 },
  { series: 'R=2 W=2', t: 20, p_consistent: 1, ci_low: 0.99, ci_high: 1 },
];

describe('interactive charts', () => {
  it('staleness curve: the t slider reads each curve at the grid point nearest to t', async () => {
    const spec = stalenessCurveSpec(curve, { title: 'x' });
    expect(hasBoundParam(spec)).toBe(true);
    expect(await compileWarnings(spec)).toEqual([]);
    // t = 12 is nearest to the grid point t = 10: R=1 W=1 reads 0.5 [0.45, 0.55].
    const view = await liveView(spec, { interactive_x: 12 });
    const lines = markItems(view, 'interactive_readout').map((i) => i.text);
    expect(lines.sort()).toEqual(['R=1 W=1: 0.5 [0.45, 0.55]', 'R=2 W=2: 1 [0.99, 1]']);
    expect(markItems(view, 'interactive_heading').map((i) => i.text)).toEqual(['t (ms after commit) = 12']);
    expect(markItems(view, 'interactive_points')).toHaveLength(2);
  });

  it('recovery CDF: the slider reads P(X <= x) of each empirical CDF, a step function', async () => {
    // Samples 100, 200, 300: P(X <= 250) = 2/3; samples 400, 500: P(X <= 250) = 0, no step yet.
    const spec = cdfSpec(cdfRowsFromSamples({ fast: [100, 200, 300], slow: [400, 500] }), {
      xTitle: 'recovery time (ms)',
    });
    expect(await compileWarnings(spec)).toEqual([]);
    const view = await liveView(spec, { interactive_x: 250 });
    const lines = markItems(view, 'interactive_readout').map((i) => i.text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fast: 0\.6667 \[/);
  });

  it('(R, W) heatmap: the threshold veils exactly the cells below it, in every panel', async () => {
    const rows = [
      { N: 3, R: 1, W: 1, p: 0.3 },
      { N: 3, R: 2, W: 2, p: 0.8 },
      { N: 5, R: 1, W: 1, p: 0.2 },
      { N: 5, R: 3, W: 3, p: 1 },
    ];
    const spec = heatmapSpec(rows, { x: 'W', y: 'R', value: 'p', facet: 'N', domain: [0, 1] });
    expect(hasBoundParam(spec)).toBe(true);
    expect(await compileWarnings(spec)).toEqual([]);
    const start = await liveView(spec, {});
    expect(markItems(start, 'interactive_veil_0')).toHaveLength(0); // starts dimming nothing
    const view = await liveView(spec, { interactive_threshold: 0.5 });
    expect(markItems(view, 'interactive_veil_0')).toHaveLength(1); // N=3: 0.3
    expect(markItems(view, 'interactive_veil_1')).toHaveLength(1); // N=5: 0.2
    const below = heatmapSpec(rows, { x: 'W', y: 'R', value: 'p', facet: 'N', threshold: { keep: 'below' } });
    const atMost = await liveView(below, { interactive_threshold: 0.5 });
    expect(markItems(atMost, 'interactive_veil_0')).toHaveLength(1); // N=3: 0.8
  });

  it('static exports are the charts without their inputs, byte for byte', async () => {
    const cdfRows = cdfRowsFromSamples({ a: [1, 2, 3, 5, 8] });
    const pairs: [VegaLiteSpec, VegaLiteSpec][] = [
      [stalenessCurveSpec(curve), stalenessCurveSpec(curve, { cursor: false })],
      [stalenessCurveSpec(curve, { logX: true }), stalenessCurveSpec(curve, { logX: true, cursor: false })],
      [cdfSpec(cdfRows), cdfSpec(cdfRows, { cursor: false })],
      [
        heatmapSpec(curve, { x: 't', y: 'series', value: 'p_consistent' }),
        heatmapSpec(curve, { x: 't', y: 'series', value: 'p_consistent', threshold: false }),
      ],
    ];
    for (const [live, plain] of pairs) {
      expect(hasBoundParam(plain)).toBe(false);
      expect(staticSpec(live)).toEqual(plain);
      expect(await renderSvg(live)).toBe(await renderSvg(plain));
    }
  });
});
