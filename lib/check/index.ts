// The check area: history checkers for staleness, session guarantees, lost writes and siblings.
export {
  HistoryRecorder,
  writesById,
  returnedWrites,
  type History,
  type WriteRecord,
  type ReadRecord,
} from './history.js';
export {
  timestampOrder,
  vectorOrder,
  reflects,
  reflectsAll,
  withVersion,
  NO_VERSIONS,
  type Version,
  type VersionOrder,
} from './version-order.js';
export { AsOf } from './as-of.js';
export { KeyTable, PairMap } from './group.js';
export {
  proportion,
  proportions,
  addCounts,
  Tally,
  type Count,
  type CountEstimate,
  type CountFields,
} from './count.js';
export { type SessionScope } from './scope.js';
export { staleReads, kStaleness, StaleReadTracker, type StaleReadSummary } from './stale-reads.js';
export { ReadAgeTracker, READ_AGE_WINDOW } from './read-age.js';
export {
  readYourWrites,
  ReadYourWritesTracker,
  type OwnWrite,
  type ReadYourWritesSummary,
} from './read-your-writes.js';
export { monotonicReads, MonotonicReadTracker, type MonotonicReadSummary } from './monotonic-reads.js';
export { lostWrites, type LostWriteSummary } from './lost-writes.js';
export { siblingsPerRead, SiblingCounter, type SiblingSummary } from './siblings.js';
export {
  consistentPrefix,
  ConsistentPrefixTracker,
  NO_DEPENDENCIES,
  type ConsistentPrefixSummary,
  type Dependencies,
  type WriteDependency,
} from './consistent-prefix.js';
export { KeyTrie } from './key-trie.js';
