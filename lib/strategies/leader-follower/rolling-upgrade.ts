/**
 * A rolling upgrade of the storage engine on a {@link RowCluster}: the followers are upgraded
 * one at a time (each restarts with its rows converted to the new storage-format version), then
 * the leader hands over to an upgraded follower in a planned switchover, and is upgraded last.
 *
 * With a logical log, an upgraded follower applies the old leader's row records as before, so
 * the switchover only waits for the target to apply the last position and promote: a
 * write unavailability of about one message delay plus the promotion. With WAL shipping, the
 * first record the old leader writes after a follower's upgrade is in the old page layout: the
 * follower refuses it and stops replaying, so at the switchover the target is behind and cannot
 * catch up from the log. Writes stay stopped while it is rebuilt from a snapshot of the old
 * leader (a logical copy at the leader's last position, rows x row bytes at the bandwidth), and
 * the other upgraded followers are rebuilt from the new leader afterwards (no write downtime, but
 * no usable replica meanwhile). With the same version on both sides (`toVersion` =
 * `fromVersion`), WAL shipping switches over as fast as the logical log.
 *
 * Closed forms (constant message delay d): logical, d + promoteMs (plus at most the apply of the
 * records in flight); WAL across versions, 3 d + keys x rowBytes / bandwidth + promoteMs (the
 * promote request, the snapshot request, the snapshot's last message).
 *
 * Reference: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Implementation
 * of Replication Logs" ("if the replication protocol does not allow this version mismatch, as is
 * often the case with WAL shipping, such upgrades require downtime"); PostgreSQL 16
 * documentation, 19.6 "Upgrading a PostgreSQL Cluster" (pg_upgrade with standbys rebuilt, or
 * logical replication to the new version).
 */
import { deriveStream } from '../../random/index.js';
import { Simulation } from '../../sim/index.js';
import { RowCluster, type ClusterLogFormat } from './log-cluster.js';
import type { RowStore } from './row-store.js';
import { distributionField, positiveField, refuseUnknownFields, wholeField } from './validate.js';

/** One rolling upgrade. Defaults in {@link ROLLING_UPGRADE_DEFAULTS}. */
export interface RollingUpgradeConfig {
  /** Followers, an integer from 1 to 10. Default 2. */
  followers: number;
  /** Client writes per second, Poisson, > 0. Default 200. */
  writeRatePerS: number;
  /** Rows of the table, an integer >= 1. Default 10000. */
  keys: number;
  /** Stored bytes per row (a rebuild copies keys x rowBytes), > 0. Default 100000 (1 GB in all). */
  rowBytes: number;
  /** Snapshot copy bandwidth, bytes per second, > 0. Default 1e8 (100 MB/s). */
  bandwidthBytesPerS: number;
  /** One-way message delay, a distribution (ms). Default `const(1)`. */
  latency: string;
  /** A follower's apply time per record, a distribution (ms). Default `const(0.05)`. */
  apply: string;
  /** A node's restart for its upgrade, ms (> 0). Default 5000. */
  restartMs: number;
  /** From the promotion decision to taking writes, ms (>= 0). Default 100. */
  promoteMs: number;
  /** Time between the upgrade's steps (before the first, between restarts, before the switchover, before the old leader's restart), ms (> 0). Default 2000. */
  gapMs: number;
  /** Writes go on this long after the switchover, ms (> 0). Default 30000. */
  afterMs: number;
  /** Storage-format version before and after the upgrade, integers >= 1. Default 1 and 2. */
  fromVersion: number;
  toVersion: number;
}

/** The defaults of every {@link RollingUpgradeConfig} field. */
export const ROLLING_UPGRADE_DEFAULTS: Readonly<RollingUpgradeConfig> = Object.freeze({
  followers: 2,
  writeRatePerS: 200,
  keys: 10000,
  rowBytes: 100000,
  bandwidthBytesPerS: 1e8,
  latency: 'const(1)',
  apply: 'const(0.05)',
  restartMs: 5000,
  promoteMs: 100,
  gapMs: 2000,
  afterMs: 30000,
  fromVersion: 1,
  toVersion: 2,
} satisfies RollingUpgradeConfig);

/** What a rolling upgrade did with one log format. */
export interface RollingUpgradeOutcome {
  format: ClusterLogFormat;
  /** Time no node took writes (the switchover's write unavailability), ms. */
  downtime_ms: number;
  /** The closed form of the module's doc, ms (mean message delay for d). */
  downtime_closed_form_ms: number;
  /** Client writes acknowledged, and refused (sent while no node took them, or to the old leader before the client heard of the new one). */
  writes_acked: number;
  writes_refused: number;
  /** Snapshots copied to rebuild a node, and their bytes. */
  rebuilds: number;
  rebuild_bytes: number;
  /** WAL records refused by a node of another storage-format version, and the time followers spent stopped by them, ms. */
  rejected_records: number;
  stalled_follower_ms: number;
  /** Rows that differ between the new leader and the other nodes once writes stopped and the cluster settled (summed over nodes). */
  divergent_rows_after: number;
  /** With `{ record: true }` only: every node's rows at the end, and the leader's id. */
  recorded?: { stores: RowStore[]; leader: number };
}

