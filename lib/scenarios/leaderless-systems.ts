/**
 * The leaderless systems of the reference file as scenarios: Dynamo, Riak, Cassandra (on the
 * leaderless cluster model) and LinkedIn's Voldemort (PBS staleness under its measured latencies).
 */
import { ParameterError } from '../errors.js';
import { resolveLatency } from '../latency/index.js';
import {
  runStaleness,
  validateStalenessOptions,
  type StalenessOptions,
} from '../experiments/staleness-run.js';
import {
  checkQuorums,
  documentedQuorums,
  leaderlessExperiment,
  leaderlessWorkloadParameters,
} from './leaderless-parameters.js';
import { proportionMetric, valueMetric } from './scenario-metric.js';
import { documented, labDefault, type ScenarioValues } from './scenario-parameter.js';
import { setFlag } from './set-overrides.js';
import { systemReference } from './system-reference.js';
import type { SystemScenario } from './system-scenario.js';

const whole = (min: number, max?: number) => ({ type: 'number' as const, min, max, integer: true });
const OPS = { unit: 'operations in the run', default: 20000, max: 10_000_000 };

const dynamoRef = systemReference('dynamo');
/** Dynamo (DeCandia et al., SOSP 2007): N=3, R=2, W=2, vector clocks (siblings), sloppy quorum with hinted handoff, Merkle anti-entropy. */
export const dynamoScenario: SystemScenario = {
  name: 'dynamo',
  system: 'dynamo',
  family: 'leaderless',
  description:
    'Dynamo: N=3 R=2 W=2, vector-clock siblings, sloppy quorum + hinted handoff, Merkle anti-entropy',
  source: dynamoRef.source,
  observed: dynamoRef.observed,
  trials: OPS,
  parameters: [
    ...documentedQuorums('dynamo'),
    documented(
      'dynamo',
      'notes',
      {
        key: 'conflict',
        description: 'concurrent writes: siblings (vector clocks) or lww',
        kind: { type: 'choice', allowed: ['siblings', 'lww'] },
        fields: ['conflict'],
      },
      'siblings',
    ),
    documented(
      'dynamo',
      'notes',
      {
        key: 'sloppy',
        description: 'sloppy quorum with hinted handoff',
        kind: { type: 'boolean' },
        fields: ['sloppy'],
      },
      true,
    ),
    labDefault(
      1000,
      'Merkle anti-entropy is documented without a period; the lab runs a round every 1000 ms (0: off)',
      {
        key: 'anti_entropy_interval_ms',
        description: 'anti-entropy round period, ms (0: off)',
        kind: { type: 'number', min: 0 },
        fields: ['antiEntropyIntervalMs'],
      },
    ),
    labDefault(
      'lnkd-ssd',
      'Dynamo publishes no per-message latencies; the lab uses its default preset (LinkedIn SSD, PBS paper Table 3)',
      {
        key: 'latency',
        description: 'message delays: a preset or a distribution',
        kind: { type: 'latency' },
        fields: ['latency'],
      },
    ),
    ...leaderlessWorkloadParameters(),
  ],
  check: checkQuorums,
  plan: (values, size) => [leaderlessExperiment(values, size)],
  assumptions: [
    'Writes are blind unless the client read the key first (no shopping-cart merge logic); concurrent writers make siblings.',
    'Gossip membership (one random peer per second) is not modelled: the sloppy quorum sees node state exactly (LeaderlessConfig.sloppy).',
    'Vector clocks are exact dotted version vectors, not truncated at 10 entries.',
  ],
};

const riakRef = systemReference('riak');
/** Riak (Jepsen 2013; Yammer's latencies in the PBS paper): N=3 R=2 W=2, LWW or siblings (allow_mult). */
export const riakScenario: SystemScenario = {
  name: 'riak',
  system: 'riak',
  family: 'leaderless',
  description: "Riak: N=3 R=2 W=2 under Yammer's measured latencies; lww=true or allow_mult siblings",
  source: riakRef.source,
  observed: riakRef.observed,
  trials: OPS,
  parameters: [
    ...documentedQuorums('riak'),
    labDefault(
      'lww',
      "the reference names both (siblings with allow_mult=true, LWW with lww=true) and no default; the lab takes lww, the setting of Jepsen's loss figures",
      {
        key: 'conflict',
        description: 'lww (lww=true) or siblings (allow_mult=true)',
        kind: { type: 'choice', allowed: ['lww', 'siblings'] },
        fields: ['conflict'],
      },
    ),
    documented(
      'riak',
      'source',
      {
        key: 'latency',
        description: 'message delays: a preset or a distribution',
        kind: { type: 'latency' },
        fields: ['latency'],
      },
      'ymmr',
    ),
    ...leaderlessWorkloadParameters(),
  ],
  check: checkQuorums,
  plan: (values, size) => [leaderlessExperiment(values, size)],
  assumptions: [
    'The lab counts an LWW write lost only when the final winner was acknowledged before it began (no linearizable order explains it); Jepsen counted set elements lost by concurrent read-modify-writes of one key.',
    "Writes are blind registers, not read-modify-write sets; with perfect clocks LWW loses nothing by the lab's definition.",
  ],
};

