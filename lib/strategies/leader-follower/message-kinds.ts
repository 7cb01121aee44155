/**
 * The leader-follower model's event and message kinds. Each run owns its simulation, so fixed
 * numbers are safe; every module of the model takes its kinds from here.
 */

// Replication (leader -> follower, follower -> leader).
/** Log entries after a position (Raft's AppendEntries with entries). */
export const APPEND = 0;
/** An empty append: the leader's heartbeat, carrying its last position. */
export const HEARTBEAT = 1;
/** A follower's answer to an append or a heartbeat: its position, or where the logs differ. */
export const APPEND_ACK = 2;
// Raft-style election.
export const REQUEST_VOTE = 3;
export const VOTE = 4;
// External coordinator (Orchestrator/Patroni style).
export const POSITION_QUERY = 5;
export const POSITION = 6;
export const PROMOTE = 7;
/** The coordinator's heartbeat from the leader (same content as HEARTBEAT, a separate kind so it has no follower semantics). */
export const MONITOR_HEARTBEAT = 8;
/** Fencing `'lease'`: a follower's promise, for a heartbeat it accepted, not to back another leader for the lease (echoes the heartbeat). */
export const LEASE_ACK = 9;
// Redis Sentinel (see SentinelFailover): a sentinel's PING and INFO to a Redis node and their
// replies, SENTINEL is-master-down-by-addr between sentinels and its reply, hello messages.
export const SENTINEL_PING = 10;
export const SENTINEL_PONG = 11;
export const SENTINEL_INFO = 12;
export const SENTINEL_INFO_REPLY = 13;
export const SENTINEL_ASK = 14;
export const SENTINEL_ASK_REPLY = 15;
export const SENTINEL_HELLO = 43;

// Local events (timers and disk writes), through `Nodes` so a crash discards them.
export const DISK_DONE = 16;
export const HEARTBEAT_TICK = 17;
export const ELECTION_TIMER = 18;
export const VOTE_PERSISTED = 19;
export const CANDIDACY_PERSISTED = 20;
export const TERM_PERSISTED = 21;
export const SEMI_SYNC_CHECK = 22;
export const SHIP = 23;
/** A leader's lease runs out on its own clock (if no renewal moved it since). */
export const LEASE_EXPIRY = 24;

// Simulation-level events.
export const CLIENT_WRITE = 32;
export const DETECTOR_FIRE = 33;
export const QUERY_DEADLINE = 34;
export const FAULT_START = 35;
export const FAULT_END = 36;
/** A message held in a congested egress queue leaves now (see EgressSpikeNetwork). */
export const SPIKE_DEPARTURE = 37;
export const CLIENT_READ = 38;
/** etcd timing: a new leader's empty entry of its term, its persistence, a follower's append of it and its ack (see EtcdRaftElection). */
export const TERM_ENTRY_PERSISTED = 39;
export const TERM_ENTRY_APPEND = 40;
export const TERM_ENTRY_FOLLOWER_PERSISTED = 41;
export const TERM_ENTRY_ACK = 42;
/** Sentinel: a sentinel's timer (serverCron at 1000/hz ms). */
export const SENTINEL_TIMER = 44;
/** Sentinel: the kernel closed a sentinel's connection to a Redis node (FIN of a killed process, RST of a refused connect). */
export const SENTINEL_LINK_CLOSED = 45;
/** A Sentinel client's get-master-addr-by-name reaching the sentinel, and its answer reaching the client. */
export const SENTINEL_CLIENT_ASK = 46;
export const SENTINEL_CLIENT_ANSWER = 47;
/** etcd timing with pre-vote: a pre-candidate's MsgPreVote (for its term + 1, no term change) and its answer. */
export const PRE_VOTE = 48;
export const PRE_VOTE_RESP = 49;
