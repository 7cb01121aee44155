/**
 * Leader-follower databases of the reference file as scenarios: PostgreSQL (WAL shipping, async
 * or synchronous standbys, failed over by Patroni), MySQL (binlog formats, async or semi-sync,
 * failed over by Orchestrator) and DynamoDB (a leader per partition, eventually consistent reads).
 */
import { failover } from '../experiments/failover.js';
import { lag } from '../experiments/lag.js';
import { choice, number } from '../experiments/param.js';
import { validateCommitConfig, type CommitConfig } from '../strategies/leader-follower/commit-config.js';
import { validateLagConfig, type LagConfig } from '../strategies/leader-follower/lag-config.js';
import { runCommit } from '../strategies/leader-follower/run-commit.js';
import { runLag } from '../strategies/leader-follower/run-lag.js';
import { runLogFormats, type LogFormat } from '../strategies/leader-follower/log-formats.js';
import { runRollingUpgrade } from '../strategies/leader-follower/rolling-upgrade.js';
import { failoverConfigOf, failoverExperiment, patroniFailoverExperiment } from './failover-experiments.js';
import { coordinatorDerivations, failoverClusterValues } from './failover-parameters.js';
import {
  checkPatroniValues,
  checkStandbys,
  PATRONI_SWEEP,
  patroniDerivations,
  patroniSettings,
  patroniTiming,
  syncStandbysSetting,
} from './failover-systems.js';
import {
  derive,
  documented,
  documentedValue,
  labSetting,
  labValue,
  type Derivation,
  type ScenarioValues,
  type Setting,
} from './preset.js';
import { proportionMetric, summaryMetric, valueMetric } from './scenario-metric.js';
import { systemReference } from './system-reference.js';
import type { ScenarioExperiment, ScenarioRunSize, SystemScenario } from './system-scenario.js';

const TRIALS = {
  unit: "independent leader crashes (commit, log and lag runs use the models' default sizes)",
  default: 200,
  max: 100_000,
};

/**
 * Commit latency and durability exposure of a leader with nodes - 1 followers, `sync` of them
 * synchronous (`semi` for MySQL's semi-synchronous mode), on the commit model; `values` are the
 * failover experiment's (nodes, latency, disk).
 *
 * @example
 * commitExperiment(resolveScenario(postgresqlScenario).experiment, { mode: 'async', syncFollowers: null }, { trials: 200, seed: 1 });
 */
export function commitExperiment(
  values: ScenarioValues,
  mode: Pick<CommitConfig, 'mode' | 'syncFollowers'>,
  size: ScenarioRunSize,
): ScenarioExperiment {
  const config: Partial<CommitConfig> = {
    followers: (values.nodes as number) - 1,
    ...mode,
    latency: String(values.latency),
    disk: String(values.disk),
  };
  return {
    name: `commit (${mode.mode}${mode.syncFollowers ? `, ${mode.syncFollowers} sync` : ''}, ${config.followers} followers)`,
    validate: () => void validateCommitConfig(config),
    run: async () => {
      const r = runCommit(config, size.seed);
      return [
        summaryMetric('commit_latency_ms', 'commit latency', r.commit_latency_ms),
        proportionMetric(
          'instants_with_acked_writes_at_risk',
          'instants at which an acknowledged write is on the leader only',
          r.acked_writes_at_risk.any,
        ),
        valueMetric(
          'acked_writes_at_risk_mean',
          'acknowledged writes on the leader only, mean over instants',
          r.acked_writes_at_risk.mean,
          'writes',
        ),
      ];
    },
  };
}

/**
 * What a replication log format does to a follower (the log-format model, default workload):
 * divergent rows (statement-based replays autoincrement, now() and rand() differently) and
 * whether the follower keeps up.
 *
 * @example
 * logFormatExperiment('wal', { trials: 200, seed: 1 });
 */
