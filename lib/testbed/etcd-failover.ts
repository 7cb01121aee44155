/**
 * One failover trial against a real etcd cluster: a client writes continuously, the leader is
 * killed with SIGKILL at a random moment, and the trial measures the time until a write issued
 * after the kill is acknowledged (recovery_ms) and until a surviving member logs that it became
 * leader (leader_ms); then the killed member is restarted and the cluster left stable.
 *
 * The client: every `writeIntervalMs` it issues one put (open loop, not waiting for earlier ones)
 * to the next surviving member in turn, each with its own timeout. A put that reaches a follower
 * is forwarded to the leader the follower believes in; one forwarded to the dead leader is lost
 * and never answered (etcd waits up to its request timeout), so a closed-loop client would add
 * its own timeout to the recovery: the open loop measures when the cluster can commit again.
 */
import { performance } from 'node:perf_hooks';
import type { RandomStream } from '../random/index.js';
import { etcdKeys, etcdPut, type EtcdCluster } from './etcd.js';

export interface EtcdTrialOptions {
  trial: number;
  rng: RandomStream;
  /** Client write interval, ms. */
  writeIntervalMs: number;
  /** Per-write timeout, ms. */
  writeTimeoutMs: number;
  /** The kill falls uniformly in [warmupMs, warmupMs + spanMs] after the writes begin. */
  warmupMs: number;
  spanMs: number;
  /** Give up on recovery after this long, ms. */
  giveUpMs: number;
}

export interface EtcdTrialOutcome {
  trial: number;
  killed: number;
  /** Kill to the first acknowledged write issued after the kill, ms; null: none before giving up. */
  recoveryMs: number | null;
  /** Kill to the first "became leader" line of a survivor (etcd's log, 1 ms resolution), ms. */
  leaderMs: number | null;
  /** Kill to the last survivor logging that it knows the new leader ("elected leader"), ms. */
  allKnowLeaderMs: number | null;
  /** The first acknowledged write after the kill went to the new leader itself (else to a follower, which forwarded it). */
  firstAckViaLeader: boolean | null;
  /** Kill to when that first acknowledged write was issued, ms. */
  firstAckIssuedMs: number | null;
  /** Errors of writes issued after the new leader was logged, by message (what the client saw meanwhile). */
  errorsAfterLeader: Record<string, number>;
  /** Terms in which a survivor became candidate after the kill (election rounds). */
  electionRounds: number;
  /** Vote requests ignored because the voter's leader lease had not expired (CheckQuorum). */
  leaseIgnored: number;
  /** Writes acknowledged but absent from the cluster afterwards. */
  ackedWritesLost: number;
  writes: number;
  ackedWrites: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wallNow = () => performance.timeOrigin + performance.now();

interface LogLine {
  ts: number;
  msg: string;
}

function logLines(text: string, from: number): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line) as { ts?: string; msg?: string };
      const ts = Date.parse(j.ts ?? '');
      if (Number.isFinite(ts) && ts >= from && j.msg !== undefined) out.push({ ts, msg: j.msg });
    } catch {
      /* a partial line */
    }
  }
  return out;
}

