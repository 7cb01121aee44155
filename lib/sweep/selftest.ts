import { ParameterError } from '../errors.js';
import { wilsonInterval } from '../stats/index.js';
import { fixedBatchPlan, type SweepExperiment, type SweepValue } from './experiment.js';
import type { SelftestParams, SelftestSummary } from './selftest-batch.js';

/** Trials per selftest batch (fixed, so results never depend on the thread count). */
export const SELFTEST_BATCH_TRIALS = 16384;
/** The largest k: the alternating sum of the closed form loses precision beyond it. */
export const SELFTEST_MAX_K = 20;

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

function integerValue(field: string, value: SweepValue, low: number, high: number): number {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(number) || number < low || number > high)
    throw new ParameterError(field, JSON.stringify(value), `an integer from ${low} to ${high}`);
  return number;
}

function booleanValue(field: string, value: SweepValue): boolean {
  if (value === true || value === 1 || value === 'true') return true;
  if (value === false || value === 0 || value === 'false') return false;
  throw new ParameterError(field, JSON.stringify(value), 'true or false');
}

/**
 * `selftest`: a diagnostic experiment, not a replication model. It estimates the Irwin-Hall CDF
 * P(sum of k uniforms <= x) by Monte Carlo, beside its closed form, so sweeps can be checked
 * end to end (estimate within its interval), timed (`work` sets the CPU cost per trial) and made
 * to fail on purpose (`fail: true` throws inside the worker).
 */
export const selftestExperiment: SweepExperiment<SelftestParams, SelftestSummary> = {
  name: 'selftest',
  description:
    'diagnostic: Monte Carlo of P(sum of k uniforms <= x) beside its closed form (for tests and benchmarks)',
  trialsUnit: 'trials per cell',
  parameters: [
    { name: 'k', default: 2, doc: `uniforms summed per trial, 1..${SELFTEST_MAX_K}` },
    { name: 'x', default: 1, doc: 'the threshold: a trial succeeds when the sum is <= x (a finite number)' },
    { name: 'work', default: 1, doc: 'CPU cost per trial: the sum is drawn this many times (1..1000000)' },
    {
      name: 'fail',
      default: false,
      doc: 'true: the cell throws inside the worker (to test failure reports)',
    },
    {
      name: 'hold-mb',
      default: 0,
      doc: "MB of JS heap each batch holds (0..4096), to test the workers' memory limit",
    },
  ],
  columns: ['k', 'x', 'work', 'p_estimate', 'ci_low', 'ci_high', 'successes', 'p_exact', 'trials', 'seed'],
  resolve(values, field) {
    const x = typeof values.x === 'number' ? values.x : Number(values.x);
    if (!Number.isFinite(x) || (typeof values.x === 'string' && values.x.trim() === '')) {
      throw new ParameterError(field('x'), JSON.stringify(values.x), 'a finite number');
    }
    return {
      k: integerValue(field('k'), values.k, 1, SELFTEST_MAX_K),
      x,
      work: integerValue(field('work'), values.work, 1, 1_000_000),
      fail: booleanValue(field('fail'), values.fail),
      holdMb: integerValue(field('hold-mb'), values['hold-mb'], 0, 4096),
    };
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
        const interval = wilsonInterval(successes, trials);
        return [
          {
            k: params.k,
            x: params.x,
            work: params.work,
            p_estimate: interval.p,
            ci_low: interval.low,
            ci_high: interval.high,
            successes,
            p_exact: irwinHallCdf(params.k, params.x),
            trials,
            seed: context.seed,
          },
        ];
      },
    };
  },
};
