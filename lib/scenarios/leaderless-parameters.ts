/**
 * What the leaderless systems (Dynamo, Riak, Cassandra) share as presets of the leaderless
 * experiment: the workload and fault values, none documented by the systems (lab values, the
 * model's defaults), and the cluster experiment `scenario run` reports with its metrics.
 */
import { leaderless } from '../experiments/leaderless.js';
import {
  LEADERLESS_DEFAULTS,
  validateLeaderlessConfig,
  type LeaderlessConfig,
} from '../strategies/leaderless/cluster-config.js';
import { runLeaderlessWithHistory } from '../strategies/leaderless/run-leaderless.js';
import { siblingsPerRead } from '../check/index.js';
import { documentedValue, labValue, type ScenarioValues, type Sourced } from './preset.js';
import { systemReference as referenceEntry } from './system-reference.js';
import { proportionMetric, valueMetric, type ScenarioMetric } from './scenario-metric.js';
import type { ScenarioExperiment, ScenarioRunSize } from './system-scenario.js';

const D = LEADERLESS_DEFAULTS;
const MODEL = "the leaderless model's default (LEADERLESS_DEFAULTS)";

/**
 * The workload and faults of a leaderless scenario (leaderless experiment keys): lab values, the
 * same for every leaderless system so that they run side by side on one workload.
 *
 * @example
 * Object.keys(leaderlessWorkloadValues()); // ['nodes', 'keys', 'zipf', ...]
 */
export function leaderlessWorkloadValues(): Record<string, Sourced<unknown>> {
  return {
    nodes: labValue(D.nodes, `${D.nodes} nodes on the ring: ${MODEL}`),
    keys: labValue(D.keys, `${D.keys} keys: ${MODEL}`),
    zipf: labValue(D.zipf, `uniform key choice: ${MODEL}`),
    writeRatio: labValue(D.writeRatio, `half writes: ${MODEL}`),
    clients: labValue(D.clients, `${D.clients} clients: ${MODEL}`),
    rate: labValue(100, `100 operations per second per client (open loop): ${MODEL}`),
    timeoutMs: labValue(D.timeoutMs, `${D.timeoutMs} ms: ${MODEL}`),
    clockSkew: labValue(null, 'perfect clocks (lab default); set e.g. uniform(0,20) for NTP-scale skew'),
    crashMtbf: labValue(null, 'no crashes (lab default)'),
    crashMttr: labValue(null, 'no crashes (lab default)'),
    partitionEvery: labValue(null, 'no partitions (lab default)'),
    partitionDuration: labValue(null, 'no partitions (lab default)'),
    loss: labValue(0, `no message loss: ${MODEL}`),
    ops: labValue(20000, 'the default run size of scenario run (--trials 20000): a sweep cell runs as many'),
  };
}

/**
 * A system's documented N, R and W (leaderless experiment keys `n`, `r`, `w`).
 *
 * @example
 * Object.values(documentedQuorums('dynamo')).map((v) => v.value); // [3, 2, 2]
 */
export function documentedQuorums(system: string): Record<string, Sourced<unknown>> {
  const ref = (key: 'n' | 'r' | 'w') => documentedValue(system, key, systemNumber(system, key));
  return { n: ref('n'), r: ref('r'), w: ref('w') };
}

function systemNumber(system: string, key: string): number {
  const value = referenceEntry(system)[key];
  if (typeof value !== 'number') throw new Error(`system-defaults.json: ${system}.${key} is not a number`);
  return value;
}

/**
 * The leaderless cluster experiment of `scenario run`: the leaderless experiment's model config
 * with `ops` from the run size, one run, its history checked by lib/check (the experiment itself
 * streams its metrics and keeps no history, so `one_version_reads` is `scenario run`'s only). Metrics: stale reads, acknowledged writes lost, reads that saw exactly one version
 * (of reads that saw any: Dynamo's measure), availability, mean versions per read, p99 latencies.
 *
 * @example
 * const [experiment] = [leaderlessExperiment(resolveScenario(dynamoScenario).experiment, { trials: 20000, seed: 1 })];
 * experiment.validate();
 * await experiment.run();
 */
export function leaderlessExperiment(values: ScenarioValues, size: ScenarioRunSize): ScenarioExperiment {
  const config: Partial<LeaderlessConfig> = leaderless.config({ ...values, ops: size.trials } as never);
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
