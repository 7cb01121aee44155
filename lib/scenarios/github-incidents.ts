/**
 * GitHub's two MySQL failover incidents (the reference's mysql entry, GitHub engineering blog
 * posts of 2012-09-14 and 2018-10-30) as scenarios on the failover model:
 * - 2012: an out-of-date follower was promoted; the rows it never received had autoincrement ids
 *   that a store outside the database (Redis) still held, and the new primary issued those ids
 *   again to other rows, so the outside references pointed at the wrong rows (`reused_ids`).
 * - 2018: a 43 s network cut isolated the primary, Orchestrator promoted a replica in the other
 *   datacenter, and the cut-off primary's writes were never replicated (`discarded_writes`).
 */
import { failover } from '../experiments/failover.js';
import { choice, number } from '../experiments/param.js';
import { failoverConfigOf, failoverExperiment } from './failover-experiments.js';
import { failoverClusterValues } from './failover-parameters.js';
import { derive, derivedSetting, documented, labSetting, labValue } from './preset.js';
import {
  mysqlReplicationSetting,
  ORCHESTRATOR_VALUES,
  orchestratorDerivations,
  orchestratorSettings,
} from './replication-systems.js';
import { systemReference } from './system-reference.js';
import type { SystemScenario } from './system-scenario.js';

const mysqlRef = systemReference('mysql');
const TRIALS = { unit: 'independent incidents', default: 200, max: 100_000 };
const SWEEP =
  'A sweep runs the failover experiment with these values, as scenario run does, but reports recovery and detection as quantiles of pooled histograms, not exact order statistics.';

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
  settings: {
    replication: mysqlReplicationSetting(),
    ...orchestratorSettings(),
    staleReplicas: derivedSetting(
      'all',
      'mysql.incident (2012): "an out-of-date follower was promoted": every replica lags, so whichever is promoted is out of date',
      (v: 'all' | 'none') =>
        choice(['all', 'none'], { doc: 'replicas that lag: all (every replica) or none', default: v }),
    ),
  },
  preset: {
    experiment: failover,
    values: {
      ...failoverClusterValues(),
      ...ORCHESTRATOR_VALUES,
      fault: labValue('crash', 'the incident began with the primary failing'),
      faultDurationMs: labValue(60000, 'the primary stays down 60 s (lab default), past the failover'),
      staleLagMs: labValue(
        1000,
        'the incident report gives no lag; the lab ships entries to the lagging replicas 1000 ms late',
      ),
    },
    derive: {
      ...orchestratorDerivations(),
      staleFollowers: derive(['staleReplicas'], 'all: nodes - 1; none: 0', (v) =>
        v.staleReplicas === 'all' ? (v.nodes as number) - 1 : 0,
      ),
    },
    sweep: SWEEP,
  },
  plan: ({ experiment }, size) => [
    failoverExperiment(
      'failover to an out-of-date replica after a crash of the primary',
      failoverConfigOf(experiment),
      size,
    ),
  ],
  assumptions: [
    "Each acknowledged write's autoincrement id is its log position, handed to the client (and so to Redis); reused_ids counts positions a later leader gave to another write: outside references now naming the wrong row.",
    'The expected loss per crash is the write rate times the window of acknowledged writes not yet shipped to the promoted replica: stale_lag_ms + replication_delay - disk (means).',
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
  settings: {
    cutS: documented(
      'mysql',
      'incident',
      (v: number) =>
        number({
          doc: 'length of the network cut around the primary, s',
          unit: 's',
          gt: 0,
          default: v,
          valueName: 's',
        }),
      43,
    ),
    replication: mysqlReplicationSetting(),
    ...orchestratorSettings(),
    leasePolls: labSetting(
      2,
      'Orchestrator has no lease; with fencing=lease the lab makes it as long as detection (detection_polls poll periods), so it outlasts a lost poll and runs out about when a promotion comes',
      (v: number) =>
        number({
          doc: 'with fencing=lease: the lease, in poll periods (> 1: longer than the heartbeat that renews it)',
          gt: 1,
          default: v,
          valueName: 'polls',
        }),
    ),
  },
  preset: {
    experiment: failover,
    values: {
      ...failoverClusterValues(),
      ...ORCHESTRATOR_VALUES,
      fault: labValue('partition', 'a network cut around the primary'),
      fencing: labValue(
        'epoch',
        "the reference does not say the old primary was fenced: the replicas, repointed at the new primary, refuse its stale binlog (epoch), but nothing stops its own clients' writes through the cut; lease stops them when its lease runs out",
      ),
    },
    derive: {
      ...orchestratorDerivations(),
      faultDurationMs: derive(['cutS'], '1000 x cut_s', (v) => 1000 * (v.cutS as number)),
      leaseMs: derive(
        ['instancePollS', 'leasePolls'],
        '1000 x instance_poll_s x lease_polls',
        (v) => 1000 * (v.instancePollS as number) * (v.leasePolls as number),
      ),
    },
    sweep: SWEEP,
  },
  plan: ({ values, experiment }, size) => [
    failoverExperiment(
      `promotion across a ${values.cutS as number} s network cut`,
      failoverConfigOf(experiment),
      size,
    ),
  ],
  assumptions: [
    "The cut separates the primary from its replicas and from Orchestrator; its clients still reach it (the model's partition fault).",
    "discarded_writes are the old primary's writes that never reached the new one (GitHub's unreplicated writes); without fencing about write_rate x cut per incident.",
    'One latency for every link: the model has no per-datacenter delays.',
  ],
};
