/**
 * `replilab calibrate redis-sentinel`: the lab's coordinator failover against Redis Sentinel on
 * this machine. Measured side: {@link runSentinelTrial} on a fresh primary, two replicas and
 * three sentinels per trial; trials alternate between plain writes and writes followed by
 * `WAIT 1`. Model side: `failover --election sentinel` (lib/strategies/leader-follower/
 * sentinel-failover.ts: sentinel.c's jittered timers, reconnect-and-PING after the killed
 * process's kernel closes the connection, SDOWN after down-after-milliseconds, ODOWN by
 * is-master-down-by-addr, a leader elected per epoch, REPLICAOF NO ONE, the promotion confirmed
 * by the replica's next INFO a second after the one sent at ODOWN, hello to the other sentinels)
 * with the same 3 sentinels, quorum 2, down-after and failover-timeout, 3 nodes, asynchronous
 * followers (plain) or one synchronous follower (WAIT 1 waits for one replica), the client's
 * write rate, half the loopback round trip as the one-way latency, and no shipping delay (Redis
 * feeds its replicas from the same event loop iteration that executed the write:
 * replication.c replicationFeedSlaves, flushed before sleep). The model's client, like the
 * testbed's, learns the primary only from the first sentinel's get-master-addr-by-name.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { FigureFormat } from '../charts/index.js';
import { calibrationJson, writeSampleCalibration } from './calibration-output.js';
import { deriveStream } from '../random/index.js';
import {
  ksTwoSample,
  summarizeSample,
  wilsonInterval,
  Z_95,
  type ProportionEstimate,
  type QuantileEstimate,
  type SampleSummary,
} from '../stats/index.js';
import { validateFailoverConfig } from '../strategies/leader-follower/failover-config.js';
import { runFailoverTrial } from '../strategies/leader-follower/failover-trial.js';
import { loopbackRoundTrips } from './delay-proxy.js';
import { Testbed } from './processes.js';
import {
  redisVersion,
  runSentinelTrial,
  type SentinelSetting,
  type SentinelTrialOutcome,
} from './redis-sentinel.js';

/** The primary's replication heartbeat in the model, ms (Redis pings its replicas every repl-ping-replica-period, 10 s; nothing here depends on it). */
export const SENTINEL_TICK_MS = 100;
/** Sentinel's failover-timeout here, ms (small: a failed attempt is retried soon). */
export const FAILOVER_TIMEOUT_MS = 3000;
/** WAIT's timeout, ms. */
export const WAIT_TIMEOUT_MS = 200;

export interface SentinelCalibrateOptions {
  settings: SentinelSetting[];
  trials: number;
  modelTrials: number;
  writeIntervalMs: number;
  seed: number;
  onProcess?: (pid: number) => void;
  onTrial?: (setting: SentinelSetting, outcome: SentinelTrialOutcome) => void;
}

/** Lost acknowledged writes per failover: the mean with its 95% interval. */
export interface LossEstimate {
  trials: number;
  lost: number;
  acked: number;
  mean: number;
  /**
   * The mean per failover with its 95% interval: when no failover lost more than one write, the
   * Wilson interval of (failovers with a loss) / failovers (the mean is then that proportion);
   * otherwise the normal interval mean +- 1.96 sd / sqrt(n), floored at 0.
   */
  perFailover: ProportionEstimate;
}

export interface SentinelComparison {
  setting: { down_after_ms: number };
  metric: 'recovery_ms';
  measured: SampleSummary;
  model: SampleSummary;
  ks_distance: number;
  ks_p_value: number;
  measured_odown: SampleSummary;
  measured_switch: SampleSummary;
  lost: {
    measured_plain: LossEstimate;
    measured_wait: LossEstimate;
    model_plain: LossEstimate;
    model_wait: LossEstimate;
  };
  measured_samples: number[];
  model_samples: number[];
  trials: SentinelTrialOutcome[];
  unrecovered: number;
}

