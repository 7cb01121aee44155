/**
 * `replilab calibrate postgres-failover`: lost acknowledged writes and recovery at a PostgreSQL
 * failover against the lab's failover model. Measured side, per trial on a fresh
 * {@link PgCluster} (a primary, s1 and s2 through the delay proxy): a client writes single-row
 * INSERTs open loop (Poisson arrivals at the setting's rate, over a few sessions) with the
 * setting's synchronous_commit and synchronous_standby_names, logging every acknowledged key; at
 * a random moment the primary and its backends get `kill -9`; a watcher that polls the primary
 * every {@link POLL_MS} ms (`SELECT 1`) notices, asks both standbys for pg_last_wal_receive_lsn(),
 * promotes the most up-to-date one (`pg_ctl promote`, without waiting) and the client writes
 * there every 2 ms until a write is acknowledged: recovery_ms runs from the kill to that
 * acknowledgement. Then every acknowledged key is looked up on the new primary.
 *
 * Model side: `failover --election coordinator --detector timeout` with 3 nodes, the poll period
 * as the heartbeat (the timeout just above it: the watcher acts on the first failed poll), the
 * loopback round trip as the one-way latency, the measured fsync as the disk, shipping after the
 * leader's flush (`shipAfterDurable`, as PostgreSQL's WAL sender) with the proxy's applied delay
 * (median over the trials) as the replication delay, asynchronous followers for sync=none and one
 * synchronous follower for FIRST 1, the client's rate.
 *
 * Why the proxy's delay is the model's replication delay and not its network latency: the proxy
 * holds the WAL it has read from the primary's WAL sender for the delay, and at the kill the
 * trial closes the standbys' proxies, which destroys their sockets and drops what they still hold
 * (lib/testbed/delay-proxy.ts; they would do the same, later, when the WAL sender's socket
 * closed). So WAL flushed and acknowledged less than the delay before the kill never reaches a
 * standby: lost, about rate x delay writes per failover. A real wide-area link would still
 * deliver the bytes already on the wire; there only WAL the WAL sender had not yet sent would be
 * lost, and the model's network latency is that link. The model's network delivers a message already sent
 * even when its sender crashes afterwards, but its replication delay is spent at the leader
 * (cluster.ts `ship`, a local event a crash discards), which is where the proxy's queue dies. As
 * network latency the delay lost nothing in the model. The price: the standby's replies cross the
 * model's link without the proxy's delay, which would matter for the commit time of FIRST 1 (not
 * measured here; calibrate postgres-commit measures it) but not for what it loses.
 *
 * What the model lacks: PostgreSQL's promotion itself (the startup process ends recovery, writes
 * an end-of-recovery record and switches timeline before the server accepts writes) costs time
 * the model's promoted node does not spend, and the model's coordinator talks to the nodes
 * through the same delayed links as replication, where the watcher here reaches them directly.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { FigureFormat } from '../charts/index.js';
import { resolveLatency } from '../latency/index.js';
import { deriveStream, type RandomStream } from '../random/index.js';
import { ksTwoSample, summarizeSample, type QuantileEstimate, type SampleSummary } from '../stats/index.js';
import { validateFailoverConfig } from '../strategies/leader-follower/failover-config.js';
import { runFailoverTrial } from '../strategies/leader-follower/failover-trial.js';
import type { PostgresSetting } from './calibrate-params.js';
import { measureFsync } from './calibrate.js';
import { loss, type LossEstimate } from './calibrate-sentinel.js';
import { loopbackRoundTrips } from './delay-proxy.js';
import { PgCluster, pgClient, pgQuery, postgresVersion, type PgNode } from './postgres.js';
import { syncStandbyNames } from './postgres-commit.js';
import { calibrationJson, writeSampleCalibration } from './calibration-output.js';
import { Testbed } from './processes.js';

/** The watcher's poll period, ms: the model's heartbeat. */
export const POLL_MS = 10;
/** The WAL sender's backlog is sampled every SAMPLE_MS ms, from SAMPLE_FROM_MS ms into the writes. */
const SAMPLE_MS = 10;
const SAMPLE_FROM_MS = 100;
/** Client sessions the open-loop writer spreads its writes over. */
const SESSIONS = 8;