/** Runs one trial; the cluster must be stable with no writes in flight. */
export async function runEtcdTrial(cluster: EtcdCluster, o: EtcdTrialOptions): Promise<EtcdTrialOutcome> {
  const members = cluster.members;
  const leader = await cluster.waitStable(20_000);
  const killAfter = o.warmupMs + o.rng.nextDouble() * o.spanMs;
  const acked = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  let killedAt = Infinity;
  let recoveredAt: number | null = null;
  let firstAckTarget = -1;
  let firstAckIssued = 0;
  const errors: { at: number; message: string }[] = [];
  let seq = 0;
  let next = 0;
  let writes = 0;
  let stopAt = Infinity;
  const start = performance.now();
  const alive = () => members.filter((m) => m.process !== null && m.process.running);
  for (;;) {
    const now = performance.now();
    if (now >= stopAt) break;
    if (killedAt === Infinity && now - start >= killAfter) {
      killedAt = performance.now();
      const killWall = wallNow();
      await members[leader].process!.kill9();
      (cluster as { killWall?: number }).killWall = killWall;
    }
    if (killedAt !== Infinity && recoveredAt === null && now - killedAt > o.giveUpMs) stopAt = now;
    const targets = alive();
    if (pending.size < 1000 && targets.length > 0) {
      const target = targets[next++ % targets.length];
      const key = `w/${o.trial}/${seq++}`;
      const issuedAt = performance.now();
      writes++;
      const p: Promise<unknown> = etcdPut(target.clientPort, key, 'x', o.writeTimeoutMs)
        .then(() => {
          const t = performance.now();
          acked.add(key);
          if (recoveredAt === null && issuedAt >= killedAt) {
            recoveredAt = t;
            firstAckTarget = target.index;
            firstAckIssued = issuedAt;
            stopAt = t + 100;
          }
        })
        .catch((error: unknown) => {
          if (issuedAt >= killedAt && errors.length < 10_000)
            errors.push({ at: issuedAt, message: error instanceof Error ? error.message : String(error) });
        })
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await sleep(o.writeIntervalMs);
  }
  await Promise.all(pending);
  const killWall = (cluster as { killWall?: number }).killWall ?? 0;

  // What the survivors logged after the kill (etcd's zap timestamps, ms resolution).
  let leaderWall: number | null = null;
  let leaderHex: string | null = null;
  const knows = new Map<number, number>();
  const candidateTerms = new Set<string>();
  let leaseIgnored = 0;
  for (const m of members) {
    if (m.index === leader || m.process === null) continue;
    for (const line of logLines(m.process.log(), Math.floor(killWall))) {
      const became = /became leader at term (\d+)/.exec(line.msg);
      if (became !== null && (leaderWall === null || line.ts < leaderWall)) {
        leaderWall = line.ts;
        leaderHex = m.idHex;
      }
      if (/elected leader/.test(line.msg) && !knows.has(m.index)) knows.set(m.index, line.ts);
      const cand = /became candidate at term (\d+)/.exec(line.msg);
      if (cand !== null && (leaderWall === null || line.ts <= leaderWall)) candidateTerms.add(cand[1]);
      if (/lease is not expired/.test(line.msg)) leaseIgnored++;
    }
  }

  // Every acknowledged write must be there (a linearizable range on a survivor).
  const survivor = members.find((m) => m.index !== leader)!;
  let lost = 0;
  if (acked.size > 0) {
    // A linearizable read fails while leadership moves ("leader changed"): retry a few times.
    let keys: string[] | null = null;
    for (let attempt = 0; keys === null; attempt++) {
      try {
        keys = await etcdKeys(survivor.clientPort, `w/${o.trial}/`, 10_000);
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(200);
      }
    }
    const present = new Set(keys);
    for (const k of acked) if (!present.has(k)) lost++;
  }

  const newLeader = members.find((m) => m.idHex !== null && m.idHex === leaderHex)?.index ?? -1;
  const errorsAfterLeader: Record<string, number> = {};
  const leaderAt = leaderWall === null ? Infinity : killedAt + (leaderWall - killWall);
  for (const e of errors)
    if (e.at >= leaderAt) errorsAfterLeader[e.message] = (errorsAfterLeader[e.message] ?? 0) + 1;
  const survivorsKnow = members.filter((m) => m.index !== leader).map((m) => knows.get(m.index));
  cluster.restart(leader);
  return {
    trial: o.trial,
    killed: leader,
    recoveryMs: recoveredAt === null ? null : recoveredAt - killedAt,
    leaderMs: leaderWall === null ? null : leaderWall - killWall,
    allKnowLeaderMs: survivorsKnow.every((x) => x !== undefined)
      ? Math.max(...survivorsKnow) - killWall
      : null,
    firstAckViaLeader: recoveredAt === null ? null : firstAckTarget === newLeader,
    firstAckIssuedMs: recoveredAt === null ? null : firstAckIssued - killedAt,
    errorsAfterLeader,
    electionRounds: candidateTerms.size,
    leaseIgnored,
    ackedWritesLost: lost,
    writes,
    ackedWrites: acked.size,
  };
}
