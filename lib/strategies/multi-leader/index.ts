/**
 * Multi-leader replication: datacenter leaders over topologies, conflict detection with
 * version vectors, resolution policies, home routing and outages, offline devices.
 * `import ... from 'replilab/multi-leader'`.
 */
// Multi-leader: datacenter leaders over topologies, conflict detection with version vectors,
// resolution policies, home routing and outages, offline devices.
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
} from './multi-leader-config.js';
export {
  runMultiLeader,
  runMultiLeaderWithHistory,
  type MultiLeaderResult,
  type MultiLeaderRun,
  type DivergenceSample,
  type LocalReadLog,
} from './run-multi-leader.js';
export { LocalFollowers } from './local-followers.js';
export { followerStaleReadProbability, independentReadSample } from './follower-staleness.js';
export { replicationGraph, TOPOLOGIES, type Topology, type ReplicationGraph } from './topology.js';
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
} from './resolution.js';
export { concurrentWrites, type CausalWrite } from './concurrent-writes.js';
export {
  twoDatacenterConflictProbability,
  independentConflictSample,
  type IndependentConflictSample,
} from './conflict-probability.js';
export { compareResolutions, type ResolutionComparisonRow } from './compare-resolutions.js';
export { ReplicationLinks, type DeliveryHandler } from './replication-links.js';
export {
  runEditing,
  runSession,
  interleavingTrial,
  countConcurrentInserts,
  validateEditingConfig,
  EditingNetwork,
  EDITING_DEFAULTS,
  EDITING_TOPOLOGIES,
  type EditingConfig,
  type EditingResult,
  type EditingTopology,
  type MeanSummary,
  type SessionFigures,
  type InterleavingTrial,
} from './yjs-editing.js';