/**
 * Runs the upgrade once with WAL shipping and once with a logical log, on the same seed: a pure
 * function of (config, seed) (the run draws from deriveStream(seed, 0, 0)).
 *
 * @example
 * const [wal, row] = runRollingUpgrade({}, 1);
 * wal.downtime_ms; // about 10 s: a 1 GB rebuild at 100 MB/s
 * row.downtime_ms; // about 101 ms: one message and the promotion
 */
export function runRollingUpgrade(
  config: Partial<RollingUpgradeConfig>,
  seed: number,
  options: { record?: boolean } = {},
): RollingUpgradeOutcome[] {
  refuseUnknownFields(config, ROLLING_UPGRADE_DEFAULTS);
  const c: RollingUpgradeConfig = { ...ROLLING_UPGRADE_DEFAULTS, ...config };
  wholeField('followers', c.followers, 1, 10);
  positiveField('writeRatePerS', c.writeRatePerS, 'writes per second');
  wholeField('keys', c.keys, 1, 10_000_000);
  positiveField('rowBytes', c.rowBytes, 'bytes');
  positiveField('bandwidthBytesPerS', c.bandwidthBytesPerS, 'bytes per second');
  const latency = distributionField('latency', c.latency);
  const apply = distributionField('apply', c.apply);
  positiveField('restartMs', c.restartMs);
  positiveField('promoteMs', c.promoteMs, 'ms', true);
  positiveField('gapMs', c.gapMs);
  positiveField('afterMs', c.afterMs);
  wholeField('fromVersion', c.fromVersion, 1, 1_000_000);
  wholeField('toVersion', c.toVersion, 1, 1_000_000);

  return (['wal', 'row'] as const).map((format) => {
    const sim = new Simulation(deriveStream(seed, 0, 0));
    const cluster = new RowCluster(
      sim,
      {
        nodes: c.followers + 1,
        format,
        keys: c.keys,
        rowBytes: c.rowBytes,
        bandwidthBytesPerS: c.bandwidthBytesPerS,
        latency,
        apply,
        version: c.fromVersion,
        promoteMs: c.promoteMs,
      },
      sim.rng,
    );
    // The operator's schedule: followers one by one, then the switchover to node 1.
    const step = c.restartMs + c.gapMs;
    const switchoverAt = c.gapMs + c.followers * step;
    const OPERATOR = sim.addKind('operator', (node, action) => {
      if (action === 0) cluster.crash(node);
      else if (action === 1) cluster.restart(node, c.toVersion);
      else cluster.switchover(node, 1);
    });
    for (let f = 1; f <= c.followers; f++) {
      const at = c.gapMs + (f - 1) * step;
      sim.scheduleAt(at, OPERATOR, f, 0);
      sim.scheduleAt(at + c.restartMs, OPERATOR, f, 1);
    }
    sim.scheduleAt(switchoverAt, OPERATOR, 0, 2);
    // The old leader is upgraded once it has heard of the new one.
    cluster.onNewLeader = (node) => {
      if (node !== 0) return;
      sim.schedule(c.gapMs, OPERATOR, 0, 0);
      sim.schedule(c.gapMs + c.restartMs, OPERATOR, 0, 1);
    };
    const writesEnd = switchoverAt + c.afterMs;
    cluster.startWrites(c.writeRatePerS, writesEnd);
    sim.run();
    const leader = cluster.role.indexOf('leader');
    let divergent = 0;
    for (let node = 0; node <= c.followers; node++)
      if (node !== leader) divergent += cluster.divergence(leader, node);
    const d = latency.mean();
    const acrossVersions = format === 'wal' && c.toVersion !== c.fromVersion;
    return {
      format,
      downtime_ms: cluster.downtimeMs(writesEnd),
      downtime_closed_form_ms: acrossVersions
        ? 3 * d + (1000 * c.keys * c.rowBytes) / c.bandwidthBytesPerS + c.promoteMs
        : d + c.promoteMs,
      writes_acked: cluster.acked,
      writes_refused: cluster.refused,
      rebuilds: cluster.snapshots,
      rebuild_bytes: cluster.snapshotBytes,
      rejected_records: cluster.rejected,
      stalled_follower_ms: cluster.stalledUpTo(sim.now),
      divergent_rows_after: divergent,
      ...(options.record === true ? { recorded: { stores: cluster.stores, leader } } : {}),
    };
  });
}
