/**
 * `replilab calibrate postgres-lag`: replication lag under load, PostgreSQL 15 asynchronous
 * streaming replication against the `lag` model. Measured side, on one {@link PgCluster} (a
 * primary, s1 and s2, each standby's replication link through the delay proxy, its delay switched
 * between phases: see {@link SwitchedDelay}), per (delay, rate) {@link BLOCKS} phases alternating
 * with those of the reference:
 * - a client writes single-row INSERTs open loop (Poisson arrivals at the rate, over a few
 *   sessions, synchronous_standby_names empty), each row a marker: its sequence number and the
 *   primary's clock_timestamp() at the insert; it stops after `trials` writes or a time bound;
 * - the TRUE lag: per standby one session polls every {@link POLL_MS} ms for the markers it has
 *   not yet seen (`SELECT seq ... WHERE seq > floor`); replication_lag_ms is the moment the
 *   marker became visible (see below) less the moment the client had its commit acknowledged,
 *   per (write, standby);
 * - the MONITORED lag: every {@link MONITOR_MS} ms a session on the primary reads `replay_lag`
 *   from pg_stat_replication, per standby (the walsender's own figure: the time from the primary's
 *   flush of a WAL position to the standby's report of having replayed it, interpolated from the
 *   standby's replies; walsender.c LagTrackerRead). NULL (the standby idle and caught up) is skipped.
 *
 * Model side: `runLag` (the `lag` experiment) with one partition, 2 followers, one client
 * writing at the same rate (and reading at the same rate: the follower reads are where the model
 * samples its monitor's figure), the lag monitor polling every {@link MONITOR_MS} ms, no client
 * delay (the append is the acknowledgement), and as the one-way replication delay of each entry
 * `empirical(apply cost) + const(link)`:
 * - link: the median delay the proxies applied in the same phase plus the loopback round trip
 *   (two loopback hops per direction: primary -> proxy -> standby);
 * - apply cost per write, measured on this machine in a reference phase per write rate (the
 *   proxies at {@link REF_DELAY_MS} ms, the same rate): the true lag there of each write sent
 *   after every earlier marker was visible on that standby (so none held it up: the model's
 *   log-order apply adds that queueing itself), less that phase's link. It covers what a write
 *   costs beyond the bare link: the WAL sender's wake-up, the walreceiver's write, the startup
 *   process's replay, the proxy's own CPU on a loaded machine, and the poll's error, so the
 *   model's lag is measured the same way. A marker's visibility is the middle of the span in
 *   which it appeared (from the start of the poll before, which did not show it, to the end of
 *   the poll that did): an error of at most half a poll period and a query round trip either way.
 * The comparison tests whether the lag is the link plus the apply cost measured at the small
 * reference delay: whether more delay adds to the lag one for one, and how the model's log-order
 * apply (an entry overtaken waits for those before it) compares with PostgreSQL's serial replay.
 * What the model lacks: WAL batching (one WAL chunk may carry several commits) and stalls shared by the
 * writes in flight (a descheduled walreceiver or startup process on a loaded machine); in the
 * model each entry crosses on its own.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { resolveLatency, type LatencyDistribution } from '../latency/index.js';
import { deriveStream, type RandomStream } from '../random/index.js';
import { ksTwoSample, summarizeSample, type QuantileEstimate, type SampleSummary } from '../stats/index.js';
import { runLagSummary } from '../strategies/leader-follower/run-lag.js';
import type { LagConfig } from '../strategies/leader-follower/lag-config.js';
import type { PostgresSetting } from './calibrate-params.js';
import { calibrationJson, writeSampleCalibration } from './calibration-output.js';
import { loopbackRoundTrips } from './delay-proxy.js';
import { PgCluster, pgClient, pgQuery, postgresVersion } from './postgres.js';
import { Testbed } from './processes.js';

/** How often each standby's poller asks for new markers, ms. */
export const POLL_MS = 2;
/** How often replay_lag is read from pg_stat_replication (and the model's monitor polls), ms. */
export const MONITOR_MS = 50;
/**
 * The reference's proxy delay, ms: small, but above the proxy's timer threshold, so its chunks
 * wait as the settings' do (a timer, then the event loop's check phase for the last ms, which
 * keeps this process busy: a cost on a loaded machine that a reference at 0, delivered at once,
 * would leave out of the apply cost).
 */
