/**
 * `replilab calibrate patroni`: the lab's `patroni` scenario against a real Patroni cluster on
 * this machine, setting by setting. Measured side: a fresh 3-node cluster per setting
 * ({@link PatroniCluster}), then per trial {@link runPatroniTrial} (kill -9 of the primary's
 * Patroni and PostgreSQL, time to the first write the new primary acknowledges) and a restart of
 * the killed node (it rejoins as a replica, pg_rewind if needed) before the next one. Model side:
 * exactly what `replilab scenario run patroni --set ttl_s=T --set loop_wait_s=L --set
 * retry_timeout_s=R --trials N --seed S` runs ({@link patroniFailoverTrials}), its recovery_ms
 * per trial.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { FigureFormat } from '../charts/index.js';
import { deriveStream } from '../random/index.js';
import { patroniFailoverTrials } from '../scenarios/failover-experiments.js';
import { patroniScenario, patroniTiming } from '../scenarios/failover-systems.js';
import { scenarioRunValues } from '../scenarios/run-scenario.js';
import { ksTwoSample, summarizeSample, type QuantileEstimate, type SampleSummary } from '../stats/index.js';
import { PatroniCluster, type PatroniSetting } from './patroni.js';
import { runPatroniTrial, type PatroniTrialOutcome } from './patroni-failover.js';
import { calibrationJson, writeSampleCalibration } from './calibration-output.js';
import { Testbed } from './processes.js';
import { execFileSync } from 'node:child_process';

/** Patroni's defaults (its documentation, dynamic configuration settings) and the fast setting the calibration also runs. */
export const PATRONI_DEFAULT_SETTING: PatroniSetting = { ttlS: 30, loopWaitS: 10, retryTimeoutS: 10 };
export const PATRONI_FAST_SETTING: PatroniSetting = { ttlS: 10, loopWaitS: 2, retryTimeoutS: 4 };
/** The measuring client's poll period of the DCS and the REST APIs, ms. */
export const POLL_MS = 50;

export interface PatroniCalibrateOptions {
  settings: PatroniSetting[];
  trials: number;
  modelTrials: number;
  seed: number;
  onProcess?: (pid: number) => void;
  onTrial?: (setting: PatroniSetting, outcome: PatroniTrialOutcome) => void;
}

export interface PatroniComparison {
  setting: { ttl_s: number; loop_wait_s: number; retry_timeout_s: number };
  metric: 'recovery_ms';
  measured: SampleSummary;
  model: SampleSummary;
  ks_distance: number;
  ks_p_value: number;
  /** Kill to the leader key gone from the DCS (lease expiry), and held by the new leader, ms. */
  measured_leader_gone: SampleSummary;
  measured_leader: SampleSummary;
  measured_samples: number[];
  model_samples: number[];
  trials: PatroniTrialOutcome[];
  unrecovered: number;
}

export interface PatroniCalibrationResult {
  system: 'patroni';
  version: string;
  trials: number;
  comparisons: PatroniComparison[];
  acked_writes_lost: number[];
  manifest: {
    patroni_version: string;
    postgres_version: string;
    model: string;
    poll_ms: number;
    load_average: number[];
    seed: number;
    wall_time_ms: number;
  };
}

/** `ttl=30,loop_wait=10,retry_timeout=10` as the scenario's --set texts. */
export function scenarioSetTexts(s: PatroniSetting): string[] {
  return [`ttl_s=${s.ttlS}`, `loop_wait_s=${s.loopWaitS}`, `retry_timeout_s=${s.retryTimeoutS}`];
}

/** The model's recovery samples for one setting: the patroni scenario's trials (`extra`: more --set texts). */
export function patroniModelSamples(
  setting: PatroniSetting,
  trials: number,
  seed: number,
  extra: readonly string[] = [],
): number[] {
  const { resolved } = scenarioRunValues(patroniScenario, [...scenarioSetTexts(setting), ...extra]);
  return patroniFailoverTrials(resolved.experiment, patroniTiming(resolved.values), { trials, seed }).flatMap(
    (o) => (o.recoveryMs === null ? [] : [o.recoveryMs]),
  );
}

