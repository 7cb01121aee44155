/**
 * What the failover scenarios share: the cluster and workload values no system documents (lab
 * values, from FAILOVER_DEFAULTS where it has one), preset on the failover experiment.
 */
import { FAILOVER_DEFAULTS } from '../strategies/leader-follower/failover-config.js';
import { derive, labValue, type Derivation, type Sourced } from './preset.js';

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

/** How a failover manager's setting enters a derivation: the scenario keys it reads and the arithmetic. */
interface Rule {
  from: readonly string[];
  how: string;
}

/**
 * The failover experiment's derivations for a manager that watches the primary on a period and
 * promotes a replica after a timeout (Patroni's lease, Orchestrator's polls): the model's
 * coordinator with a timeout detector, its heartbeat every `period` (a setting in seconds), the
 * timeout and the asynchronous followers as the system fixes them, and 2 periods + 1 s of
 * observation after the old primary returns, so the rejoined node hears the new leader.
 *
 * @example
 * coordinatorDerivations({ election: { from: ['instancePollS'], how: 'coordinator' }, detector: { from: ['detectionPolls'], how: 'timeout' }, period: { key: 'instancePollS', name: 'instance_poll_s' }, timeout, asyncFollowers }).observeMs.how;
 * // '2000 x instance_poll_s + 1000: the rejoined node hears the new leader'
 */
export function coordinatorDerivations(o: {
  election: Rule;
  detector: Rule;
  /** The period setting (camelCase key, snake_case name) and why it is the heartbeat. */
  period: { key: string; name: string; why?: string };
  timeout: Derivation;
  asyncFollowers: Derivation;
}): Record<string, Derivation> {
  const periodMs = (v: Readonly<Record<string, unknown>>) => 1000 * (v[o.period.key] as number);
  return {
    election: derive(o.election.from, o.election.how, () => 'coordinator'),
    detector: derive(o.detector.from, o.detector.how, () => 'timeout'),
    heartbeatMs: derive(
      [o.period.key],
      `1000 x ${o.period.name}${o.period.why === undefined ? '' : ` (${o.period.why})`}`,
      periodMs,
    ),
    timeoutMs: o.timeout,
    observeMs: derive(
      [o.period.key],
      `2000 x ${o.period.name} + 1000: the rejoined node hears the new leader`,
      (v) => 2 * periodMs(v) + 1000,
    ),
    asyncFollowers: o.asyncFollowers,
  };
}
