/**
 * The leaderless systems of the reference file as scenarios: Dynamo, Riak, Cassandra (on the
 * leaderless cluster model) and LinkedIn's Voldemort (PBS staleness under its measured latencies).
 */
import { leaderless } from '../experiments/leaderless.js';
import { choice, number } from '../experiments/param.js';
import { staleness } from '../experiments/staleness.js';
import { resolveLatency } from '../latency/index.js';
import {
  runStaleness,
  validateStalenessOptions,
  type StalenessOptions,
} from '../experiments/staleness-run.js';
import { parseTGrid } from '../experiments/t-grid.js';
import {
  documentedQuorums,
  leaderlessExperiment,
  leaderlessWorkloadValues,
} from './leaderless-parameters.js';
import { derive, documented, documentedValue, labSetting, labValue, type ScenarioValues } from './preset.js';
import { proportionMetric, valueMetric } from './scenario-metric.js';
import { systemReference } from './system-reference.js';
import type { SystemScenario } from './system-scenario.js';

const OPS = { unit: 'operations in the run', default: 20000, max: 10_000_000 };
const LEADERLESS_SWEEP =
  "A sweep runs the leaderless experiment with these values (ops per run from the ops key; scenario run sets ops from --trials): stale reads, lost writes, availability, latencies and mean siblings as the experiment streams them; one_version_reads needs the run's history and is scenario run's only.";

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
  settings: {},
  preset: {
    experiment: leaderless,
    values: {
      ...documentedQuorums('dynamo'),
      conflict: documentedValue('dynamo', 'notes', 'siblings'),
      sloppy: documentedValue('dynamo', 'notes', true),
      antiEntropyIntervalMs: labValue(
        1000,
        'Merkle anti-entropy is documented without a period; the lab runs a round every 1000 ms (none: off)',
      ),
      latency: labValue(
        'lnkd-ssd',
        'Dynamo publishes no per-message latencies; the lab uses its default preset (LinkedIn SSD, PBS paper Table 3)',
      ),
      ...leaderlessWorkloadValues(),
    },
    derive: {},
    sweep: LEADERLESS_SWEEP,
  },
  plan: ({ experiment }, size) => [leaderlessExperiment(experiment, size)],
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
  settings: {},
  preset: {
    experiment: leaderless,
    values: {
      ...documentedQuorums('riak'),
      conflict: labValue(
        'lww',
        "the reference names both (siblings with allow_mult=true, LWW with lww=true) and no default; the lab takes lww, the setting of Jepsen's loss figures",
      ),
      latency: documentedValue('riak', 'source', 'ymmr'),
      ...leaderlessWorkloadValues(),
    },
    derive: {},
    sweep: LEADERLESS_SWEEP,
  },
  plan: ({ experiment }, size) => [leaderlessExperiment(experiment, size)],
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

