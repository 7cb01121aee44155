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

// Workloads: key choice (uniform, Zipf) and client operation streams.
export * from './workload/index.js';

// History checkers: stale reads, k-staleness, session guarantees, lost writes, siblings.
export * from './check/index.js';

// Deterministic hashing (MurmurHash3) for ring placement and Merkle trees.
export { murmurMix, murmurFinish, murmur3Words, fmix32, hashInteger, hashPair } from './random/hash.js';

// Leaderless building blocks: consistent hashing, version vectors and siblings, LWW, Merkle trees.
export {
  HashRing,
  type HashRingConfig,
  type SloppyReplica,
  type NodeShare,
} from './strategies/leaderless/ring.js';
export {
  VersionVector,
  type VersionOrder as VectorComparison,
} from './strategies/versions/version-vector.js';
export {
  Siblings,
  versionVectorOf,
  supersedes,
  unionMerge,
  type Dot,
  type Version,
  type SiblingsRead,
} from './strategies/versions/siblings.js';
export { LwwRegister, lwwCompare, lwwWins, lwwStamp, type LwwStamp } from './strategies/versions/lww.js';
export {
  MerkleTree,
  merkleDiff,
  type MerkleConfig,
  type KeyRange,
  type MerkleDiff,
  type MerkleDiffCost,
} from './strategies/leaderless/merkle.js';

// Leaderless cluster on the event kernel (issue 4, in progress).
export {
  LEADERLESS_DEFAULTS,
  validateLeaderlessConfig,
  type LeaderlessConfig,
  type PartitionConfig,
  type ReadRepairMode,
} from './strategies/leaderless/cluster-config.js';
export {
  runLeaderless,
  runLeaderlessWithHistory,
  type LeaderlessResult,
  type LeaderlessRunOptions,
} from './strategies/leaderless/run-leaderless.js';
export {
  leaderlessScenarios,
  runScenario,
  scenarioResult,
  countReadInversions,
  countFailedWritesRead,
  type LeaderlessScenario,
  type ScenarioCount,
  type ScenarioResult,
} from './strategies/leaderless/scenarios.js';

// Leader-follower (issue 5): commit latency and durability per mode, failover, replication lag and
// read routing, replication log formats, new-follower bootstrap.
export { ReplicationLog } from './strategies/leader-follower/replication-log.js';
export {
  ReplicationCluster,
  type FollowerMode,
  type Role,
  type ClusterSettings,
  type ClusterHooks,
} from './strategies/leader-follower/cluster.js';
export { PauseGate } from './strategies/leader-follower/pause-gate.js';
export { EgressSpikeNetwork } from './strategies/leader-follower/egress-spike.js';
export {
  COMMIT_DEFAULTS,
  validateCommitConfig,
  type CommitConfig,
  type ReplicationMode,
  type FollowerOutage,
} from './strategies/leader-follower/commit-config.js';
export { runCommit, type CommitResult } from './strategies/leader-follower/run-commit.js';
export {
  TimeoutDetector,
  PhiAccrualDetector,
  type FailureDetector,
} from './strategies/leader-follower/failure-detector.js';
export {
  FAILOVER_DEFAULTS,
  validateFailoverConfig,
  type FailoverConfig,
  type ElectionMode,
  type DetectorKind,
  type LeaderFault,
} from './strategies/leader-follower/failover-config.js';
export { runFailoverTrial, type FailoverTrialOutcome } from './strategies/leader-follower/failover-trial.js';
export {
  runFailover,
  runFailoverSummary,
  runFailoverWithTrials,
  type FailoverResult,
  type FailoverRun,
  type FailoverRunOptions,
  type FailoverSummaryRun,
  type TrialQuantilesMs,
} from './strategies/leader-follower/run-failover.js';
export { RaftElection } from './strategies/leader-follower/raft-election.js';
export { CoordinatorPromotion } from './strategies/leader-follower/coordinator-promotion.js';
export { SplitBrainMeter } from './strategies/leader-follower/split-brain-meter.js';
export {
  LAG_DEFAULTS,
  READ_ROUTINGS,
  validateLagConfig,
  type LagConfig,
  type ReadRouting,
} from './strategies/leader-follower/lag-config.js';
export {
  runLag,
  runLagSummary,
  runLagWithHistory,
  type LagResult,
  type LagRun,
  type LagRunOptions,
  type LagSummaryRun,
} from './strategies/leader-follower/run-lag.js';
export {
  LOG_FORMATS,
  LOG_FORMAT_DEFAULTS,
  runLogFormats,
  type LogFormat,
  type LogFormatConfig,
  type LogFormatOutcome,
  type StatementMix,
} from './strategies/leader-follower/log-formats.js';
export {
  BOOTSTRAP_DEFAULTS,
  runBootstrap,
  type BootstrapConfig,
  type BootstrapResult,
} from './strategies/leader-follower/bootstrap.js';

// Leaderless quorums: PBS staleness (event-level and fast), closed form.
export {
  WarsEventModel,
  type WarsConfig,
  type WarsTrialOutcome,
} from './strategies/leaderless/wars-event.js';
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
export {
  STALENESS_COLUMNS,
  stalenessRows,
  type StalenessRow,
} from './strategies/leaderless/staleness-rows.js';
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
} from './strategies/leaderless/staleness-replay.js';

