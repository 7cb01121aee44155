/**
 * Leader-follower databases of the reference file as scenarios: PostgreSQL (WAL shipping, async
 * or synchronous standbys, failed over by Patroni), MySQL (binlog formats, async or semi-sync,
 * failed over by Orchestrator) and DynamoDB (a leader per partition, eventually consistent reads).
 */
import { validateCommitConfig, type CommitConfig } from '../strategies/leader-follower/commit-config.js';
import type { FailoverConfig } from '../strategies/leader-follower/failover-config.js';
import {
  READ_ROUTINGS,
  validateLagConfig,
  type LagConfig,
} from '../strategies/leader-follower/lag-config.js';
import { runCommit } from '../strategies/leader-follower/run-commit.js';
import { runLag } from '../strategies/leader-follower/run-lag.js';
import { runLogFormats, type LogFormat } from '../strategies/leader-follower/log-formats.js';
import { failoverExperiment, patroniFailoverExperiment } from './failover-experiments.js';
import { failoverClusterConfig, failoverClusterParameters } from './failover-parameters.js';
import {
  asyncFromStandbys,
  checkPatroniValues,
  checkStandbys,
  patroniParameters,
  patroniTiming,
} from './failover-systems.js';
import { proportionMetric, summaryMetric, valueMetric } from './scenario-metric.js';
import { documented, labDefault, type ScenarioParameter, type ScenarioValues } from './scenario-parameter.js';
import { systemReference } from './system-reference.js';
import type { ScenarioExperiment, ScenarioRunSize, SystemScenario } from './system-scenario.js';

const TRIALS = {
  unit: "independent leader crashes (commit, log and lag runs use the models' default sizes)",
  default: 200,
  max: 100_000,
};

/**
 * Commit latency and durability exposure of a leader with `followers` followers, `sync` of them
 * synchronous (`semi` for MySQL's semi-synchronous mode), on the commit model.
 *
 * @example
 * commitExperiment(values, { mode: 'async' }, { trials: 200, seed: 1 });
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
  parameters: [
    documented(
      'postgresql',
      'modes',
      {
        key: 'sync_standbys',
        description: 'synchronous standbys (synchronous_standby_names FIRST k); 0 = asynchronous',
        kind: { type: 'number', min: 0, max: 63, integer: true },
      },
      0,
    ),
    documented(
      'postgresql',
      'log',
      { key: 'log_format', description: 'replication log', kind: { type: 'choice', allowed: ['wal'] } },
      'wal',
    ),
    ...patroniParameters(),
    ...failoverClusterParameters(),
  ],
  check(values) {
    checkStandbys(values);
    checkPatroniValues(values);
  },
  plan(values, size) {
    const k = values.sync_standbys as number;
    return [
      commitExperiment(
        values,
        k === 0 ? { mode: 'async', syncFollowers: null } : { mode: 'sync', syncFollowers: k },
        size,
      ),
      logFormatExperiment('wal', size),
      patroniFailoverExperiment(values, patroniTiming(values), asyncFromStandbys(values), size),
    ];
  },
  assumptions: [
    "Failover is not built in (reference); the scenario uses Patroni's documented settings as the manager.",
    "ANY k quorum commit is not modelled (the commit model's sync followers are fixed ones: FIRST k).",
  ],
};

/** Orchestrator's poll period and the lab's detection timeout, as `--set` parameters. */
export function orchestratorParameters(): ScenarioParameter[] {
  return [
    documented(
      'mysql',
      'failover_manager',
      {
        key: 'instance_poll_s',
        description: 'Orchestrator InstancePollSeconds, s',
        kind: { type: 'number', min: 0, minExclusive: true },
        fields: ['heartbeatMs'],
      },
      5,
    ),
    labDefault(
      2,
      'the reference gives no detection timeout (a dead primary needs a failed poll and agreeing replicas): the lab suspects after 2 poll periods without an answer',
      {
        key: 'detection_polls',
        description: 'polls without an answer before the primary is declared dead (> 1)',
        kind: { type: 'number', min: 1, minExclusive: true },
        fields: ['timeoutMs'],
      },
    ),
  ];
}