const LEVELS = ['ONE', 'QUORUM', 'ALL'] as const;
const level = (what: string) => (v: (typeof LEVELS)[number]) =>
  choice(LEVELS, {
    doc: `${what} consistency level (Cassandra): ONE, QUORUM (floor(N/2) + 1) or ALL`,
    default: v,
  });

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
  settings: {
    readConsistency: labSetting(
      'QUORUM',
      'the reference lists ONE, QUORUM and ALL per request and no default; the lab takes QUORUM (the level of the Jepsen observation)',
      level('read'),
    ),
    writeConsistency: labSetting('QUORUM', 'as read_consistency', level('write')),
    phiConvictThreshold: documented(
      'cassandra',
      'failure_detector',
      (v: number) =>
        number({
          doc: 'phi at which a node is convicted (cassandra.yaml phi_convict_threshold, 5 to 16)',
          default: v,
          min: 5,
          max: 16,
          valueName: 'phi',
        }),
      8,
    ),
    gossipIntervalMs: labSetting(
      1000,
      "the reference gives no gossip period for Cassandra; the lab uses the one-second period the reference documents for Dynamo's gossip",
      (v: number) =>
        number({ doc: 'mean heartbeat (gossip) inter-arrival, ms', unit: 'ms', gt: 0, default: v }),
    ),
  },
  preset: {
    experiment: leaderless,
    values: {
      n: documentedValue('cassandra', 'n', cassandraRef.n as number),
      conflict: documentedValue('cassandra', 'conflict', 'lww'),
      latency: labValue(
        'lnkd-ssd',
        'no Cassandra latency preset exists; the lab uses its default (LinkedIn SSD, PBS paper Table 3)',
      ),
      ...leaderlessWorkloadValues(),
    },
    derive: {
      r: derive(['readConsistency'], 'ONE: 1, QUORUM: floor(n/2) + 1, ALL: n', (v) =>
        consistencyLevelSize(String(v.readConsistency), v.n as number),
      ),
      w: derive(['writeConsistency'], 'ONE: 1, QUORUM: floor(n/2) + 1, ALL: n', (v) =>
        consistencyLevelSize(String(v.writeConsistency), v.n as number),
      ),
    },
    sweep: `${LEADERLESS_SWEEP} The phi-accrual conviction time is a closed form of scenario run only.`,
  },
  plan({ values, experiment }, size) {
    const threshold = values.phiConvictThreshold as number;
    const gossip = values.gossipIntervalMs as number;
    return [
      leaderlessExperiment(experiment, size),
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

const voldemortRef = systemReference('voldemort-linkedin');
const T_GRID = '0,1,2,5,10,20,50,100';
/** LinkedIn's Voldemort: PBS staleness under the measured SSD and disk latencies (PBS paper, Tables 1 and 3). */
export const voldemortScenario: SystemScenario = {
  name: 'voldemort-linkedin',
  system: 'voldemort-linkedin',
  family: 'leaderless',
  description:
    'LinkedIn Voldemort: PBS stale-read probability and t-visibility under the measured SSD or disk latencies',
  source: voldemortRef.source,
  trials: { unit: 'write/read pairs (PBS, fast Monte Carlo)', default: 100000, max: 100_000_000 },
  settings: {},
  checks: [
    (v) => {
      const grid = parseTGrid('t', String(v.t));
      return grid[0] === 0 && grid.includes(10)
        ? undefined
        : {
            param: 't',
            allowed: 'a t grid starting at 0 and holding 10 (the report reads P(stale) at 0 and 10 ms)',
          };
    },
  ],
  preset: {
    experiment: staleness,
    values: {
      latency: documentedValue('voldemort-linkedin', 'latency_presets', 'lnkd-ssd'),
      n: labValue(3, "the reference gives no N for Voldemort; the lab uses replilab staleness's default"),
      r: labValue(1, "no documented R; replilab staleness's default"),
      w: labValue(1, "no documented W; replilab staleness's default"),
      t: labValue(T_GRID, 'the offsets the report reads: 0 and 10 ms, and enough points for t-visibility'),
    },
    derive: {},
    sweep:
      'A sweep runs the staleness experiment with these values: one row per t point with P(consistent) and its interval; the report rows (P(stale) at 0 and 10 ms, t-visibility, p99.9 latencies) are read from the same curve by scenario run.',
  },
  plan({ experiment }, size) {
    const values: ScenarioValues = experiment;
    const tGridMs = parseTGrid('t', String(values.t));
    const options: StalenessOptions = {
      n: values.n as number,
      r: values.r as number,
      w: values.w as number,
      legs: resolveLatency(String(values.latency)),
      latencyLabel: String(values.latency),
      tGridMs,
      trials: size.trials,
      seed: size.seed,
      threads: 1,
    };
    return [
      {
        name: `PBS staleness (N=${options.n}, R=${options.r}, W=${options.w}, ${values.latency as string}), ${size.trials} trials`,
        validate: () => validateStalenessOptions(options, '--'),
        run: async () => {
          const result = await runStaleness(options);
          const at0 = result.curve[0];
          const at10 = result.curve[tGridMs.indexOf(10)];
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
