/**
 * What the leaderless systems (Dynamo, Riak, Cassandra) share as scenarios: the workload and
 * fault parameters, none documented by the systems (lab defaults, from LEADERLESS_DEFAULTS where
 * it has one), the mapping onto LeaderlessConfig, and the cluster experiment with its metrics.
 */
import {
  LEADERLESS_DEFAULTS,
  validateLeaderlessConfig,
  type LeaderlessConfig,
} from '../strategies/leaderless/cluster-config.js';
import { runLeaderlessWithHistory } from '../strategies/leaderless/run-leaderless.js';
import { siblingsPerRead } from '../check/index.js';
import { ParameterError } from '../errors.js';
import { proportionMetric, valueMetric, type ScenarioMetric } from './scenario-metric.js';
import { documented, labDefault, type ScenarioParameter, type ScenarioValues } from './scenario-parameter.js';
import { setFlag } from './set-overrides.js';
import type { ScenarioExperiment, ScenarioRunSize } from './system-scenario.js';

const D = LEADERLESS_DEFAULTS;
const MODEL = "the leaderless model's default (LEADERLESS_DEFAULTS)";
const positiveWhole = (min = 1, max?: number) => ({ type: 'number' as const, min, max, integer: true });
const distributionOrNone = { type: 'distribution' as const, noneAllowed: true };

/**
 * The workload and faults of a leaderless scenario: lab defaults, the same for every leaderless
 * system so that they run side by side on one workload (change any with `--set`).
 *
 * @example
 * leaderlessWorkloadParameters().map((p) => p.key); // ['nodes', 'keys', 'zipf', ...]
 */
export function leaderlessWorkloadParameters(): ScenarioParameter[] {
  return [
    labDefault(D.nodes, `${D.nodes} nodes on the ring: ${MODEL}`, {
      key: 'nodes',
      description: 'physical nodes on the ring',
      kind: positiveWhole(1, 1000),
      fields: ['nodes'],
    }),
    labDefault(D.keys, `${D.keys} keys: ${MODEL}`, {
      key: 'keys',
      description: 'keys in the workload',
      kind: positiveWhole(),
      fields: ['keys'],
    }),
    labDefault(D.zipf, `uniform key choice: ${MODEL}`, {
      key: 'zipf',
      description: 'Zipf exponent of key popularity (0 uniform)',
      kind: { type: 'number', min: 0 },
      fields: ['zipf'],
    }),
    labDefault(D.writeRatio, `half writes: ${MODEL}`, {
      key: 'write_ratio',
      description: 'P(an operation is a write)',
      kind: { type: 'number', min: 0, max: 1 },
      fields: ['writeRatio'],
    }),
    labDefault(D.clients, `${D.clients} clients: ${MODEL}`, {
      key: 'clients',
      description: 'clients issuing operations',
      kind: positiveWhole(1, 100000),
      fields: ['clients'],
    }),
    labDefault(0.1, `0.1 operations per ms per client (open loop): ${MODEL}`, {
      key: 'rate_per_ms',
      description: 'operations per ms per client (Poisson)',
      kind: { type: 'number', min: 0, minExclusive: true },
      fields: ['arrivals'],
    }),
    labDefault(D.timeoutMs, `${D.timeoutMs} ms: ${MODEL}`, {
      key: 'timeout_ms',
      description: 'client timeout of a quorum operation, ms',
      kind: { type: 'number', min: 0, minExclusive: true },
      fields: ['timeoutMs'],
    }),
    labDefault('none', 'perfect clocks (lab default); set e.g. uniform(0,20) for NTP-scale skew', {
      key: 'clock_skew',
      description: 'per-node clock offset, ms (LWW timestamps)',
      kind: distributionOrNone,
      fields: ['clockSkew'],
    }),
    labDefault('none', 'no crashes (lab default)', {
      key: 'crash_mtbf',
      description: 'node up time distribution, ms (with crash_mttr)',
      kind: distributionOrNone,
      fields: ['crash'],
    }),
    labDefault('none', 'no crashes (lab default)', {
      key: 'crash_mttr',
      description: 'node down time distribution, ms (with crash_mtbf)',
      kind: distributionOrNone,
      fields: ['crash'],
    }),
    labDefault('none', 'no partitions (lab default)', {
      key: 'partition_every',
      description: 'time between random cuts isolating one node, ms (with partition_duration)',
      kind: distributionOrNone,
      fields: ['randomPartitions'],
    }),
    labDefault('none', 'no partitions (lab default)', {
      key: 'partition_duration',
      description: 'length of a random cut, ms (with partition_every)',
      kind: distributionOrNone,
      fields: ['randomPartitions'],
    }),
    labDefault(0, `no message loss: ${MODEL}`, {
      key: 'loss',
      description: 'P(a message is lost)',
      kind: { type: 'number', min: 0, max: 1 },
      fields: ['loss'],
    }),
  ];
}

/**
 * A system's documented N, R and W (keys `n`, `r`, `w`).
 *
 * @example
 * documentedQuorums('dynamo').map((p) => p.value); // [3, 2, 2]
 */