/**
 * The failover model's coordinator as Orchestrator: it polls the primary every InstancePollSeconds
 * (the model's heartbeat to the coordinator) and declares it dead after `detection_polls` polls.
 * Each trial goes on 2 polls + 1 s after the fault ends, so the new leader's appends reach the
 * returning old primary and it discards what it never replicated (`discarded_writes`).
 *
 * @example
 * orchestratorConfig({ instance_poll_s: 5, detection_polls: 2 }); // { election: 'coordinator', heartbeatMs: 5000, timeoutMs: 10000, ... }
 */
export function orchestratorConfig(values: ScenarioValues): Partial<FailoverConfig> {
  const poll = 1000 * (values.instance_poll_s as number);
  return {
    election: 'coordinator',
    detector: 'timeout',
    heartbeatMs: poll,
    timeoutMs: poll * (values.detection_polls as number),
    warmupHeartbeats: 2,
    observeMs: 2 * poll + 1000,
  };
}

/** Asynchronous followers of MySQL's replication mode (semi-sync: one follower acknowledges). */
export function mysqlAsyncFollowers(values: ScenarioValues): number {
  const replicas = (values.nodes as number) - 1;
  return values.replication === 'semi-sync' ? replicas - 1 : replicas;
}

/** MySQL's replication mode as a parameter. */
export function mysqlReplicationParameter(): ScenarioParameter {
  return documented(
    'mysql',
    'modes',
    {
      key: 'replication',
      description: "async or semi-sync (one follower's receipt before the ack)",
      kind: { type: 'choice', allowed: ['async', 'semi-sync'] },
    },
    'async',
  );
}

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
  parameters: [
    mysqlReplicationParameter(),
    labDefault('row', 'the reference names statement-based and row-based and no default; the lab takes row', {
      key: 'binlog_format',
      description: 'statement or row',
      kind: { type: 'choice', allowed: ['statement', 'row'] },
    }),
    ...orchestratorParameters(),
    ...failoverClusterParameters(),
  ],
  plan(values, size) {
    const semi = values.replication === 'semi-sync';
    const base: Partial<FailoverConfig> = {
      ...failoverClusterConfig(values),
      ...orchestratorConfig(values),
      fault: 'crash',
      faultDurationMs: 60000,
      asyncFollowers: mysqlAsyncFollowers(values),
    };
    return [
      commitExperiment(
        values,
        semi ? { mode: 'semi-sync', syncFollowers: null } : { mode: 'async', syncFollowers: null },
        size,
      ),
      logFormatExperiment(values.binlog_format as LogFormat, size),
      failoverExperiment(
        `failover by Orchestrator (poll ${values.instance_poll_s} s, dead after ${values.detection_polls} polls), crash of the primary`,
        base,
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
  parameters: [
    documented(
      'dynamodb',
      'note',
      {
        key: 'read_routing',
        description: `where reads go: ${READ_ROUTINGS.join(', ')}`,
        kind: { type: 'choice', allowed: READ_ROUTINGS },
        fields: ['routing'],
      },
      'random',
    ),
    labDefault(2, 'the reference gives no replica count; two followers per leader (three copies)', {
      key: 'followers',
      description: 'followers per partition',
      kind: { type: 'number', min: 1, max: 64, integer: true },
      fields: ['followers'],
    }),
    labDefault('lognormal(2,1)', "the lag model's default (median 7.4 ms)", {
      key: 'replication_latency',
      description: 'leader-to-follower delay, ms (distribution)',
      kind: { type: 'distribution', noneAllowed: false },
      fields: ['replicationLatency'],
    }),
    labDefault(0.2, "the lag model's default", {
      key: 'write_ratio',
      description: 'P(an operation is a write)',
      kind: { type: 'number', min: 0, max: 1 },
      fields: ['writeRatio'],
    }),
    labDefault(20, "the lag model's default", {
      key: 'keys',
      description: 'keys',
      kind: { type: 'number', min: 1, integer: true },
      fields: ['keys'],
    }),
  ],
  plan(values, size) {
    const config: Partial<LagConfig> = {
      routing: values.read_routing as LagConfig['routing'],
      followers: values.followers as number,
      replicationLatency: String(values.replication_latency),
      writeRatio: values.write_ratio as number,
      keys: values.keys as number,
      ops: size.trials,
    };
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
