// The workload area: which keys clients touch, and when they read and write.
export { type KeyChooser, MAX_KEYS, requireKeys, requireZipfExponent } from './key-chooser.js';
export { uniformKeys } from './uniform-keys.js';
export { zipfKeys, ZIPF_TABLE_MAX_KEYS, type ZipfMethod } from './zipf-keys.js';
export { keyChooser, type KeyChoiceConfig } from './key-choice.js';
export {
  createWorkload,
  type Workload,
  type WorkloadConfig,
  type WorkloadOp,
  type OpenLoopArrivals,
  type ClosedLoopArrivals,
} from './workload.js';
