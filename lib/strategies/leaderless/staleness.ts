import { ParameterError } from '../../errors.js';
import type { WarsLegs } from '../../latency/index.js';
import { LogHistogram, wilsonInterval } from '../../stats/index.js';
import type { BatchTask } from '../../sweep/batch-task.js';
import { runBatches } from '../../sweep/pool.js';
import {
  legsToText,
  type StalenessBatchParams,
  type StalenessBatchSummary,
  type StalenessEngine,
} from './staleness-batch.js';

/** Trials per batch of the fast engine. Fixed, so results never depend on the thread count. */
export const FAST_BATCH_TRIALS = 65536;
/** Trials per batch of the event engine (per read offset t). */
export const EVENT_BATCH_TRIALS = 4096;
/** The probabilities reported as t-visibility. */
export const T_VISIBILITY_LEVELS = [0.9, 0.99, 0.999] as const;

/** Options of the PBS quorum staleness experiment (the WARS setting). */
export interface StalenessOptions {
  /** Replicas per key (N). */
  n: number;
  /** Read quorum: responses the read waits for (R). */
  r: number;
  /** Write quorum: acks the write waits for (W). */
  w: number;
  /** Delay distributions of the four legs (see resolveLatency for presets and text forms). */
  legs: WarsLegs;
  /** A label for the latency model in outputs, e.g. the preset name. Default: the W leg's text. */
  latencyLabel?: string;
  /** Read start offsets after the write's commit, ms, ascending. */
  tGridMs: number[];
  /** Trials: write/read pairs (fast engine: in all; event engine: per t point). */
  trials: number;
  /** Seed of every random stream. */
  seed: number;
  /** Worker threads (1 = in this thread). Results are identical at any count. */
  threads?: number;
  /** `fast` (direct Monte Carlo, one pass for the whole curve) or `event` (the event kernel). */
  engine?: StalenessEngine;
  /** The cell's index when part of a sweep (selects the random streams). Default 0. */
  cell?: number;
  /** Called as batches finish: (batches done, batches in all). */
  onProgress?: (done: number, total: number) => void;
}

/** One point of the staleness curve. */
export interface StalenessPoint {
  /** Read start after commit, ms. */
  t: number;
  /** Estimated P(consistent read). */
  p_consistent: number;
  /** Wilson 95% interval. */
  ci_low: number;
  ci_high: number;
  /** Consistent reads counted, out of `trials`. */
  consistent: number;
  trials: number;
}

/** Quantiles of an operation latency, ms, with the sample count they come from. */
export interface LatencyQuantiles {
  p50: number;
  p99: number;
  p999: number;
  samples: number;
}

/** The result of {@link runStaleness}. */
export interface StalenessResult {
  n: number;
  r: number;
  w: number;
  trials: number;
  seed: number;
  engine: StalenessEngine;
  latencyLabel: string;
  curve: StalenessPoint[];
  /**
   * t-visibility: the smallest t (ms) at which P(consistent) reaches each level. Fast engine: from
   * the per-trial thresholds (not limited to the grid, within 0.1%); event engine: the first grid
   * point that reaches it, or null.
   */
  tVisibilityMs: Record<'0.9' | '0.99' | '0.999', number | null>;
  /**
   * 95% distribution-free intervals of the t-visibility levels (order statistics of the per-trial
   * thresholds; fast engine only, null for the event engine or an unreached level).
   */
  tVisibilityCiMs: Record<'0.9' | '0.99' | '0.999', { low: number; high: number } | null>;
  latencyMs: { read: LatencyQuantiles; write: LatencyQuantiles };
}

function integerIn(name: string, value: number, low: number, high: number, allowed: string): void {
  if (!Number.isInteger(value) || value < low || value > high) throw new ParameterError(name, String(value), allowed);
}

/**
 * Checks the options before any work starts; errors name the parameter as `prefix + name`
 * (the CLI passes `--`).
 */
export function validateStalenessOptions(options: StalenessOptions, prefix = ''): void {
  const name = (field: string) => prefix + field;
  integerIn(name('n'), options.n, 1, 1000, 'an integer from 1 to 1000');
  integerIn(name('r'), options.r, 1, options.n, `an integer from 1 to n (${options.n})`);
  integerIn(name('w'), options.w, 1, options.n, `an integer from 1 to n (${options.n})`);
  integerIn(name('trials'), options.trials, 1, Number.MAX_SAFE_INTEGER, 'a whole number >= 1');
  integerIn(name('seed'), options.seed, 0, Number.MAX_SAFE_INTEGER, 'a whole number from 0 to 2^53-1');
  if (options.threads !== undefined) integerIn(name('threads'), options.threads, 1, 1024, 'an integer from 1 to 1024');
  const grid = options.tGridMs;
  if (grid.length === 0) throw new ParameterError(name('t'), '(empty)', 'at least one read offset in ms');
  grid.forEach((t, i) => {
    if (!Number.isFinite(t) || t < 0) throw new ParameterError(name('t'), String(t), 'finite offsets >= 0 ms');
    if (i > 0 && t <= grid[i - 1]) throw new ParameterError(name('t'), grid.join(','), 'strictly ascending offsets');
  });
  if (options.engine !== undefined && options.engine !== 'fast' && options.engine !== 'event') {
    throw new ParameterError(name('engine'), String(options.engine), 'fast or event');
  }
}