export const REF_DELAY_MS = 2;
/** Client sessions the open-loop writer spreads its writes over. */
const SESSIONS = 4;
/** Writes at the start of each phase left out (connections and caches warming up). */
const WARMUP = 5;

export type LagMetric = 'replication_lag_ms' | 'monitored_lag_ms';

export interface PgLagOptions {
  /** The settings (delay and rate are read). */
  settings: PostgresSetting[];
  /** Writes per setting. */
  trials: number;
  /** Writes the model simulates per setting. */
  modelTrials: number;
  seed: number;
  onProcess?: (pid: number) => void;
  /** Told after each phase (the references' delay is REF_DELAY_MS). */
  onPhase?: (delayMs: number, rate: number, phase: PgLagPhase) => void;
}

/** What one phase measured. */
export interface PgLagPhase {
  /** Per (write, standby): acknowledgement to visibility on the standby, ms. */
  lag: number[];
  /**
   * The lags of the writes sent after every earlier marker was visible on that standby: no
   * earlier write could hold them up, so each is the write's own cost (whether a write qualifies
   * depends on the writes before it and its send time, not on its own acknowledgement or
   * visibility: no bias toward short or long ones).
   */
  own: number[];
  /** Per (write, standby): the client's send of the INSERT to visibility, ms (>= the proxy's delay). */
  sendToVisible: number[];
  /** replay_lag samples, ms. */
  monitored: number[];
  /** The delays the proxies applied meanwhile, ms. */
  applied: number[];
  writes: number;
  /** Acknowledged writes a standby had not shown when the phase ended (each standby counted). */
  unseen: number;
  /** The rate achieved, writes per second. */
  achievedRate: number;
}

export interface PgLagComparison {
  setting: { delay_ms: number; rate_per_s: number };
  metric: LagMetric;
  measured: SampleSummary;
  model: SampleSummary;
  ks_distance: number;
  ks_p_value: number;
  measured_samples: number[];
  model_samples: number[];
  /** Measured: the smallest send-to-visibility time, ms (replication_lag_ms rows). */
  min_send_to_visible_ms: number;
  unseen: number;
  achieved_rate_per_s: number;
  model_config: Record<string, unknown>;
}

