import { describe, expect, it } from 'vitest';
import { proportion } from '../check/index.js';
import type { FailoverResult } from '../strategies/leader-follower/run-failover.js';
import { failoverRow, failoverSpec } from './failover.js';
import { compileWarnings, expectValidExports, sampleFailoverRows } from './test-data.testkit.js';
import { paper } from './theme.js';

describe('failoverSpec', () => {
  it('takes the recovery quantile and the unnecessary-failover interval from a result', () => {
    const unnecessary = proportion({ count: 7, of: 200 });
    const result = {
      recovery_ms: { mean: 400, p50: 380, p90: 520, p99: 700, max: 800, samples: 200 },
      intervals: { unnecessary_failover_trials: unnecessary },
    } as unknown as FailoverResult;
    expect(failoverRow(150, result, { band: ['p50', 'p99'] })).toEqual({
      timeout_ms: 150,
      recovery_ms: 380,
      recovery_low_ms: 380,
      recovery_high_ms: 700,
      unnecessary_rate: unnecessary.p,
      unnecessary_low: unnecessary.low,
      unnecessary_high: unnecessary.high,
    });
    expect(failoverRow(150, result, { quantile: 'p99' }).recovery_ms).toBe(700);
    const none = { ...result, recovery_ms: { ...result.recovery_ms, p50: null } } as FailoverResult;
    expect(() => failoverRow(150, none)).toThrow('result.recovery_ms.p50: got null');
  });

  it('puts recovery on the left axis and the unnecessary-failover rate on the right, one legend', async () => {
    const spec = failoverSpec(sampleFailoverRows()) as any;
    expect(spec.resolve).toEqual({ scale: { y: 'independent' } });
    const [left, right] = spec.layer;
    expect(left.layer.map((l: any) => l.name)).toEqual([
      'recovery-band',
      'recovery_ms-line',
      'recovery_ms-points',
    ]);
    expect(right.layer.map((l: any) => l.name)).toEqual([
      'unnecessary-band',
      'unnecessary_rate-line',
      'unnecessary_rate-points',
    ]);
    expect(left.layer[1].encoding.y.axis.orient).toBe('left');
    expect(right.layer[1].encoding.y.axis.orient).toBe('right');
    expect(right.layer[0].encoding.y.field).toBe('unnecessary_low');
    expect(right.layer[0].encoding.y2.field).toBe('unnecessary_high');
    expect(left.encoding.color.scale.domain).toEqual(right.encoding.color.scale.domain);
    expect(await compileWarnings(spec)).toEqual([]);
    const noBand = failoverSpec(
      sampleFailoverRows().map(({ recovery_low_ms: _l, recovery_high_ms: _h, ...r }) => r),
    ) as any;
    expect(noBand.layer[0].layer).toHaveLength(2);
    expect(() => failoverSpec([{ ...sampleFailoverRows()[0], unnecessary_low: Number.NaN }])).toThrow(
      'rows[0].unnecessary_low',
    );
  });

  it('renders both axes and the legend to SVG, PNG and PDF', async () => {
    const { svg } = await expectValidExports(failoverSpec(sampleFailoverRows(), { theme: paper }), 4);
    expect(svg).toContain('recovery, median (ms)');
    expect(svg).toContain('P(unnecessary failover)');
    expect(svg.match(/role-axis"/g)!.length).toBe(5); // x: grid and axis; left y: grid and axis; right y: axis
  });
});
