/**
 * Leaderless replication (Dynamo, Cassandra, Riak): the ring, quorums, version vectors and
 * siblings, LWW, Merkle trees, the cluster model on the event kernel, and PBS staleness (event
 * model, fast kernel, closed form, replay). `import ... from 'replilab/leaderless'`.
 */
// Leaderless building blocks: consistent hashing, version vectors and siblings, LWW, Merkle trees.
export { HashRing, type HashRingConfig, type SloppyReplica, type NodeShare } from './ring.js';
export { VersionVector, type VersionOrder as VectorComparison } from '../versions/version-vector.js';
export {
  Siblings,
  versionVectorOf,
  supersedes,
  unionMerge,
  type Dot,
  type Version,
  type SiblingsRead,
} from '../versions/siblings.js';
export { LwwRegister, lwwCompare, lwwWins, lwwStamp, type LwwStamp } from '../versions/lww.js';
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
export {
  runLeaderless,
  runLeaderlessTimed,
  runLeaderlessWithHistory,
  type LeaderlessResult,
  type LeaderlessRunOptions,
  type LeaderlessSummaryRun,
  type ReadAgeQuantiles,
  type StalenessHistograms,
  type VersionsBehindQuantiles,
} from './run-leaderless.js';
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
