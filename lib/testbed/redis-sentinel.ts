/**
 * A Redis Sentinel deployment on 127.0.0.1 for calibration, fresh for every trial: a primary,
 * two replicas (`replicaof` the primary) and three sentinels (`sentinel monitor m 127.0.0.1 P 2`:
 * quorum 2), each in its own folder of one {@link Testbed}, all stopped when it closes.
 *
 * One trial: a client writes (one SET every interval, each awaited; in the `wait` variant each
 * SET is followed by `WAIT 1 timeout` and counts as acknowledged only when one replica
 * confirmed it), the primary gets `kill -9`, and the client, as Sentinel clients do
 * (https://redis.io/docs/latest/develop/reference/sentinel-clients/), asks the sentinels
 * `SENTINEL get-master-addr-by-name` until one names another address, then writes there until
 * a write is acknowledged (a replica answers READONLY until promoted). recovery_ms runs from the
 * kill to that acknowledgement; then every acknowledged key is looked up on the new primary. A
 * trial starts once a write to the primary is readable on both replicas (not merely once they
 * report the link up: see {@link startSentinelDeployment}).
 *
 * Replication links go straight to the primary, not through the delay proxy: Sentinel
 * reconfigures the replicas to the promoted replica's own address (the one it announces), which
 * would bypass a proxy placed in front of the old primary.
 */
import { performance } from 'node:perf_hooks';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { RandomStream } from '../random/index.js';
import { freePort, requireBinary, type ServerProcess, type Testbed } from './processes.js';

export const MASTER_NAME = 'calib';

export interface SentinelSetting {
  /** Sentinel's down-after-milliseconds, ms. */
  downAfterMs: number;
}

export interface SentinelTrialOptions {
  trial: number;
  rng: RandomStream;
  downAfterMs: number;
  /** `plain`: SET acknowledged by the primary; `wait`: SET then WAIT 1 (one replica's acknowledgement). */
  variant: 'plain' | 'wait';
  writeIntervalMs: number;
  /** WAIT's timeout, ms. */
  waitTimeoutMs: number;
  /** The kill falls uniformly in [warmupMs, warmupMs + spanMs] after the writes begin. */
  warmupMs: number;
  spanMs: number;
  giveUpMs: number;
  /** Sentinel's failover-timeout, ms. */
  failoverTimeoutMs: number;
}

export interface SentinelTrialOutcome {
  trial: number;
  variant: 'plain' | 'wait';
  /** Kill to the first acknowledged write on the sentinel-named new primary, ms; null: none. */
  recoveryMs: number | null;
  /** Kill to the first sentinel answer naming another primary, ms. */
  switchMs: number | null;
  /** Kill to the first +odown line in a sentinel's log (1 ms resolution), ms. */
  odownMs: number | null;
  /**
   * Kill to the first line of each Sentinel event any sentinel logged (+sdown, +odown,
   * +try-failover, +elected-leader, +selected-slave, +promoted-slave, +switch-master), ms: where
   * the failover's time goes.
   */
  events: Record<string, number>;
  /** Acknowledged writes absent from the new primary. */
  ackedWritesLost: number;
  /**
   * Acknowledged writes the replica that became the new primary lacked just after the kill (read
   * from it then; null: no new primary, or it did not answer). A loss equal to this is writes the
   * old primary acknowledged before its replication stream reached that replica.
   */
  newPrimaryLackedAtKill: number | null;
  /**
   * Full resynchronisations (replication.c readSyncBulkPayload: "MASTER <-> REPLICA sync:
   * Flushing old data") the new primary's log shows after the kill: a loss beyond the writes it
   * lacked at the kill is data it replaced by another node's copy.
   */
  newPrimaryFullSyncs: number;
  /**
   * For a trial that lost acknowledged writes (else empty): the new primary's log lines about its
   * replication and every sentinel's event lines after the kill, each prefixed by the process.
   */
  lossLog: string[];
  ackedWrites: number;
  writes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function client(port: number, timeoutMs = 500): Redis {
  const c = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  c.on('error', () => {}); // each command's own rejection reports it
  return c;
}

async function withClient<T>(port: number, f: (c: Redis) => Promise<T>, timeoutMs = 500): Promise<T> {
  const c = client(port, timeoutMs);
  try {
    await c.connect();
    return await f(c);
  } finally {
    c.disconnect();
  }
}

/** Sentinel's log time "DD Mon YYYY HH:MM:SS.mmm" (local time) in ms since the epoch. */
function sentinelLogTime(line: string): number | null {
  const m = /(\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2})\.(\d{3})/.exec(line);
  if (m === null) return null;
  const t = Date.parse(m[1]);
  return Number.isFinite(t) ? t + Number(m[2]) : null;
}

