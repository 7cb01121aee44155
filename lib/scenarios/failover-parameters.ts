/**
 * What the failover scenarios share: the cluster and workload values no system documents (lab
 * values, from FAILOVER_DEFAULTS where it has one), preset on the failover experiment.
 */
import { FAILOVER_DEFAULTS } from '../strategies/leader-follower/failover-config.js';
import { labValue, type Sourced } from './preset.js';

const D = FAILOVER_DEFAULTS;
const MODEL = "the failover model's default (FAILOVER_DEFAULTS)";

/**
 * Nodes, message and disk latency, replication delay and the write rate, as failover experiment
 * values (camelCase keys): lab values (the systems document none of them).
 *
 * @example
 * Object.keys(failoverClusterValues()); // ['nodes', 'latency', 'replicationDelay', 'disk', 'writeRate']
 */
export function failoverClusterValues(): Record<string, Sourced<unknown>> {
  return {
    nodes: labValue(
      3,
      'a leader and two replicas: the smallest cluster that keeps a majority through one failure; no system in the reference fixes a count',
    ),
    latency: labValue(D.latency, `one-way delay mean 1 ms, a LAN: ${MODEL}`),
    replicationDelay: labValue(D.replicationDelay, `mean 5 ms from append to shipping: ${MODEL}`),
    disk: labValue(D.disk, `1 ms fsync: ${MODEL}`),
    writeRate: labValue(
      10,
      "10 client writes per second: the lab's choice for second-scale failovers (the model's 100 per second makes tens of thousands of writes per 30 s trial)",
    ),
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
