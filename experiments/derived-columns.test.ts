import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../lib/stats/index.js';
import { cellNumber, distributionNumber, perThousand, withColumns } from './derived-columns.js';

describe('derived columns', () => {
  it('turns a count, its total and its Wilson interval ends into rates per 1000', () => {
    const ci = wilsonInterval(12, 4000);
    const row = {
      acked_writes_lost: '12',
      acked_writes: '4000',
      acked_writes_lost_ci_low: String(ci.low),
      acked_writes_lost_ci_high: String(ci.high),
    };
    const rate = perThousand(row, 'acked_writes_lost', 'acked_writes');
    expect(rate.value).toBeCloseTo(3, 12); // 12 of 4000
    expect(rate.low).toBeCloseTo(1000 * ci.low, 12);
    expect(rate.high).toBeCloseTo(1000 * ci.high, 12);
    expect(rate.low).toBeLessThan(rate.value);
    expect(rate.high).toBeGreaterThan(rate.value);
  });

  it('reads a distribution column as its largest value or its mean, and an empty cell (off) as 0', () => {
    expect(distributionNumber('uniform(0,50)', 'max')).toBe(50);
    expect(distributionNumber('const(25)', 'mean')).toBe(25);
    expect(distributionNumber('exp(0.1)', 'mean')).toBeCloseTo(10, 12); // rate 0.1 per ms: mean 10 ms
    expect(distributionNumber('', 'max')).toBe(0);
  });

  it('adds columns as text that reads back to the same numbers, and names a column that is not a number', () => {
    const [row] = withColumns([{ p: '0.1' }], (r) => ({ per_1000: (1000 * cellNumber(r, 'p')) / 3 }));
    expect(Number(row.per_1000)).toBe((1000 * 0.1) / 3);
    expect(row.p).toBe('0.1');
    expect(() => cellNumber({ p: '' }, 'p')).toThrow(/column p: "" is not a finite number/);
  });
});
