/**
 * The failover managers and consensus systems of the reference file as scenarios: Patroni,
 * MongoDB replica set elections, etcd's Raft and the Raft paper's recommendation.
 */
import { ParameterError } from '../errors.js';
import { checkPatroniRule, type PatroniTiming } from './failover-arithmetic.js';
import { patroniFailoverExperiment, raftFailoverExperiment } from './failover-experiments.js';
import { failoverClusterParameters, majorityAsyncFollowers } from './failover-parameters.js';
import {
  derived,
  documented,
  labDefault,
  type ScenarioParameter,
  type ScenarioValues,
} from './scenario-parameter.js';
import { setFlag } from './set-overrides.js';
import { systemReference } from './system-reference.js';
import type { SystemScenario } from './system-scenario.js';

const TRIALS = { unit: 'independent leader crashes', default: 200, max: 100_000 };
const seconds = { type: 'number' as const, min: 0, minExclusive: true };
const ms = seconds;

/** Patroni's timing from a scenario's values (ttl_s, loop_wait_s, retry_timeout_s). */
export function patroniTiming(values: ScenarioValues): PatroniTiming {
  return {
    ttlMs: 1000 * (values.ttl_s as number),
    loopWaitMs: 1000 * (values.loop_wait_s as number),
    retryTimeoutMs: 1000 * (values.retry_timeout_s as number),
  };
}

/** Patroni's three documented settings, as `--set` parameters. */
export function patroniParameters(): ScenarioParameter[] {
  return [
    documented('patroni', 'ttl_s', { key: 'ttl_s', description: 'leader lease TTL, s', kind: seconds }),
    documented('patroni', 'loop_wait_s', {
      key: 'loop_wait_s',
      description: 'HA loop period (lease renewal and checks), s',
      kind: seconds,
    }),
    documented('patroni', 'retry_timeout_s', {
      key: 'retry_timeout_s',
      description: 'DCS/PostgreSQL retry timeout, s (enters the rule only)',
      kind: seconds,
    }),
  ];
}

/** Patroni's rule, naming the `--set` keys. */
export function checkPatroniValues(values: ScenarioValues): void {
  checkPatroniRule(patroniTiming(values), {
    ttl: setFlag('ttl_s'),
    loopWait: 'loop_wait_s',
    retryTimeout: 'retry_timeout_s',
  });
}

const postgresAsync = documented(
  'postgresql',
  'modes',
  {
    key: 'sync_standbys',
    description: 'synchronous standbys (synchronous_standby_names FIRST k); 0 = asynchronous',
    kind: { type: 'number', min: 0, max: 63, integer: true },
  },
  0,
);

const patroniRef = systemReference('patroni');
/** Patroni managing PostgreSQL streaming replication (asynchronous by default). */
export const patroniScenario: SystemScenario = {
  name: 'patroni',
  system: 'patroni',
  family: 'leader-follower',
  description:
    'Patroni failover: DCS lease ttl 30 s renewed every loop_wait 10 s, replicas notice within a loop, most up-to-date promoted',
  source: patroniRef.source,
  trials: TRIALS,
  parameters: [...patroniParameters(), postgresAsync, ...failoverClusterParameters()],
  check(values) {
    checkPatroniValues(values);
    checkStandbys(values);
  },
  plan: (values, size) => [
    patroniFailoverExperiment(values, patroniTiming(values), asyncFromStandbys(values), size),
  ],
  assumptions: [
    "Recovery ends when the promoted replica's first heartbeat reaches the live followers; promotion costs 4 one-way delays and a disk write (no pg_ctl promote time).",
    "The DCS is always reachable and answers at once; the coordinator promotes the replica with the longest log (Patroni's leader race on WAL position).",
  ],
};

/** Synchronous standbys at most the replicas. */
export function checkStandbys(values: ScenarioValues): void {
  const replicas = (values.nodes as number) - 1;
  if ((values.sync_standbys as number) > replicas)
    throw new ParameterError(
      setFlag('sync_standbys'),
      String(values.sync_standbys),
      `an integer from 0 to nodes - 1 (${replicas})`,
    );
}

/** Asynchronous followers from the count of synchronous standbys. */
export function asyncFromStandbys(values: ScenarioValues): number {
  return (values.nodes as number) - 1 - (values.sync_standbys as number);
}

/** Election timeout range [T, T (1 + spread)]. */
function electionRange(values: ScenarioValues): [number, number] {
  const t = values.election_timeout_ms as number;
  return [t, t * (1 + (values.election_timeout_spread as number))];
}

function checkHeartbeatBelowTimeout(values: ScenarioValues, timeoutKey: string, minTimeout: number): void {
  if ((values.heartbeat_interval_ms as number) >= minTimeout) {
    throw new ParameterError(
      setFlag('heartbeat_interval_ms'),
      String(values.heartbeat_interval_ms),
      `less than ${timeoutKey} (${minTimeout} ms)`,
    );
  }
}

const majorityCommit = (system: string) =>
  derived(
    'majority',
    `commits wait for a majority (${system} elections need one): floor(nodes/2) synchronous followers, the rest asynchronous`,
    {
      key: 'commit',
      description: 'majority (floor(nodes/2) sync followers) or async (all followers async)',
      kind: { type: 'choice', allowed: ['majority', 'async'] },
      fields: ['asyncFollowers'],
    },
  );