export function logFormatExperiment(format: LogFormat, size: ScenarioRunSize): ScenarioExperiment {
  return {
    name: `replication log: ${format}`,
    validate: () => {},
    run: async () => {
      const outcome = runLogFormats({}, size.seed).find((o) => o.format === format);
      if (outcome === undefined) throw new Error(`runLogFormats returned no ${format} outcome`);
      return [
        proportionMetric('divergent_rows', `rows that differ between leader and follower (${format})`, {
          count: outcome.divergent_rows,
          of: outcome.rows,
        }),
        valueMetric(
          'apply_capacity_per_s',
          'follower apply capacity, transactions per second',
          outcome.apply_capacity_per_s,
          'tx/s',
        ),
      ];
    },
  };
}

/**
 * A rolling upgrade of the storage format (the upgrade experiment's model at its defaults, with
 * 1000 rows of 1 MB: the same 1 GB to rebuild, fewer rows to convert): the write unavailability
 * of the switchover with this system's log. WAL (PostgreSQL's physical replication) cannot cross
 * versions, so the switchover waits for a rebuild; a logical log (MySQL's binlog) keeps
 * replicating.
 *
 * @example
 * rollingUpgradeExperiment('wal', { trials: 200, seed: 1 });
 */
export function rollingUpgradeExperiment(format: 'wal' | 'row', size: ScenarioRunSize): ScenarioExperiment {
  return {
    name: `rolling upgrade of the storage format: ${format === 'wal' ? 'WAL shipping' : 'logical log'}`,
    validate: () => {},
    run: async () => {
      const outcome = runRollingUpgrade({ keys: 1000, rowBytes: 1e6, afterMs: 15000 }, size.seed).find(
        (o) => o.format === format,
      );
      if (outcome === undefined) throw new Error(`runRollingUpgrade returned no ${format} outcome`);
      return [
        valueMetric(
          'upgrade_downtime_ms',
          'time no node takes writes during the switchover',
          outcome.downtime_ms,
          'ms',
        ),
        proportionMetric('upgrade_writes_refused', 'client writes refused during the upgrade', {
          count: outcome.writes_refused,
          of: outcome.writes_acked + outcome.writes_refused,
        }),
      ];
    },
  };
}

/** What a sweep over PostgreSQL or MySQL runs, against `scenario run`. */
const COMMIT_LOG_NOT_SWEPT =
  'The commit-latency, replication-log and rolling-upgrade rows come from other models (commit, log formats, the upgrade experiment at its defaults) that a sweep over this scenario does not run: scenario run only.';

const pgRef = systemReference('postgresql');
/** PostgreSQL streaming replication (WAL), asynchronous by default, failed over by Patroni. */
export const postgresqlScenario: SystemScenario = {
  name: 'postgresql',
  system: 'postgresql',
  family: 'leader-follower',
  description:
    'PostgreSQL: WAL streaming to async (or FIRST k sync) standbys; commit latency, WAL divergence, failover by Patroni defaults',
  source: pgRef.source,
  trials: TRIALS,
  settings: {
    syncStandbys: syncStandbysSetting(),
    logFormat: documented(
      'postgresql',
      'log',
      (v: 'wal') => choice(['wal'], { doc: 'replication log (WAL, physical)', default: v }),
      'wal',
    ),
    ...patroniSettings(),
  },
  checks: [checkStandbys, checkPatroniValues],
  preset: {
    experiment: failover,
    values: {
      ...failoverClusterValues(),
      fault: labValue('crash', 'the scenario measures a crash of the primary'),
      warmupHeartbeats: labValue(2, 'two lease renewals before the crash'),
    },
    derive: patroniDerivations(),
    sweep: `${PATRONI_SWEEP} ${COMMIT_LOG_NOT_SWEPT}`,
  },
  plan({ values, experiment }, size) {
    const k = values.syncStandbys as number;
    return [
      commitExperiment(
        experiment,
        k === 0 ? { mode: 'async', syncFollowers: null } : { mode: 'sync', syncFollowers: k },
        size,
      ),
      logFormatExperiment('wal', size),
      rollingUpgradeExperiment('wal', size),
      patroniFailoverExperiment(experiment, patroniTiming(values), size),
    ];
  },
  assumptions: [
    "Failover is not built in (reference); the scenario uses Patroni's documented settings as the manager.",
    "ANY k quorum commit is not modelled (the commit model's sync followers are fixed ones: FIRST k).",
  ],
};

