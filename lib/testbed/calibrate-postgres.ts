/**
 * `replilab calibrate postgres-commit`: the leader-follower commit model against PostgreSQL 15
 * streaming replication on this machine. Measured side: a primary and two standbys (s1, s2)
 * whose replication links cross the delay proxy, one fresh cluster per delay; per
 * synchronous_standby_names mode, commits of every synchronous_commit level interleaved one by
 * one (one session per level, round robin), so each level sees the same machine conditions.
 *
 * Model side: `runCommit` with 2 followers and PostgreSQL's mechanisms:
 * - the primary ships WAL only once flushed (walsender.c XLogSendPhysical sends up to
 *   GetFlushRecPtr): `shipAfterDurable`, the primary's part (`disk`) being the measured commit
 *   time at local (client round trip, execution, WAL insert and flush), at off for off;
 * - `FIRST 1 (s1, s2)`: s1 synchronous (s2 potential); `ANY 1 (s1, s2)`: a quorum of 1 of both
 *   (`syncQuorum`), whichever standby answers first; the standbys share this machine, so their
 *   costs for one commit are one draw (`followerDiskShared`): a stall of the host's CPU or disk
 *   delays both;
 * - one-way latency: the delays the proxies applied in the same phase plus the loopback round
 *   trip (two loopback hops per direction); the proxies wait on their timers alone
 *   (`precise: false`), so a delivery is up to about a millisecond late, which is in what they
 *   applied;
 * - a standby answers after its write (remote_write: walreceiver.c XLogWalRcvSendReply before
 *   XLogWalRcvFlush), its flush (on), or its replay (remote_apply): `followerDisk` is what a
 *   standby adds to a commit beyond the local commit and the bare link, measured once per run in
 *   a reference phase with a small link delay ({@link REFERENCE_DELAY_MS}) and FIRST 1 (commit at
 *   the level less the local commit of the same round, less two link crossings). It covers the
 *   WAL sender's wake-up, the walreceiver's write, flush or replay, its reply and the waiting
 *   backend's release.
 * - off and local, and every level with no synchronous standby, wait for nothing remote.
 * So `off` and `local` agree by construction; the comparison tests how remote_write, on and
 * remote_apply grow with the link delay (one round trip after the local flush) and how ANY 1
 * differs from FIRST 1 (the faster of two standbys).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { FigureFormat } from '../charts/index.js';
import { resolveLatency } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { ksTwoSample, summarizeSample, type QuantileEstimate, type SampleSummary } from '../stats/index.js';
import { runCommit } from '../strategies/leader-follower/run-commit.js';
import type { CommitConfig } from '../strategies/leader-follower/commit-config.js';
import type { PostgresSetting } from './calibrate-params.js';
import { measureFsync } from './calibrate.js';
import { loopbackRoundTrips } from './delay-proxy.js';
import { PgCluster, pgClient, postgresVersion } from './postgres.js';
import { syncStandbyNames, type CommitLevel, type SyncMode } from './postgres-commit.js';
import { calibrationJson, writeSampleCalibration } from './calibration-output.js';
import { Testbed } from './processes.js';

export interface PgCommitOptions {
  settings: PostgresSetting[];
  /** Commits measured per setting. */
  trials: number;
  /** Commits the model simulates per setting. */
  modelTrials: number;
  seed: number;
  onProcess?: (pid: number) => void;
  /** Told after each (delay, sync mode) phase. */
  onPhase?: (delayMs: number, sync: SyncMode, medians: Record<string, number>) => void;
}

export interface PgCommitComparison {
  setting: { sync: SyncMode; commit: CommitLevel; delay_ms: number };
  metric: 'commit_ms';
  measured: SampleSummary;
  model: SampleSummary;
  ks_distance: number;
  ks_p_value: number;
  /** model / measured at the median and at p99. */
  ratio_p50: number;
  ratio_p99: number;
  /** The model's configuration (its distributions summarized), for the manifest and the report. */
  model_config: Record<string, unknown>;
  measured_samples: number[];
  model_samples: number[];
}