const asyncFor = (values: ScenarioValues): number =>
  values.commit === 'async' ? (values.nodes as number) - 1 : majorityAsyncFollowers(values.nodes as number);

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
  parameters: [
    documented(
      'mongodb',
      'heartbeat_interval_s',
      {
        key: 'heartbeat_interval_ms',
        description: 'heartbeat interval, ms',
        kind: ms,
        fields: ['heartbeatMs'],
      },
      1000 * (mongoRef.heartbeat_interval_s as number),
    ),
    documented('mongodb', 'election_timeout_ms', {
      key: 'election_timeout_ms',
      description: 'election timeout (electionTimeoutMillis), ms',
      kind: ms,
      fields: ['electionTimeoutMs'],
    }),
    labDefault(
      0.15,
      'the reference gives no randomization; equal timeouts split votes, so each timeout is drawn from [T, 1.15 T] (lab default)',
      {
        key: 'election_timeout_spread',
        description: 'timeouts drawn uniformly from [T, T (1 + spread)]',
        kind: { type: 'number', min: 0 },
        fields: ['electionTimeoutMs'],
      },
    ),
    majorityCommit('MongoDB'),
    ...failoverClusterParameters(),
  ],
  check: (values) =>
    checkHeartbeatBelowTimeout(values, 'election_timeout_ms', values.election_timeout_ms as number),
  plan: (values, size) => [
    raftFailoverExperiment(
      values,
      'MongoDB election',
      {
        electionTimeoutMs: electionRange(values),
        heartbeatMs: values.heartbeat_interval_ms as number,
        asyncFollowers: asyncFor(values),
      },
      size,
    ),
  ],
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
  parameters: [
    documented('etcd-raft', 'heartbeat_interval_ms', {
      key: 'heartbeat_interval_ms',
      description: 'heartbeat interval, ms',
      kind: ms,
      fields: ['heartbeatMs'],
    }),
    documented('etcd-raft', 'election_timeout_ms', {
      key: 'election_timeout_ms',
      description: 'election timeout, ms (>= 5 heartbeats)',
      kind: ms,
      fields: ['electionTimeoutMs'],
    }),
    labDefault(
      1,
      "etcd documents the base timeout only; the lab randomizes over [T, 2T], the factor of 2 of the Raft paper's 150-300 ms",
      {
        key: 'election_timeout_spread',
        description: 'timeouts drawn uniformly from [T, T (1 + spread)]',
        kind: { type: 'number', min: 0 },
        fields: ['electionTimeoutMs'],
      },
    ),
    majorityCommit('Raft'),
    ...failoverClusterParameters(),
  ],
  check(values) {
    const h = values.heartbeat_interval_ms as number;
    if ((values.election_timeout_ms as number) < 5 * h) {
      throw new ParameterError(
        setFlag('election_timeout_ms'),
        String(values.election_timeout_ms),
        `at least 5 heartbeats (${5 * h} ms): etcd enforces election >= 5 heartbeats`,
      );
    }
  },
  plan: (values, size) => [
    raftFailoverExperiment(
      values,
      'etcd Raft election',
      {
        electionTimeoutMs: electionRange(values),
        heartbeatMs: values.heartbeat_interval_ms as number,
        asyncFollowers: asyncFor(values),
      },
      size,
    ),
  ],
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
  parameters: [
    documented(
      'raft-paper',
      'election_timeout_ms',
      {
        key: 'election_timeout_min_ms',
        description: 'election timeout range, low end, ms',
        kind: ms,
        fields: ['electionTimeoutMs'],
      },
      150,
    ),
    documented(
      'raft-paper',
      'election_timeout_ms',
      {
        key: 'election_timeout_max_ms',
        description: 'election timeout range, high end, ms',
        kind: ms,
        fields: ['electionTimeoutMs'],
      },
      300,
    ),
    labDefault(
      50,
      "the paper asks broadcastTime << electionTimeout << MTBF and gives no heartbeat period; the failover model's default 50 ms",
      {
        key: 'heartbeat_interval_ms',
        description: 'heartbeat interval, ms',
        kind: ms,
        fields: ['heartbeatMs'],
      },
    ),
    majorityCommit('Raft'),
    ...failoverClusterParameters(),
  ],
  check(values) {
    const [low, high] = [values.election_timeout_min_ms as number, values.election_timeout_max_ms as number];
    if (low > high)
      throw new ParameterError(
        setFlag('election_timeout_min_ms'),
        String(low),
        `at most election_timeout_max_ms (${high})`,
      );
    checkHeartbeatBelowTimeout(values, 'election_timeout_min_ms', low);
  },
  plan: (values, size) => [
    raftFailoverExperiment(
      values,
      'Raft election',
      {
        electionTimeoutMs: [
          values.election_timeout_min_ms as number,
          values.election_timeout_max_ms as number,
        ],
        heartbeatMs: values.heartbeat_interval_ms as number,
        asyncFollowers: asyncFor(values),
      },
      size,
    ),
  ],
  assumptions: [
    'Split votes run into a new round after the next timeout (§5.2); votes and terms are persisted before answering (Figure 2).',
  ],
};
