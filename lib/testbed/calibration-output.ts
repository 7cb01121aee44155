/**
 * What `replilab calibrate` prints and writes: the side-by-side summary, the one JSON object, the
 * CSV of samples with its manifest, and the CDF overlay figure (measured and model per setting).
 */
import { cdfRowsFromSamples, cdfSpec, writeFigure, type FigureFormat } from '../charts/index.js';
import { writeCsv, type CsvValue } from '../output/csv.js';
import { describeRun, manifestPathFor, writeManifest } from '../output/manifest.js';
import type { QuantileEstimate, SampleSummary } from '../stats/index.js';
import type { CalibrationResult, Comparison } from './calibrate.js';

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 100 ? 0 : 1)}` : 'n/a');
const qText = (e: QuantileEstimate) => `${ms(e.value)} [${ms(e.low)}, ${ms(e.high)}]`;

const settingText = (c: Comparison) =>
  `heartbeat ${c.setting.heartbeat_ms} ms, election timeout ${c.setting.election_timeout_ms} ms`;

/** The human summary: per setting, measured and model side by side. */
export function calibrationSummary(r: CalibrationResult): string {
  const m = r.manifest;
  const lines = [
    `calibrate etcd ${r.version}: ${m.members} members${m.pre_vote ? ' with --pre-vote' : ''} on 127.0.0.1, peer links through the delay proxy (${m.latency}); ${r.trials} leader kills per setting`,
    `loopback RTT p50 ${m.loopback_rtt_ms.p50} ms (p99 ${m.loopback_rtt_ms.p99}); fsync p50 ${m.fsync_ms.p50} ms (p99 ${m.fsync_ms.p99}); etcd WAL fsync mean ${m.etcd_wal_fsync_mean_ms ?? 'n/a'} ms; load average ${m.load_average.join(' ')}`,
    `model: failover --election raft --raft-timing ${m.raft_timing}${m.pre_vote ? ' --pre-vote' : ''} --nodes ${m.members} --latency "${m.model_latency}" --disk "${m.model_disk}"`,
  ];
  for (const c of r.comparisons) {
    const row = (name: string, s: SampleSummary) =>
      `  ${name.padEnd(9)} p50 ${qText(s.p50).padEnd(22)} p90 ${qText(s.p90).padEnd(22)} p99 ${qText(s.p99).padEnd(22)} max ${ms(s.max).padEnd(6)} n=${s.samples}`;
    lines.push(
      `${settingText(c)}: recovery_ms (kill -> first acknowledged write), 95% intervals`,
      row('measured', c.measured),
      row('model', c.model),
      `  KS distance ${c.ks_distance.toFixed(3)}, p ${c.ks_p_value.toPrecision(2)}; model/measured median ${(c.model.p50.value / c.measured.p50.value).toFixed(2)}; election rounds measured ${c.measured_rounds_mean.toFixed(2)}, model ${c.model_rounds_mean.toFixed(2)}; measured leader elected p50 ${ms(c.measured_leader.p50.value)} ms${c.unrecovered > 0 ? `; ${c.unrecovered} trials never recovered` : ''}`,
    );
  }
  const lost = r.acked_writes_lost.reduce((s, x) => s + x, 0);
  lines.push(`acknowledged writes lost: ${lost} (over ${r.acked_writes_lost.length} trials)`);
  return lines.join('\n') + '\n';
}

/** The quantiles `--json` prints for one side of a comparison. */
export const quantiles = (s: SampleSummary) => ({
  p50: s.p50.value,
  p90: s.p90.value,
  p99: s.p99.value,
  max: s.max,
  samples: s.samples,
});

/** What every calibration result has that `--json` prints. */
export interface CalibrationLike<C> {
  system: string;
  version: string;
  trials: number;
  comparisons: C[];
  acked_writes_lost: unknown;
}

/** The fields every comparison has that `--json` prints. */
export interface ComparisonLike {
  setting: object;
  metric: string;
  measured: SampleSummary;
  model: SampleSummary;
  ks_distance: number;
  ks_p_value: number;
}

/**
 * The one object `--json` prints, for any system: `{system, version, trials, comparisons:
 * [{setting, metric, measured, model, ks_distance, ks_p_value, ...extra(c)}], acked_writes_lost}`.
 */
export function calibrationJson<C extends ComparisonLike>(
  r: CalibrationLike<C>,
  extra: (c: C) => object = () => ({}),
): object {
  return {
    system: r.system,
    version: r.version,
    trials: r.trials,
    comparisons: r.comparisons.map((c) => ({
      setting: c.setting,
      metric: c.metric,
      measured: quantiles(c.measured),
      model: quantiles(c.model),
      ks_distance: c.ks_distance,
      ks_p_value: c.ks_p_value,
      ...extra(c),
    })),
    acked_writes_lost: r.acked_writes_lost,
  };
}

export const CALIBRATION_COLUMNS = [
  'system',
  'version',
  'heartbeat_ms',
  'election_timeout_ms',
  'side',
  'trial',
  'recovery_ms',
  'leader_ms',
  'election_rounds',
  'acked_writes_lost',
] as const;

/** The CDF overlay of measured and model recovery, every setting. */
export function calibrationSpec(r: CalibrationResult) {
  const samples: Record<string, number[]> = {};
  for (const c of r.comparisons) {
    const s = `${c.setting.heartbeat_ms}/${c.setting.election_timeout_ms} ms`;
    samples[`etcd ${s}`] = c.measured_samples;
    samples[`model ${s}`] = c.model_samples;
  }
  return cdfSpec(cdfRowsFromSamples(samples), {
    title: `etcd ${r.version} failover vs the model (${r.manifest.raft_timing} timing): recovery after kill -9 of the leader`,
    xTitle: 'recovery (ms): kill to the first acknowledged write',
  });
}

/** Writes FILE.csv (samples), FILE.manifest.json and FILE.{svg,png,pdf}; returns the paths. */
export async function writeCalibration(
  r: CalibrationResult,
  out: string,
  parameters: Record<string, unknown>,
  formats: readonly FigureFormat[] = ['svg', 'png', 'pdf'],
  startedAt = new Date(),
): Promise<string[]> {
  const rows = r.comparisons.flatMap((c) => [
    ...c.trials.map((t) => ({
      system: r.system,
      version: r.version,
      heartbeat_ms: c.setting.heartbeat_ms,
      election_timeout_ms: c.setting.election_timeout_ms,
      side: 'measured',
      trial: t.trial,
      recovery_ms: t.recoveryMs,
      leader_ms: t.leaderMs,
      election_rounds: t.electionRounds,
      acked_writes_lost: t.ackedWritesLost,
    })),
    ...c.model_samples.map((v, i) => ({
      system: r.system,
      version: r.version,
      heartbeat_ms: c.setting.heartbeat_ms,
      election_timeout_ms: c.setting.election_timeout_ms,
      side: 'model',
      trial: i,
      recovery_ms: v,
      leader_ms: null,
      election_rounds: null,
      acked_writes_lost: null,
    })),
  ]);
  const base = out.replace(/\.csv$/i, '');
  const figures = await writeFigure(calibrationSpec(r), base, formats);
  writeCsv(out, CALIBRATION_COLUMNS, rows);
  const manifestPath = manifestPathFor(out);
  const files = [out, ...figures].map((f) => f.slice(f.lastIndexOf('/') + 1));
  writeManifest(manifestPath, {
    ...describeRun({
      experiment: 'calibrate-etcd',
      parameters: { ...parameters, ...r.manifest },
      seed: r.manifest.seed,
      trials: r.trials,
      threads: 1,
      wallTimeMs: r.manifest.wall_time_ms,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      outputs: files,
    }),
  });
  return [out, manifestPath, ...figures];
}

/**
 * Writes FILE.csv (`rows` under `columns`), the CDF overlay FILE.{svg,png,pdf} of `samples` (one
 * curve per name) and FILE.manifest.json; returns the paths. For a calibration whose rows are one
 * sample each.
 */
export async function writeSampleCalibration(o: {
  out: string;
  columns: readonly string[];
  rows: readonly Record<string, CsvValue>[];
  samples: Record<string, number[]>;
  title: string;
  xTitle: string;
  experiment: string;
  parameters: Record<string, unknown>;
  seed: number;
  trials: number;
  wallTimeMs: number;
  formats?: readonly FigureFormat[];
  startedAt?: Date;
}): Promise<string[]> {
  const spec = cdfSpec(cdfRowsFromSamples(o.samples), { title: o.title, xTitle: o.xTitle });
  const figures = await writeFigure(spec, o.out.replace(/\.csv$/i, ''), o.formats ?? ['svg', 'png', 'pdf']);
  writeCsv(o.out, o.columns, o.rows);
  const manifestPath = manifestPathFor(o.out);
  writeManifest(manifestPath, {
    ...describeRun({
      experiment: o.experiment,
      parameters: o.parameters,
      seed: o.seed,
      trials: o.trials,
      threads: 1,
      wallTimeMs: o.wallTimeMs,
      startedAt: (o.startedAt ?? new Date()).toISOString(),
      finishedAt: new Date().toISOString(),
      outputs: [o.out, ...figures].map((f) => f.slice(f.lastIndexOf('/') + 1)),
    }),
  });
  return [o.out, manifestPath, ...figures];
}
