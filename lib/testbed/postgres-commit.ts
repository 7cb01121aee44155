/**
 * Commit latency of PostgreSQL streaming replication by synchronous mode, measured on a
 * {@link PgCluster}: one client on the primary (direct, no proxy) commits single-row INSERTs one
 * after another (each awaited, autocommit), with `synchronous_commit` set for its session and
 * `synchronous_standby_names` set on the primary; commit_ms is the client's round trip of each
 * INSERT. What each setting waits for (PostgreSQL 15 documentation, "synchronous_commit",
 * https://www.postgresql.org/docs/15/runtime-config-wal.html#GUC-SYNCHRONOUS-COMMIT):
 * - off: nothing (the WAL writer flushes within wal_writer_delay later);
 * - local: the primary's WAL flush;
 * - remote_write: that, and the synchronous standbys' write of the WAL to their OS (walreceiver.c
 *   sends a reply after writing, before its flush);
 * - on: their flush to disk;
 * - remote_apply: their replay (the startup process asks the walreceiver for a reply after
 *   replaying a commit record the primary flagged, xact.c xact_redo_commit).
 * With synchronous_standby_names empty every level above local acts as local. `FIRST 1 (s1,s2)`
 * waits for s1 (s2 takes over if s1 is gone); `ANY 1 (s1,s2)` for whichever answers first.
 */

export const SYNC_MODES = ['none', 'first1', 'any1'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];
export const COMMIT_LEVELS = ['off', 'local', 'on', 'remote_write', 'remote_apply'] as const;
export type CommitLevel = (typeof COMMIT_LEVELS)[number];

/** synchronous_standby_names for a mode, and the sync_state pg_stat_replication shows per standby. */
export function syncStandbyNames(sync: SyncMode): { names: string; states: Record<string, string> } {
  switch (sync) {
    case 'none':
      return { names: '', states: { s1: 'async', s2: 'async' } };
    case 'first1':
      return { names: 'FIRST 1 (s1, s2)', states: { s1: 'sync', s2: 'potential' } };
    case 'any1':
      return { names: 'ANY 1 (s1, s2)', states: { s1: 'quorum', s2: 'quorum' } };
  }
}