function versionOf(binary: string, args: string[]): string {
  try {
    const text = execFileSync(binary, args, { encoding: 'utf8' });
    return /(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] ?? text.trim();
  } catch {
    return 'unknown';
  }
}

/** Runs the calibration; every process it starts is stopped before it returns or throws. */
export async function calibratePatroni(o: PatroniCalibrateOptions): Promise<PatroniCalibrationResult> {
  const started = performance.now();
  const version = versionOf('patroni', ['--version']);
  const postgresVersion = versionOf('/usr/lib/postgresql/15/bin/postgres', ['--version']);
  const comparisons: PatroniComparison[] = [];
  for (const [si, setting] of o.settings.entries()) {
    const rng = deriveStream(o.seed, 40 + si, 0);
    const outcomes: PatroniTrialOutcome[] = [];
    const bed = new Testbed('patroni', { onStart: o.onProcess });
    let cluster: PatroniCluster | null = null;
    try {
      cluster = await PatroniCluster.start(bed, { nodes: 3, setting, rng, onProcess: o.onProcess });
      const readyMs = 120_000 + 6_000 * setting.loopWaitS;
      for (let t = 0; t < o.trials; t++) {
        const leader = await cluster.waitReady(readyMs);
        const outcome = await runPatroniTrial(cluster, {
          trial: t,
          leader,
          rng,
          loopWaitMs: 1000 * setting.loopWaitS,
          pollMs: POLL_MS,
          giveUpMs: 3000 * setting.ttlS + 30_000,
        });
        outcomes.push(outcome);
        o.onTrial?.(setting, outcome);
        cluster.startNode(leader);
      }
      // The restarted node must rejoin: a cluster that cannot heal would fail the next trial.
      await cluster.waitReady(readyMs);
    } finally {
      await cluster?.close();
      await bed.close();
    }
    const measured = outcomes.flatMap((x) => (x.recoveryMs === null ? [] : [x.recoveryMs]));
    const model = patroniModelSamples(setting, o.modelTrials, o.seed);
    const ks =
      measured.length > 0 && model.length > 0
        ? ksTwoSample(measured, model)
        : { distance: Number.NaN, pValue: Number.NaN };
    const of = (f: (x: PatroniTrialOutcome) => number | null) =>
      summarizeSample(outcomes.flatMap((x) => (f(x) === null ? [] : [f(x)!])));
    comparisons.push({
      setting: {
        ttl_s: setting.ttlS,
        loop_wait_s: setting.loopWaitS,
        retry_timeout_s: setting.retryTimeoutS,
      },
      metric: 'recovery_ms',
      measured: summarizeSample(measured),
      model: summarizeSample(model),
      ks_distance: ks.distance,
      ks_p_value: ks.pValue,
      measured_leader_gone: of((x) => x.leaderGoneMs),
      measured_leader: of((x) => x.leaderMs),
      measured_samples: measured,
      model_samples: model,
      trials: outcomes,
      unrecovered: outcomes.filter((x) => x.recoveryMs === null).length,
    });
  }
  return {
    system: 'patroni',
    version,
    trials: o.trials,
    comparisons,
    // No write stream crosses the kill (the client writes only to find the new primary).
    acked_writes_lost: [],
    manifest: {
      patroni_version: version,
      postgres_version: postgresVersion,
      model: `replilab scenario run patroni --set ttl_s=T --set loop_wait_s=L --set retry_timeout_s=R --trials ${o.modelTrials} --seed ${o.seed}`,
      poll_ms: POLL_MS,
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      seed: o.seed,
      wall_time_ms: Math.round(performance.now() - started),
    },
  };
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 100 ? 0 : 1)}` : 'n/a');
const qText = (e: QuantileEstimate) => `${ms(e.value)} [${ms(e.low)}, ${ms(e.high)}]`;
const settingText = (s: PatroniComparison['setting']) =>
  `ttl ${s.ttl_s} s, loop_wait ${s.loop_wait_s} s, retry_timeout ${s.retry_timeout_s} s`;

/** The human summary. */
export function patroniSummary(r: PatroniCalibrationResult): string {
  const m = r.manifest;
  const lines = [
    `calibrate patroni ${r.version} (PostgreSQL ${m.postgres_version}): 3 nodes on 127.0.0.1, DCS a 1-member etcd (etcd3 API); ${r.trials} primary kills per setting (Patroni and PostgreSQL, kill -9)`,
    `load average ${m.load_average.join(' ')}; DCS leader key polled every ${m.poll_ms} ms`,
    `model: ${m.model}`,
  ];
  for (const c of r.comparisons) {
    const row = (name: string, s: SampleSummary) =>
      `  ${name.padEnd(9)} p50 ${qText(s.p50).padEnd(22)} p90 ${qText(s.p90).padEnd(22)} p99 ${qText(s.p99).padEnd(22)} max ${ms(s.max).padEnd(6)} n=${s.samples}`;
    lines.push(
      `${settingText(c.setting)}: recovery_ms (kill -> first INSERT acknowledged by the new primary), 95% intervals`,
      row('measured', c.measured),
      row('model', c.model),
      `  KS distance ${c.ks_distance.toFixed(3)}, p ${c.ks_p_value.toPrecision(2)}; model/measured median ${(c.model.p50.value / c.measured.p50.value).toFixed(2)}; measured leader key gone p50 ${ms(c.measured_leader_gone.p50.value)} ms, new holder p50 ${ms(c.measured_leader.p50.value)} ms${c.unrecovered > 0 ? `; ${c.unrecovered} trials never recovered` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The one object `--json` prints (the keys of the other calibrations). */
export function patroniJson(r: PatroniCalibrationResult): object {
  return calibrationJson(r);
}

export const PATRONI_COLUMNS = [
  'system',
  'version',
  'ttl_s',
  'loop_wait_s',
  'retry_timeout_s',
  'side',
  'trial',
  'recovery_ms',
  'leader_gone_ms',
  'leader_ms',
  'write_attempts',
  'phase_ms',
] as const;

/** Writes FILE.csv, FILE.manifest.json and the CDF overlay FILE.{svg,png,pdf}; returns the paths. */
export async function writePatroniCalibration(
  r: PatroniCalibrationResult,
  out: string,
  parameters: Record<string, unknown>,
  formats: readonly FigureFormat[] = ['svg', 'png', 'pdf'],
  startedAt = new Date(),
): Promise<string[]> {
  const base = (c: PatroniComparison, side: string) => ({
    system: r.system,
    version: r.version,
    ...c.setting,
    side,
  });
  const rows = r.comparisons.flatMap((c) => [
    ...c.trials.map((t) => ({
      ...base(c, 'measured'),
      trial: t.trial,
      recovery_ms: t.recoveryMs,
      leader_gone_ms: t.leaderGoneMs,
      leader_ms: t.leaderMs,
      write_attempts: t.writeAttempts,
      phase_ms: t.phaseMs,
    })),
    ...c.model_samples.map((v, i) => ({
      ...base(c, 'model'),
      trial: i,
      recovery_ms: v,
      leader_gone_ms: null,
      leader_ms: null,
      write_attempts: null,
      phase_ms: null,
    })),
  ]);
  const samples: Record<string, number[]> = {};
  for (const c of r.comparisons) {
    const s = `${c.setting.ttl_s}/${c.setting.loop_wait_s}/${c.setting.retry_timeout_s} s`;
    samples[`patroni ${s}`] = c.measured_samples;
    samples[`model ${s}`] = c.model_samples;
  }
  return writeSampleCalibration({
    out,
    columns: PATRONI_COLUMNS,
    rows,
    samples,
    title: `Patroni ${r.version} failover vs the patroni scenario: recovery after kill -9 of the primary`,
    xTitle: 'recovery (ms): kill to the first write acknowledged by the new primary',
    experiment: 'calibrate-patroni',
    parameters: { ...parameters, ...r.manifest },
    seed: r.manifest.seed,
    trials: r.trials,
    wallTimeMs: r.manifest.wall_time_ms,
    formats,
    startedAt,
  });
}