export interface SentinelCalibrationResult {
  system: 'redis-sentinel';
  version: string;
  trials: number;
  comparisons: SentinelComparison[];
  acked_writes_lost: number[];
  manifest: {
    redis_version: string;
    model_latency: string;
    model_heartbeat_ms: number;
    loopback_rtt_ms: { p50: number; p99: number };
    failover_timeout_ms: number;
    wait_timeout_ms: number;
    load_average: number[];
    write_interval_ms: number;
    seed: number;
    wall_time_ms: number;
  };
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Lost acknowledged writes per failover over trials, with the 95% interval of {@link LossEstimate}. */
export function loss(lost: number[], acked: number[]): LossEstimate {
  const l = lost.reduce((s, x) => s + x, 0);
  const a = acked.reduce((s, x) => s + x, 0);
  const n = lost.length;
  const mean = n === 0 ? Number.NaN : l / n;
  let perFailover: ProportionEstimate;
  if (lost.every((x) => x <= 1)) perFailover = wilsonInterval(l, n);
  else {
    const sd = Math.sqrt(lost.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    const half = (Z_95 * sd) / Math.sqrt(n);
    perFailover = { p: mean, low: Math.max(0, mean - half), high: mean + half };
  }
  return { trials: n, lost: l, acked: a, mean, perFailover };
}

/** The model's failovers for one setting and write variant. */
export function sentinelModel(
  setting: SentinelSetting,
  o: {
    modelLatency: string;
    trials: number;
    seed: number;
    writeIntervalMs: number;
    variant: 'plain' | 'wait';
  },
): { samples: number[]; lost: number[]; acked: number[] } {
  const cfg = validateFailoverConfig({
    nodes: 3,
    election: 'sentinel',
    sentinels: 3,
    sentinelQuorum: 2,
    sentinelFailoverTimeoutMs: FAILOVER_TIMEOUT_MS,
    timeoutMs: setting.downAfterMs,
    heartbeatMs: SENTINEL_TICK_MS,
    latency: o.modelLatency,
    disk: 'const(0)', // --save "" --appendonly no: nothing is persisted
    replicationDelay: 'const(0)',
    // WAIT 1: one replica's acknowledgement before the client's.
    asyncFollowers: o.variant === 'wait' ? 1 : null,
    faultDurationMs: 20 * setting.downAfterMs,
    observeMs: 2 * setting.downAfterMs,
    writeRate: 1 / o.writeIntervalMs,
    trials: o.trials,
  });
  const samples: number[] = [];
  const lost: number[] = [];
  const acked: number[] = [];
  for (let t = 0; t < o.trials; t++) {
    const r = runFailoverTrial(cfg, o.seed + (o.variant === 'wait' ? 1 : 0), t);
    if (r.recoveryMs !== null) samples.push(r.recoveryMs);
    lost.push(r.ackedWritesLost);
    acked.push(r.ackedWrites);
  }
  return { samples, lost, acked };
}

/** Runs the calibration; every server it starts is stopped before it returns or throws. */
export async function calibrateSentinel(o: SentinelCalibrateOptions): Promise<SentinelCalibrationResult> {
  const started = performance.now();
  const rtt = (await loopbackRoundTrips(200)).sort((a, b) => a - b);
  const modelLatency = `const(${round3(q(rtt, 0.5) / 2)})`;
  const comparisons: SentinelComparison[] = [];
  const allLost: number[] = [];
  const versionBed = new Testbed('redis-version', { onStart: o.onProcess });
  let version: string;
  try {
    version = await redisVersion(versionBed);
  } finally {
    await versionBed.close();
  }
  for (const [si, setting] of o.settings.entries()) {
    const rng = deriveStream(o.seed, 30 + si, 0);
    const outcomes: SentinelTrialOutcome[] = [];
    for (let t = 0; t < o.trials; t++) {
      // Fresh processes per trial: a clean topology, no sentinel state carried over.
      const bed = new Testbed('sentinel', { onStart: o.onProcess });
      try {
        const outcome = await runSentinelTrial(bed, {
          trial: t,
          rng,
          downAfterMs: setting.downAfterMs,
          variant: t % 2 === 0 ? 'plain' : 'wait',
          writeIntervalMs: o.writeIntervalMs,
          waitTimeoutMs: WAIT_TIMEOUT_MS,
          warmupMs: 300,
          spanMs: 1000,
          giveUpMs: 10 * setting.downAfterMs + 4 * FAILOVER_TIMEOUT_MS,
          failoverTimeoutMs: FAILOVER_TIMEOUT_MS,
        });
        outcomes.push(outcome);
        allLost.push(outcome.ackedWritesLost);
        o.onTrial?.(setting, outcome);
      } finally {
        await bed.close();
      }
    }
    const measured = outcomes.flatMap((x) => (x.recoveryMs === null ? [] : [x.recoveryMs]));
    const m = { modelLatency, trials: o.modelTrials, seed: o.seed, writeIntervalMs: o.writeIntervalMs };
    const plain = sentinelModel(setting, { ...m, variant: 'plain' });
    const wait = sentinelModel(setting, { ...m, variant: 'wait' });
    const ks =
      measured.length > 0 && plain.samples.length > 0
        ? ksTwoSample(measured, plain.samples)
        : { distance: Number.NaN, pValue: Number.NaN };
    const of = (v: 'plain' | 'wait') => outcomes.filter((x) => x.variant === v);
    comparisons.push({
      setting: { down_after_ms: setting.downAfterMs },
      metric: 'recovery_ms',
      measured: summarizeSample(measured),
      model: summarizeSample(plain.samples),
      ks_distance: ks.distance,
      ks_p_value: ks.pValue,
      measured_odown: summarizeSample(outcomes.flatMap((x) => (x.odownMs === null ? [] : [x.odownMs]))),
      measured_switch: summarizeSample(outcomes.flatMap((x) => (x.switchMs === null ? [] : [x.switchMs]))),
      lost: {
        measured_plain: loss(
          of('plain').map((x) => x.ackedWritesLost),
          of('plain').map((x) => x.ackedWrites),
        ),
        measured_wait: loss(
          of('wait').map((x) => x.ackedWritesLost),
          of('wait').map((x) => x.ackedWrites),
        ),
        model_plain: loss(plain.lost, plain.acked),
        model_wait: loss(wait.lost, wait.acked),
      },
      measured_samples: measured,
      model_samples: plain.samples,
      trials: outcomes,
      unrecovered: outcomes.filter((x) => x.recoveryMs === null).length,
    });
  }
  return {
    system: 'redis-sentinel',
    version,
    trials: o.trials,
    comparisons,
    acked_writes_lost: allLost,
    manifest: {
      redis_version: version,
      model_latency: modelLatency,
      model_heartbeat_ms: SENTINEL_TICK_MS,
      loopback_rtt_ms: { p50: round3(q(rtt, 0.5)), p99: round3(q(rtt, 0.99)) },
      failover_timeout_ms: FAILOVER_TIMEOUT_MS,
      wait_timeout_ms: WAIT_TIMEOUT_MS,
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      write_interval_ms: o.writeIntervalMs,
      seed: o.seed,
      wall_time_ms: Math.round(performance.now() - started),
    },
  };
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 100 ? 0 : 1)}` : 'n/a');
const qText = (e: QuantileEstimate) => `${ms(e.value)} [${ms(e.low)}, ${ms(e.high)}]`;
const lossText = (l: LossEstimate) =>
  `${l.lost} in ${l.trials} failovers (${l.acked} acked), per failover ${l.perFailover.p.toFixed(3)} [${l.perFailover.low.toFixed(3)}, ${l.perFailover.high.toFixed(3)}]`;

/** The human summary. */
export function sentinelSummary(r: SentinelCalibrationResult): string {
  const m = r.manifest;
  const lines = [
    `calibrate redis-sentinel ${r.version}: primary, 2 replicas, 3 sentinels (quorum 2) on 127.0.0.1, fresh per trial; ${r.trials} primary kills per setting (even trials plain writes, odd trials SET + WAIT 1 ${m.wait_timeout_ms})`,
    `loopback RTT p50 ${m.loopback_rtt_ms.p50} ms (p99 ${m.loopback_rtt_ms.p99}); failover-timeout ${m.failover_timeout_ms} ms; load average ${m.load_average.join(' ')}`,
    `model: failover --election sentinel --sentinels 3 --sentinel-quorum 2 --sentinel-failover-timeout-ms ${m.failover_timeout_ms} --timeout-ms DOWN_AFTER --heartbeat-ms ${m.model_heartbeat_ms} --nodes 3 --latency "${m.model_latency}" --replication-delay "const(0)" --disk "const(0)" (--async-followers 1 for WAIT 1)`,
  ];
  for (const c of r.comparisons) {
    const row = (name: string, s: SampleSummary) =>
      `  ${name.padEnd(9)} p50 ${qText(s.p50).padEnd(22)} p90 ${qText(s.p90).padEnd(22)} p99 ${qText(s.p99).padEnd(22)} max ${ms(s.max).padEnd(6)} n=${s.samples}`;
    lines.push(
      `down-after ${c.setting.down_after_ms} ms: recovery_ms (kill -> first write acknowledged by the sentinel-named primary), 95% intervals`,
      row('measured', c.measured),
      row('model', c.model),
      `  KS distance ${c.ks_distance.toFixed(3)}, p ${c.ks_p_value.toPrecision(2)}; model/measured median ${(c.model.p50.value / c.measured.p50.value).toFixed(2)}; measured +odown p50 ${ms(c.measured_odown.p50.value)} ms, sentinels name the new primary p50 ${ms(c.measured_switch.p50.value)} ms${c.unrecovered > 0 ? `; ${c.unrecovered} trials never recovered` : ''}`,
      `  acked writes lost, plain: measured ${lossText(c.lost.measured_plain)}; model ${lossText(c.lost.model_plain)}`,
      `  acked writes lost, WAIT 1: measured ${lossText(c.lost.measured_wait)}; model ${lossText(c.lost.model_wait)}`,
    );
    // Where a measured loss came from: writes the promoted replica never received before the kill,
    // or data it replaced in a full resync after it.
    for (const t of c.trials.filter((x) => x.ackedWritesLost > 0))
      lines.push(
        `  trial ${t.trial} (${t.variant}) lost ${t.ackedWritesLost}: the new primary lacked ${t.newPrimaryLackedAtKill ?? '?'} of them at the kill, ${t.newPrimaryFullSyncs} full resyncs after it`,
      );
  }
  return lines.join('\n') + '\n';
}

/** The one object `--json` prints (the same keys as etcd's, plus the lost writes by variant). */
export function sentinelJson(r: SentinelCalibrationResult): object {
  return calibrationJson(r, (c) => ({ lost: c.lost }));
}

export const SENTINEL_COLUMNS = [
  'system',
  'version',
  'down_after_ms',
  'side',
  'variant',
  'trial',
  'recovery_ms',
  'odown_ms',
  'switch_ms',
  'acked_writes',
  'acked_writes_lost',
  'new_primary_lacked_at_kill',
  'new_primary_full_syncs',
] as const;

/** Writes FILE.csv, FILE.manifest.json and the CDF overlay FILE.{svg,png,pdf}; returns the paths. */
export async function writeSentinelCalibration(
  r: SentinelCalibrationResult,
  out: string,
  parameters: Record<string, unknown>,
  formats: readonly FigureFormat[] = ['svg', 'png', 'pdf'],
  startedAt = new Date(),
): Promise<string[]> {
  const rows = r.comparisons.flatMap((c) => [
    ...c.trials.map((t) => ({
      system: r.system,
      version: r.version,
      down_after_ms: c.setting.down_after_ms,
      side: 'measured',
      variant: t.variant,
      trial: t.trial,
      recovery_ms: t.recoveryMs,
      odown_ms: t.odownMs,
      switch_ms: t.switchMs,
      acked_writes: t.ackedWrites,
      acked_writes_lost: t.ackedWritesLost,
      new_primary_lacked_at_kill: t.newPrimaryLackedAtKill,
      new_primary_full_syncs: t.newPrimaryFullSyncs,
    })),
    ...c.model_samples.map((v, i) => ({
      system: r.system,
      version: r.version,
      down_after_ms: c.setting.down_after_ms,
      side: 'model',
      variant: 'plain',
      trial: i,
      recovery_ms: v,
      odown_ms: null,
      switch_ms: null,
      acked_writes: null,
      acked_writes_lost: null,
      new_primary_lacked_at_kill: null,
      new_primary_full_syncs: null,
    })),
  ]);
  const samples: Record<string, number[]> = {};
  for (const c of r.comparisons) {
    samples[`redis-sentinel ${c.setting.down_after_ms} ms`] = c.measured_samples;
    samples[`model ${c.setting.down_after_ms} ms`] = c.model_samples;
  }
  return writeSampleCalibration({
    out,
    columns: SENTINEL_COLUMNS,
    rows,
    samples,
    title: `Redis Sentinel ${r.version} failover vs the Sentinel model: recovery after kill -9 of the primary`,
    xTitle: 'recovery (ms): kill to the first write acknowledged by the new primary',
    experiment: 'calibrate-redis-sentinel',
    parameters: { ...parameters, ...r.manifest },
    seed: r.manifest.seed,
    trials: r.trials,
    wallTimeMs: r.manifest.wall_time_ms,
    formats,
    startedAt,
  });
}