const cassandraRef = systemReference('cassandra');
/** Consistency level to a quorum size for N replicas (Cassandra: ONE 1, QUORUM floor(N/2)+1, ALL N). */
export function consistencyLevelSize(level: string, n: number): number {
  if (level === 'ONE') return 1;
  if (level === 'QUORUM') return Math.floor(n / 2) + 1;
  return n;
}

/**
 * Time for Cassandra's failure detector to convict a silent node: phi(t) = t / (mean * ln 10)
 * reaches the threshold at t = threshold * ln 10 * mean inter-arrival (apache/cassandra
 * gms/FailureDetector.java, the exponential estimate the reference quotes).
 *
 * @example
 * cassandraConvictionMs(8, 1000); // 18420.68...
 */
export function cassandraConvictionMs(phiConvictThreshold: number, meanIntervalMs: number): number {
  return phiConvictThreshold * Math.LN10 * meanIntervalMs;
}

const level = { type: 'choice' as const, allowed: ['ONE', 'QUORUM', 'ALL'] };
/** Cassandra (cassandra.yaml, FailureDetector.java): N=3, consistency levels, LWW per cell, phi accrual with threshold 8. */
export const cassandraScenario: SystemScenario = {
  name: 'cassandra',
  system: 'cassandra',
  family: 'leaderless',
  description:
    'Cassandra: N=3 at a read/write consistency level (ONE, QUORUM, ALL), LWW per cell; phi-accrual conviction time',
  source: cassandraRef.source,
  observed: cassandraRef.observed,
  trials: OPS,
  parameters: [
    documented('cassandra', 'n', {
      key: 'n',
      description: 'replication factor (N)',
      kind: whole(1, 64),
      fields: ['n'],
    }),
    labDefault(
      'QUORUM',
      'the reference lists ONE, QUORUM and ALL per request and no default; the lab takes QUORUM (the level of the Jepsen observation)',
      { key: 'read_consistency', description: 'read consistency level', kind: level, fields: ['r'] },
    ),
    labDefault('QUORUM', 'as read_consistency', {
      key: 'write_consistency',
      description: 'write consistency level',
      kind: level,
      fields: ['w'],
    }),
    documented(
      'cassandra',
      'conflict',
      {
        key: 'conflict',
        description: 'per-cell resolution',
        kind: { type: 'choice', allowed: ['lww'] },
        fields: ['conflict'],
      },
      'lww',
    ),
    documented(
      'cassandra',
      'failure_detector',
      {
        key: 'phi_convict_threshold',
        description: 'phi at which a node is convicted (5 to 16)',
        kind: { type: 'number', min: 5, max: 16 },
      },
      8,
    ),
    labDefault(
      1000,
      "the reference gives no gossip period for Cassandra; the lab uses the one-second period the reference documents for Dynamo's gossip",
      {
        key: 'gossip_interval_ms',
        description: 'mean heartbeat (gossip) inter-arrival, ms',
        kind: { type: 'number', min: 0, minExclusive: true },
      },
    ),
    labDefault(
      'lnkd-ssd',
      'no Cassandra latency preset exists; the lab uses its default (LinkedIn SSD, PBS paper Table 3)',
      {
        key: 'latency',
        description: 'message delays: a preset or a distribution',
        kind: { type: 'latency' },
        fields: ['latency'],
      },
    ),
    ...leaderlessWorkloadParameters(),
  ],
  check(values) {
    checkQuorums(withQuorums(values));
  },
  plan(values, size) {
    const threshold = values.phi_convict_threshold as number;
    const gossip = values.gossip_interval_ms as number;
    return [
      leaderlessExperiment(withQuorums(values), size),
      {
        name: `phi-accrual conviction (threshold ${threshold}, gossip every ${gossip} ms): closed form`,
        validate: () => {},
        run: async () => [
          valueMetric(
            'convict_ms',
            'time to convict a silent node: threshold * ln 10 * gossip interval',
            cassandraConvictionMs(threshold, gossip),
            'ms',
          ),
        ],
      },
    ];
  },
  assumptions: [
    'Consistency levels map to R and W of the leaderless model (QUORUM = floor(N/2) + 1); hinted handoff and read repair are off.',
    "Timestamps are the coordinator's clock (clock_skew); the conviction time is arithmetic, not simulated.",
  ],
};

