/**
 * Leader-follower replication: commit latency and durability per follower mode, failover by a
 * coordinator or a Raft-style election, replication lag and read routing, log formats, new
 * followers. `import ... from 'replilab/leader-follower'`.
 */
// Leader-follower: commit latency and durability per mode, failover, replication lag and
// read routing, replication log formats, new-follower bootstrap.
export { ReplicationLog } from './replication-log.js';
export {
  ReplicationCluster,
  type FollowerMode,
  type Role,
  type ClusterSettings,
  type ClusterHooks,
} from './cluster.js';
export { PauseGate } from './pause-gate.js';
export { EgressSpikeNetwork } from './egress-spike.js';
export {
  COMMIT_DEFAULTS,
  validateCommitConfig,
  type CommitConfig,
  type ReplicationMode,
  type FollowerOutage,
} from './commit-config.js';
export { runCommit, type CommitResult } from './run-commit.js';
export { TimeoutDetector, PhiAccrualDetector, type FailureDetector } from './failure-detector.js';
export {
  FAILOVER_DEFAULTS,
  validateFailoverConfig,
  type FailoverConfig,
  type ElectionMode,
  type DetectorKind,
  type LeaderFault,
  type FencingMode,
} from './failover-config.js';
export { runFailoverTrial, type FailoverTrialOutcome } from './failover-trial.js';
export {
  runFailover,
  runFailoverWithTrials,
  type FailoverResult,
  type FailoverRun,
  type TrialQuantilesMs,
  type SplitBrainMs,
} from './run-failover.js';
export { RaftElection } from './raft-election.js';
export { CoordinatorPromotion } from './coordinator-promotion.js';
export { SplitBrainMeter } from './split-brain-meter.js';
export {
  LAG_DEFAULTS,
  READ_ROUTINGS,
  validateLagConfig,
  type LagConfig,
  type ReadRouting,
} from './lag-config.js';
export { runLag, runLagWithHistory, type LagResult, type LagRun } from './run-lag.js';
export {
  LOG_FORMATS,
  LOG_FORMAT_DEFAULTS,
  runLogFormats,
  type LogFormat,
  type LogFormatConfig,
  type LogFormatOutcome,
  type LogFormatRecording,
  type StatementMix,
} from './log-formats.js';
export {
  BOOTSTRAP_DEFAULTS,
  CLUSTER_BOOTSTRAP_DEFAULTS,
  runBootstrap,
  runClusterBootstrap,
  type BootstrapConfig,
  type BootstrapResult,
  type ClusterBootstrapConfig,
  type ClusterBootstrapResult,
} from './bootstrap.js';
export {
  ROLLING_UPGRADE_DEFAULTS,
  runRollingUpgrade,
  type RollingUpgradeConfig,
  type RollingUpgradeOutcome,
} from './rolling-upgrade.js';
export { RowCluster, type ClusterLogFormat, type RowClusterSettings } from './log-cluster.js';
export { RowStore, TABLES, differingRows, type LogRecord, type TableName } from './row-store.js';