export interface PgFailoverOutcome {
  trial: number;
  /** Kill to the first write acknowledged by the promoted standby, ms; null: none. */
  recoveryMs: number | null;
  /** Kill to the watcher's first failed poll, ms. */
  detectMs: number | null;
  /** Kill to `pg_ctl promote` returning (it has signalled the standby), ms. */
  promoteMs: number | null;
  /** The promoted standby, and the receive positions (bytes) of both at the promotion. */
  promoted: string | null;
  lsns: Record<string, string>;
  ackedWrites: number;
  ackedWritesLost: number;
  writes: number;
  /** The median delay the standbys' proxies applied in the trial, ms (null: none recorded). */
  proxyDelayMs: number | null;
  /** The WAL sender's mean lag behind the flush during the writes (Little's law), ms; null: too few samples. */
  sendLagMs: number | null;
}

export interface PgFailoverOptions {
  settings: PostgresSetting[];
  trials: number;
  modelTrials: number;
  seed: number;
  onProcess?: (pid: number) => void;
  onTrial?: (setting: PostgresSetting, outcome: PgFailoverOutcome) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 'X/Y' (two hex halves) -> bytes. */
export function parseLsn(lsn: string | null): bigint {
  if (lsn === null) return -1n;
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/**
 * The arrival times (ms from the start) of an open-loop Poisson writer at `ratePerS` writes per
 * second, every one before `untilMs`.
 */
export function* poissonArrivals(rng: RandomStream, ratePerS: number, untilMs: number): Generator<number> {
  let at = 0;
  for (;;) {
    at += (-Math.log(rng.nextOpenDouble()) * 1000) / ratePerS;
    if (at >= untilMs) return;
    yield at;
  }
}

/** One failover on a fresh cluster in `bed`. */
export async function runPgFailoverTrial(
  bed: Testbed,
  setting: PostgresSetting,
  o: {
    trial: number;
    rng: RandomStream;
    warmupMs: number;
    spanMs: number;
    giveUpMs: number;
    onProcess?: (pid: number) => void;
  },
): Promise<PgFailoverOutcome> {
  const cluster = await PgCluster.start(bed, {
    delay: resolveLatency(`const(${setting.delay})`).W,
    rng: deriveStream(o.rng.nextInt(2 ** 30), 0, 0),
    // On their timers alone: busy-waiting proxies took half a core from the servers and the
    // writer (their lateness is in `applied`, whose median is the model's replication delay).
    preciseDelay: false,
    onProcess: o.onProcess,
  });
  try {
    const names = syncStandbyNames(setting.sync);
    await cluster.setSyncStandbys(names.names, names.states);
    await pgQuery(cluster.primary.port, 'CREATE TABLE w (k text PRIMARY KEY)');
    await cluster.waitStreaming(10_000);
    const sessions = Array.from({ length: SESSIONS }, () => pgClient(cluster.primary.port, 2000));
    for (const c of sessions) {
      await c.connect();
      await c.query(`SET synchronous_commit = ${setting.commit}`);
    }
    // The WAL sender's lag behind the flush, by Little's law: a session samples, every SAMPLE_MS
    // during the writes, the flushed WAL not yet sent to the most advanced standby (bytes); their
    // mean over the WAL's byte rate is the mean time a flushed byte waits to be sent (on a loaded
    // machine, mostly the WAL sender waiting for a core after the commit's wake-up). Acknowledged
    // writes wait as long before they leave the primary: part of the model's replication delay.
    const sampler = pgClient(cluster.primary.port, 2000);
    await sampler.connect();
    // The processes to kill, listed now: the /proc scan takes milliseconds (more on a loaded
    // machine), and done at the kill it would let the WAL sender ship everything acknowledged
    // while the writer stands still. The sessions' backends and the WAL senders exist already.
    const pids = cluster.track(cluster.primary);
    const idle = [...sessions];
    const acked: string[] = [];
    let writes = 0;
    let killed = false;
    const inFlight = new Set<Promise<void>>();
    const killAfter = o.warmupMs + o.rng.nextDouble() * o.spanMs;
    const start = performance.now();
    let sampling = true;
    const backlog: { at: number; flushed: bigint; unsent: bigint }[] = [];
    const sampled = (async () => {
      while (sampling) {
        const at = performance.now();
        try {
          const r = await sampler.query<{ f: string; s: string | null }>(
            'SELECT pg_current_wal_flush_lsn()::text AS f, (SELECT max(sent_lsn) FROM pg_stat_replication)::text AS s',
          );
          const f = parseLsn(r.rows[0].f);
          const sent = parseLsn(r.rows[0].s);
          if (sent >= 0n && at - start > SAMPLE_FROM_MS)
            backlog.push({ at, flushed: f, unsent: f > sent ? f - sent : 0n });
        } catch {
          return; // the kill
        }
        await sleep(SAMPLE_MS);
      }
    })();
    // Open loop: Poisson arrivals; a write waits for a free session only if all are busy. The
    // kill comes at its own time, not at a write: a loop that ran until the first arrival after
    // killAfter would kill just as it issued a write, and looking back from an arrival the gap
    // before it is the one that straddled killAfter, twice as long on average (the inspection
    // paradox), so the last replication delay before the kill held about 1/rate ms fewer writes
    // than a random moment's (at 200 writes/s and 11 ms, 1.3 lost per failover instead of 2.2).
    const killAt = start + killAfter;
    for (const at of poissonArrivals(o.rng, setting.rate, killAfter)) {
      const wait = start + at - performance.now();
      if (wait > 0) await sleep(wait);
      if (performance.now() >= killAt) break;
      while (idle.length === 0) await Promise.race(inFlight);
      const c = idle.pop()!;
      const key = `${o.trial}:${writes++}`;
      const p = c
        .query('INSERT INTO w VALUES ($1)', [key])
        .then(
          () => {
            if (!killed) acked.push(key);
          },
          () => {},
        )
        .finally(() => {
          idle.push(c);
          inFlight.delete(p);
        });
      inFlight.add(p);
    }
    if (killAt > performance.now()) await sleep(killAt - performance.now());
    sampling = false; // not awaited: the kill does not wait for a sample
    // The kill; a write acknowledged after it cannot be (its backend is dead), so `killed` only
    // guards against a reply already on its way being counted against the new primary.
    const primary = cluster.primary;
    const killedAt = performance.now();
    const killing = cluster.kill9(primary, pids); // the SIGKILLs go out before its first await
    // The primary's ends of the replication links die with it, now: the proxies drop the WAL they
    // still hold (see the header). Left to the processes' exits, the cut came late under load:
    // each killed process must be scheduled to run its exit and close its socket, and until the
    // WAL sender's closed, the proxy went on delivering, several ms of the delay on a loaded
    // machine (the loss fell to a fraction of rate x delay).
    for (const s of cluster.standbys) void s.proxy?.close();
    // The watcher: polls every POLL_MS until a poll fails.
    let detectedAt: number | null = null;
    while (detectedAt === null) {
      const t = performance.now();
      try {
        await pgQuery(primary.port, 'SELECT 1', [], POLL_MS);
        await sleep(Math.max(0, POLL_MS - (performance.now() - t)));
      } catch {
        detectedAt = performance.now();
      }
    }
    killed = true;
    await killing;
    await Promise.allSettled([...inFlight]);
    for (const c of sessions) await c.end().catch(() => {});
    await sampled;
    await sampler.end().catch(() => {});
    let sendLagMs: number | null = null;
    if (backlog.length >= 2) {
      const first = backlog[0];
      const last = backlog[backlog.length - 1];
      const bytesPerMs = Number(last.flushed - first.flushed) / (last.at - first.at);
      const meanUnsent = backlog.reduce((a, b) => a + Number(b.unsent), 0) / backlog.length;
      if (bytesPerMs > 0) sendLagMs = meanUnsent / bytesPerMs;
    }
    const lsns: Record<string, string> = {};
    let best: PgNode | null = null;
    let bestLsn = -1n;
    for (const s of cluster.standbys) {
      const rows = await pgQuery<{ lsn: string | null }>(
        s.port,
        'SELECT pg_last_wal_receive_lsn()::text AS lsn',
      ).catch(() => []);
      const lsn = rows[0]?.lsn ?? null;
      lsns[s.name] = lsn ?? 'none';
      if (parseLsn(lsn) > bestLsn) {
        bestLsn = parseLsn(lsn);
        best = s;
      }
    }
    let recoveredAt: number | null = null;
    let promotedAt: number | null = null;
    if (best !== null) {
      await cluster.promote(best, false);
      promotedAt = performance.now();
      const c = pgClient(best.port, 2000);
      await c.connect();
      try {
        let seq = 0;
        while (recoveredAt === null && performance.now() - killedAt < o.giveUpMs) {
          try {
            await c.query('INSERT INTO w VALUES ($1)', [`${o.trial}:after:${seq++}`]);
            recoveredAt = performance.now();
          } catch {
            await sleep(2); // read-only until the promotion ends
          }
        }
      } finally {
        await c.end().catch(() => {});
      }
    }
    const applied = cluster.standbys.flatMap((s) => s.proxy?.applied ?? []).sort((a, b) => a - b);
    let lost = acked.length;
    if (best !== null && recoveredAt !== null && acked.length > 0) {
      const rows = await pgQuery<{ n: string }>(
        best.port,
        'SELECT count(*) AS n FROM w WHERE k = ANY($1)',
        [acked],
        10_000,
      );
      lost = acked.length - Number(rows[0].n);
    }
    return {
      trial: o.trial,
      recoveryMs: recoveredAt === null ? null : recoveredAt - killedAt,
      detectMs: detectedAt - killedAt,
      promoteMs: promotedAt === null ? null : promotedAt - killedAt,
      promoted: best?.name ?? null,
      lsns,
      ackedWrites: acked.length,
      ackedWritesLost: lost,
      writes,
      proxyDelayMs: applied.length === 0 ? null : q(applied, 0.5),
      sendLagMs,
    };
  } finally {
    await cluster.close();
  }
}

/** The model's failovers for one setting. */
export function pgFailoverModel(
  setting: PostgresSetting,
  o: { loopbackMs: number; diskMs: number; shipDelayMs: number; trials: number; seed: number },
): { samples: number[]; lost: number[]; acked: number[] } {
  const remote = setting.sync !== 'none' && setting.commit !== 'off' && setting.commit !== 'local';
  const cfg = validateFailoverConfig({
    nodes: 3,
    election: 'coordinator',
    detector: 'timeout',
    heartbeatMs: POLL_MS,
    timeoutMs: POLL_MS + 0.001,
    latency: `const(${round3(o.loopbackMs)})`,
    disk: setting.commit === 'off' ? 'const(0)' : `const(${o.diskMs})`,
    // The proxy's queue, spent before the WAL leaves the primary's side (see the header).
    replicationDelay: `const(${round3(o.shipDelayMs)})`,
    shipAfterDurable: true,
    // FIRST 1 (s1, s2): s1 synchronous, s2 asynchronous (a potential standby). ANY 1 is refused
    // at the setting: the failover model has no quorum rule.
    asyncFollowers: remote ? 1 : 2,
    // The killed primary stays down past the recovery (the testbed never restarts it); the
    // simulated time is kept short, as every heartbeat and write of it is simulated.
    faultDurationMs: 1000,
    observeMs: 200,
    writeRate: setting.rate / 1000,
    trials: o.trials,
  });
  const samples: number[] = [];
  const lost: number[] = [];
  const acked: number[] = [];
  for (let t = 0; t < o.trials; t++) {
    const r = runFailoverTrial(cfg, o.seed, t);
    if (r.recoveryMs !== null) samples.push(r.recoveryMs);
    lost.push(r.ackedWritesLost);
    acked.push(r.ackedWrites);
  }
  return { samples, lost, acked };
}

export interface PgFailoverComparison {
  setting: { sync: string; commit: string; delay_ms: number; rate_per_s: number };
  metric: 'recovery_ms';
  measured: SampleSummary;
  model: SampleSummary;
  ks_distance: number;
  ks_p_value: number;
  lost: {
    measured: LossEstimate;
    model: LossEstimate;
    /** Where the mean of the measured number of failovers falls, with 95% probability, if the model is right. */
    model_mean_of_measured_n: { low: number; high: number };
  };
  /** The replication delay the model was given, ms: the proxies' median applied delay plus the WAL sender's mean lag. */
  ship_delay_ms: number;
  proxy_delay_ms: number;
  send_lag_ms: number;
  measured_samples: number[];
  model_samples: number[];
  trials: PgFailoverOutcome[];
  unrecovered: number;
}

export interface PgFailoverResult {
  system: 'postgres-failover';
  version: string;
  trials: number;
  comparisons: PgFailoverComparison[];
  acked_writes_lost: number[];
  manifest: {
    postgres_version: string;
    loopback_rtt_ms: { p50: number; p99: number };
    fsync_ms: { p50: number; p99: number };
    poll_ms: number;
    load_average: number[];
    seed: number;
    wall_time_ms: number;
  };
}

/**
 * The central 95% interval of the mean of `n` failovers drawn from the empirical distribution of
 * the model's per-failover losses `lost` (non-negative integers): the n-fold convolution of that
 * distribution, exactly, no resampling. This, not the interval of the model's own mean (narrow
 * with thousands of model trials), is what the mean of n measured failovers should fall in if
 * the model is right.
 */
export function meanOfNInterval(lost: readonly number[], n: number): { low: number; high: number } {
  if (lost.length === 0 || n <= 0) return { low: Number.NaN, high: Number.NaN };
  const max = Math.max(...lost);
  const one = new Array<number>(max + 1).fill(0);
  for (const x of lost) one[x] += 1 / lost.length;
  let sum = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array<number>(sum.length + max).fill(0);
    for (let a = 0; a < sum.length; a++) {
      if (sum[a] === 0) continue;
      for (let b = 0; b <= max; b++) next[a + b] += sum[a] * one[b];
    }
    sum = next;
  }
  const at = (p: number) => {
    let c = 0;
    for (let k = 0; k < sum.length; k++) {
      c += sum[k];
      if (c >= p - 1e-12) return k / n;
    }
    return (sum.length - 1) / n;
  };
  return { low: at(0.025), high: at(0.975) };
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Runs the calibration; every server it starts is stopped before it returns or throws. */
export async function calibratePostgresFailover(o: PgFailoverOptions): Promise<PgFailoverResult> {
  const started = performance.now();
  const rtt = (await loopbackRoundTrips(200)).sort((a, b) => a - b);
  const loopbackMs = round3(q(rtt, 0.5));
  const version = await postgresVersion();
  const comparisons: PgFailoverComparison[] = [];
  const allLost: number[] = [];
  let fsync: number[] = [];
  for (const [si, setting] of o.settings.entries()) {
    const rng = deriveStream(o.seed, 50 + si, 0);
    const outcomes: PgFailoverOutcome[] = [];
    for (let t = 0; t < o.trials; t++) {
      const bed = new Testbed('pg-failover', { onStart: o.onProcess });
      try {
        if (si === 0 && t === 0) fsync = measureFsync(bed.dir('fsync')).sort((a, b) => a - b);
        const outcome = await runPgFailoverTrial(bed, setting, {
          trial: t,
          rng,
          warmupMs: 500,
          spanMs: 500,
          giveUpMs: 30_000,
          onProcess: o.onProcess,
        });
        outcomes.push(outcome);
        allLost.push(outcome.ackedWritesLost);
        o.onTrial?.(setting, outcome);
      } finally {
        await bed.close();
      }
    }
    const measured = outcomes.flatMap((x) => (x.recoveryMs === null ? [] : [x.recoveryMs]));
    const applied = outcomes
      .flatMap((x) => (x.proxyDelayMs === null ? [] : [x.proxyDelayMs]))
      .sort((a, b) => a - b);
    const lags = outcomes.flatMap((x) => (x.sendLagMs === null ? [] : [x.sendLagMs]));
    const sendLagMs = lags.length === 0 ? 0 : lags.reduce((a, b) => a + b, 0) / lags.length;
    const proxyMs = applied.length === 0 ? setting.delay : q(applied, 0.5);
    const shipDelayMs = round3(proxyMs + sendLagMs);
    const model = pgFailoverModel(setting, {
      loopbackMs,
      diskMs: round3(q(fsync, 0.5)),
      shipDelayMs,
      trials: o.modelTrials,
      seed: o.seed,
    });
    const ks =
      measured.length > 0 && model.samples.length > 0
        ? ksTwoSample(measured, model.samples)
        : { distance: Number.NaN, pValue: Number.NaN };
    comparisons.push({
      setting: {
        sync: setting.sync,
        commit: setting.commit,
        delay_ms: setting.delay,
        rate_per_s: setting.rate,
      },
      metric: 'recovery_ms',
      measured: summarizeSample(measured),
      model: summarizeSample(model.samples),
      ks_distance: ks.distance,
      ks_p_value: ks.pValue,
      lost: {
        measured: loss(
          outcomes.map((x) => x.ackedWritesLost),
          outcomes.map((x) => x.ackedWrites),
        ),
        model: loss(model.lost, model.acked),
        model_mean_of_measured_n: meanOfNInterval(model.lost, outcomes.length),
      },
      ship_delay_ms: shipDelayMs,
      proxy_delay_ms: round3(proxyMs),
      send_lag_ms: round3(sendLagMs),
      measured_samples: measured,
      model_samples: model.samples,
      trials: outcomes,
      unrecovered: outcomes.filter((x) => x.recoveryMs === null).length,
    });
  }
  return {
    system: 'postgres-failover',
    version,
    trials: o.trials,
    comparisons,
    acked_writes_lost: allLost,
    manifest: {
      postgres_version: version,
      loopback_rtt_ms: { p50: loopbackMs, p99: round3(q(rtt, 0.99)) },
      fsync_ms: { p50: round3(q(fsync, 0.5)), p99: round3(q(fsync, 0.99)) },
      poll_ms: POLL_MS,
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      seed: o.seed,
      wall_time_ms: Math.round(performance.now() - started),
    },
  };
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 100 ? 0 : 1)}` : 'n/a');
const qText = (e: QuantileEstimate) => `${ms(e.value)} [${ms(e.low)}, ${ms(e.high)}]`;
const settingText = (c: PgFailoverComparison) =>
  `sync=${c.setting.sync},commit=${c.setting.commit},delay=${c.setting.delay_ms},rate=${c.setting.rate_per_s}`;
const medianOf = (xs: (number | null)[]) => {
  const ys = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return ys.length === 0 ? Number.NaN : q(ys, 0.5);
};
const lossText = (l: LossEstimate) =>
  `${l.mean.toFixed(3)} per failover [${l.perFailover.low.toFixed(3)}, ${l.perFailover.high.toFixed(3)}] (${l.lost} of ${l.acked} in ${l.trials})`;

/** The human summary. */
export function pgFailoverSummary(r: PgFailoverResult): string {
  const m = r.manifest;
  const lines = [
    `calibrate postgres-failover: PostgreSQL ${r.version}, a primary and 2 standbys on 127.0.0.1 through the delay proxy, fresh per trial; ${r.trials} primary kills per setting`,
    `loopback RTT p50 ${m.loopback_rtt_ms.p50} ms (p99 ${m.loopback_rtt_ms.p99}); fsync p50 ${m.fsync_ms.p50} ms (p99 ${m.fsync_ms.p99}); watcher poll ${m.poll_ms} ms; load average ${m.load_average.join(' ')}`,
    `model: failover --election coordinator --detector timeout --nodes 3 --heartbeat-ms ${m.poll_ms}, shipAfterDurable, the proxy's delay as the replication delay (WAL still in the proxy dies with the primary), async followers (sync=none) or one sync follower (FIRST 1)`,
  ];
  for (const c of r.comparisons) {
    const row = (name: string, s: SampleSummary) =>
      `  ${name.padEnd(9)} p50 ${qText(s.p50).padEnd(22)} p90 ${qText(s.p90).padEnd(22)} p99 ${qText(s.p99).padEnd(22)} n=${s.samples}`;
    const pi = c.lost.model_mean_of_measured_n;
    const covers = c.lost.measured.mean >= pi.low && c.lost.measured.mean <= pi.high;
    lines.push(
      `${settingText(c)}: recovery_ms (kill -> first write acknowledged by the promoted standby), 95% intervals`,
      row('measured', c.measured),
      row('model', c.model),
      `  KS distance ${c.ks_distance.toFixed(3)}, p ${c.ks_p_value.toPrecision(2)}; model/measured median ${(c.model.p50.value / c.measured.p50.value).toFixed(2)}; measured: watcher detects p50 ${ms(medianOf(c.trials.map((t) => t.detectMs)))} ms, pg_ctl promote returns p50 ${ms(medianOf(c.trials.map((t) => t.promoteMs)))} ms${c.unrecovered > 0 ? `; ${c.unrecovered} trials never recovered` : ''}`,
      `  acked writes lost: measured ${lossText(c.lost.measured)}; model ${lossText(c.lost.model)}`,
      `  the mean of ${c.lost.measured.trials} failovers if the model is right (model replication delay ${c.ship_delay_ms} ms: proxy median ${c.proxy_delay_ms} + WAL sender lag ${c.send_lag_ms}): [${pi.low.toFixed(3)}, ${pi.high.toFixed(3)}] (95%), ${covers ? 'covers' : 'misses'} the measured ${c.lost.measured.mean.toFixed(3)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The one object `--json` prints (the keys of the other calibrations, plus lost writes). */
export function pgFailoverJson(r: PgFailoverResult): object {
  return calibrationJson(r, (c) => ({ lost: c.lost }));
}

export const PG_FAILOVER_COLUMNS = [
  'system',
  'version',
  'sync',
  'commit',
  'delay_ms',
  'rate_per_s',
  'side',
  'trial',
  'recovery_ms',
  'detect_ms',
  'promote_ms',
  'promoted',
  'acked_writes',
  'acked_writes_lost',
  'proxy_delay_ms',
  'send_lag_ms',
] as const;

/** Writes FILE.csv, FILE.manifest.json and the CDF overlay FILE.{svg,png,pdf}; returns the paths. */
export async function writePgFailoverCalibration(
  r: PgFailoverResult,
  out: string,
  parameters: Record<string, unknown>,
  formats: readonly FigureFormat[] = ['svg', 'png', 'pdf'],
  startedAt = new Date(),
): Promise<string[]> {
  const common = (c: PgFailoverComparison) => ({
    system: r.system,
    version: r.version,
    sync: c.setting.sync,
    commit: c.setting.commit,
    delay_ms: c.setting.delay_ms,
    rate_per_s: c.setting.rate_per_s,
  });
  const rows = r.comparisons.flatMap((c) => [
    ...c.trials.map((t) => ({
      ...common(c),
      side: 'measured',
      trial: t.trial,
      recovery_ms: t.recoveryMs,
      detect_ms: t.detectMs,
      promote_ms: t.promoteMs,
      promoted: t.promoted,
      acked_writes: t.ackedWrites,
      acked_writes_lost: t.ackedWritesLost,
      proxy_delay_ms: t.proxyDelayMs,
      send_lag_ms: t.sendLagMs,
    })),
    ...c.model_samples.map((v, i) => ({
      ...common(c),
      side: 'model',
      trial: i,
      recovery_ms: v,
      detect_ms: null,
      promote_ms: null,
      promoted: null,
      acked_writes: null,
      acked_writes_lost: null,
      proxy_delay_ms: null,
      send_lag_ms: null,
    })),
  ]);
  const samples: Record<string, number[]> = {};
  for (const c of r.comparisons) {
    if (c.measured_samples.length > 0) samples[`postgres ${settingText(c)}`] = c.measured_samples;
    if (c.model_samples.length > 0) samples[`model ${settingText(c)}`] = c.model_samples;
  }
  return writeSampleCalibration({
    out,
    columns: PG_FAILOVER_COLUMNS,
    rows,
    samples,
    title: `PostgreSQL ${r.version} failover (kill -9, promote the most up-to-date standby) vs the coordinator model`,
    xTitle: 'recovery (ms): kill to the first write acknowledged by the promoted standby',
    experiment: 'calibrate-postgres-failover',
    parameters: { ...parameters, ...r.manifest },
    seed: r.manifest.seed,
    trials: r.trials,
    wallTimeMs: r.manifest.wall_time_ms,
    formats,
    startedAt,
  });
}