export interface PgLagResult {
  system: 'postgres-lag';
  version: string;
  trials: number;
  comparisons: PgLagComparison[];
  acked_writes_lost: number[];
  manifest: {
    postgres_version: string;
    loopback_rtt_ms: { p50: number; p99: number };
    /** Per write rate (per second): the apply cost measured at REF_DELAY_MS, ms. */
    apply_cost_ms: Record<string, { p50: number; p90: number; p99: number; samples: number }>;
    poll_ms: number;
    reference_delay_ms: number;
    monitor_ms: number;
    load_average: number[];
    seed: number;
    wall_time_ms: number;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const median = (xs: readonly number[]) =>
  xs.length === 0
    ? 0
    : q(
        [...xs].sort((a, b) => a - b),
        0.5,
      );

/**
 * One phase on `cluster`: `writes` INSERTs at `rate` per second (Poisson, open loop; at most
 * 3 x the nominal span + 5 s), the standbys polled for the markers, replay_lag sampled.
 */
export async function measureLagPhase(
  cluster: PgCluster,
  o: { table: string; rate: number; writes: number; rng: RandomStream },
): Promise<PgLagPhase> {
  const { table } = o;
  await pgQuery(
    cluster.primary.port,
    `CREATE TABLE ${table} (seq bigint PRIMARY KEY, committed timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  // Both standbys have the table before the first write.
  for (const s of cluster.standbys)
    for (let i = 0; ; i++) {
      try {
        await pgQuery(s.port, `SELECT 1 FROM ${table} LIMIT 1`);
        break;
      } catch (error) {
        if (i > 500) throw error;
        await sleep(10);
      }
    }
  const n = o.writes + WARMUP;
  const sentAt = new Float64Array(n).fill(Number.NaN);
  const ackAt = new Float64Array(n).fill(Number.NaN);
  // Per standby and marker: the end of the first poll that showed it, and the start of the poll
  // before (whose snapshot did not have it yet): its replay lies between.
  const visibleAt = cluster.standbys.map(() => new Float64Array(n).fill(Number.NaN));
  const notYetAt = cluster.standbys.map(() => new Float64Array(n).fill(Number.NaN));
  const before = cluster.standbys.map((x) => x.proxy!.applied.length);
  const monitored: number[] = [];
  let writing = true;
  let stop = false;

  const pollers = cluster.standbys.map(async (s, i) => {
    const c = pgClient(s.port, 2000);
    await c.connect();
    const seen = visibleAt[i];
    const before = notYetAt[i];
    let floor = -1; // every seq <= floor seen
    let previous = performance.now();
    try {
      while (!stop) {
        const t0 = performance.now();
        const rows = (await c.query<{ seq: string }>(`SELECT seq FROM ${table} WHERE seq > $1`, [floor]))
          .rows;
        const t1 = performance.now();
        for (const r of rows) {
          const k = Number(r.seq);
          if (Number.isNaN(seen[k])) {
            seen[k] = t1;
            before[k] = previous;
          }
        }
        previous = t0;
        while (floor + 1 < n && !Number.isNaN(seen[floor + 1])) floor++;
        if (!writing && floor + 1 >= n) break;
        await sleep(Math.max(0, POLL_MS - (performance.now() - t0)));
      }
    } finally {
      await c.end().catch(() => {});
    }
  });
  const monitor = (async () => {
    const c = pgClient(cluster.primary.port, 2000);
    await c.connect();
    try {
      while (!stop) {
        const t0 = performance.now();
        const rows = (
          await c.query<{ ms: number | null }>(
            'SELECT (extract(epoch FROM replay_lag) * 1000)::float8 AS ms FROM pg_stat_replication',
          )
        ).rows;
        for (const r of rows) if (r.ms !== null && writing) monitored.push(r.ms);
        await sleep(Math.max(0, MONITOR_MS - (performance.now() - t0)));
      }
    } finally {
      await c.end().catch(() => {});
    }
  })();

  const sessions = Array.from({ length: SESSIONS }, () => pgClient(cluster.primary.port, 2000));
  for (const c of sessions) await c.connect();
  const idle = [...sessions];
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const bound = (3 * n * 1000) / o.rate + 5000;
  let next = start;
  let issued = 0;
  let writesEnd: number | undefined;
  try {
    // Open loop: Poisson arrivals; a write waits for a free session only if all are busy.
    while (issued < n && performance.now() - start < bound) {
      next += (-Math.log(o.rng.nextOpenDouble()) * 1000) / o.rate;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      while (idle.length === 0) await Promise.race(inFlight);
      const c = idle.pop()!;
      const k = issued++;
      sentAt[k] = performance.now();
      const p = c
        .query(`INSERT INTO ${table} (seq) VALUES ($1)`, [k])
        .then(
          () => {
            ackAt[k] = performance.now();
          },
          () => {},
        )
        .finally(() => {
          idle.push(c);
          inFlight.delete(p);
        });
      inFlight.add(p);
    }
    await Promise.allSettled([...inFlight]);
    writesEnd = performance.now();
  } finally {
    writing = false;
    // The pollers end once they saw every write, or after 5 s.
    const giveUp = setTimeout(() => (stop = true), 5000);
    await Promise.allSettled(pollers);
    clearTimeout(giveUp);
    stop = true;
    await monitor.catch(() => {});
    for (const c of sessions) await c.end().catch(() => {});
  }
  const lag: number[] = [];
  const own: number[] = [];
  const sendToVisible: number[] = [];
  let unseen = 0;
  // Per standby: the latest visibility of the markers before k, to tell whether k could queue.
  const latest = visibleAt.map(() => -Infinity);
  for (let k = 0; k < issued; k++) {
    for (const [i, seen] of visibleAt.entries()) {
      const counted = k >= WARMUP && !Number.isNaN(ackAt[k]);
      if (Number.isNaN(seen[k])) {
        if (counted) unseen++;
        continue;
      }
      // Not before the write was sent: the poll before it may have started earlier.
      const visible = (Math.max(notYetAt[i][k], sentAt[k]) + seen[k]) / 2;
      if (counted) {
        lag.push(visible - ackAt[k]);
        if (sentAt[k] >= latest[i]) own.push(visible - ackAt[k]);
        sendToVisible.push(seen[k] - sentAt[k]);
      }
      latest[i] = Math.max(latest[i], visible);
    }
  }
  return {
    lag,
    own,
    sendToVisible,
    monitored,
    applied: cluster.standbys.flatMap((x, i) => x.proxy!.applied.slice(before[i])),
    writes: issued,
    unseen,
    achievedRate: (issued * 1000) / ((writesEnd ?? performance.now()) - start),
  };
}

/** What the lag model is given for one setting. */
export function pgLagModelConfig(o: {
  rate: number;
  linkMs: number;
  applyCost: readonly number[];
  writes: number;
}): Partial<LagConfig> {
  // A cost below 0 (the standby showed a write before its acknowledgement reached the client)
  // shifts into the constant part, as far as the link allows: a delay is never negative.
  const low = Math.max(-o.linkMs, Math.min(0, ...o.applyCost));
  const cost = o.applyCost.map((x) => round3(Math.max(0, x - low)));
  const costText = cost.length >= 2 ? `empirical(${cost.join(',')})` : `const(${cost[0] ?? 0})`;
  return {
    routing: 'random',
    partitions: 1,
    followers: 2,
    clients: 1,
    keys: 1000,
    // Reads at the write rate: they only sample the lag (the monitor's figure and the truth).
    writeRatio: 0.5,
    ratePerMs: (2 * o.rate) / 1000,
    ops: 2 * o.writes,
    replyRatio: 0,
    replicationLatency: `${costText}+const(${round3(o.linkMs + low)})`,
    // The client's acknowledgement is the append: replication_lag_ms runs from the acknowledgement.
    clientLatency: 'const(0)',
    monitorIntervalMs: MONITOR_MS,
  };
}

/** The model's true lag per (entry, follower) and its monitor's figure at each follower read, ms. */
export function pgLagModel(config: Partial<LagConfig>, seed: number): { lag: number[]; monitored: number[] } {
  const lag: number[] = [];
  const monitored: number[] = [];
  runLagSummary(config, seed, {
    onApplyLag: (ms) => lag.push(ms),
    onFollowerRead: (_truth, seen) => monitored.push(seen),
  });
  return { lag, monitored };
}

/**
 * The proxies' delay, switched between phases: every phase of a run shares one cluster, the
 * reference ({@link REF_DELAY_MS}) and the settings' delays alternating in blocks, so a change in the
 * machine's load reaches them alike. A chunk keeps the delay drawn when it was read (the proxy
 * keeps its order), so a switch takes effect within one delay.
 */
class SwitchedDelay implements LatencyDistribution {
  readonly kind = 'switched';
  current: LatencyDistribution = resolveLatency('const(0)').W;
  set(ms: number): void {
    this.current = resolveLatency(`const(${ms})`).W;
  }
  sample(rng: RandomStream): number {
    return this.current.sample(rng);
  }
  mean(): number {
    return this.current.mean();
  }
  cdf(x: number): number {
    return this.current.cdf(x);
  }
  quantile(p: number): number {
    return this.current.quantile(p);
  }
  toString(): string {
    return this.current.toString();
  }
}

/** Phases a setting's writes are split into, alternating with the reference's. */
const BLOCKS = 4;

/** Concatenates the phases of one (delay, rate). */
function joinPhases(xs: readonly PgLagPhase[]): PgLagPhase {
  const writes = xs.reduce((s, x) => s + x.writes, 0);
  const span = xs.reduce((s, x) => s + x.writes / x.achievedRate, 0);
  return {
    lag: xs.flatMap((x) => x.lag),
    own: xs.flatMap((x) => x.own),
    sendToVisible: xs.flatMap((x) => x.sendToVisible),
    monitored: xs.flatMap((x) => x.monitored),
    applied: xs.flatMap((x) => x.applied),
    writes,
    unseen: xs.reduce((s, x) => s + x.unseen, 0),
    achievedRate: writes / span,
  };
}

/** Runs the calibration; every server it starts is stopped before it returns or throws. */
export async function calibratePostgresLag(o: PgLagOptions): Promise<PgLagResult> {
  const started = performance.now();
  const rtt = (await loopbackRoundTrips(200)).sort((a, b) => a - b);
  const loopbackMs = round3(q(rtt, 0.5));
  const version = await postgresVersion();
  // Per rate: the reference (REF_DELAY_MS: the apply cost) and each delay at that rate, in BLOCKS
  // rounds of alternating phases on one cluster.
  const rates = [...new Set(o.settings.map((s) => s.rate))];
  const parts = new Map<string, PgLagPhase[]>();
  const key = (ref: boolean, delay: number, rate: number) => `${ref ? 'ref' : delay}/${rate}`;
  const delay = new SwitchedDelay();
  const bed = new Testbed('pg-lag', { onStart: o.onProcess });
  let cluster: PgCluster | null = null;
  try {
    cluster = await PgCluster.start(bed, {
      delay,
      rng: deriveStream(o.seed, 43, 0),
      onProcess: o.onProcess,
    });
    let phase = 0;
    for (let block = 0; block < BLOCKS; block++)
      for (const rate of rates) {
        const writes = Math.ceil(o.trials / BLOCKS);
        const delays = [...new Set(o.settings.filter((s) => s.rate === rate).map((s) => s.delay))];
        for (const [ref, d] of [[true, REF_DELAY_MS] as const, ...delays.map((d) => [false, d] as const)]) {
          delay.set(d);
          const got = await measureLagPhase(cluster, {
            table: `lag_probe_${phase}`,
            rate,
            writes,
            rng: deriveStream(o.seed, 44, phase++),
          });
          parts.set(key(ref, d, rate), [...(parts.get(key(ref, d, rate)) ?? []), got]);
          o.onPhase?.(d, rate, got);
        }
      }
  } finally {
    await cluster?.close();
    await bed.close();
  }
  const measured = new Map([...parts].map(([k, xs]) => [k, joinPhases(xs)]));
  // The apply cost per rate: the lag at REF_DELAY_MS of each write no earlier one held up, less the
  // bare link (the model adds the queueing itself: its followers apply in log order).
  const costs = new Map<number, number[]>();
  for (const rate of rates) {
    const ref = measured.get(key(true, REF_DELAY_MS, rate))!;
    const link0 = median(ref.applied) + loopbackMs;
    costs.set(
      rate,
      ref.own.map((x) => x - link0),
    );
  }
  const comparisons: PgLagComparison[] = o.settings.flatMap((s, si) => {
    const phase = measured.get(key(false, s.delay, s.rate))!;
    const linkMs = median(phase.applied.length > 0 ? phase.applied : [s.delay]) + loopbackMs;
    const applyCost = costs.get(s.rate)!;
    const costSorted = [...applyCost].sort((a, b) => a - b);
    const config = pgLagModelConfig({ rate: s.rate, linkMs, applyCost, writes: o.modelTrials });
    const model = pgLagModel(config, o.seed + si);
    const pair = (metric: LagMetric, m: number[], md: number[]): PgLagComparison => {
      const ks =
        m.length > 0 && md.length > 0 ? ksTwoSample(m, md) : { distance: Number.NaN, pValue: Number.NaN };
      return {
        setting: { delay_ms: s.delay, rate_per_s: s.rate },
        metric,
        measured: summarizeSample(m),
        model: summarizeSample(md),
        ks_distance: ks.distance,
        ks_p_value: ks.pValue,
        measured_samples: m,
        model_samples: md,
        min_send_to_visible_ms: Math.min(...phase.sendToVisible),
        unseen: phase.unseen,
        achieved_rate_per_s: round3(phase.achievedRate),
        model_config: {
          ...config,
          replicationLatency: `empirical apply cost of ${applyCost.length} (p50 ${round3(q(costSorted, 0.5))}, p99 ${round3(q(costSorted, 0.99))})+const(${round3(linkMs)})`,
        },
      };
    };
    return [
      pair('replication_lag_ms', phase.lag, model.lag),
      pair('monitored_lag_ms', phase.monitored, model.monitored),
    ];
  });
  return {
    system: 'postgres-lag',
    version,
    trials: o.trials,
    comparisons,
    acked_writes_lost: [],
    manifest: {
      postgres_version: version,
      loopback_rtt_ms: { p50: loopbackMs, p99: round3(q(rtt, 0.99)) },
      apply_cost_ms: Object.fromEntries(
        [...costs].map(([rate, xs]) => {
          const sorted = [...xs].sort((a, b) => a - b);
          const at = (p: number) => round3(q(sorted, p));
          return [rate, { p50: at(0.5), p90: at(0.9), p99: at(0.99), samples: xs.length }];
        }),
      ),
      poll_ms: POLL_MS,
      reference_delay_ms: REF_DELAY_MS,
      monitor_ms: MONITOR_MS,
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      seed: o.seed,
      wall_time_ms: Math.round(performance.now() - started),
    },
  };
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 100 ? 0 : 2)}` : 'n/a');
const qText = (e: QuantileEstimate) => `${ms(e.value)} [${ms(e.low)}, ${ms(e.high)}]`;
const settingText = (c: PgLagComparison) => `delay=${c.setting.delay_ms},rate=${c.setting.rate_per_s}`;

/** The human summary: per setting and metric, measured and model side by side. */
export function pgLagSummary(r: PgLagResult): string {
  const m = r.manifest;
  const lines = [
    `calibrate postgres-lag: PostgreSQL ${r.version}, a primary and 2 asynchronous standbys on 127.0.0.1, standby links through the delay proxy; ${r.trials} writes per setting (open loop), standbys polled every ${m.poll_ms} ms, replay_lag read every ${m.monitor_ms} ms`,
    `loopback RTT p50 ${m.loopback_rtt_ms.p50} ms (p99 ${m.loopback_rtt_ms.p99}); apply cost at delay ${m.reference_delay_ms} ms ${Object.entries(
      m.apply_cost_ms,
    )
      .map(([rate, c]) => `(${rate} writes/s) p50 ${c.p50} ms, p90 ${c.p90}, p99 ${c.p99}, n=${c.samples}`)
      .join('; ')}; load average ${m.load_average.join(' ')}`,
    `model: lag, 1 partition, 2 followers, 1 client writing at the rate, replication latency = apply cost + the proxies' median applied delay + loopback RTT, monitor every ${m.monitor_ms} ms`,
  ];
  for (const c of r.comparisons) {
    const row = (name: string, s: SampleSummary) =>
      `  ${name.padEnd(9)} p50 ${qText(s.p50).padEnd(24)} p90 ${qText(s.p90).padEnd(24)} p99 ${qText(s.p99).padEnd(24)} n=${s.samples}`;
    lines.push(
      `${settingText(c)}: ${c.metric}${c.metric === 'monitored_lag_ms' ? " (measured: pg_stat_replication.replay_lag; model: its monitor's figure at reads)" : ' (acknowledgement -> visible on a standby)'}, 95% intervals`,
      row('measured', c.measured),
      row('model', c.model),
      `  KS distance ${c.ks_distance.toFixed(3)}, p ${c.ks_p_value.toPrecision(2)}; achieved ${c.achieved_rate_per_s.toFixed(1)} writes/s${c.unseen > 0 ? `; ${c.unseen} (write, standby) never seen` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The one object `--json` prints (the keys of the other calibrations). */
export function pgLagJson(r: PgLagResult): object {
  return calibrationJson(r);
}

export const PG_LAG_COLUMNS = [
  'system',
  'version',
  'delay_ms',
  'rate_per_s',
  'metric',
  'side',
  'trial',
  'value_ms',
] as const;

/** Writes FILE.csv, FILE.manifest.json and the CDF overlay FILE.{svg,png,pdf}; returns the paths. */
export async function writePgLagCalibration(
  r: PgLagResult,
  out: string,
  parameters: Record<string, unknown>,
  formats?: readonly ('svg' | 'png' | 'pdf')[],
  startedAt = new Date(),
): Promise<string[]> {
  const rows = r.comparisons.flatMap((c) =>
    (['measured', 'model'] as const).flatMap((side) =>
      (side === 'measured' ? c.measured_samples : c.model_samples).map((v, i) => ({
        system: r.system,
        version: r.version,
        delay_ms: c.setting.delay_ms,
        rate_per_s: c.setting.rate_per_s,
        metric: c.metric,
        side,
        trial: i,
        value_ms: round3(v),
      })),
    ),
  );
  const samples: Record<string, number[]> = {};
  for (const c of r.comparisons)
    if (c.metric === 'replication_lag_ms') {
      samples[`postgres ${settingText(c)}`] = c.measured_samples;
      samples[`model ${settingText(c)}`] = c.model_samples;
    }
  return writeSampleCalibration({
    out,
    columns: PG_LAG_COLUMNS,
    rows,
    samples,
    title: `PostgreSQL ${r.version} replication lag under load vs the lag model`,
    xTitle: 'replication lag (ms): commit acknowledged to visible on a standby',
    experiment: 'calibrate-postgres-lag',
    parameters: {
      ...parameters,
      ...r.manifest,
      model_configs: r.comparisons
        .filter((c) => c.metric === 'replication_lag_ms')
        .map((c) => ({ setting: c.setting, ...c.model_config })),
    },
    seed: r.manifest.seed,
    trials: r.trials,
    wallTimeMs: r.manifest.wall_time_ms,
    formats,
    startedAt,
  });
}