interface Node {
  name: string;
  port: number;
  process: ServerProcess;
}

/** Starts the deployment; resolves when every sentinel sees 2 replicas and 2 other sentinels. */
export async function startSentinelDeployment(
  bed: Testbed,
  o: { downAfterMs: number; failoverTimeoutMs: number },
): Promise<{ servers: Node[]; sentinels: Node[] }> {
  const redis = requireBinary('redis-server', 'redis-server');
  const sentinelBin = requireBinary('redis-sentinel', 'redis-sentinel');
  const ports: number[] = [];
  while (ports.length < 6) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const servers: Node[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = bed.dir(`r${i}`);
    mkdirSync(dir, { recursive: true });
    const args = [
      '--port',
      String(ports[i]),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    if (i > 0) args.push('--replicaof', '127.0.0.1', String(ports[0]));
    servers.push({ name: `r${i}`, port: ports[i], process: bed.start(`r${i}`, redis, args) });
  }
  const sentinels: Node[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = bed.dir(`s${i}`);
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${ports[3 + i]}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${ports[0]} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${o.downAfterMs}`,
        `sentinel failover-timeout ${MASTER_NAME} ${o.failoverTimeoutMs}`,
        `sentinel parallel-syncs ${MASTER_NAME} 2`,
        '',
      ].join('\n'),
    );
    sentinels.push({ name: `s${i}`, port: ports[3 + i], process: bed.start(`s${i}`, sentinelBin, [conf]) });
  }
  const deadline = performance.now() + 30_000;
  for (const s of sentinels) {
    for (;;) {
      if (performance.now() > deadline)
        throw new Error(`${s.name}: sentinel did not discover the deployment in 30 s`);
      try {
        const fields = (await withClient(s.port, (c) =>
          c.call('SENTINEL', 'MASTER', MASTER_NAME),
        )) as string[];
        const get = (k: string) => Number(fields[fields.indexOf(k) + 1]);
        if (get('num-slaves') === 2 && get('num-other-sentinels') === 2) break;
      } catch {
        /* not up yet */
      }
      await sleep(100);
    }
  }
  // Both replicas in sync with the primary (master_link_status:up).
  for (const r of servers.slice(1)) {
    for (;;) {
      if (performance.now() > deadline) throw new Error(`${r.name}: replica not in sync in 30 s`);
      const info = await withClient(r.port, (c) => c.info('replication')).catch(() => '');
      if (/master_link_status:up/.test(info)) break;
      await sleep(50);
    }
  }
  // ...and the primary streaming to both. A replica reports the link up once it has loaded the
  // diskless full sync's RDB, and sends REPLCONF ACK at once; the primary starts streaming writes
  // to it on the first ACK that arrives after it reaped the RDB child (replconfCommand in
  // https://github.com/redis/redis/blob/7.0/src/replication.c: checkChildrenDone, then
  // replicaStartCommandStream only once the replica is online). If the child has not exited yet, that ACK changes nothing and the stream waits for
  // the replica's next ACK, sent once a second by replicationCron: for up to a second after
  // "sync up", every write the primary acknowledges sits in its output buffer for that replica.
  // Kill the primary in that second and a replica promoted from that state has none of them:
  // the 38 of 39 writes one early run lost. That is the replicas' first sync, not a failover of a
  // running deployment (which the model describes), so a trial starts once a write to the primary
  // is readable on both replicas.
  await withClient(servers[0].port, (c) => c.set('replilab:ready', '1'));
  for (const r of servers.slice(1)) {
    for (;;) {
      if (performance.now() > deadline)
        throw new Error(`${r.name}: the primary's writes did not reach it in 30 s`);
      if ((await withClient(r.port, (c) => c.get('replilab:ready')).catch(() => null)) === '1') break;
      await sleep(10);
    }
  }
  return { servers, sentinels };
}

async function askMaster(sentinels: Node[]): Promise<number | null> {
  const answers = await Promise.all(
    sentinels
      .filter((s) => s.process.running)
      .map((s) =>
        withClient(s.port, (c) => c.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME), 200).catch(
          () => null,
        ),
      ),
  );
  for (const a of answers) if (Array.isArray(a) && a.length === 2) return Number(a[1]);
  return null;
}

