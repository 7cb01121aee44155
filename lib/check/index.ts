// The check area: history checkers for staleness, session guarantees, lost writes and siblings.
export {
  HistoryRecorder,
  writesById,
  returnedWrites,
  type History,
  type WriteRecord,
  type ReadRecord,
} from './history.js';
export { timestampOrder, vectorOrder, reflects, type VersionOrder } from './version-order.js';
export { proportion, proportions, addCounts, type Count, type CountEstimate, type CountFields } from './count.js';
export { type SessionScope } from './scope.js';
export { staleReads, kStaleness, type StaleReadSummary } from './stale-reads.js';
export { readYourWrites, type ReadYourWritesSummary } from './read-your-writes.js';
export { monotonicReads, type MonotonicReadSummary } from './monotonic-reads.js';
export { lostWrites, type LostWriteSummary } from './lost-writes.js';
export { siblingsPerRead, type SiblingSummary } from './siblings.js';
