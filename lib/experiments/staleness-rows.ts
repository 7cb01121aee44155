import type { LatencyQuantiles, StalenessResult } from './staleness-run.js';

/** Columns of the staleness CSV: parameters, then metrics, then trials and seed. */
export const STALENESS_COLUMNS = [
  'latency',
  'engine',
  'n',
  'r',
  'w',
  't',
  'p_consistent',
  'ci_low',
  'ci_high',
  'consistent',
  't_visibility_90_ms',
  't_visibility_90_low_ms',
  't_visibility_90_high_ms',
  't_visibility_99_ms',
  't_visibility_99_low_ms',
  't_visibility_99_high_ms',
  't_visibility_999_ms',
  't_visibility_999_low_ms',
  't_visibility_999_high_ms',
  'read_p50_ms',
  'read_p99_ms',
  'read_p999_ms',
  'write_p50_ms',
  'write_p99_ms',
  'write_p999_ms',
  'trials',
  'seed',
] as const;

/**
 * One CSV row per (cell, t point); the cell's t-visibility (with its 95% interval, empty for the
 * event engine) and latency quantiles repeat on each of its rows.
 */
export type StalenessRow = Record<(typeof STALENESS_COLUMNS)[number], string | number | null>;

/** Turns a staleness result into CSV rows (see {@link STALENESS_COLUMNS}). */
export function stalenessRows(result: StalenessResult): StalenessRow[] {
  const { read, write } = result.latencyMs;
  const ci = result.tVisibilityCiMs;
  return result.curve.map((point) => ({
    latency: result.latencyLabel,
    engine: result.engine,
    n: result.n,
    r: result.r,
    w: result.w,
    t: point.t,
    p_consistent: point.p_consistent,
    ci_low: point.ci_low,
    ci_high: point.ci_high,
    consistent: point.consistent,
    t_visibility_90_ms: result.tVisibilityMs['0.9'],
    t_visibility_90_low_ms: ci['0.9']?.low ?? null,
    t_visibility_90_high_ms: ci['0.9']?.high ?? null,
    t_visibility_99_ms: result.tVisibilityMs['0.99'],
    t_visibility_99_low_ms: ci['0.99']?.low ?? null,
    t_visibility_99_high_ms: ci['0.99']?.high ?? null,
    t_visibility_999_ms: result.tVisibilityMs['0.999'],
    t_visibility_999_low_ms: ci['0.999']?.low ?? null,
    t_visibility_999_high_ms: ci['0.999']?.high ?? null,
    read_p50_ms: read.p50,
    read_p99_ms: read.p99,
    read_p999_ms: read.p999,
    write_p50_ms: write.p50,
    write_p99_ms: write.p99,
    write_p999_ms: write.p999,
    trials: point.trials,
    seed: result.seed,
  }));
}

/**
 * The JSON contract of `replilab staleness --json`:
 * `{n, r, w, trials, seed, curve: [{t, p_consistent, ci_low, ci_high}], t_visibility: {"0.9", "0.99",
 * "0.999"}, latency_ms: {read: {p50, p99, p999}, write: {p50, p99, p999}}}`.
 */
export function stalenessJson(result: StalenessResult): Record<string, unknown> {
  const q = ({ p50, p99, p999 }: LatencyQuantiles) => ({ p50, p99, p999 });
  return {
    n: result.n,
    r: result.r,
    w: result.w,
    trials: result.trials,
    seed: result.seed,
    curve: result.curve.map(({ t, p_consistent, ci_low, ci_high }) => ({ t, p_consistent, ci_low, ci_high })),
    t_visibility: result.tVisibilityMs,
    latency_ms: { read: q(result.latencyMs.read), write: q(result.latencyMs.write) },
  };
}