/** One trial on a fresh deployment in `bed`. */
export async function runSentinelTrial(bed: Testbed, o: SentinelTrialOptions): Promise<SentinelTrialOutcome> {
  const { servers, sentinels } = await startSentinelDeployment(bed, o);
  const primary = servers[0];
  const killAfter = o.warmupMs + o.rng.nextDouble() * o.spanMs;
  const acked: string[] = [];
  let writes = 0;
  const writer = client(primary.port);
  await writer.connect();
  const start = performance.now();
  let seq = 0;
  // Before the kill: one write per interval to the primary, each awaited.
  while (performance.now() - start < killAfter) {
    const key = `w:${o.trial}:${seq++}`;
    writes++;
    try {
      await writer.set(key, '1');
      if (o.variant === 'plain' || (await writer.wait(1, o.waitTimeoutMs)) >= 1) acked.push(key);
    } catch {
      break;
    }
    await sleep(o.writeIntervalMs);
  }
  const killedAt = performance.now();
  const killWall = Date.now();
  await primary.process.kill9();
  writer.disconnect();
  // What each replica holds of the acknowledged writes now (replicas serve reads): a later loss
  // is either writes the new primary never received or data it lost after the kill. A write whose
  // bytes are still unread on the replica's link may be counted as lacking.
  const lackedAtKill = new Map<number, number>();
  if (acked.length > 0)
    await Promise.all(
      servers.slice(1).map((r) =>
        withClient(r.port, (c) => c.mget(...acked), 1000)
          .then((v) => lackedAtKill.set(r.port, v.filter((x) => x === null).length))
          .catch(() => undefined),
      ),
    );
  // The client: ask the sentinels for the primary; write to the one named once it changes.
  let recoveredAt: number | null = null;
  let switchedAt: number | null = null;
  let newPort: number | null = null;
  while (recoveredAt === null && performance.now() - killedAt < o.giveUpMs) {
    const port = await askMaster(sentinels);
    if (port !== null && port !== primary.port) {
      switchedAt ??= performance.now();
      newPort = port;
      const key = `w:${o.trial}:${seq++}`;
      writes++;
      try {
        await withClient(port, async (c) => {
          await c.set(key, '1');
          if (o.variant === 'wait' && (await c.wait(1, o.waitTimeoutMs)) < 1)
            throw new Error('WAIT: no replica');
        });
        recoveredAt = performance.now();
        acked.push(key);
        break;
      } catch {
        /* READONLY until promoted */
      }
    }
    await sleep(o.writeIntervalMs);
  }
  let lost = acked.length; // with no new primary, every acknowledged write is gone
  if (newPort !== null && acked.length > 0) {
    const values = await withClient(newPort, (c) => c.mget(...acked), 5000);
    lost = values.filter((v) => v === null).length;
  }
  const events: Record<string, number> = {};
  for (const s of sentinels)
    for (const line of s.process.log().split('\n')) {
      const tag =
        /[#*] (\+(?:sdown master|odown|try-failover|elected-leader|selected-slave|promoted-slave|switch-master))\b/.exec(
          line,
        );
      const t = sentinelLogTime(line);
      if (tag === null || t === null || t < killWall - 1) continue;
      const name = tag[1].replace(' master', '').slice(1);
      if (events[name] === undefined || t - killWall < events[name]) events[name] = t - killWall;
    }
  const afterKill = (node: Node | undefined, pattern: RegExp) =>
    (node?.process.log() ?? '').split('\n').flatMap((line) => {
      const t = sentinelLogTime(line);
      return t !== null && t >= killWall - 1 && pattern.test(line) ? [`${node?.name} ${line}`] : [];
    });
  const newPrimaryLog = afterKill(
    servers.find((r) => r.port === newPort),
    /MASTER|REPLICA|sync|Flushing|replica|master mode/i,
  );
  const odownWall = events.odown === undefined ? null : killWall + events.odown;
  return {
    trial: o.trial,
    variant: o.variant,
    recoveryMs: recoveredAt === null ? null : recoveredAt - killedAt,
    switchMs: switchedAt === null ? null : switchedAt - killedAt,
    odownMs: odownWall === null ? null : odownWall - killWall,
    events,
    ackedWritesLost: lost,
    newPrimaryLackedAtKill: newPort === null ? null : (lackedAtKill.get(newPort) ?? null),
    newPrimaryFullSyncs: newPrimaryLog.filter((line) => /Flushing old data/.test(line)).length,
    lossLog: lost > 0 ? [...newPrimaryLog, ...sentinels.flatMap((s) => afterKill(s, /[#*] [+-]/))] : [],
    ackedWrites: acked.length,
    writes,
  };
}

/** redis-server's version, e.g. "7.0.15". */
export async function redisVersion(bed: Testbed): Promise<string> {
  const p = await freePort();
  const srv = bed.start('version', requireBinary('redis-server', 'redis-server'), [
    '--port',
    String(p),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
  ]);
  try {
    for (let i = 0; i < 50; i++) {
      const info = await withClient(p, (c) => c.info('server')).catch(() => '');
      const m = /redis_version:(\S+)/.exec(info);
      if (m !== null) return m[1];
      await sleep(50);
    }
    return 'unknown';
  } finally {
    await srv.stop();
  }
}
