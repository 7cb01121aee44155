import type { FieldFold } from './result-pool.js';
import type { DivergenceSample } from '../strategies/multi-leader/multi-leader-metrics.js';

/** What {@link meanDivergence} keeps: the longest series' times, the running sums, the runs. */
interface DivergenceSums {
  t_ms: number[];
  /** sums[i]: divergent keys at sample i, summed over the runs so far (each run's last value carried past its end). */
  sums: number[];
  /** The runs' last values, summed (what every run so far carries past the end of its series). */
  lastSum: number;
  runs: number;
}

/**
 * How a sweep cell pools the runs' divergence series (`divergence` of `replilab conflicts`): the
 * mean number of divergent keys over the runs at each sample time. Every run of a cell samples at
 * the same times (0, d, 2d, ... for `divergenceSampleMs` d) and stops once the workload is over
 * and no event is pending: nothing can change after its last sample, so a run whose series ends
 * early counts with its last value at the later times. The pooled series is as long as the
 * longest run's; one run gives its own series back. State: one sum per sample time, whatever the
 * number of runs.
 *
 * @example
 * const rules: PoolRules = { fold: { divergence: meanDivergence } };
 * // runs [{0: 2}, {100: 1}] and [{0: 4}] pool to [{ t_ms: 0, divergent_keys: 3 }, { t_ms: 100, divergent_keys: 2.5 }]
 */
export const meanDivergence: FieldFold<DivergenceSums> = {
  add(state, value) {
    const series = value as DivergenceSample[];
    const s = state ?? { t_ms: [], sums: [], lastSum: 0, runs: 0 };
    const last = series.length === 0 ? 0 : series[series.length - 1].divergent_keys;
    const known = s.sums.length;
    for (let i = 0; i < Math.max(known, series.length); i++) {
      if (i >= known) {
        s.t_ms.push(series[i].t_ms);
        s.sums.push(s.lastSum + series[i].divergent_keys);
      } else {
        if (i < series.length && series[i].t_ms !== s.t_ms[i]) {
          throw new Error(
            `meanDivergence: runs sampled at different times (sample ${i}: ${series[i].t_ms} and ${s.t_ms[i]} ms)`,
          );
        }
        s.sums[i] += i < series.length ? series[i].divergent_keys : last;
      }
    }
    s.lastSum += last;
    s.runs++;
    return s;
  },
  result(s) {
    return s.t_ms.map((t_ms, i): DivergenceSample => ({ t_ms, divergent_keys: s.sums[i] / s.runs }));
  },
};
