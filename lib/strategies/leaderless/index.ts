/**
 * Leaderless replication (Dynamo, Cassandra, Riak): the ring, quorums, version vectors and
 * siblings, LWW, Merkle trees, the cluster model on the event kernel, and PBS staleness (event
 * model, fast kernel, closed form, replay). `import ... from 'replilab/leaderless'`.
 */
// Leaderless building blocks: consistent hashing, version vectors and siblings, LWW, Merkle trees.
export { HashRing, type HashRingConfig, type SloppyReplica, type NodeShare } from './ring.js';
export { VersionVector, type VersionOrder as VectorComparison } from './version-vector.js';
export {
  Siblings,
  versionVectorOf,
  supersedes,
  unionMerge,
  type Dot,
  type Version,
  type SiblingsRead,
} from './siblings.js';
export { LwwRegister, lwwCompare, lwwWins, lwwStamp, type LwwStamp } from './lww.js';
export {
  MerkleTree,
  merkleDiff,
  type MerkleConfig,
  type KeyRange,
  type MerkleDiff,
  type MerkleDiffCost,
} from './merkle.js';

// Leaderless cluster on the event kernel.
export {
  LEADERLESS_DEFAULTS,
  validateLeaderlessConfig,
  type LeaderlessConfig,
  type PartitionConfig,
  type ReadRepairMode,
} from './cluster-config.js';
export { runLeaderless, runLeaderlessWithHistory, type LeaderlessResult } from './run-leaderless.js';
export {
  leaderlessScenarios,
  runScenario,
  scenarioResult,
  countReadInversions,
  countFailedWritesRead,
  type LeaderlessScenario,
  type ScenarioCount,
  type ScenarioResult,
} from './scenarios.js';

// Leaderless quorums: PBS staleness (event-level and fast), closed form.
export { WarsEventModel, type WarsConfig, type WarsTrialOutcome } from './wars-event.js';
export { runWarsFastBatch, type WarsBatchSummary } from '../../fast/wars-fast.js';
export { pbsStaleProbabilityLimit } from '../../fast/pbs-closed-form.js';
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
} from './staleness.js';
export { type StalenessEngine } from './staleness-batch.js';
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
