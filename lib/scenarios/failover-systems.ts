/**
 * The failover managers and consensus systems of the reference file as scenarios, each a preset
 * of the failover experiment: Patroni, MongoDB replica set elections, etcd's Raft and the Raft
 * paper's recommendation.
 */
import { ParameterError } from '../errors.js';
import type { Check } from '../experiments/define.js';
import { failover } from '../experiments/failover.js';
import { choice, integer, number } from '../experiments/param.js';
import { checkPatroniRule, type PatroniNotice, type PatroniTiming } from './failover-arithmetic.js';
import { patroniFailoverExperiment, raftFailoverExperiment } from './failover-experiments.js';
import {
  coordinatorDerivations,
  failoverClusterValues,
  majorityAsyncFollowers,
} from './failover-parameters.js';
import {
  derive,
  derivedSetting,
  documented,
  labSetting,
  labValue,
  type Derivation,
  type ScenarioValues,
  type Setting,
} from './preset.js';
import { systemReference } from './system-reference.js';
import type { SystemScenario } from './system-scenario.js';

const TRIALS = { unit: 'independent leader crashes', default: 200, max: 100_000 };
const seconds = (doc: string) => (v: number) => number({ doc, unit: 's', gt: 0, default: v, valueName: 's' });
const ms = (doc: string) => (v: number) => number({ doc, unit: 'ms', gt: 0, default: v });

/** Patroni's timing from a scenario's values (ttlS, loopWaitS, retryTimeoutS, haNotice, leaseSweepMs, promoteMs). */
export function patroniTiming(values: ScenarioValues): PatroniTiming {
  return {
    ttlMs: 1000 * (values.ttlS as number),
    loopWaitMs: 1000 * (values.loopWaitS as number),
    retryTimeoutMs: 1000 * (values.retryTimeoutS as number),
    notice: {
      rule: values.haNotice as PatroniNotice['rule'],
      leaseSweepMs: values.leaseSweepMs as number,
      promoteMs: values.promoteMs as number,
    },
  };
}

const notNegativeMs = (doc: string) => (v: number) => number({ doc, unit: 'ms', min: 0, default: v });

/** Patroni's three documented settings, in seconds as Patroni's configuration writes them. */
export function patroniSettings(): Record<string, Setting> {
  return {
    ttlS: documented('patroni', 'ttl_s', seconds('leader lease TTL (Patroni ttl), s')),
    loopWaitS: documented(
      'patroni',
      'loop_wait_s',
      seconds('HA loop period, lease renewal and checks (Patroni loop_wait), s'),
    ),
    retryTimeoutS: documented(
      'patroni',
      'retry_timeout_s',
      seconds('DCS and PostgreSQL retry timeout (Patroni retry_timeout), s; enters the rule only'),
    ),
    haNotice: labSetting(
      'watch',
      "Patroni's replicas sleep in dcs.watch(), which the DCS watcher wakes as soon as the leader key is deleted (patroni/dcs/etcd3.py, KVCache._process_event; patroni/ha.py): they act at the expiry, not up to a loop later; measured against Patroni 3.0 by replilab calibrate patroni. loop: the documentation's reading (notice uniform in [0, loop_wait)), the scenario's rule before",
      (v: string) =>
        choice(['watch', 'loop'], {
          doc: 'how replicas learn the lease expired: watch (woken at the key deletion, then lease_sweep_ms and promote_ms) or loop (at their next HA loop, uniform in [0, loop_wait))',
          default: v,
        }),
    ),
    leaseSweepMs: labSetting(
      500,
      "etcd deletes an expired lease's keys at its next sweep: etcd 3.4's lessor looks for expired leases every 500 ms (lease/lessor.go, runLoop)",
      notNegativeMs(
        "the DCS's expiry sweep period, ms: the key goes a uniform [0, lease_sweep_ms) after the lease ran out (ha_notice=watch only)",
      ),
    ),
    promoteMs: labSetting(
      550,
      'measured: from the leader key gone to the first write the new primary takes (HA cycle, is_healthiest_node, the leader race, pg_ctl promote, end of recovery), median 567 ms over 10 failovers of Patroni 3.0 / PostgreSQL 15 at ttl 10, loop_wait 2 on the lab machine under load (replilab calibrate patroni; data/calibration/patroni.md)',
      notNegativeMs(
        'from the wake-up to the first write the promoted replica accepts, ms (ha_notice=watch only)',
      ),
    ),
  };
}

