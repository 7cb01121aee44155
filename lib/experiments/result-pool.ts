import { proportion, type Count, type CountEstimate } from '../check/index.js';
import {
  latencySummary,
  LogHistogram,
  MEDIAN_AND_TAIL,
  type LatencySummary,
  type LogHistogramData,
} from '../stats/index.js';

/**
 * One batch of a model that returns a result object (runFailover, runLag, runLeaderless,
 * runMultiLeader), as a worker hands it back: plain data (structured clone; typed arrays inside
 * the histograms).
 */
export interface ResultBatchSummary<R extends object = Record<string, unknown>> {
  /** Trials in the batch, in the experiment's unit (failover trials, or runs). */
  trials: number;
  /** The model's result for the batch: the object its CLI prints with --json (without seed and config). */
  result: R;
  /** The batch's samples of the distributions the result gives quantiles of, by result path (`latency_ms.read`). */
  histograms: Record<string, LogHistogramData>;
  /** The weight of each mean in the result, by path: what it averaged over (reads, samples, trials). */
  weights: Record<string, number>;
}

/**
 * A {@link PoolRules.fold} rule: a field's own pooling, folded over the batches' values in batch
 * order. Its state must stay bounded whatever the number of batches (the lab's memory does not
 * grow with the trials).
 *
 * @example
 * const longest: FieldFold<number[]> = { add: (s, v) => (s === undefined || (v as number[]).length > s.length ? (v as number[]) : s), result: (s) => s };
 */
export interface FieldFold<S> {
  /** Merges one batch's value (`state` is undefined for the first batch). */
  add(state: S | undefined, value: unknown): S;
  /** The pooled value, from the state after every batch. */
  result(state: S): unknown;
}

/**
 * How a result's fields pool over batches. Paths are dotted (`latency_ms.read`). Proportions in
 * `intervals` pool by themselves: their counts are summed and the Wilson interval recomputed.
 * A field no rule covers is a per-run value that does not pool (a quantile of samples the model
 * does not hand out, a series without a {@link PoolRules.fold}): kept when the cell is one batch,
 * null (an empty CSV cell) when it pools several.
 */
export interface PoolRules {
  /** Counts and totals: summed (an array of numbers elementwise). */
  sum?: readonly string[];
  /** Maxima: the largest over batches (null values ignored). */
  max?: readonly string[];
  /** Booleans that hold for the pooled cell when they hold in every batch. */
  every?: readonly string[];
  /** Means: sum of value x weight over the sum of weights (the batch's `weights[path]`); null when no weight. */
  weighted?: readonly string[];
  /** Per-batch values that may be null (e.g. a convergence time): the mean over the batches where set, null if none. */
  meanOfSet?: readonly string[];
  /** Fields computed from the batches' merged histograms (quantiles of all samples of the cell). */
  histograms?: Readonly<Record<string, (h: LogHistogram) => unknown>>;
  /** Fields with a pooling of their own (a time series, for example): see {@link FieldFold}. */
  fold?: Readonly<Record<string, FieldFold<any>>>;
  /** Fields recomputed from the pooled result, after every other rule (ratios of pooled counts). */
  derived?: Readonly<Record<string, (pooled: Record<string, any>) => unknown>>;
}

/**
 * A {@link PoolRules.derived} rule: the pooled proportion `intervals[name]` as a number, count / of
 * (0 when nothing was eligible, as the models report it).
 *
 * @example
 * const rules: PoolRules = { derived: { ryw_violations: pooledRate('ryw_violations') } };
 */
export function pooledRate(name: string): (pooled: Record<string, any>) => number {
  return (pooled) => {
    const estimate = (pooled.intervals as Record<string, Count>)[name];
    return estimate.of === 0 ? 0 : estimate.count / estimate.of;
  };
}

/**
 * A {@link PoolRules.histograms} rule: the median, 99th and 99.9th percentiles of the merged
 * samples (null when there are none), the form the leaderless and multi-leader results give.
 *
 * @example
 * const rules: PoolRules = { histograms: { write_latency_ms: medianAndTail } };
 */
