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
 * key is first seen gone and first seen held by another node (polled every pollMs), and
 * recovery_ms, when an INSERT on that node is first acknowledged (psql, retried until it
 * succeeds). The client learns the leader from the DCS, as Patroni-aware clients do; it does not
 * poll the REST APIs, whose answers wait behind the HA loop on a loaded machine.
 */
import { performance } from 'node:perf_hooks';
import type { RandomStream } from '../random/index.js';
import { leaderKeyHolder, psql, type PatroniCluster } from './patroni.js';

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
  /** INSERTs tried on the new leader until one was acknowledged. */
  writeAttempts: number;
  /** The random wait between readiness and the kill, ms (uniform in [0, loop_wait)). */
  phaseMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  let recoveryMs: number | null = null;
  let writeAttempts = 0;
  let holder: (typeof survivors)[number] | undefined;
  while (since() < o.giveUpMs && recoveryMs === null) {
    if (holder === undefined) {
      const name = await leaderKeyHolder(cluster.etcdPort).catch(() => undefined);
      const t = since();
      if (name === null && leaderGoneMs === null) leaderGoneMs = t;
      holder = survivors.find((n) => n.name === name);
      if (holder === undefined) {
        await sleep(o.pollMs);
        continue;
      }
      leaderMs = t;
      leaderGoneMs ??= t; // the key went and came back between two polls
    }
    // The key's holder promotes itself: write to it until a write is acknowledged (a standby
    // refuses at once; a slow attempt on a loaded machine is waited for, not cut short).
    writeAttempts++;
    if (await psql(holder.pgPort, `INSERT INTO calib (trial) VALUES (${o.trial})`, 10_000))
      recoveryMs = since();
    else await sleep(o.pollMs / 5);
  }
  return {
    trial: o.trial,
    killed: killed.name,
    newLeader: holder?.name ?? null,
    recoveryMs,
    leaderGoneMs,
    leaderMs,
    writeAttempts,
    phaseMs,
  };
}
