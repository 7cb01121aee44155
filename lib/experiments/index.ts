/**
 * Experiments: each a parameter schema, its model run, and its row, JSON and summary. Validate
 * and run from a notebook or a script as the command line does:
 *
 * @example
 * import { failover } from 'replilab/experiments';
 * const result = await failover.execute({ election: 'coordinator', timeoutMs: 1000, trials: 200 }, 1);
 */
export {
  defineExperiment,
  flagOf,
  type Experiment,
  type ExperimentSpec,
  type Check,
  type RunOptions,
} from './define.js';
export {
  integer,
  integers,
  number,
  choice,
  distribution,
  text,
  boolean,
  range,
  type Param,
  type ParamMeta,
  type ParamKind,
  type ParamValues,
} from './param.js';
export { describeParams, paramJsonSchema, type ParamDescription } from './describe.js';
export { EXPERIMENTS, experimentNamed } from './registry.js';
export { staleness, stalenessCellOptions, type StalenessValues } from './staleness.js';
export { leaderless } from './leaderless.js';
export { failover, FAILOVER_BATCH_TRIALS } from './failover.js';
export { lag } from './lag.js';
export { conflicts } from './conflicts.js';
export { upgrade, upgradeResult, type UpgradeResult } from './upgrade.js';

export { editing } from './editing.js';
export { selftest } from './selftest.js';

// PBS staleness on the worker pool: the run, its rows, one trial replayed with its trace.
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
} from './staleness-run.js';
export { type StalenessEngine } from './batch/staleness.js';
export { STALENESS_COLUMNS, stalenessRows, type StalenessRow } from './staleness-rows.js';
export {
  replayStalenessTrial,
  writeTraceJsonl,
  readTraceJsonl,
  parseTraceJsonl,
  traceToJsonl,
  TRACE_FORMAT,
  type StalenessTrace,
  type StalenessTraceHeader,
  type TraceNode,
  type ReplayAt,
} from './staleness-replay.js';