function withQuorums(values: ScenarioValues): ScenarioValues {
  const n = values.n as number;
  return {
    ...values,
    r: consistencyLevelSize(String(values.read_consistency), n),
    w: consistencyLevelSize(String(values.write_consistency), n),
  };
}

const voldemortRef = systemReference('voldemort-linkedin');
const T_GRID_MS = [0, 1, 2, 5, 10, 20, 50, 100];
/** LinkedIn's Voldemort: PBS staleness under the measured SSD and disk latencies (PBS paper, Tables 1 and 3). */
export const voldemortScenario: SystemScenario = {
  name: 'voldemort-linkedin',
  system: 'voldemort-linkedin',
  family: 'leaderless',
  description:
    'LinkedIn Voldemort: PBS stale-read probability and t-visibility under the measured SSD or disk latencies',
  source: voldemortRef.source,
  trials: { unit: 'write/read pairs (PBS, fast Monte Carlo)', default: 100000, max: 100_000_000 },
  parameters: [
    documented(
      'voldemort-linkedin',
      'latency_presets',
      {
        key: 'latency',
        description: 'lnkd-ssd or lnkd-disk',
        kind: { type: 'choice', allowed: ['lnkd-ssd', 'lnkd-disk'] },
      },
      'lnkd-ssd',
    ),
    labDefault(3, "the reference gives no N for Voldemort; the lab uses replilab staleness's default", {
      key: 'n',
      description: 'replicas (N)',
      kind: whole(1, 64),
      fields: ['--n'],
    }),
    labDefault(1, "no documented R; replilab staleness's default", {
      key: 'r',
      description: 'read quorum (R)',
      kind: whole(1, 64),
      fields: ['--r'],
    }),
    labDefault(1, "no documented W; replilab staleness's default", {
      key: 'w',
      description: 'write quorum (W)',
      kind: whole(1, 64),
      fields: ['--w'],
    }),
  ],
  check(values) {
    for (const key of ['r', 'w'])
      if ((values[key] as number) > (values.n as number))
        throw new ParameterError(setFlag(key), String(values[key]), `an integer from 1 to n (${values.n})`);
  },
  plan(values, size) {
    const options: StalenessOptions = {
      n: values.n as number,
      r: values.r as number,
      w: values.w as number,
      legs: resolveLatency(String(values.latency)),
      latencyLabel: String(values.latency),
      tGridMs: T_GRID_MS,
      trials: size.trials,
      seed: size.seed,
      threads: 1,
    };
    return [
      {
        name: `PBS staleness (N=${options.n}, R=${options.r}, W=${options.w}, ${values.latency}), ${size.trials} trials`,
        validate: () => validateStalenessOptions(options, '--'),
        run: async () => {
          const result = await runStaleness(options);
          const at0 = result.curve[0];
          const at10 = result.curve[T_GRID_MS.indexOf(10)];
          return [
            proportionMetric('stale_read_fraction', 'P(stale) of a read starting at the commit (t = 0)', {
              count: at0.trials - at0.consistent,
              of: at0.trials,
            }),
            proportionMetric(
              'stale_read_fraction_10ms',
              'P(stale) of a read starting 10 ms after the commit',
              { count: at10.trials - at10.consistent, of: at10.trials },
            ),
            valueMetric(
              't_visibility_999_ms',
              't-visibility: t at which P(consistent) reaches 0.999',
              result.tVisibilityMs['0.999'],
              'ms',
            ),
            valueMetric('read_latency_p999_ms', 'read latency p99.9', result.latencyMs.read.p999, 'ms'),
            valueMetric('write_latency_p999_ms', 'write latency p99.9', result.latencyMs.write.p999, 'ms'),
          ];
        },
      },
    ];
  },
  assumptions: [
    'The WARS model of the PBS paper: one write, then one read t ms after its commit; no crashes, no concurrent writes.',
  ],
};
