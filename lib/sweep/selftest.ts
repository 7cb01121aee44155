import { selftest, SELFTEST_BATCH_TRIALS, SELFTEST_MAX_K } from '../experiments/selftest.js';

export type { SelftestResult } from '../experiments/selftest.js';
import { wilsonInterval } from '../stats/index.js';
import { fixedBatchPlan, type SweepExperiment } from '../experiments/sweep-experiment.js';
import { sweepParametersOf } from './schema-experiment.js';
import {
  irwinHallCdf,
  runSelftest,
  selftestResult,
  type SelftestParams,
  type SelftestSummary,
} from '../experiments/batch/selftest.js';

export { irwinHallCdf, runSelftest };

export { SELFTEST_BATCH_TRIALS, SELFTEST_MAX_K };

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