/** Patroni's rule loop_wait + 2 retry_timeout <= ttl, naming ttl_s. */
export const checkPatroniValues: Check<ScenarioValues> = (values) => {
  try {
    checkPatroniRule(patroniTiming(values), {
      ttl: 'ttlS',
      loopWait: 'loop_wait_s',
      retryTimeout: 'retry_timeout_s',
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    return { param: 'ttlS', allowed: error.allowed };
  }
};

/** PostgreSQL's synchronous standbys (synchronous_standby_names FIRST k). */
export function syncStandbysSetting(): Setting {
  return documented(
    'postgresql',
    'modes',
    (v: number) =>
      integer({
        doc: 'synchronous standbys (PostgreSQL synchronous_standby_names FIRST k); 0: asynchronous',
        default: v,
        min: 0,
        max: 63,
      }),
    0,
  );
}

/** Synchronous standbys at most the replicas. */
export const checkStandbys: Check<ScenarioValues> = (values) =>
  (values.syncStandbys as number) > (values.nodes as number) - 1
    ? {
        param: 'syncStandbys',
        allowed: `a whole number from 0 to nodes - 1 (${(values.nodes as number) - 1})`,
      }
    : undefined;

/**
 * The failover experiment's parameters Patroni's settings fix: its DCS lease is a coordinator's
 * timeout detector (timeout ttl, renewed every loop_wait), the crashed primary stays down
 * 2 (ttl + loop_wait), past any failover, and each trial goes on 2 loops + 1 s after it returns.
 */
export function patroniDerivations(): Record<string, Derivation> {
  return {
    ...coordinatorDerivations({
      election: { from: ['ttlS'], how: "coordinator: Patroni's DCS lease decides the leader" },
      detector: { from: ['ttlS'], how: 'timeout: the lease expires ttl after its last renewal' },
      period: { key: 'loopWaitS', name: 'loop_wait_s', why: 'the leader renews its lease each loop' },
      timeout: derive(['ttlS'], '1000 x ttl_s', (v) => 1000 * (v.ttlS as number)),
      asyncFollowers: derive(
        ['syncStandbys'],
        'nodes - 1 - sync_standbys',
        (v) => (v.nodes as number) - 1 - (v.syncStandbys as number),
      ),
    }),
    faultDurationMs: derive(
      ['ttlS', 'loopWaitS'],
      '2000 x (ttl_s + loop_wait_s): down past any failover',
      (v) => 2 * (1000 * (v.ttlS as number) + 1000 * (v.loopWaitS as number)),
    ),
  };
}

/** What a sweep over a Patroni preset runs, against `scenario run`. */
export const PATRONI_SWEEP =
  "A sweep runs the failover experiment with the derived values: the coordinator acts when the lease expires (timeout_ms = 1000 x ttl_s), without the HA-loop notice delay that scenario run adds per trial (ha_notice=watch: the expiry sweep, uniform in [0, lease_sweep_ms), and promote_ms; loop: uniform in [0, loop_wait)), so its recovery is shorter by that delay's mean; recovery and detection are quantiles of pooled histograms, not the exact order statistics of scenario run; the documented-arithmetic rows are scenario run's only.";

const patroniRef = systemReference('patroni');
/** Patroni managing PostgreSQL streaming replication (asynchronous by default). */
export const patroniScenario: SystemScenario = {
  name: 'patroni',
  system: 'patroni',
  family: 'leader-follower',
  description:
    'Patroni failover: DCS lease ttl 30 s renewed every loop_wait 10 s, replicas woken by the key deletion, most up-to-date promoted',
  source: patroniRef.source,
  trials: TRIALS,
  settings: { ...patroniSettings(), syncStandbys: syncStandbysSetting() },
  checks: [checkPatroniValues, checkStandbys],
  preset: {
    experiment: failover,
    values: {
      ...failoverClusterValues(),
      fault: labValue('crash', 'the scenario measures a crash of the primary'),
      warmupHeartbeats: labValue(2, 'two lease renewals before the crash'),
    },
    derive: patroniDerivations(),
    sweep: PATRONI_SWEEP,
  },
  plan: ({ values, experiment }, size) => [
    patroniFailoverExperiment(experiment, patroniTiming(values), size),
  ],
  assumptions: [
    "Recovery ends when the promoted replica's first heartbeat reaches the live followers; promotion costs promote_ms (ha_notice=watch), then 4 one-way delays and a disk write.",
    "The DCS is always reachable and answers at once; the coordinator promotes the replica with the longest log (Patroni's leader race on WAL position).",
  ],
};

const commitSetting = (system: string) =>
  derivedSetting(
    'majority',
    `commits wait for a majority (${system} elections need one): floor(nodes/2) synchronous followers, the rest asynchronous`,
    (v: 'majority' | 'async') =>
      choice(['majority', 'async'], {
        doc: 'majority (floor(nodes/2) sync followers) or async (all followers async)',
        default: v,
      }),
  );

const asyncFor = derive(['commit'], 'commit majority: nodes - 1 - floor(nodes/2); async: nodes - 1', (v) =>
  v.commit === 'async' ? (v.nodes as number) - 1 : majorityAsyncFollowers(v.nodes as number),
);

const spreadSetting = (value: number, why: string) =>
  labSetting(value, why, (v: number) =>
    number({
      doc: 'election timeouts drawn uniformly from [T, T (1 + spread)] (a fraction)',
      default: v,
      min: 0,
    }),
  );

/** Election timeout range [T, T (1 + spread)] from a base timeout key and the spread. */
const electionRange = (key: string, name: string) =>
  derive([key, 'electionTimeoutSpread'], `[T, T (1 + election_timeout_spread)], T = ${name}`, (v) => {
    const t = v[key] as number;
    return [t, t * (1 + (v.electionTimeoutSpread as number))];
  });

/** The crashed leader stays down 4 maximum election timeouts; each trial goes on 2 heartbeats + 1 s after it returns. */
function raftDerivations(
  range: Derivation,
  heartbeat: Derivation,
  heartbeatKey: string,
): Record<string, Derivation> {
  return {
    election: derive([heartbeatKey], 'raft: the followers elect a leader', () => 'raft'),
    electionTimeoutMs: range,
    heartbeatMs: heartbeat,
    faultDurationMs: derive(
      range.from,
      '4 x the maximum election timeout',
      (v) => 4 * (range.value(v) as number[])[1],
    ),
    observeMs: derive(
      [heartbeatKey],
      '2 heartbeats + 1000 ms',
      (v) => 2 * (heartbeat.value(v) as number) + 1000,
    ),
    asyncFollowers: asyncFor,
  };
}

const raftPresetValues = () => ({
  ...failoverClusterValues(),
  fault: labValue('crash', 'the scenario measures a crash of the leader'),
  warmupHeartbeats: labValue(3, 'three heartbeats before the crash'),
});

const RAFT_SWEEP =
  "A sweep runs the failover experiment with the derived values, as scenario run does, but reports recovery and detection as quantiles of pooled histograms, not exact order statistics; the documented-arithmetic rows are scenario run's only.";

const mongoRef = systemReference('mongodb');
/** MongoDB replica set elections: heartbeats every 2 s, election timeout 10 s. */
export const mongodbScenario: SystemScenario = {
  name: 'mongodb',
  system: 'mongodb',
  family: 'leader-follower',
  description:
    'MongoDB replica set: 2 s heartbeats, 10 s election timeout, Raft-style election of a new primary',
  source: mongoRef.source,
  observed: `${mongoRef.note as string} (${mongoRef.source})`,
  trials: TRIALS,
  settings: {
    heartbeatIntervalMillis: documented(
      'mongodb',
      'heartbeat_interval_s',
      ms('replica set heartbeat interval (settings.heartbeatIntervalMillis), ms'),
      1000 * (mongoRef.heartbeat_interval_s as number),
    ),
    electionTimeoutMillis: documented(
      'mongodb',
      'election_timeout_ms',
      ms('election timeout (settings.electionTimeoutMillis), ms'),
    ),
    electionTimeoutSpread: spreadSetting(
      0.15,
      'the reference gives no randomization; equal timeouts split votes, so each timeout is drawn from [T, 1.15 T] (lab default)',
    ),
    commit: commitSetting('MongoDB'),
  },
  preset: {
    experiment: failover,
    values: raftPresetValues(),
    derive: raftDerivations(
      electionRange('electionTimeoutMillis', 'election_timeout_millis'),
      derive(['heartbeatIntervalMillis'], 'heartbeat_interval_millis', (v) => v.heartbeatIntervalMillis),
      'heartbeatIntervalMillis',
    ),
    sweep: RAFT_SWEEP,
  },
  plan: ({ experiment }, size) => [raftFailoverExperiment(experiment, 'MongoDB election', size)],
  assumptions: [
    'Raft-style: a follower stands when no heartbeat or append arrived within its timeout; votes need a majority and an up-to-date log.',
    "Priorities, catch-up takeover and the primary's own step-down are not modelled.",
  ],
};

const etcdRef = systemReference('etcd-raft');
/** etcd's Raft: heartbeat 100 ms, election timeout 1000 ms. */
export const etcdScenario: SystemScenario = {
  name: 'etcd-raft',
  system: 'etcd-raft',
  family: 'leader-follower',
  description:
    'etcd Raft: 100 ms heartbeats, 1000 ms election timeout (randomized up to 2x), majority commit',
  source: etcdRef.source,
  trials: TRIALS,
  settings: {
    heartbeatIntervalMs: documented(
      'etcd-raft',
      'heartbeat_interval_ms',
      ms('etcd --heartbeat-interval, ms'),
    ),
    etcdElectionTimeoutMs: documented(
      'etcd-raft',
      'election_timeout_ms',
      ms('etcd --election-timeout, ms (at least 5 heartbeats; the base T of the failover range)'),
    ),
    electionTimeoutSpread: spreadSetting(
      1,
      "etcd documents the base timeout only; the lab randomizes over [T, 2T], the factor of 2 of the Raft paper's 150-300 ms",
    ),
    commit: commitSetting('Raft'),
  },
  checks: [
    (v) => {
      const h = v.heartbeatIntervalMs as number;
      return (v.etcdElectionTimeoutMs as number) < 5 * h
        ? {
            param: 'etcdElectionTimeoutMs',
            allowed: `at least 5 heartbeats (${5 * h} ms): etcd enforces election >= 5 heartbeats`,
          }
        : undefined;
    },
  ],
  preset: {
    experiment: failover,
    values: raftPresetValues(),
    derive: raftDerivations(
      electionRange('etcdElectionTimeoutMs', 'etcd_election_timeout_ms'),
      derive(['heartbeatIntervalMs'], 'heartbeat_interval_ms', (v) => v.heartbeatIntervalMs),
      'heartbeatIntervalMs',
    ),
    sweep: RAFT_SWEEP,
  },
  plan: ({ experiment }, size) => [raftFailoverExperiment(experiment, 'etcd Raft election', size)],
  assumptions: [
    "No pre-vote or check-quorum; the model's leader is elected with the Raft paper's rules (§5.2, §5.4.1).",
  ],
};

const raftRef = systemReference('raft-paper');
/** The Raft paper's recommended election timeout 150-300 ms. */
export const raftPaperScenario: SystemScenario = {
  name: 'raft-paper',
  system: 'raft-paper',
  family: 'leader-follower',
  description: 'Raft paper: election timeouts 150-300 ms, heartbeats well below them, majority commit',
  source: raftRef.source,
  trials: TRIALS,
  settings: { commit: commitSetting('Raft') },
  preset: {
    experiment: failover,
    values: {
      ...raftPresetValues(),
      electionTimeoutMs: {
        value: [150, 300],
        source: { kind: 'reference', setting: 'raft-paper.election_timeout_ms', text: raftRef.source },
      },
      heartbeatMs: labValue(
        50,
        "the paper asks broadcastTime << electionTimeout << MTBF and gives no heartbeat period; the failover model's default 50 ms",
      ),
    },
    derive: {
      election: derive(['commit'], 'raft', () => 'raft'),
      faultDurationMs: derive(
        ['electionTimeoutMs'],
        '4 x the maximum election timeout',
        (v) => 4 * (v.electionTimeoutMs as number[])[1],
      ),
      observeMs: derive(
        ['heartbeatMs'],
        '2 heartbeats + 1000 ms',
        (v) => 2 * (v.heartbeatMs as number) + 1000,
      ),
      asyncFollowers: asyncFor,
    },
    sweep: RAFT_SWEEP,
  },
  plan: ({ experiment }, size) => [raftFailoverExperiment(experiment, 'Raft election', size)],
  assumptions: [
    'Split votes run into a new round after the next timeout (§5.2); votes and terms are persisted before answering (Figure 2).',
  ],
};
