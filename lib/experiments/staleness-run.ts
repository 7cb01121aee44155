import { ParameterError } from '../errors.js';
import type { WarsLegs } from '../latency/index.js';
import { latencySummary, LogHistogram, wilsonInterval, type LatencySummary } from '../stats/index.js';
import { fixedBatchPlan } from './sweep-experiment.js';
import { BatchPool } from './worker-pool.js';
import { runCellPlans, type CellPlan } from './scheduler.js';
import {
  legsToText,
  type StalenessBatchParams,
  type StalenessBatchSummary,
  type StalenessEngine,
} from './batch/staleness.js';

export { stalenessJson } from './staleness-rows.js';

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
  /**
   * Called as batches finish (at most one batch of {@link FAST_BATCH_TRIALS} or
   * {@link EVENT_BATCH_TRIALS} trials apart): the fraction done, as every family's run reports it
   * (lib/sim `ProgressCallback`; 1 at the end), then the batches done and in all.
   */
  onProgress?: (fractionDone: number, batchesDone: number, batches: number) => void;
}

/** The staleness options one cell of a sweep (or one run's parameters) fixes; trials, seed and threads are the run's. */
export type StalenessCellOptions = Omit<
  StalenessOptions,
  'trials' | 'seed' | 'threads' | 'cell' | 'onProgress'
>;

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

/** Quantiles of an operation latency, ms, with the sample count they come from (every trial has both operations: never null). */
export type LatencyQuantiles = LatencySummary<'p50' | 'p99' | 'p999' | 'samples', never>;

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
  if (!Number.isInteger(value) || value < low || value > high)
    throw new ParameterError(name, String(value), allowed);
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
  if (options.threads !== undefined)
    integerIn(name('threads'), options.threads, 1, 1024, 'an integer from 1 to 1024');
  const grid = options.tGridMs;
  if (grid.length === 0) throw new ParameterError(name('t'), '(empty)', 'at least one read offset in ms');
  grid.forEach((t, i) => {
    if (!Number.isFinite(t) || t < 0)
      throw new ParameterError(name('t'), String(t), 'finite offsets >= 0 ms');
    if (i > 0 && t <= grid[i - 1])
      throw new ParameterError(name('t'), grid.join(','), 'strictly ascending offsets');
  });
  if (options.engine !== undefined && options.engine !== 'fast' && options.engine !== 'event') {
    throw new ParameterError(name('engine'), String(options.engine), 'fast or event');
  }
}

/**
 * The batches of one staleness cell in their fixed merge order, for `trials` trials (default
 * `options.trials`; adaptive precision passes its cap). Fast engine: batch b of FAST_BATCH_TRIALS
 * trials covers the whole curve. Event engine: per t point k, batches k*B .. k*B+B-1 of
 * EVENT_BATCH_TRIALS trials (B per point); they run round by round (batch b of every point), and
 * a round's end is where adaptive precision may stop.
 */
export function planStaleness(options: StalenessOptions, trials = options.trials): CellPlan {
  const engine = options.engine ?? 'fast';
  const base = {
    n: options.n,
    r: options.r,
    w: options.w,
    legs: legsToText(options.legs),
    tGridMs: options.tGridMs,
    engine,
  };
  const cell = options.cell ?? 0;
  if (engine === 'fast') {
    return fixedBatchPlan<StalenessBatchParams>(
      'staleness',
      base,
      { seed: options.seed, cell, trials },
      FAST_BATCH_TRIALS,
    );
  }
  const points = options.tGridMs.length;
  const batchesPerPoint = Math.ceil(trials / EVENT_BATCH_TRIALS);
  const params = options.tGridMs.map((_, point): StalenessBatchParams => ({ ...base, tIndex: point }));
  return {
    tasks: points * batchesPerPoint,
    trials: points * trials,
    task(index) {
      const b = Math.floor(index / points);
      const point = index % points;
      const batchTrials = Math.min(EVENT_BATCH_TRIALS, trials - b * EVENT_BATCH_TRIALS);
      return {
        model: 'staleness',
        params: params[point],
        seed: options.seed,
        cell,
        batch: point * batchesPerPoint + b,
        trials: batchTrials,
      };
    },
    checkpoint: (index) => index % points === points - 1,
  };
}

function quantiles(h: LogHistogram): LatencyQuantiles {
  // Every trial records both latencies and a run has at least one trial: no null field.
  return latencySummary(h, ['p50', 'p99', 'p999', 'samples']) as LatencyQuantiles;
}

