import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { VEGA_LITE_SCHEMA } from './spec.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import { compileWarnings, sampleStalenessRows } from './test-data.testkit.js';
import { talk } from './theme.js';

type Layer = { name?: string; mark: { type: string }; encoding: Record<string, any> };

describe('stalenessCurveSpec', () => {
  const rows = sampleStalenessRows();

  it('is a Vega-Lite v5 spec that compiles without warnings', async () => {
    const spec = stalenessCurveSpec(rows, { title: 'PBS' });
    expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
    expect(() => compile(spec)).not.toThrow();
    expect(await compileWarnings(spec)).toEqual([]);
    expect(await compileWarnings(stalenessCurveSpec(rows, { logX: true }))).toEqual([]);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec); // plain JSON
  });

  it('layers an unstacked ci_low..ci_high band under the p_consistent line', () => {
    const spec = stalenessCurveSpec(rows) as unknown as { layer: Layer[]; encoding: any };
    const [band, line] = spec.layer;
    expect(band.mark.type).toBe('area');
    expect(band.encoding.y.field).toBe('ci_low');
    expect(band.encoding.y.stack).toBeNull();
    expect(band.encoding.y2.field).toBe('ci_high');
    expect(line.mark.type).toBe('line');
    expect(line.encoding.y.field).toBe('p_consistent');
    expect(line.encoding.y.title).toBe('P(consistent read)');
    expect(spec.encoding.x.title).toBe('t (ms after commit)');
    expect(spec.encoding.color.field).toBe('series');
    expect(spec.encoding.color.scale.domain).toEqual(['R=1,W=1', 'R=1,W=2', 'lnkd-ssd R=2 W=1']);
  });

  it('has a y domain that holds the whole band', () => {
    const spec = stalenessCurveSpec(rows) as unknown as { layer: Layer[] };
    const [lo, hi] = spec.layer[0].encoding.y.scale.domain as [number, number];
    expect(lo).toBeLessThanOrEqual(Math.min(...rows.map((r) => r.ci_low)));
    expect(hi).toBeGreaterThanOrEqual(Math.min(1, Math.max(...rows.map((r) => r.ci_high))));
    expect(spec.layer[1].encoding.y.scale.domain).toEqual([lo, hi]);
  });

  it('takes size from the theme and a log x that drops t <= 0', () => {
    const spec = stalenessCurveSpec(rows, { theme: talk, logX: true }) as any;
    expect(spec.width).toBe(talk.width);
    expect(spec.config.font).toBe('DejaVu Sans');
    expect(spec.encoding.x.scale.type).toBe('log');
    expect(spec.transform).toEqual([{ filter: 'datum["t"] > 0' }]);
    expect(() => compile(spec)).not.toThrow();
  });

  it('refuses bad rows, naming the field', () => {
    const bad = [{ ...rows[0], ci_low: Number.NaN }];
    expect(() => stalenessCurveSpec(bad)).toThrow(ParameterError);
    expect(() => stalenessCurveSpec(bad)).toThrow('rows[0].ci_low: got NaN');
  });
});