export interface PgCommitResult {
  system: 'postgres-commit';
  version: string;
  trials: number;
  comparisons: PgCommitComparison[];
  acked_writes_lost: number[];
  manifest: {
    postgres_version: string;
    loopback_rtt_ms: { p50: number; p99: number };
    fsync_ms: { p50: number; p99: number };
    load_average: number[];
    /** The reference phase's link delay, ms. */
    reference_delay_ms: number;
    seed: number;
    wall_time_ms: number;
  };
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: readonly number[]) =>
  q(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/**
 * Measures the levels `levels` at one sync mode, interleaved: commit i goes to session i mod
 * levels. Returns the latencies per level, ms.
 */
export async function measureInterleaved(
  cluster: PgCluster,
  levels: readonly CommitLevel[],
  perLevel: number,
  warmup = 5,
): Promise<Record<string, number[]>> {
  const sessions = levels.map(() => pgClient(cluster.primary.port, 5000));
  const out: Record<string, number[]> = Object.fromEntries(levels.map((l) => [l, []]));
  try {
    for (const [i, c] of sessions.entries()) {
      await c.connect();
      await c.query(`SET synchronous_commit = ${levels[i]}`);
    }
    await sessions[0].query('CREATE TABLE IF NOT EXISTS commit_probe (id bigserial PRIMARY KEY, v int)');
    for (let round = 0; round < perLevel + warmup; round++)
      for (const [i, c] of sessions.entries()) {
        const t = performance.now();
        await c.query('INSERT INTO commit_probe (v) VALUES ($1)', [round]);
        const ms = performance.now() - t;
        if (round >= warmup) out[levels[i]].push(ms);
      }
    return out;
  } finally {
    for (const c of sessions) await c.end().catch(() => {});
  }
}

/** What the commit model is given for one setting. */
export function pgCommitModelConfig(
  setting: { sync: SyncMode; commit: CommitLevel; delayMs: number },
  o: { loopbackMs: number; link: string; local: string; off: string; standby: string; trials: number },
): Partial<CommitConfig> {
  const remote = setting.sync !== 'none' && setting.commit !== 'off' && setting.commit !== 'local';
  const sync: Partial<CommitConfig> = !remote
    ? { mode: 'async' }
    : setting.sync === 'first1'
      ? { mode: 'sync', syncFollowers: 1 }
      : { mode: 'sync', syncFollowers: 2, syncQuorum: 1 };
  return {
    followers: 2,
    ...sync,
    latency: `${o.link}+const(${round3(o.loopbackMs)})`,
    // The primary's own part (client round trip, execution, WAL insert and, but at off, flush),
    // before its WAL sender ships the commit record.
    disk: setting.commit === 'off' ? o.off : o.local,
    followerDisk: o.standby,
    // Both standbys run on this one machine (its 2 cores, its disk): a stall delays them alike.
    // Measured, ANY 1's p99 is FIRST 1's (the faster of two standbys does not shorten the tail);
    // independent draws would let it.
    followerDiskShared: true,
    shipAfterDurable: true,
    // One commit at a time, as the measuring client: far apart (1 a second) so none queue.
    writeRate: 0.001,
    writes: o.trials,
    heartbeatMs: 1000,
    probes: 1,
  };
}

/** The model's commit latencies for one setting, ms. */
export function pgCommitModel(
  setting: { sync: SyncMode; commit: CommitLevel; delayMs: number },
  o: {
    loopbackMs: number;
    link: string;
    local: string;
    off: string;
    standby: string;
    trials: number;
    seed: number;
  },
): { samples: number[]; config: Partial<CommitConfig> } {
  const config = pgCommitModelConfig(setting, o);
  const samples: number[] = [];
  runCommit(config, o.seed, { onCommitLatency: (ms) => samples.push(ms) });
  return { samples, config };
}

/** Samples as an empirical distribution's text (each >= 0), or const of the one value. */
function empiricalText(xs: readonly number[]): string {
  const ys = xs.map((x) => round3(Math.max(0, x)));
  if (ys.length === 0) return 'const(0)';
  if (ys.length === 1) return `const(${ys[0]})`;
  return `empirical(${ys.join(',')})`;
}

/**
 * The link delay of the reference phase, ms: small, so the standby's part dominates what the
 * remote levels add, but not zero, so the proxies deliver on their timers as in the measured
 * phases (at 0 they forward at once).
 */
export const REFERENCE_DELAY_MS = 1;

/** Every level, the order of the interleaved sessions. */
const ALL_LEVELS: readonly CommitLevel[] = ['off', 'local', 'remote_write', 'on', 'remote_apply'];

interface Phase {
  samples: Record<string, number[]>;
  /** The one-way delays the proxies applied meanwhile (the timer's lateness included), ms. */
  applied: number[];
}

/** One cluster at `delay`; per sync mode, the levels interleaved. */
async function measurePhases(
  o: PgCommitOptions,
  delay: number,
  index: number,
  wanted: Map<SyncMode, CommitLevel[]>,
  onFsync?: (dir: string) => void,
): Promise<Map<SyncMode, Phase>> {
  const bed = new Testbed('pg-commit', { onStart: o.onProcess });
  let cluster: PgCluster | null = null;
  const out = new Map<SyncMode, Phase>();
  try {
    onFsync?.(bed.dir('fsync'));
    cluster = await PgCluster.start(bed, {
      delay: resolveLatency(`const(${delay})`).W,
      rng: deriveStream(o.seed, 41, index),
      // The proxies wait on their timers alone: busy-waiting the last millisecond of each delay
      // took about half a core of this 2-core machine, and the servers' own tail (the local
      // commit's p99) tripled with it. Their lateness is in `applied`, which the model is given.
      preciseDelay: false,
      onProcess: o.onProcess,
    });
    for (const [sync, levels] of wanted) {
      const names = syncStandbyNames(sync);
      await cluster.setSyncStandbys(names.names, names.states);
      const before = cluster.standbys.map((x) => x.proxy!.applied.length);
      const samples = await measureInterleaved(cluster, levels, o.trials);
      const applied = cluster.standbys.flatMap((x, i) => x.proxy!.applied.slice(before[i]));
      out.set(sync, { samples, applied });
      o.onPhase?.(delay, sync, Object.fromEntries(levels.map((l) => [l, round3(median(samples[l]))])));
    }
  } finally {
    await cluster?.close();
    await bed.close();
  }
  return out;
}

/** Runs the calibration; every server it starts is stopped before it returns or throws. */
export async function calibratePostgresCommit(o: PgCommitOptions): Promise<PgCommitResult> {
  const started = performance.now();
  const rtt = (await loopbackRoundTrips(200)).sort((a, b) => a - b);
  const loopbackMs = round3(q(rtt, 0.5));
  const version = await postgresVersion();
  let fsync: number[] = [];
  // The reference: with a small delay and FIRST 1, what a standby adds to a commit at each
  // level beyond the local commit and the bare link (WAL sender wake-up, the walreceiver's write,
  // flush or replay, its reply, the release of the waiting backend): the model's followerDisk.
  const reference = (
    await measurePhases(o, REFERENCE_DELAY_MS, 0, new Map([['first1', [...ALL_LEVELS]]]), (dir) => {
      fsync = measureFsync(dir).sort((a, b) => a - b);
    })
  ).get('first1')!;
  const link0 = median(reference.applied.length > 0 ? reference.applied : [0]) + loopbackMs;
  const standbyCost: Record<string, string> = {};
  for (const l of ['remote_write', 'on', 'remote_apply'] as const)
    standbyCost[l] = empiricalText(
      reference.samples[l].map((x, i) => x - reference.samples.local[i] - 2 * link0),
    );
  const delays = [...new Set(o.settings.map((s) => s.delay))];
  const measured = new Map<string, { samples: number[]; link: string; local: string; off: string }>();
  const key = (sync: string, commit: string, delay: number) => `${sync}/${commit}/${delay}`;
  for (const [di, delay] of delays.entries()) {
    const here = o.settings.filter((s) => s.delay === delay);
    const wanted = new Map<SyncMode, CommitLevel[]>();
    for (const s of here) {
      const levels = wanted.get(s.sync) ?? ['off', 'local'];
      if (!levels.includes(s.commit)) levels.push(s.commit);
      wanted.set(s.sync, levels);
    }
    for (const [sync, phase] of await measurePhases(o, delay, 1 + di, wanted)) {
      const common = {
        link: empiricalText(phase.applied.length >= 2 ? phase.applied : [delay]),
        local: empiricalText(phase.samples.local),
        off: empiricalText(phase.samples.off),
      };
      for (const [l, samples] of Object.entries(phase.samples))
        measured.set(key(sync, l, delay), { samples, ...common });
    }
  }
  const comparisons: PgCommitComparison[] = o.settings.map((s) => {
    const m = measured.get(key(s.sync, s.commit, s.delay))!;
    const setting = { sync: s.sync, commit: s.commit, delayMs: s.delay };
    const model = pgCommitModel(setting, {
      loopbackMs,
      ...m,
      standby: standbyCost[s.commit] ?? 'const(0)',
      trials: o.modelTrials,
      seed: o.seed,
    });
    const ks = ksTwoSample(m.samples, model.samples);
    const ms = summarizeSample(m.samples);
    const md = summarizeSample(model.samples);
    return {
      setting: { sync: s.sync, commit: s.commit, delay_ms: s.delay },
      metric: 'commit_ms',
      measured: ms,
      model: md,
      ks_distance: ks.distance,
      ks_p_value: ks.pValue,
      ratio_p50: md.p50.value / ms.p50.value,
      ratio_p99: md.p99.value / ms.p99.value,
      model_config: {
        ...model.config,
        latency: summarizeText(model.config.latency!),
        disk: summarizeText(model.config.disk!),
        followerDisk: summarizeText(model.config.followerDisk!),
      },
      measured_samples: m.samples,
      model_samples: model.samples,
    };
  });
  return {
    system: 'postgres-commit',
    version,
    trials: o.trials,
    comparisons,
    acked_writes_lost: [],
    manifest: {
      postgres_version: version,
      loopback_rtt_ms: { p50: loopbackMs, p99: round3(q(rtt, 0.99)) },
      fsync_ms: { p50: round3(q(fsync, 0.5)), p99: round3(q(fsync, 0.99)) },
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      reference_delay_ms: REFERENCE_DELAY_MS,
      seed: o.seed,
      wall_time_ms: Math.round(performance.now() - started),
    },
  };
}

/** An empirical distribution's text shortened to its median and p99 (the manifest would hold every sample otherwise). */
function summarizeText(spec: string): string {
  const m = /empirical\(([^)]*)\)/.exec(spec);
  if (m === null) return spec;
  const xs = m[1]
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  return spec.replace(
    m[0],
    `empirical of ${xs.length} (p50 ${round3(q(xs, 0.5))}, p99 ${round3(q(xs, 0.99))})`,
  );
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 100 ? 0 : 2)}` : 'n/a');
const qText = (e: QuantileEstimate) => `${ms(e.value)} [${ms(e.low)}, ${ms(e.high)}]`;
const settingText = (c: PgCommitComparison) =>
  `sync=${c.setting.sync},commit=${c.setting.commit},delay=${c.setting.delay_ms}`;

/** The human summary: per setting, measured and model side by side. */
export function pgCommitSummary(r: PgCommitResult): string {
  const m = r.manifest;
  const lines = [
    `calibrate postgres-commit: PostgreSQL ${r.version}, a primary and 2 standbys on 127.0.0.1, standby links through the delay proxy; ${r.trials} commits per setting, levels interleaved`,
    `loopback RTT p50 ${m.loopback_rtt_ms.p50} ms (p99 ${m.loopback_rtt_ms.p99}); fsync probe p50 ${m.fsync_ms.p50} ms (p99 ${m.fsync_ms.p99}); load average ${m.load_average.join(' ')}`,
    `model: runCommit, 2 followers, shipAfterDurable, FIRST 1 = 1 sync follower, ANY 1 = syncQuorum 1 of 2; latency = the proxies' applied delays + loopback RTT; the primary's part = the commit at local (off for off); a standby's part (followerDisk) measured at delay ${m.reference_delay_ms} with FIRST 1, one draw for both standbys (followerDiskShared: one host)`,
  ];
  for (const c of r.comparisons) {
    const row = (name: string, s: SampleSummary) =>
      `  ${name.padEnd(9)} p50 ${qText(s.p50).padEnd(24)} p90 ${qText(s.p90).padEnd(24)} p99 ${qText(s.p99).padEnd(24)} n=${s.samples}`;
    lines.push(
      `${settingText(c)}: commit_ms, 95% intervals`,
      row('measured', c.measured),
      row('model', c.model),
      `  model/measured p50 ${c.ratio_p50.toFixed(2)}, p99 ${c.ratio_p99.toFixed(2)}; KS distance ${c.ks_distance.toFixed(3)}, p ${c.ks_p_value.toPrecision(2)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The one object `--json` prints (the keys of the other calibrations). */
export function pgCommitJson(r: PgCommitResult): object {
  return calibrationJson(r);
}

export const PG_COMMIT_COLUMNS = [
  'system',
  'version',
  'sync',
  'commit',
  'delay_ms',
  'side',
  'trial',
  'commit_ms',
] as const;

/** Writes FILE.csv, FILE.manifest.json and the CDF overlay FILE.{svg,png,pdf}; returns the paths. */
export async function writePgCommitCalibration(
  r: PgCommitResult,
  out: string,
  parameters: Record<string, unknown>,
  formats: readonly FigureFormat[] = ['svg', 'png', 'pdf'],
  startedAt = new Date(),
): Promise<string[]> {
  const rows = r.comparisons.flatMap((c) =>
    (['measured', 'model'] as const).flatMap((side) =>
      (side === 'measured' ? c.measured_samples : c.model_samples).map((v, i) => ({
        system: r.system,
        version: r.version,
        sync: c.setting.sync,
        commit: c.setting.commit,
        delay_ms: c.setting.delay_ms,
        side,
        trial: i,
        commit_ms: round3(v),
      })),
    ),
  );
  const samples: Record<string, number[]> = {};
  for (const c of r.comparisons) {
    samples[`postgres ${settingText(c)}`] = c.measured_samples;
    samples[`model ${settingText(c)}`] = c.model_samples;
  }
  return writeSampleCalibration({
    out,
    columns: PG_COMMIT_COLUMNS,
    rows,
    samples,
    title: `PostgreSQL ${r.version} commit latency vs the commit model, by synchronous mode`,
    xTitle: 'commit (ms): the client round trip of one INSERT',
    experiment: 'calibrate-postgres-commit',
    parameters: {
      ...parameters,
      ...r.manifest,
      model_configs: r.comparisons.map((c) => ({ setting: c.setting, ...c.model_config })),
    },
    seed: r.manifest.seed,
    trials: r.trials,
    wallTimeMs: r.manifest.wall_time_ms,
    formats,
    startedAt,
  });
}
