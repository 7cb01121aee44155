/**
 * The leaderless model's event and message kinds, and the round limits that end a run. The model
 * owns its simulation, so fixed numbers are safe; every module of the model takes its kinds from here.
 */

// Message kinds.
export const WRITE_REQ = 0;
export const WRITE_ACK = 1;
export const READ_REQ = 2;
export const READ_RESP = 3;
// Local kinds.
export const ISSUE = 4;
export const TIMEOUT = 5;
// Sloppy quorum: the handoff round (local), a hint store sent to its home, and the home's ack.
export const HANDOFF_TICK = 6;
export const HANDOFF = 7;
export const HANDOFF_ACK = 8;
// Crash-recovery churn.
export const CHURN_CRASH = 9;
export const CHURN_RECOVER = 10;
/** Churn streams are deriveStream(seed, 0, CHURN_STREAMS + node). */
export const CHURN_STREAMS = 16;
/** Store-loss draws of node i (one per crash) come from deriveStream(seed, 0, STORE_LOSS_STREAMS + i), past the churn streams. */
export const STORE_LOSS_STREAMS = CHURN_STREAMS + 4096;
/** The random partitions' stream is deriveStream(seed, 0, PARTITION_STREAM) (below the churn streams). */
export const PARTITION_STREAM = 8;
/** Handoff rounds after the workload before the run gives up on hints whose home stays unreachable. */
export const DRAIN_ROUNDS = 100;
// Read repair: a repair of one key sent to a stale home replica, and (blocking) its ack.
export const REPAIR = 11;
export const REPAIR_ACK = 12;
// Anti-entropy rounds (local).
export const AE_TICK = 13;
// Anti-entropy exchanges (anti-entropy.ts): the initiator's root hash, the children hashes of a
// differing inner node, a differing leaf's entries, and the versions of the differing keys sent
// one way and then back.
export const AE_ROOT = 14;
export const AE_HASHES = 15;
export const AE_LEAF = 16;
export const AE_KEYS = 17;
export const AE_KEYS_BACK = 18;
/** Anti-entropy rounds after the workload (and the last finite partition) before the run gives up on convergence. */
export const AE_DRAIN_ROUNDS = 1000;

/** Operation flag: the operation is a write. */
export const IS_WRITE = 1;
/** Operation flag: a probe read (`probeReadAfterMs`), not a workload operation (the bits 2, 4, 8 are op-table.ts's). */
export const IS_PROBE = 16;