/** The batches of one staleness run, in their fixed merge order. */
function planBatches(options: StalenessOptions, engine: StalenessEngine): BatchTask<StalenessBatchParams>[] {
  const base = { n: options.n, r: options.r, w: options.w, legs: legsToText(options.legs), tGridMs: options.tGridMs, engine };
  const tasks: BatchTask<StalenessBatchParams>[] = [];
  const cell = options.cell ?? 0;
  const batchTrials = engine === 'fast' ? FAST_BATCH_TRIALS : EVENT_BATCH_TRIALS;
  const batchesPerPoint = Math.ceil(options.trials / batchTrials);
  const points = engine === 'fast' ? 1 : options.tGridMs.length;
  for (let point = 0; point < points; point++) {
    for (let b = 0; b < batchesPerPoint; b++) {
      const trials = Math.min(batchTrials, options.trials - b * batchTrials);
      const params = engine === 'fast' ? base : { ...base, tIndex: point };
      tasks.push({ model: 'staleness', params, seed: options.seed, cell, batch: point * batchesPerPoint + b, trials });
    }
  }
  return tasks;
}

function quantiles(h: LogHistogram): LatencyQuantiles {
  return { p50: h.quantile(0.5), p99: h.quantile(0.99), p999: h.quantile(0.999), samples: h.total };
}

/**
 * Estimates P(consistent read) against the time since commit for a Dynamo-style quorum (PBS
 * t-visibility), with Wilson 95% intervals, t-visibility levels and the read and write latencies.
 * Batches run on `threads` workers and merge in a fixed order, so the result is a pure function
 * of (options without threads, seed).
 * Reference: P. Bailis et al., Probabilistically Bounded Staleness for Practical Partial Quorums,
 * PVLDB 5(8), 2012.
 *
 * @example
 * const result = await runStaleness({ n: 3, r: 1, w: 1, legs: resolveLatency('lnkd-ssd'),
 *   tGridMs: [0, 1, 2, 5, 10], trials: 100000, seed: 1 });
 * result.curve[0].p_consistent; // P(consistent) right at commit
 */
export async function runStaleness(options: StalenessOptions): Promise<StalenessResult> {
  validateStalenessOptions(options);
  const engine = options.engine ?? 'fast';
  const tasks = planBatches(options, engine);
  let done = 0;
  const summaries = await runBatches<StalenessBatchSummary>(tasks, options.threads ?? 1, () => {
    done++;
    options.onProgress?.(done, tasks.length);
  });

  const grid = options.tGridMs;
  const consistent = new Float64Array(grid.length);
  const threshold = new LogHistogram();
  const readLatency = new LogHistogram();
  const writeLatency = new LogHistogram();
  for (const summary of summaries) {
    for (let k = 0; k < grid.length; k++) consistent[k] += summary.consistent[k];
    if (summary.threshold) threshold.merge(summary.threshold);
    readLatency.merge(summary.readLatency);
    writeLatency.merge(summary.writeLatency);
  }

  const curve = grid.map((t, k): StalenessPoint => {
    const interval = wilsonInterval(consistent[k], options.trials);
    return { t, p_consistent: interval.p, ci_low: interval.low, ci_high: interval.high, consistent: consistent[k], trials: options.trials };
  });
  const tVisibility = (level: number): number | null => {
    if (engine === 'fast') {
      // The level-quantile of the per-trial threshold; a threshold beyond every trial is unreachable.
      const q = threshold.quantile(level);
      return Number.isFinite(q) ? q : null;
    }
    const point = curve.find((p) => p.p_consistent >= level);
    return point ? point.t : null;
  };
  const tVisibilityInterval = (level: number): { low: number; high: number } | null =>
    engine === 'fast' && tVisibility(level) !== null ? threshold.quantileInterval(level) : null;
  return {
    n: options.n,
    r: options.r,
    w: options.w,
    trials: options.trials,
    seed: options.seed,
    engine,
    latencyLabel: options.latencyLabel ?? options.legs.W.toString(),
    curve,
    tVisibilityMs: { '0.9': tVisibility(0.9), '0.99': tVisibility(0.99), '0.999': tVisibility(0.999) },
    tVisibilityCiMs: { '0.9': tVisibilityInterval(0.9), '0.99': tVisibilityInterval(0.99), '0.999': tVisibilityInterval(0.999) },
    latencyMs: { read: quantiles(readLatency), write: quantiles(writeLatency) },
  };
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
