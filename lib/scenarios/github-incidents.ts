/**
 * GitHub's two MySQL failover incidents (the reference's mysql entry, GitHub engineering blog
 * posts of 2012-09-14 and 2018-10-30) as scenarios on the failover model:
 * - 2012: an out-of-date follower was promoted; the rows it never received had autoincrement ids
 *   that a store outside the database (Redis) still held, and the new primary issued those ids
 *   again to other rows, so the outside references pointed at the wrong rows (`reused_ids`).
 * - 2018: a 43 s network cut isolated the primary, Orchestrator promoted a replica in the other
 *   datacenter, and the cut-off primary's writes were never replicated (`discarded_writes`).
 */
import type { FencingMode } from '../strategies/leader-follower/failover-config.js';
import { failoverExperiment } from './failover-experiments.js';
import { failoverClusterConfig, failoverClusterParameters } from './failover-parameters.js';
import {
  mysqlAsyncFollowers,
  mysqlReplicationParameter,
  orchestratorConfig,
  orchestratorParameters,
} from './replication-systems.js';
import { derived, documented, labDefault } from './scenario-parameter.js';
import { systemReference } from './system-reference.js';
import type { SystemScenario } from './system-scenario.js';

const mysqlRef = systemReference('mysql');
const TRIALS = { unit: 'independent incidents', default: 200, max: 100_000 };

/** GitHub 2012: promotion of an out-of-date follower whose autoincrement ids an outside store shared. */
export const github2012Scenario: SystemScenario = {
  name: 'github-2012',
  system: 'mysql',
  family: 'leader-follower',
  description:
    'GitHub 2012: an out-of-date MySQL replica promoted; autoincrement ids shared with Redis reissued to other rows',
  source: mysqlRef.source,
  observed:
    'GitHub, 2012: primary-key counters fell out of step with Redis and private data was shown to the wrong users (no count published).',
  trials: TRIALS,
  parameters: [
    mysqlReplicationParameter(),
    ...orchestratorParameters(),
    derived(
      'all',
      'mysql.incident (2012): "an out-of-date follower was promoted": every replica lags, so whichever is promoted is out of date',
      {
        key: 'stale_replicas',
        description: 'all (every replica lags) or none',
        kind: { type: 'choice', allowed: ['all', 'none'] },
        fields: ['staleFollowers'],
      },
    ),
    labDefault(
      1000,
      'the incident report gives no lag; the lab ships entries to the lagging replicas 1000 ms late',
      {
        key: 'replica_lag_ms',
        description: 'extra delay before entries reach a lagging replica, ms',
        kind: { type: 'number', min: 0 },
        fields: ['staleLagMs'],
      },
    ),
    ...failoverClusterParameters(),
  ],
  plan(values, size) {
    const nodes = values.nodes as number;
    return [
      failoverExperiment(
        'failover to an out-of-date replica after a crash of the primary',
        {
          ...failoverClusterConfig(values),
          ...orchestratorConfig(values),
          fault: 'crash',
          faultDurationMs: 60000,
          asyncFollowers: mysqlAsyncFollowers(values),
          staleFollowers: values.stale_replicas === 'all' ? nodes - 1 : 0,
          staleLagMs: values.replica_lag_ms as number,
        },
        size,
      ),
    ];
  },
  assumptions: [
    "Each acknowledged write's autoincrement id is its log position, handed to the client (and so to Redis); reused_ids counts positions a later leader gave to another write: outside references now naming the wrong row.",
    'The expected loss per crash is the write rate times the window of acknowledged writes not yet shipped to the promoted replica: replica_lag + replication_delay - disk (means).',
  ],
};

/** GitHub 2018: a 43 s network cut, cross-datacenter promotion, unreplicated writes. */
export const github2018Scenario: SystemScenario = {
  name: 'github-2018',
  system: 'mysql',
  family: 'leader-follower',
  description:
    "GitHub 2018: a 43 s network cut isolates the MySQL primary; Orchestrator promotes elsewhere; the old primary's writes are never replicated",
  source: mysqlRef.source,
  observed:
    'GitHub, 2018-10-21: a 43 s network cut led to cross-coast promotion; 954 writes on one cluster were never replicated.',
  trials: TRIALS,
  parameters: [
    documented(
      'mysql',
      'incident',
      {
        key: 'cut_s',
        description: 'length of the network cut around the primary, s',
        kind: { type: 'number', min: 0, minExclusive: true },
        fields: ['faultDurationMs'],
      },
      43,
    ),
    mysqlReplicationParameter(),
    ...orchestratorParameters(),
    labDefault(
      'epoch',
      "the reference does not say the old primary was fenced: the replicas, repointed at the new primary, refuse its stale binlog (epoch), but nothing stops its own clients' writes through the cut; lease stops them when its lease runs out",
      {
        key: 'fencing',
        description:
          'what stops the old primary: none, epoch (stale-term appends refused) or lease (it serves only while a majority-granted lease runs)',
        kind: { type: 'choice', allowed: ['none', 'epoch', 'lease'] },
        fields: ['fencing'],
      },
    ),
    labDefault(
      2,
      'Orchestrator has no lease; with fencing=lease the lab makes it as long as detection (detection_polls poll periods), so it outlasts a lost poll and runs out about when a promotion comes',
      {
        key: 'lease_polls',
        description:
          'with fencing=lease: the lease, in poll periods (> 1: longer than the heartbeat that renews it)',
        kind: { type: 'number', min: 1, minExclusive: true },
        fields: ['leaseMs'],
      },
    ),
    ...failoverClusterParameters(),
  ],
  plan(values, size) {
    return [
      failoverExperiment(
        `promotion across a ${values.cut_s} s network cut`,
        {
          ...failoverClusterConfig(values),
          ...orchestratorConfig(values),
          fault: 'partition',
          faultDurationMs: 1000 * (values.cut_s as number),
          asyncFollowers: mysqlAsyncFollowers(values),
          fencing: values.fencing as FencingMode,
          leaseMs: 1000 * (values.instance_poll_s as number) * (values.lease_polls as number),
        },
        size,
      ),
    ];
  },
  assumptions: [
    "The cut separates the primary from its replicas and from Orchestrator; its clients still reach it (the model's partition fault).",
    "discarded_writes are the old primary's writes that never reached the new one (GitHub's unreplicated writes); without fencing about write_rate x cut per incident.",
    'One latency for every link: the model has no per-datacenter delays.',
  ],
};
