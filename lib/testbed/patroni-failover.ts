/**
 * One measured Patroni failover: the primary's Patroni and its PostgreSQL get SIGKILL together (a
 * crashed machine), and the survivors are watched until the new primary accepts a write.
 *
 * What Patroni does meanwhile (patroni/ha.py and patroni/dcs/etcd3.py of Patroni 3.0): the
 * leader key is attached to the leader's etcd lease, which the leader's HA loop refreshes once a
 * loop (update_leader -> _do_refresh_lease(force=True), every loop_wait s); with the leader dead
 * the lease runs out ttl s after its last refresh and etcd deletes the key (etcd's lessor looks
 * for expired leases every 500 ms). The replicas do not wait for their next loop: each sleeps in
 * dcs.watch(), which the etcd3 watcher thread (KVCache._process_event) wakes as soon as the leader
 * key changes, so their HA loop runs at once; each asks the other members' REST APIs for their
 * WAL positions (is_healthiest_node, 2 s timeout, a dead node refuses at once), the healthiest
 * race to create the key (a transaction on create_revision 0), and the winner runs
 * `pg_ctl promote -W` and then waits until PostgreSQL leaves recovery.
 *
 * Measured from the kill (performance.now() just before the first signal): when the DCS's leader
 * key is first seen gone and first seen held by another node (polled), when a survivor's REST API
 * first reports the role promoted/master, and recovery_ms, when an INSERT on that node is first
 * acknowledged (psql, retried until it succeeds).
 */
import { performance } from 'node:perf_hooks';
import type { RandomStream } from '../random/index.js';
import { leaderKeyHolder, patroniGet, psql, type PatroniCluster } from './patroni.js';

export interface PatroniTrialOutcome {
  trial: number;
  /** The killed primary's name. */
  killed: string;
  /** The node that took over (held the leader key), null: none before giving up. */
  newLeader: string | null;
  /** Kill to the first INSERT acknowledged by the new primary, ms; null: none before giving up. */
  recoveryMs: number | null;
  /** Kill to the leader key first seen absent from the DCS (the lease expired), ms. */
  leaderGoneMs: number | null;
  /** Kill to the leader key first seen held by another node, ms. */
  leaderMs: number | null;
  /** Kill to a survivor's REST API first reporting the role promoted or master, ms. */
  promotedMs: number | null;
  /** The random wait between readiness and the kill, ms (uniform in [0, loop_wait)). */
  phaseMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PRIMARY_ROLES = new Set(['promoted', 'master', 'primary']);

/**
 * Runs one trial on a ready cluster whose leader is `leader`; does not restart the killed node.
 *
 * @example
 * const outcome = await runPatroniTrial(cluster, { trial: 0, leader: await cluster.waitReady(60_000), rng, loopWaitMs: 10000, pollMs: 50, giveUpMs: 120_000 });
 */
export async function runPatroniTrial(
  cluster: PatroniCluster,
  o: {
    trial: number;
    leader: number;
    rng: RandomStream;
    loopWaitMs: number;
    pollMs: number;
    giveUpMs: number;
  },
): Promise<PatroniTrialOutcome> {
  const killed = cluster.nodes[o.leader];
  const survivors = cluster.nodes.filter((n) => n.index !== o.leader);
  // The kill falls at a uniform phase of the leader's HA loop (readiness is seen at loop times).
  const phaseMs = o.rng.nextDouble() * o.loopWaitMs;
  await sleep(phaseMs);
  const at = await cluster.kill9(o.leader);
  const since = () => performance.now() - at;
  let leaderGoneMs: number | null = null;
  let leaderMs: number | null = null;
  let promotedMs: number | null = null;
  let recoveryMs: number | null = null;
  let newLeader: string | null = null;
  let primary: (typeof survivors)[number] | null = null;
  while (since() < o.giveUpMs && (recoveryMs === null || leaderMs === null)) {
    const [holder, ...statuses] = await Promise.all([
      leaderKeyHolder(cluster.etcdPort).catch(() => undefined),
      ...survivors.map((n) => patroniGet(n.apiPort, '/patroni', 500)),
    ]);
    const t = since();
    if (holder === null && leaderGoneMs === null) leaderGoneMs = t;
    if (typeof holder === 'string' && holder !== killed.name && leaderMs === null) {
      leaderMs = t;
      newLeader = holder;
      leaderGoneMs ??= t; // the key went and came back between two polls
    }
    if (primary === null) {
      const i = statuses.findIndex((s) => s !== null && PRIMARY_ROLES.has(String(s.role)));
      if (i >= 0) {
        primary = survivors[i];
        promotedMs = t;
      }
    }
    if (primary !== null && recoveryMs === null) {
      if (await psql(primary.pgPort, `INSERT INTO calib (trial) VALUES (${o.trial})`, 1000))
        recoveryMs = since();
      continue; // retry the write at once
    }
    await sleep(o.pollMs);
  }
  return {
    trial: o.trial,
    killed: killed.name,
    newLeader,
    recoveryMs,
    leaderGoneMs,
    leaderMs,
    promotedMs,
    phaseMs,
  };
}
