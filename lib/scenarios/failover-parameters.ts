/**
 * What the failover scenarios share: the cluster and workload parameters no system documents
 * (lab defaults, from FAILOVER_DEFAULTS where it has one) and their mapping onto FailoverConfig.
 */
import { FAILOVER_DEFAULTS, type FailoverConfig } from '../strategies/leader-follower/failover-config.js';
import { labDefault, type ScenarioParameter, type ScenarioValues } from './scenario-parameter.js';

const D = FAILOVER_DEFAULTS;
const MODEL = "the failover model's default (FAILOVER_DEFAULTS)";
const distribution = { type: 'distribution' as const, noneAllowed: false };

/**
 * Nodes, message and disk latency, replication delay and the write rate: lab defaults (the
 * systems document none of them).
 *
 * @example
 * failoverClusterParameters().map((p) => p.key); // ['nodes', 'latency', 'disk', 'replication_delay', 'write_rate_per_ms']
 */
export function failoverClusterParameters(): ScenarioParameter[] {
  return [
    labDefault(
      3,
      'a leader and two replicas: the smallest cluster that keeps a majority through one failure; no system in the reference fixes a count',
      {
        key: 'nodes',
        description: 'nodes, the leader included',
        kind: { type: 'number', min: 2, max: 64, integer: true },
        fields: ['nodes'],
      },
    ),
    labDefault(D.latency, `one-way delay mean 1 ms, a LAN: ${MODEL}`, {
      key: 'latency',
      description: 'one-way message delay, ms (distribution)',
      kind: distribution,
      fields: ['latency'],
    }),
    labDefault(D.disk, `1 ms fsync: ${MODEL}`, {
      key: 'disk',
      description: 'time to persist a vote, term or log entry, ms (distribution)',
      kind: distribution,
      fields: ['disk'],
    }),
    labDefault(D.replicationDelay, `mean 5 ms from append to shipping: ${MODEL}`, {
      key: 'replication_delay',
      description: "delay from the leader's append to shipping the entry, ms (distribution)",
      kind: distribution,
      fields: ['replicationDelay'],
    }),
    labDefault(
      0.01,
      "10 client writes per second: the lab's choice for second-scale failovers (the model's 0.1 per ms makes tens of thousands of writes per 30 s trial)",
      {
        key: 'write_rate_per_ms',
        description: 'client writes per ms (Poisson)',
        kind: { type: 'number', min: 0 },
        fields: ['writeRate'],
      },
    ),
  ];
}

/**
 * The FailoverConfig fields of {@link failoverClusterParameters}' values.
 *
 * @example
 * failoverClusterConfig({ nodes: 3, latency: 'exp(1)', disk: 'const(1)', replication_delay: 'exp(0.2)', write_rate_per_ms: 0.01 }).nodes; // 3
 */
export function failoverClusterConfig(values: ScenarioValues): Partial<FailoverConfig> {
  return {
    nodes: values.nodes as number,
    latency: String(values.latency),
    disk: String(values.disk),
    replicationDelay: String(values.replication_delay),
    writeRate: values.write_rate_per_ms as number,
  };
}

/**
 * Followers that acknowledge asynchronously when commits wait for a majority (Raft, and MongoDB
 * or etcd's majority commit): the leader waits for floor(nodes/2) followers, so nodes - 1 -
 * floor(nodes/2) are asynchronous. (The model's sync followers are fixed ones; Raft counts any
 * majority.)
 *
 * @example
 * majorityAsyncFollowers(3); // 1
 * majorityAsyncFollowers(5); // 2
 */
export function majorityAsyncFollowers(nodes: number): number {
  return nodes - 1 - Math.floor(nodes / 2);
}
