import { describe, expect, it, vi } from 'vitest';
import {
  VEGA_LITE_MIME,
  chartBundle,
  displayChart,
  findDisplayRoute,
  type DisplayEnvironment,
} from './notebook.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import { sampleStalenessRows } from './test-data.testkit.js';

const spec = stalenessCurveSpec(sampleStalenessRows(200), { title: 'N=3' });

function env(partial: Partial<DisplayEnvironment>): DisplayEnvironment {
  return {
    cache: {},
    require: () => {
      throw new Error('not found');
    },
    global: {},
    ...partial,
  };
}

describe('chartBundle', () => {
  it('carries SVG, the spec as an object, and text', async () => {
    const bundle = await chartBundle(spec);
    expect(Object.keys(bundle).sort()).toEqual([
      'application/vnd.vegalite.v5+json',
      'image/svg+xml',
      'text/plain',
    ]);
    expect(bundle['image/svg+xml']).toMatch(/^<svg[\s\S]*<text/);
    expect(typeof bundle[VEGA_LITE_MIME]).toBe('object');
    expect(bundle[VEGA_LITE_MIME]).toEqual(JSON.parse(JSON.stringify(spec)));
    expect(bundle[VEGA_LITE_MIME]).not.toBe(spec);
    expect(bundle['text/plain']).toBe('Vega-Lite chart: N=3');
  });
});

describe('findDisplayRoute / displayChart', () => {
  it('uses lastWriteDisplayData of the tslab instance in the module cache', async () => {
    const write = vi.fn();
    const e = env({
      cache: {
        '/other/node_modules/tslab/dist/jupyter.js': { exports: { lastWriteDisplayData: write } },
      },
    });
    expect(findDisplayRoute(e).kind).toBe('bundle');
    await displayChart(spec, e);
    expect(write).toHaveBeenCalledTimes(1);
    const [content, update] = write.mock.calls[0];
    expect(update).toBe(false);
    expect(Object.keys(content.data).sort()).toEqual([
      'application/vnd.vegalite.v5+json',
      'image/svg+xml',
      'text/plain',
    ]);
    expect(typeof content.data[VEGA_LITE_MIME]).toBe('object');
    expect(content).toMatchObject({ metadata: {}, transient: {} });
  });

  it('prefers the cached instance whose writer is set over a fresh one', () => {
    const write = vi.fn();
    const e = env({
      cache: {
        'C:\\x\\node_modules\\tslab\\dist\\jupyter.js': { exports: { lastWriteDisplayData: null } },
        '/k/node_modules/tslab/dist/jupyter.js': { exports: { lastWriteDisplayData: write } },
      },
      require: () => ({ lastWriteDisplayData: null }),
    });
    const route = findDisplayRoute(e);
    expect(route.kind === 'bundle' && route.write).toBe(write);
  });

  it("falls back to the kernel's public display.svg when the internal is gone", async () => {
    const svg = vi.fn();
    const kernelRequire = (id: string) => {
      if (id === 'tslab') return { display: { svg } };
      return {}; // a tslab/dist/jupyter without lastWriteDisplayData
    };
    const e = env({ global: { __tslab__: { require: kernelRequire } } });
    expect(findDisplayRoute(e).kind).toBe('svg');
    await displayChart(spec, e);
    expect(svg).toHaveBeenCalledTimes(1);
    expect(svg.mock.calls[0][0]).toMatch(/^<svg/);
  });

  it('throws a clear error outside a kernel (before rendering)', async () => {
    const e = env({ require: () => ({ lastWriteDisplayData: null, display: { svg: () => {} } }) });
    expect(() => findDisplayRoute(e)).toThrow(/no running tslab kernel/);
    await expect(displayChart(spec, e)).rejects.toThrow(/renderSvg\(\) or writeFigure\(\)/);
  });

  it('throws in this test process with the real environment', async () => {
    await expect(displayChart(spec)).rejects.toThrow(/no running tslab kernel/);
  });
});