export function medianAndTail(h: LogHistogram): LatencySummary<'p50' | 'p99' | 'p999'> {
  return latencySummary(h, MEDIAN_AND_TAIL);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function at(object: unknown, path: string): unknown {
  let node = object;
  for (const key of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function setAt(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * Pools the result objects of a cell's batches, merged in batch order, into one result of the
 * same shape: counts summed, proportions from pooled counts (Wilson 95%), quantiles from merged
 * fixed-size histograms, means from weighted sums (see {@link PoolRules}). Memory is fixed: the
 * first batch's result, one histogram per distribution and a number per rule.
 *
 * @example
 * const pool = new ResultPool({ sum: ['reads'] });
 * pool.add({ trials: 1, result: { reads: 10, intervals: { stale: { count: 1, of: 10 } } }, histograms: {}, weights: {} });
 * pool.add({ trials: 1, result: { reads: 5, intervals: { stale: { count: 0, of: 5 } } }, histograms: {}, weights: {} });
 * pool.result(); // { reads: 15, intervals: { stale: { count: 1, of: 15, p: 0.0667, low: ..., high: ... } } }
 */
export class ResultPool<R extends object = Record<string, unknown>> {
  private first: R | undefined;
  private batches = 0;
  private trialCount = 0;
  private readonly sums = new Map<string, number | number[]>();
  private readonly maxima = new Map<string, number | null>();
  private readonly everys = new Map<string, boolean>();
  private readonly means = new Map<string, { sum: number; weight: number }>();
  private readonly setMeans = new Map<string, { sum: number; n: number }>();
  private readonly histograms = new Map<string, LogHistogram>();
  private readonly folds = new Map<string, unknown>();
  private readonly intervals = new Map<string, Count>();

  constructor(private readonly rules: PoolRules) {}

  /** Merges one batch (call in batch order). */
  add(summary: ResultBatchSummary<R>): void {
    const result = summary.result;
    const rules = this.rules;
    this.first ??= summary.result;
    this.batches++;
    this.trialCount += summary.trials;
    for (const path of rules.sum ?? []) {
      const value = at(result, path);
      if (value === undefined || value === null) continue;
      const before = this.sums.get(path);
      if (Array.isArray(value)) {
        const total = Array.isArray(before) ? before : [];
        value.forEach((x: number, i) => {
          total[i] = (total[i] ?? 0) + x;
        });
        this.sums.set(path, total);
      } else this.sums.set(path, ((before as number | undefined) ?? 0) + (value as number));
    }
    for (const path of rules.max ?? []) {
      const value = at(result, path) as number | null | undefined;
      const before = this.maxima.get(path) ?? null;
      this.maxima.set(
        path,
        value === null || value === undefined ? before : before === null ? value : Math.max(before, value),
      );
    }
    for (const path of rules.every ?? [])
      this.everys.set(path, (this.everys.get(path) ?? true) && at(result, path) === true);
    for (const path of rules.weighted ?? []) {
      const value = at(result, path) as number | null | undefined;
      const weight = summary.weights[path] ?? 0;
      const mean = this.means.get(path) ?? { sum: 0, weight: 0 };
      if (value !== null && value !== undefined && weight > 0) {
        mean.sum += value * weight;
        mean.weight += weight;
      }
      this.means.set(path, mean);
    }
    for (const path of rules.meanOfSet ?? []) {
      const value = at(result, path) as number | null | undefined;
      const mean = this.setMeans.get(path) ?? { sum: 0, n: 0 };
      if (value !== null && value !== undefined) {
        mean.sum += value;
        mean.n++;
      }
      this.setMeans.set(path, mean);
    }
    for (const path of Object.keys(rules.histograms ?? {})) {
      const data = summary.histograms[path];
      if (data === undefined) throw new Error(`ResultPool: the batch summary has no histogram "${path}"`);
      const merged = this.histograms.get(path);
      if (merged) merged.merge(data);
      else this.histograms.set(path, LogHistogram.from(data));
    }
    for (const [path, fold] of Object.entries(rules.fold ?? {}))
      this.folds.set(path, fold.add(this.folds.get(path), at(result, path)));
    const intervals = (result as Record<string, unknown>).intervals;
    if (isPlainObject(intervals)) {
      for (const [name, estimate] of Object.entries(intervals)) {
        const c = estimate as Count;
        const before = this.intervals.get(name) ?? { count: 0, of: 0 };
        this.intervals.set(name, { count: before.count + c.count, of: before.of + c.of });
      }
    }
  }

  /** Trials merged so far (the sum of the batches' `trials`). */
  trials(): number {
    return this.trialCount;
  }

  /** A pooled proportion of `intervals` (count and of summed over batches) with its Wilson 95% interval. */
  interval(name: string): CountEstimate {
    return proportion(this.intervals.get(name) ?? { count: 0, of: 0 });
  }

  /** The pooled result: the first batch's shape, every field pooled by its rule. */
  result(): R {
    if (this.first === undefined) throw new Error('ResultPool.result: no batch merged yet');
    const pooled = this.pool(this.first, '') as Record<string, unknown>;
    for (const [path, derive] of Object.entries(this.rules.derived ?? {}))
      setAt(pooled, path, derive(pooled));
    return pooled as R;
  }

  private pool(node: unknown, path: string): unknown {
    const rules = this.rules;
    const histogram = this.histograms.get(path);
    if (histogram !== undefined) return rules.histograms![path](histogram);
    if (this.folds.has(path)) return rules.fold![path].result(this.folds.get(path));
    if (path === 'intervals' && isPlainObject(node)) {
      return Object.fromEntries(Object.keys(node).map((name) => [name, this.interval(name)]));
    }
    if (this.sums.has(path)) {
      const sum = this.sums.get(path)!;
      return Array.isArray(sum) ? [...sum] : sum;
    }
    if (this.maxima.has(path)) return this.maxima.get(path);
    if (this.everys.has(path)) return this.everys.get(path);
    const mean = this.means.get(path);
    if (mean !== undefined) return mean.weight === 0 ? null : mean.sum / mean.weight;
    const setMean = this.setMeans.get(path);
    if (setMean !== undefined) return setMean.n === 0 ? null : setMean.sum / setMean.n;
    if (isPlainObject(node)) {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [
          key,
          this.pool(value, path === '' ? key : `${path}.${key}`),
        ]),
      );
    }
    return this.batches === 1 ? node : null;
  }
}
