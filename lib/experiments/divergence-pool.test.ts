import { describe, expect, it } from 'vitest';
import { meanDivergence } from './divergence-pool.js';
import type { DivergenceSample } from '../strategies/multi-leader/multi-leader-metrics.js';

const series = (...keys: number[]): DivergenceSample[] =>
  keys.map((divergent_keys, i) => ({ t_ms: 100 * i, divergent_keys }));

function pool(first: DivergenceSample[], ...rest: DivergenceSample[][]): DivergenceSample[] {
  let state = meanDivergence.add(undefined, first);
  for (const run of rest) state = meanDivergence.add(state, run);
  return meanDivergence.result(state) as DivergenceSample[];
}

describe('meanDivergence', () => {
  it('one run gives its own series back', () => {
    expect(pool(series(0, 3, 1, 0))).toEqual(series(0, 3, 1, 0));
  });

  it('the mean over runs at each sample time; a run that ended counts with its last value, whether it comes first or last', () => {
    // Means by hand: t=0 (2+4+0)/3, t=100 (1+4+6)/3, t=200 (1+4+5)/3, t=300 (1+4+2)/3.
    const expected = series(2, 11 / 3, 10 / 3, 7 / 3);
    expect(pool(series(2, 1), series(4), series(0, 6, 5, 2))).toEqual(expected);
    expect(pool(series(0, 6, 5, 2), series(4), series(2, 1))).toEqual(expected);
  });

  it('refuses runs sampled at different times', () => {
    expect(() =>
      pool(series(1, 2), [
        { t_ms: 0, divergent_keys: 1 },
        { t_ms: 50, divergent_keys: 0 },
      ]),
    ).toThrow(/different times/);
  });
});
