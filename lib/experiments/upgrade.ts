/**
 * `upgrade`: a rolling upgrade of the storage format on a leader and followers that hold rows
 * (lib/strategies/leader-follower/rolling-upgrade.ts), run once with WAL shipping and once with a
 * logical (row) log on the same seed: the followers are upgraded one by one, then the leader
 * hands over to an upgraded follower. WAL cannot cross storage-format versions, so the
 * switchover waits for a rebuild; the logical log keeps replicating.
 */
import { proportion, type CountEstimate } from '../check/index.js';
import {
  ROLLING_UPGRADE_DEFAULTS,
  type RollingUpgradeConfig,
  type RollingUpgradeOutcome,
} from '../strategies/leader-follower/rolling-upgrade.js';
import { defineExperiment } from './define.js';
import { distribution, integer, number, type ParamValues } from './param.js';

const d = ROLLING_UPGRADE_DEFAULTS;

const params = {
  followers: integer({
    doc: 'followers, upgraded one by one before the switchover (a count)',
    default: d.followers,
    min: 1,
    max: 10,
  }),
  writeRate: number({
    doc: 'client writes per second (Poisson), each to a random row',
    default: d.writeRatePerS,
    gt: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
  keys: integer({ doc: 'rows of the table (a count)', default: d.keys, min: 1, max: 1_000_000 }),
  rowBytes: number({
    doc: 'stored bytes per row: a rebuild copies keys x row-bytes',
    default: d.rowBytes,
    gt: 0,
    unit: 'bytes',
    valueName: 'bytes',
  }),
  bandwidth: number({
    doc: 'snapshot copy bandwidth of a rebuild, bytes per second',
    default: d.bandwidthBytesPerS,
    gt: 0,
    unit: 'bytes per second',
    valueName: 'bytes-per-s',
  }),
  latency: distribution({ doc: 'one-way message delay, ms', default: d.latency }),
  applyTime: distribution({ doc: "a follower's time to apply one record, ms", default: d.apply }),
  restartMs: number({ doc: "a node's restart for its upgrade, ms", default: d.restartMs, gt: 0, unit: 'ms' }),
  promoteMs: number({
    doc: 'from the promotion decision to taking writes, ms',
    default: d.promoteMs,
    min: 0,
    unit: 'ms',
  }),
  gapMs: number({ doc: "time between the upgrade's steps, ms", default: d.gapMs, gt: 0, unit: 'ms' }),
  afterMs: number({
    doc: 'writes go on this long after the switchover, ms (a downtime longer than this is cut there)',
    default: d.afterMs,
    gt: 0,
    unit: 'ms',
  }),
  fromVersion: integer({
    doc: 'storage-format version before the upgrade',
    default: d.fromVersion,
    min: 1,
    max: 1_000_000,
  }),
  toVersion: integer({
    doc: 'storage-format version after the upgrade (the same as --from-version: no format change)',
    default: d.toVersion,
    min: 1,
    max: 1_000_000,
  }),
};

/** The metrics of one format, under its prefix. */
type FormatMetrics<P extends string> = {
  [K in Exclude<keyof RollingUpgradeOutcome, 'format' | 'recorded'> as `${P}_${K}`]: number;
};

/** One upgrade with each format: the WAL run's metrics, the logical run's, and the refused writes as proportions. */
export type UpgradeResult = FormatMetrics<'wal'> &
  FormatMetrics<'row'> & {
    intervals: { wal_writes_refused: CountEstimate; row_writes_refused: CountEstimate };
  };

function prefixed<P extends string>(prefix: P, o: RollingUpgradeOutcome): FormatMetrics<P> {
  const { format: _format, recorded: _recorded, ...metrics } = o;
  return Object.fromEntries(
    Object.entries(metrics).map(([k, v]) => [`${prefix}_${k}`, v]),
  ) as FormatMetrics<P>;
}

/** The experiment's result from the model's two outcomes. */
export function upgradeResult([wal, row]: RollingUpgradeOutcome[]): UpgradeResult {
  const attempts = (o: RollingUpgradeOutcome) => o.writes_acked + o.writes_refused;
  return {
    ...prefixed('wal', wal),
    ...prefixed('row', row),
    intervals: {
      wal_writes_refused: proportion({ count: wal.writes_refused, of: attempts(wal) }),
      row_writes_refused: proportion({ count: row.writes_refused, of: attempts(row) }),
    },
  };
}

const summary = (r: UpgradeResult, seed: number, v: ParamValues<typeof params>): string =>
  `rolling upgrade of the storage format v${v.fromVersion} -> v${v.toVersion}, ${v.followers} followers, ${v.writeRate} writes/s, seed ${seed}\n` +
  `  WAL shipping: downtime ${r.wal_downtime_ms.toFixed(1)} ms (closed form ${r.wal_downtime_closed_form_ms.toFixed(1)}), ` +
  `${r.wal_writes_refused} writes refused, ${r.wal_rebuilds} rebuilds (${(r.wal_rebuild_bytes / 1e9).toFixed(2)} GB), ${r.wal_rejected_records} WAL records refused\n` +
  `  logical log:  downtime ${r.row_downtime_ms.toFixed(1)} ms (closed form ${r.row_downtime_closed_form_ms.toFixed(1)}), ` +
  `${r.row_writes_refused} writes refused, ${r.row_rebuilds} rebuilds\n`;

const FORMAT_COUNTS = [
  'writes_acked',
  'writes_refused',
  'rebuilds',
  'rebuild_bytes',
  'rejected_records',
  'divergent_rows_after',
];
const FORMAT_MEANS = ['downtime_ms', 'downtime_closed_form_ms', 'stalled_follower_ms'];
const both = (names: string[]) => ['wal', 'row'].flatMap((p) => names.map((n) => `${p}_${n}`));

/** The upgrade experiment (see the module's doc). */
export const upgrade = defineExperiment({
  name: 'upgrade',
  description:
    'rolling upgrade of the storage format, WAL shipping against a logical log: downtime of the switchover, refused writes, rebuilds',
  trialsUnit: 'upgrades (each run with both formats)',
  params,
  config: (v): Partial<RollingUpgradeConfig> => {
    const { writeRate, bandwidth, applyTime, ...rest } = v;
    return { ...rest, writeRatePerS: writeRate, bandwidthBytesPerS: bandwidth, apply: applyTime };
  },
  run: async (config, seed) => {
    const { runRollingUpgrade } = await import('../strategies/leader-follower/rolling-upgrade.js');
    return upgradeResult(runRollingUpgrade(config, seed));
  },
  summary,
  examples: [
    'upgrade',
    'upgrade --bandwidth 4e8 --json',
    'upgrade --to-version 1',
    'upgrade --keys 100000 --row-bytes 1e6 --after-ms 1.2e6',
  ],
  notes: `
The leader and its followers hold a table of --keys rows; clients write --write-rate times per
second. Each follower in turn restarts (--restart-ms) with its rows converted to --to-version,
--gap-ms apart; then the leader stops taking writes and asks follower 1 to take over at its last
log position, and is upgraded itself once it hears of the new leader. With WAL shipping a
follower of another version refuses the old leader's records and stops (rejected_records,
stalled_follower_ms), so follower 1 is rebuilt from a snapshot of the leader (keys x --row-bytes
at --bandwidth) before it promotes (--promote-ms), and the other followers are rebuilt from it
after; with the logical log follower 1 applies the last records and promotes. downtime_ms: the
time no node takes writes; downtime_closed_form_ms: 3 d + keys x row-bytes / bandwidth +
promote-ms across versions with WAL, d + promote-ms otherwise (d: the mean message delay).
writes_refused: writes sent while no node took them (or to the old leader before the client
heard of the new one). divergent_rows_after: rows differing from the new leader once writes
stopped and the cluster settled (0: every replica was rebuilt or caught up).

--json prints one object: wal_... and row_... (downtime_ms, downtime_closed_form_ms, writes_acked,
writes_refused, rebuilds, rebuild_bytes, rejected_records, stalled_follower_ms,
divergent_rows_after), intervals{wal_writes_refused,row_writes_refused} (count, of, p, Wilson 95%
low/high), seed and the config that ran.`,
  batch: {
    model: 'upgrade',
    batchTrials: 1,
    pool: {
      sum: both(FORMAT_COUNTS),
      meanOfSet: both(FORMAT_MEANS),
    },
    mainInterval: 'wal_writes_refused',
    template: async () => {
      const { runRollingUpgrade } = await import('../strategies/leader-follower/rolling-upgrade.js');
      const config: Partial<RollingUpgradeConfig> = {};
      return {
        result: upgradeResult(runRollingUpgrade({ keys: 10, rowBytes: 1e6, afterMs: 500 }, 1)),
        config,
      };
    },
  },
});