/** Orchestrator's poll period and the lab's detection timeout. */
export function orchestratorSettings(): Record<string, Setting> {
  return {
    instancePollS: documented(
      'mysql',
      'failover_manager',
      (v: number) =>
        number({ doc: 'Orchestrator InstancePollSeconds, s', unit: 's', gt: 0, default: v, valueName: 's' }),
      5,
    ),
    detectionPolls: labSetting(
      2,
      'the reference gives no detection timeout (a dead primary needs a failed poll and agreeing replicas): the lab suspects after 2 poll periods without an answer',
      (v: number) =>
        number({
          doc: 'polls without an answer before the primary is declared dead (> 1)',
          gt: 1,
          default: v,
          valueName: 'polls',
        }),
    ),
  };
}

/**
 * The failover model's coordinator as Orchestrator: it polls the primary every InstancePollSeconds
 * (the model's heartbeat to the coordinator) and declares it dead after `detection_polls` polls.
 * Each trial goes on 2 polls + 1 s after the fault ends, so the new leader's appends reach the
 * returning old primary and it discards what it never replicated (`discarded_writes`).
 */
export function orchestratorDerivations(): Record<string, Derivation> {
  return coordinatorDerivations({
    election: { from: ['instancePollS'], how: 'coordinator: Orchestrator promotes a replica' },
    detector: { from: ['detectionPolls'], how: 'timeout: dead after detection_polls unanswered polls' },
    period: { key: 'instancePollS', name: 'instance_poll_s' },
    timeout: derive(
      ['detectionPolls'],
      '1000 x instance_poll_s x detection_polls',
      (v) => 1000 * (v.instancePollS as number) * (v.detectionPolls as number),
    ),
    asyncFollowers: derive(
      ['replication'],
      'async: nodes - 1; semi-sync: nodes - 2 (one follower acknowledges)',
      (v) => mysqlAsyncFollowers(v),
    ),
  });
}

/** Asynchronous followers of MySQL's replication mode (semi-sync: one follower acknowledges). */
export function mysqlAsyncFollowers(values: ScenarioValues): number {
  const replicas = (values.nodes as number) - 1;
  return values.replication === 'semi-sync' ? replicas - 1 : replicas;
}

/** MySQL's replication mode as a setting. */
export function mysqlReplicationSetting(): Setting {
  return documented(
    'mysql',
    'modes',
    (v: 'async' | 'semi-sync') =>
      choice(['async', 'semi-sync'], {
        doc: "MySQL replication: async, or semi-sync (one follower's receipt before the ack)",
        default: v,
      }),
    'async',
  );
}

/** The failover experiment values MySQL's scenarios preset besides the cluster's. */
export const ORCHESTRATOR_VALUES = {
  warmupHeartbeats: labValue(2, 'two polls before the fault'),
};