/**
 * Merges staleness batch summaries (in batch order) into a result. Memory is fixed: counts per
 * t point and three fixed-size histograms, whatever the number of trials.
 */
export class StalenessAccumulator {
  private readonly engine: StalenessEngine;
  private readonly consistent: Float64Array;
  /** Trials merged at each t point. */
  private readonly trialsAt: Float64Array;
  private readonly threshold = new LogHistogram();
  private readonly readLatency = new LogHistogram();
  private readonly writeLatency = new LogHistogram();

  constructor(private readonly options: StalenessOptions) {
    this.engine = options.engine ?? 'fast';
    this.consistent = new Float64Array(options.tGridMs.length);
    this.trialsAt = new Float64Array(options.tGridMs.length);
  }

  /** Adds one batch's summary. */
  add(summary: StalenessBatchSummary, params: StalenessBatchParams): void {
    const points = this.consistent.length;
    for (let k = 0; k < points; k++) this.consistent[k] += summary.consistent[k];
    if (this.engine === 'fast') for (let k = 0; k < points; k++) this.trialsAt[k] += summary.trials;
    else this.trialsAt[params.tIndex ?? 0] += summary.trials;
    if (summary.threshold) this.threshold.merge(summary.threshold);
    this.readLatency.merge(summary.readLatency);
    this.writeLatency.merge(summary.writeLatency);
  }

  /** Trials merged: in all (fast engine) or at every t point (event engine: the fewest). */
  trials(): number {
    let fewest = Infinity;
    for (const t of this.trialsAt) fewest = Math.min(fewest, t);
    return fewest;
  }

  /** The widest Wilson 95% interval over the curve's points (1 while a point has no trials). */
  intervalWidth(): number {
    let widest = 0;
    for (let k = 0; k < this.consistent.length; k++) {
      if (this.trialsAt[k] === 0) return 1;
      const interval = wilsonInterval(this.consistent[k], this.trialsAt[k]);
      widest = Math.max(widest, interval.high - interval.low);
    }
    return widest;
  }

  /** The result from the batches merged so far. */
  result(): StalenessResult {
    const { options, engine, threshold } = this;
    const curve = options.tGridMs.map((t, k): StalenessPoint => {
      const interval = wilsonInterval(this.consistent[k], this.trialsAt[k]);
      return {
        t,
        p_consistent: interval.p,
        ci_low: interval.low,
        ci_high: interval.high,
        consistent: this.consistent[k],
        trials: this.trialsAt[k],
      };
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
      trials: this.trials(),
      seed: options.seed,
      engine,
      latencyLabel: options.latencyLabel ?? options.legs.W.toString(),
      curve,
      tVisibilityMs: { '0.9': tVisibility(0.9), '0.99': tVisibility(0.99), '0.999': tVisibility(0.999) },
      tVisibilityCiMs: {
        '0.9': tVisibilityInterval(0.9),
        '0.99': tVisibilityInterval(0.99),
        '0.999': tVisibilityInterval(0.999),
      },
      latencyMs: { read: quantiles(this.readLatency), write: quantiles(this.writeLatency) },
    };
  }
}

/**
 * Estimates P(consistent read) against the time since commit for a Dynamo-style quorum (PBS
 * t-visibility), with Wilson 95% intervals, t-visibility levels and the read and write latencies.
 * Batches run on `threads` workers and merge in a fixed order, so the result is a pure function
 * of (options without threads, seed). Memory does not grow with the number of trials.
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
  const plan = planStaleness(options);
  const accumulator = new StalenessAccumulator(options);
  const pool = new BatchPool({ threads: options.threads ?? 1, maxTasks: plan.tasks });
  let done = 0;
  let failure: { error: unknown } | undefined;
  try {
    await runCellPlans(
      1,
      () => ({
        plan,
        add: (summary: StalenessBatchSummary, index: number) =>
          accumulator.add(summary, plan.task(index).params as StalenessBatchParams),
      }),
      pool,
      {
        onMerged: () => {
          done++;
          options.onProgress?.(done / plan.tasks, done, plan.tasks);
        },
        onCellFailed: (_, error) => {
          failure = { error };
        },
      },
    );
  } finally {
    await pool.close();
  }
  if (failure) throw failure.error;
  return accumulator.result();
}
