/**
 * Versions of a replicated key, shared by the leaderless and multi-leader families: version
 * vectors (causality between replicas' writes), dotted siblings (the versions a replica keeps side
 * by side and the merge of two replicas' versions), and last-write-wins stamps (the total order
 * LWW resolves concurrent versions by).
 */
export { VersionVector, type VersionOrder } from './version-vector.js';
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