const mysqlRef = systemReference('mysql');
/** MySQL binlog replication, async or semi-sync, failed over by Orchestrator. */
export const mysqlScenario: SystemScenario = {
  name: 'mysql',
  system: 'mysql',
  family: 'leader-follower',
  description:
    'MySQL: binlog (statement or row) to async or semi-sync replicas; commit latency, divergence, failover by Orchestrator (poll 5 s)',
  source: mysqlRef.source,
  trials: TRIALS,
  settings: {
    replication: mysqlReplicationSetting(),
    binlogFormat: labSetting(
      'row',
      'the reference names statement-based and row-based and no default; the lab takes row',
      (v: 'statement' | 'row') =>
        choice(['statement', 'row'], { doc: 'MySQL binlog_format: statement or row', default: v }),
    ),
    ...orchestratorSettings(),
  },
  preset: {
    experiment: failover,
    values: {
      ...failoverClusterValues(),
      ...ORCHESTRATOR_VALUES,
      fault: labValue('crash', 'the scenario measures a crash of the primary'),
      faultDurationMs: labValue(60000, 'the primary stays down 60 s (lab default), past the failover'),
    },
    derive: orchestratorDerivations(),
    sweep: `A sweep runs the failover experiment with these values, as scenario run does, but reports recovery and detection as quantiles of pooled histograms, not exact order statistics. ${COMMIT_LOG_NOT_SWEPT}`,
  },
  plan({ values, experiment }, size) {
    const semi = values.replication === 'semi-sync';
    return [
      commitExperiment(
        experiment,
        semi ? { mode: 'semi-sync', syncFollowers: null } : { mode: 'async', syncFollowers: null },
        size,
      ),
      logFormatExperiment(values.binlogFormat as LogFormat, size),
      rollingUpgradeExperiment('row', size),
      failoverExperiment(
        `failover by Orchestrator (poll ${values.instancePollS as number} s, dead after ${values.detectionPolls as number} polls), crash of the primary`,
        failoverConfigOf(experiment),
        size,
      ),
    ];
  },
  assumptions: [
    'In the failover model semi-sync is one fixed synchronous follower (no fallback to async after its timeout); the commit model has the fallback.',
    'The primary stays down 60 s (lab default), past the failover.',
  ],
};

const dynamodbRef = systemReference('dynamodb');
/** DynamoDB: a leader per partition; eventually consistent reads from any replica. */
export const dynamodbScenario: SystemScenario = {
  name: 'dynamodb',
  system: 'dynamodb',
  family: 'leader-follower',
  description:
    'DynamoDB: a leader per partition; eventually consistent reads from a replica (strong reads go to the leader)',
  source: dynamodbRef.source,
  trials: { unit: 'operations in the run', default: 20000, max: 10_000_000 },
  settings: {},
  preset: {
    experiment: lag,
    values: {
      routing: documentedValue('dynamodb', 'note', 'random'),
      followers: labValue(2, 'the reference gives no replica count; two followers per leader (three copies)'),
      ops: labValue(
        20000,
        'the default run size of scenario run (--trials 20000): a sweep cell runs as many',
      ),
    },
    derive: {},
    sweep:
      'A sweep runs the lag experiment with these values (ops per run from the ops key; scenario run sets ops from --trials); the same metrics, pooled over the runs of a cell.',
  },
  plan({ experiment }, size) {
    const config: Partial<LagConfig> = lag.config({ ...experiment, ops: size.trials } as never);
    return [
      {
        name: `eventually consistent reads (routing ${config.routing}), ${size.trials} operations`,
        validate: () => void validateLagConfig(config),
        run: async () => {
          const r = runLag(config, size.seed);
          return [
            proportionMetric(
              'ryw_violations',
              "reads missing the reader's own acknowledged write",
              r.intervals.ryw_violations,
            ),
            proportionMetric(
              'monotonic_read_violations',
              "reads older than the reader's previous read",
              r.intervals.monotonic_read_violations,
            ),
            proportionMetric(
              'consistent_prefix_violations',
              'reads that see an answer without its question',
              r.intervals.consistent_prefix_violations,
            ),
            proportionMetric(
              'leader_read_share',
              'reads served by the leader',
              r.intervals.leader_read_share,
            ),
            summaryMetric('lag_ms', 'replication lag', r.lag_ms),
          ];
        },
      },
    ];
  },
  assumptions: [
    'Strongly consistent reads go to the leader and are never stale; the scenario measures eventually consistent reads (any follower).',
  ],
};
