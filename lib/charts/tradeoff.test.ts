import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { compileWarnings, sampleTradeoffRows } from './test-data.testkit.js';
import { renderSvg } from './render.js';
import { DOMINATED_LABEL, PARETO_LABEL, latencyStalenessTradeoffSpec } from './tradeoff.js';

describe('latencyStalenessTradeoffSpec', () => {
  it('compiles without warnings, with points, labels and a front layer', async () => {
    const spec = latencyStalenessTradeoffSpec(sampleTradeoffRows, {
      xTitle: 'read p99 + write p99 (ms)',
    }) as any;
    expect(() => compile(spec)).not.toThrow();
    expect(await compileWarnings(spec)).toEqual([]);
    const names = spec.layer.map((l: any) => l.name);
    expect(names.slice(0, 3)).toEqual(['front', 'points', 'labels']);
    expect(names.slice(3).every((n: string) => /^labels-\d+$/.test(n))).toBe(true);
    expect(spec.encoding.x.title).toBe('read p99 + write p99 (ms)');
    expect(spec.encoding.y.title).toBe('t-visibility for 99.9% (ms)');
  });

  it('marks exactly the Pareto-optimal rows and draws the front through them in x order', () => {
    const spec = latencyStalenessTradeoffSpec(sampleTradeoffRows) as any;
    const marked = spec.data.values.filter((v: any) => v.pareto === PARETO_LABEL).map((v: any) => v.series);
    expect(marked).toEqual(['R=1 W=1', 'R=1 W=2', 'R=2 W=2', 'R=3 W=1']);
    expect(spec.data.values.filter((v: any) => v.pareto === DOMINATED_LABEL)).toHaveLength(2);
    const front = spec.layer[0];
    expect(front.mark.interpolate).toBe('step-after');
    expect(front.data.values.map((v: any) => v.series)).toEqual(['R=1 W=1', 'R=1 W=2', 'R=2 W=2', 'R=3 W=1']);
  });

  it('draws 95% intervals of the y value as error bars when rows carry them', async () => {
    const rows = sampleTradeoffRows.map((row, i) =>
      i % 2 === 0
        ? { ...row, staleness_low: row.staleness_ms * 0.9, staleness_high: row.staleness_ms * 1.1 }
        : row,
    );
    const spec = latencyStalenessTradeoffSpec(rows) as any;
    const bars = spec.layer.find((l: any) => l.name === 'intervals');
    expect(bars.mark.type).toBe('rule');
    expect(bars.data.values).toHaveLength(rows.filter((_, i) => i % 2 === 0).length);
    expect(bars.encoding.y.field).toBe('staleness_low');
    expect(bars.encoding.y2.field).toBe('staleness_high');
    expect((await renderSvg(spec)).match(/<path/g)?.length).toBeGreaterThan(0);
    expect(
      (latencyStalenessTradeoffSpec(sampleTradeoffRows) as any).layer.some(
        (l: any) => l.name === 'intervals',
      ),
    ).toBe(false);
  });

  it('can leave labels out; refuses non-positive values on a log axis', () => {
    const spec = latencyStalenessTradeoffSpec(sampleTradeoffRows, { labels: false }) as any;
    expect(spec.layer).toHaveLength(2);
    expect(() =>
      latencyStalenessTradeoffSpec([{ series: 'a', latency_ms: 1, staleness_ms: 0 }], { logY: true }),
    ).toThrow(ParameterError);
  });
});
