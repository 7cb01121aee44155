import { describe, expect, it } from 'vitest';
import { deriveStream } from '../random/index.js';
import { FULL_SUMMARY, latencySummary, MEDIAN_AND_TAIL } from './latency-summary.js';
import { LogHistogram } from './log-histogram.js';

describe('latencySummary', () => {
  const h = new LogHistogram();
  const rng = deriveStream(3);
  for (let i = 0; i < 10_000; i++) h.record(-Math.log(rng.nextOpenDouble()) * 10);

  it("gives the histogram's statistics, only the fields asked for, always in the one order", () => {
    expect(latencySummary(h)).toEqual({
      mean: h.mean(),
      p50: h.quantile(0.5),
      p90: h.quantile(0.9),
      p99: h.quantile(0.99),
      p999: h.quantile(0.999),
      max: h.max,
      samples: 10_000,
    });
    expect(Object.keys(latencySummary(h))).toEqual([...FULL_SUMMARY]);
    expect(Object.keys(latencySummary(h, ['samples', 'max', 'p50', 'min']))).toEqual([
      'min',
      'p50',
      'max',
      'samples',
    ]);
    expect(latencySummary(h, MEDIAN_AND_TAIL)).toEqual({
      p50: h.quantile(0.5),
      p99: h.quantile(0.99),
      p999: h.quantile(0.999),
    });
  });

  it('null for every statistic of an empty histogram, the count 0', () => {
    expect(latencySummary(new LogHistogram(), ['mean', 'min', 'p99', 'max', 'samples'])).toEqual({
      mean: null,
      min: null,
      p99: null,
      max: null,
      samples: 0,
    });
  });
});