export function documentedQuorums(system: string): ScenarioParameter[] {
  const quorum = (key: 'n' | 'r' | 'w', description: string) =>
    documented(system, key, { key, description, kind: positiveWhole(1, 64), fields: [key] });
  return [
    quorum('n', 'replicas per key (N)'),
    quorum('r', 'read quorum (R)'),
    quorum('w', 'write quorum (W)'),
  ];
}

/** Both or neither of two paired keys (crash_mtbf/crash_mttr, partition_every/partition_duration). */
export function checkPaired(values: ScenarioValues, a: string, b: string): void {
  if ((values[a] === 'none') !== (values[b] === 'none')) {
    const missing = values[a] === 'none' ? a : b;
    throw new ParameterError(
      setFlag(missing),
      'none',
      `a distribution when ${missing === a ? b : a} is set (both or neither)`,
    );
  }
}

/** R and W at most N. */
export function checkQuorums(values: ScenarioValues): void {
  for (const key of ['r', 'w']) {
    if ((values[key] as number) > (values.n as number))
      throw new ParameterError(setFlag(key), String(values[key]), `an integer from 1 to n (${values.n})`);
  }
  if ((values.n as number) > (values.nodes as number))
    throw new ParameterError(setFlag('n'), String(values.n), `an integer from 1 to nodes (${values.nodes})`);
  checkPaired(values, 'crash_mtbf', 'crash_mttr');
  checkPaired(values, 'partition_every', 'partition_duration');
}

const orNull = (v: unknown): string | null => (v === 'none' ? null : String(v));

/**
 * The LeaderlessConfig of a leaderless scenario's values (the workload keys above, plus `n`, `r`,
 * `w`, `conflict`, `latency`, and optionally `sloppy`, `anti_entropy_interval_ms`, `read_repair`).
 *
 * @example
 * leaderlessConfig({ ...defaultValues(systemScenario('dynamo').parameters) }, 20000).conflict; // 'siblings'
 */
export function leaderlessConfig(values: ScenarioValues, ops: number): Partial<LeaderlessConfig> {
  const v = values;
  return {
    nodes: v.nodes as number,
    n: v.n as number,
    r: v.r as number,
    w: v.w as number,
    keys: v.keys as number,
    zipf: v.zipf as number,
    writeRatio: v.write_ratio as number,
    clients: v.clients as number,
    arrivals: { kind: 'open', ratePerMs: v.rate_per_ms as number },
    ops,
    timeoutMs: v.timeout_ms as number,
    latency: String(v.latency),
    conflict: v.conflict as LeaderlessConfig['conflict'],
    clockSkew: orNull(v.clock_skew),
    crash: v.crash_mtbf === 'none' ? null : { ttf: String(v.crash_mtbf), ttr: String(v.crash_mttr) },
    randomPartitions:
      v.partition_every === 'none'
        ? null
        : { every: String(v.partition_every), duration: String(v.partition_duration) },
    loss: v.loss as number,
    sloppy: (v.sloppy as boolean | undefined) ?? false,
    antiEntropyIntervalMs:
      v.anti_entropy_interval_ms === undefined || v.anti_entropy_interval_ms === 0
        ? null
        : (v.anti_entropy_interval_ms as number),
    readRepair: (v.read_repair as LeaderlessConfig['readRepair'] | undefined) ?? 'off',
  };
}

/**
 * The leaderless cluster experiment: one run of `ops` operations, its history checked by
 * lib/check. Metrics: stale reads, acknowledged writes lost, reads that saw exactly one version
 * (of reads that saw any: Dynamo's measure), availability, mean versions per read, p99 latencies.
 *
 * @example
 * const [experiment] = [leaderlessExperiment(values, { trials: 20000, seed: 1 })];
 * experiment.validate();
 * await experiment.run();
 */
export function leaderlessExperiment(values: ScenarioValues, size: ScenarioRunSize): ScenarioExperiment {
  const config = leaderlessConfig(values, size.trials);
  return {
    name: `leaderless cluster (N=${config.n}, R=${config.r}, W=${config.w}, ${config.conflict}${config.sloppy ? ', sloppy quorum' : ''}), ${size.trials} operations`,
    validate: () => void validateLeaderlessConfig(config),
    run: async () => {
      const { result, history } = runLeaderlessWithHistory(config, size.seed);
      const sib = siblingsPerRead(history);
      const sawAny = sib.counts.slice(1).reduce((a, b) => a + b, 0);
      const iv = result.intervals;
      const metrics: ScenarioMetric[] = [
        proportionMetric(
          'stale_read_fraction',
          'stale reads (older than the last acknowledged write)',
          iv.stale_read_fraction,
        ),
        proportionMetric('acked_writes_lost', 'acknowledged writes lost', iv.acked_writes_lost),
        proportionMetric('one_version_reads', 'reads that saw exactly one version (of reads that saw any)', {
          count: sib.counts[1] ?? 0,
          of: sawAny,
        }),
        proportionMetric('availability', 'operations that succeeded', iv.availability),
        valueMetric('mean_siblings', 'mean versions per returned read', result.mean_siblings, 'versions'),
        valueMetric('read_latency_p99_ms', 'read latency p99', result.latency_ms.read.p99, 'ms'),
        valueMetric('write_latency_p99_ms', 'write latency p99', result.latency_ms.write.p99, 'ms'),
      ];
      return metrics;
    },
  };
}
