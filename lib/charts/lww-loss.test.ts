import { describe, expect, it } from 'vitest';
import { proportion } from '../check/index.js';
import { lwwLossRow, lwwLossSpec } from './lww-loss.js';
import { compileWarnings, expectValidExports, sampleLwwLossRows } from './test-data.testkit.js';
import { talk } from './theme.js';

describe('lwwLossSpec', () => {
  it('scales a lost-write count and its Wilson interval to per 1000', () => {
    const e = proportion({ count: 3, of: 1000 });
    expect(lwwLossRow('LWW', 20, e)).toEqual({
      series: 'LWW',
      skew_ms: 20,
      lost: 3,
      ci_low: 1000 * e.low,
      ci_high: 1000 * e.high,
    });
    expect(lwwLossRow('LWW', 20, e, 100).lost).toBeCloseTo(0.3, 12);
    expect(() => lwwLossRow('LWW', -1, e)).toThrow('skewMs: got -1');
    expect(() => lwwLossRow('LWW', 0, proportion({ count: 0, of: 0 }))).toThrow('estimate.of');
  });

  it('draws points on lines over Wilson bands, from a zero baseline', async () => {
    const rows = sampleLwwLossRows();
    const spec = lwwLossSpec(rows, { title: 'LWW' }) as any;
    expect(spec.layer.map((l: any) => l.name)).toEqual(['band', 'estimate', 'points']);
    const [lo, hi] = spec.layer[1].encoding.y.scale.domain;
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThanOrEqual(Math.max(...rows.map((r) => r.ci_high)));
    expect(spec.encoding.color.scale.domain).toEqual(['LWW', 'version vectors']);
    expect(await compileWarnings(spec)).toEqual([]);
    expect(() => lwwLossSpec([{ ...rows[0], lost: Number.NaN }])).toThrow('rows[0].lost: got NaN');
  });

  it('renders to SVG, PNG and PDF', async () => {
    const { svg } = await expectValidExports(lwwLossSpec(sampleLwwLossRows(), { theme: talk }), 1);
    expect(svg).toContain('acknowledged writes lost per 1000');
  });
});
