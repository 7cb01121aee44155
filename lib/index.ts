/**
 * replilab: the public API, grouped by area.
 *
 * Loadable with `import` and, on Node >= 20.19, with `require` (no top-level await anywhere
 * below), so the tslab notebook kernel can use the built library.
 *
 * @example
 * import { runStaleness, resolveLatency } from 'replilab';
 * const result = await runStaleness({ n: 3, r: 1, w: 1, legs: resolveLatency('lnkd-disk'),
 *   tGridMs: [0, 5, 10, 50], trials: 100000, seed: 1 });
 */

// Errors: bad input names its parameter.
export { ParameterError } from './errors.js';

// Random streams: seeded and derived from (seed, cell, batch).
export * from './random/index.js';

// Latency models: distributions, the text form, presets and empirical traces.
export * from './latency/index.js';

// The discrete-event kernel.
export * from './sim/index.js';

// Statistics: Wilson intervals and the quantile sketch.
export * from './stats/index.js';

// Leaderless quorums: PBS staleness (event-level and fast), closed form.
export { WarsEventModel, type WarsConfig, type WarsTrialOutcome } from './strategies/leaderless/wars-event.js';
export { runWarsFastBatch, type WarsBatchSummary } from './fast/wars-fast.js';
export { pbsStaleProbabilityLimit } from './fast/pbs-closed-form.js';
export {
  runStaleness,
  stalenessJson,
  validateStalenessOptions,
  FAST_BATCH_TRIALS,
  EVENT_BATCH_TRIALS,
  T_VISIBILITY_LEVELS,
  type StalenessOptions,
  type StalenessResult,
  type StalenessPoint,
  type LatencyQuantiles,
} from './strategies/leaderless/staleness.js';
export { type StalenessEngine } from './strategies/leaderless/staleness-batch.js';
export { STALENESS_COLUMNS, stalenessRows, type StalenessRow } from './strategies/leaderless/staleness-rows.js';

// Output: CSV, manifests, atomic writes, the worker pool.
export { toCsv, writeCsv, plainDecimal, type CsvValue } from './sweep/csv-output.js';
export { describeRun, manifestPathFor, writeManifest, packageVersion, type Manifest } from './sweep/manifest.js';
export { writeFileAtomic } from './sweep/atomic-write.js';
export { writeExperimentOutputs, type ExperimentOutputs, type FigureRequest } from './sweep/write-outputs.js';
export { runBatches, defaultThreads } from './sweep/pool.js';
export { type BatchTask } from './sweep/batch-task.js';

// Charts: Vega-Lite v5 specs, SVG/PNG export, notebook display.
export * from './charts/index.js';
