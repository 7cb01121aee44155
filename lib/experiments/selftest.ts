/**
 * `selftest`: a diagnostic experiment, not a replication model. It estimates the Irwin-Hall CDF
 * P(sum of k uniforms <= x) by Monte Carlo, beside its closed form, so sweeps can be checked end
 * to end (the estimate within its interval), timed (`work` sets the CPU cost per trial) and made
 * to fail on purpose (`fail: true` throws inside the worker, `hold_mb` outgrows its memory).
 * Its knobs are declared here once; sweep files and `replilab params selftest` take them from
 * this schema. It has no command of its own: sweeps run it.
 */
import type { SelftestResult } from '../sweep/selftest.js';
import { defineExperiment } from './define.js';
import { boolean, integer, number } from './param.js';

/** Trials per selftest batch (fixed, so results never depend on the thread count). */
export const SELFTEST_BATCH_TRIALS = 16384;
/** The largest k: the alternating sum of the closed form loses precision beyond it. */
export const SELFTEST_MAX_K = 20;

const params = {
  k: integer({ doc: 'uniforms summed per trial', default: 2, min: 1, max: SELFTEST_MAX_K }),
  x: number({ doc: 'the threshold: a trial succeeds when the sum is <= x (a finite number)', default: 1 }),
  work: integer({
    doc: 'CPU cost per trial: the sum is drawn this many times',
    default: 1,
    min: 1,
    max: 1_000_000,
  }),
  fail: boolean({ doc: 'true: the cell throws inside the worker (to test failure reports)', default: false }),
  holdMb: integer({
    doc: "MB of JS heap each batch holds, to test the workers' memory limit",
    default: 0,
    min: 0,
    max: 4096,
    unit: 'MB',
    valueName: 'MB',
  }),
  trials: integer({
    doc: 'trials (a sweep sets its own per cell)',
    default: SELFTEST_BATCH_TRIALS,
    min: 1,
    sweep: false,
  }),
};

/** The selftest experiment (see the module's doc). */
export const selftest = defineExperiment({
  name: 'selftest',
  description:
    'diagnostic: Monte Carlo of P(sum of k uniforms <= x) beside its closed form (for tests and benchmarks)',
  trialsUnit: 'trials per cell',
  params,
  config: (v) => v,
  run: async (config, seed): Promise<SelftestResult> => {
    const { runSelftest } = await import('../sweep/selftest.js');
    return runSelftest(config, config.trials, seed);
  },
  trials: (result) => result.trials,
  summary: (r, seed, v) =>
    `selftest: P(sum of ${v.k} uniforms <= ${v.x}) = ${r.p_estimate.toFixed(4)} [${r.ci_low.toFixed(4)}, ${r.ci_high.toFixed(4)}], exact ${r.p_exact.toFixed(4)}; ${r.trials} trials, seed ${seed}\n`,
  examples: ['sweep experiments/sweeps/selftest.yaml --out data/sweeps/selftest.csv'],
});
