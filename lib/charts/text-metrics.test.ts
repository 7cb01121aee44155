import { describe, expect, it } from 'vitest';
import { chartTextWidth, useChartTextMetrics } from './text-metrics.js';

describe('chart text metrics', () => {
  it("measure DejaVu Sans's advance widths", () => {
    // DejaVu Sans hmtx (2048 units/em), read independently with Python fontTools: 'M' 1767, 'i' 569, bold 'M' 2038.
    expect(chartTextWidth({ fontSize: 2048 }, 'M')).toBeCloseTo(1767, 6);
    expect(chartTextWidth({ fontSize: 2048 }, 'i')).toBeCloseTo(569, 6);
    expect(chartTextWidth({ fontSize: 2048, fontWeight: 'bold' }, 'M')).toBeCloseTo(2038, 6);
    expect(chartTextWidth({ fontSize: 10 }, 'MM')).toBeCloseTo(2 * chartTextWidth({ fontSize: 10 }, 'M'), 9);
    expect(chartTextWidth({ fontSize: 10, limit: 5 }, 'MMMM')).toBe(5);
    expect(chartTextWidth({ fontSize: 0 }, 'M')).toBe(0);
  });

  it("replace Vega's estimate for the chart font only", () => {
    const metrics = {
      width: (_: unknown, t: string) => t.length * 100,
      estimateWidth: (_: unknown, t: string) => t.length * 100,
    };
    useChartTextMetrics(metrics);
    expect(metrics.width({ fontSize: 10 }, ' i ')).toBeCloseTo(chartTextWidth({ fontSize: 10 }, 'i'), 9);
    expect(metrics.width({ fontSize: 10, font: 'Times' }, 'ii')).toBe(200);
    const installed = metrics.width;
    useChartTextMetrics(metrics);
    expect(metrics.width).toBe(installed);
  });
});