// Multi-leader: datacenter leaders over topologies, conflict detection with version vectors,
// resolution policies, home routing and outages, offline devices (issue 6).
export {
  MULTI_LEADER_DEFAULTS,
  MAX_DATACENTERS,
  MAX_DEVICES,
  MAX_LOCAL_FOLLOWERS,
  validateMultiLeaderConfig,
  type MultiLeaderConfig,
  type ResolvedMultiLeaderConfig,
  type DcFailureConfig,
  type DevicesConfig,
} from './strategies/multi-leader/multi-leader-config.js';
export {
  runMultiLeader,
  runMultiLeaderSummary,
  runMultiLeaderWithHistory,
  type MultiLeaderResult,
  type MultiLeaderRun,
  type MultiLeaderRunOptions,
  type MultiLeaderSummaryRun,
  type DivergenceSample,
  type LocalReadLog,
} from './strategies/multi-leader/run-multi-leader.js';
export { LocalFollowers } from './strategies/multi-leader/local-followers.js';
export {
  followerStaleReadProbability,
  independentReadSample,
} from './strategies/multi-leader/follower-staleness.js';
export {
  replicationGraph,
  TOPOLOGIES,
  type Topology,
  type ReplicationGraph,
} from './strategies/multi-leader/topology.js';
export {
  RESOLUTION_POLICIES,
  resolveValue,
  valueElements,
  valueText,
  unionHandler,
  EMPTY_VALUE,
  type ResolutionPolicy,
  type ConflictHandler,
  type ConflictVersion,
  type ValueNode,
  type StoredWrite,
} from './strategies/multi-leader/resolution.js';
export { concurrentWrites, type CausalWrite } from './strategies/multi-leader/concurrent-writes.js';
export {
  twoDatacenterConflictProbability,
  independentConflictSample,
  type IndependentConflictSample,
} from './strategies/multi-leader/conflict-probability.js';
export {
  compareResolutions,
  type ResolutionComparisonRow,
} from './strategies/multi-leader/compare-resolutions.js';
export { ReplicationLinks, type DeliveryHandler } from './strategies/multi-leader/replication-links.js';

// Systems (issue 9): real systems as named scenarios built from system-defaults.json (Dynamo, Riak,
// Cassandra, Voldemort, PostgreSQL, Patroni, MySQL, MongoDB, etcd, Raft, DynamoDB, collaborative
// editing, offline calendars, GitHub's 2012 and 2018 incidents), each parameter with its source.
export * from './scenarios/index.js';

// Output: CSV, manifests, atomic writes, the worker pool.
export { toCsv, csvRows, writeCsv, plainDecimal, type CsvValue } from './sweep/csv-output.js';
export {
  describeRun,
  manifestPathFor,
  writeManifest,
  packageVersion,
  type Manifest,
} from './sweep/manifest.js';
export { writeFileAtomic } from './sweep/atomic-write.js';
export { writeExperimentOutputs, type ExperimentOutputs, type FigureRequest } from './sweep/write-outputs.js';
export { runBatches, defaultThreads } from './sweep/pool.js';
export { type BatchTask } from './sweep/batch-task.js';

// Sweeps: an experiment over a grid of cells, on one worker pool, resumable, into one CSV.
export {
  runSweep,
  type RunSweepOptions,
  type SweepResult,
  type SweepCellResult,
  type SweepFailure,
  type SweepProgress,
  type SweepManifest,
} from './sweep/run-sweep.js';
export {
  loadSweepSpec,
  validateSweepSpec,
  describeValues,
  MAX_SWEEP_CELLS,
  type SweepSpec,
  type ResolvedSweep,
  type SweepCell,
} from './sweep/spec.js';
export { sweepExperiment, sweepExperimentNames } from './sweep/experiments.js';
export {
  fixedBatchPlan,
  type SweepExperiment,
  type SweepValue,
  type ExperimentParameter,
  type CellAccumulator,
  type CellContext,
} from './sweep/experiment.js';
export { runCellPlans, type CellPlan, type CellRun, type SchedulerEvents } from './sweep/scheduler.js';
export { BatchPool, DEFAULT_WORKER_MEMORY_MB, type BatchPoolOptions } from './sweep/pool.js';
export {
  readJournal,
  journalPaths,
  sweepFingerprint,
  fingerprintDifference,
  type SweepFingerprint,
  type JournalEntry,
} from './sweep/journal.js';
export { notebookProgress, describeProgress } from './sweep/notebook-progress.js';
export { selftestExperiment, irwinHallCdf, SELFTEST_BATCH_TRIALS } from './sweep/selftest.js';
export {
  commandExperiment,
  type CommandExperimentSpec,
  type CommandCellOptions,
} from './sweep/command-experiment.js';
export {
  ResultPool,
  pooledRate,
  medianAndTail,
  type PoolRules,
  type ResultBatchSummary,
} from './sweep/result-pool.js';
export { seedFromStream, oneRunBatchModel } from './sweep/result-batch.js';
export {
  resultCsvRow,
  parameterCells,
  metricCells,
  snakeCase,
  type ResultRowInput,
  type RowPartOptions,
} from './sweep/result-row.js';
export {
  stalenessExperiment,
  stalenessOptionsFromValues,
  type StalenessValues,
  type StalenessCellOptions,
} from './strategies/leaderless/staleness-experiment.js';
export { planStaleness, StalenessAccumulator } from './strategies/leaderless/staleness.js';

// Sweeps across machines: BullMQ on Redis (a coordinator's runner, workers, a throwaway local server).
export {
  RedisBatchPool,
  openRedisBatchPool,
  runRedisWorker,
  parseBackendUrl,
  sweepKey,
  encodeSummary,
  decodeSummary,
  DEFAULT_QUEUE,
  DEFAULT_JOBS_IN_FLIGHT,
  DEFAULT_STALL_MS,
  type RedisBatchPoolOptions,
  type RedisWorkerOptions,
  type RedisWorker,
} from './sweep/redis-backend.js';
export { startRedis, type RedisFixture } from './sweep/local-redis.js';
export { type BatchRunner } from './sweep/pool.js';

// Charts: Vega-Lite v5 specs, SVG/PNG export, notebook display.
export * from './charts/index.js';
