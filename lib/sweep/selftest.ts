import { selftest, SELFTEST_BATCH_TRIALS, SELFTEST_MAX_K } from '../experiments/selftest.js';
import { deriveStream } from '../random/index.js';
import { wilsonInterval } from '../stats/index.js';
import { fixedBatchPlan, type SweepExperiment } from './experiment.js';
import { sweepParametersOf } from './schema-experiment.js';
import { selftestBatchModel, type SelftestParams, type SelftestSummary } from './selftest-batch.js';

export { SELFTEST_BATCH_TRIALS, SELFTEST_MAX_K };

/**
 * The Irwin-Hall CDF: P(U1 + ... + Uk <= x) for independent uniforms on [0, 1),
 * (1/k!) * sum over j = 0..floor(x) of (-1)^j C(k, j) (x - j)^k.
 * Reference: J. O. Irwin (1927), P. Hall (1927); see also Johnson, Kotz and Balakrishnan,
 * Continuous Univariate Distributions, Vol. 2, 2nd ed., Wiley 1995, Ch. 26.
 *
 * @example
 * irwinHallCdf(2, 1); // 0.5
 * irwinHallCdf(1, 0.3); // 0.3
 */
export function irwinHallCdf(k: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= k) return 1;
  let sum = 0;
  let binomial = 1;
  let factorial = 1;
  for (let i = 2; i <= k; i++) factorial *= i;
  for (let j = 0; j <= Math.floor(x); j++) {
    sum += (j % 2 === 0 ? 1 : -1) * binomial * (x - j) ** k;
    binomial = (binomial * (k - j)) / (j + 1);
  }
  return Math.min(1, Math.max(0, sum / factorial));
}

/** The metrics of a selftest cell (or run): the estimate with its Wilson 95% interval, and the exact value. */
export interface SelftestResult {
  p_estimate: number;
  ci_low: number;
  ci_high: number;
  successes: number;
  p_exact: number;
  trials: number;
}

function selftestResult(params: SelftestParams, successes: number, trials: number): SelftestResult {
  const interval = wilsonInterval(successes, trials);
  return {
    p_estimate: interval.p,
    ci_low: interval.low,
    ci_high: interval.high,
    successes,
    p_exact: irwinHallCdf(params.k, params.x),
    trials,
  };
}

/**
 * `trials` selftest trials in this thread, in the batches a sweep would cut (cell 0): the same
 * result as a one-cell sweep with that seed.
 *
 * @example
 * runSelftest({ k: 2, x: 1, work: 1, fail: false }, 100000, 1).p_exact; // 0.5
 */
export function runSelftest(params: SelftestParams, trials: number, seed: number): SelftestResult {
  let successes = 0;
  for (let b = 0; b * SELFTEST_BATCH_TRIALS < trials; b++) {
    const size = Math.min(SELFTEST_BATCH_TRIALS, trials - b * SELFTEST_BATCH_TRIALS);
    successes += selftestBatchModel.runBatch(params, size, deriveStream(seed, 0, b)).successes;
  }
  return selftestResult(params, successes, trials);
}

const METRICS = ['p_estimate', 'ci_low', 'ci_high', 'successes', 'p_exact'] as const;

/**
 * `selftest` as a sweep experiment (lib/experiments/selftest.ts): its keys and the checks of a
 * cell's values from the schema, batches of {@link SELFTEST_BATCH_TRIALS} trials, and one row per
 * cell: the parameters, then the metrics, trials and seed.
 */
export const selftestExperiment: SweepExperiment<SelftestParams, SelftestSummary> = {
  name: selftest.name,
  description: selftest.description,
  trialsUnit: selftest.trialsUnit,
  parameters: sweepParametersOf(selftest),
  columns: [...sweepParametersOf(selftest).map((p) => p.name), ...METRICS, 'trials', 'seed'],
  resolve(values, field) {
    const { k, x, work, fail, holdMb } = selftest.fromFile(values, field);
    return { k, x, work, fail, holdMb };
  },
  plan(params, context) {
    return fixedBatchPlan('selftest', params, context, SELFTEST_BATCH_TRIALS);
  },
  accumulator(params, context) {
    let trials = 0;
    let successes = 0;
    return {
      add(summary) {
        trials += summary.trials;
        successes += summary.successes;
      },
      trials: () => trials,
      intervalWidth() {
        if (trials === 0) return 1;
        const interval = wilsonInterval(successes, trials);
        return interval.high - interval.low;
      },
      rows() {
        const parameters = selftest.parameterRecord({ ...params, holdMb: params.holdMb ?? 0, trials });
        const row = {
          ...parameters,
          ...selftestResult(params, successes, trials),
          trials,
          seed: context.seed,
        };
        return [row];
      },
    };
  },
};
