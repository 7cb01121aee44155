import type { RandomStream } from '../../random/index.js';
import { parseLatency, type LatencyDistribution, type WarsLegs } from '../../latency/index.js';
import { LogHistogram, type LogHistogramData } from '../../stats/index.js';
import { runWarsFastBatch } from '../../fast/wars-fast.js';
import type { BatchModel } from '../batch-task.js';
import { WarsEventModel } from '../../strategies/leaderless/wars-event.js';

/** Which road computes the staleness curve. */
export type StalenessEngine = 'fast' | 'event';

/** The WARS legs as text (each leg's canonical form), so they cross worker boundaries as data. */
export interface WarsLegsText {
  W: string;
  A: string;
  R: string;
  S: string;
  wan?: { remoteOneWayMs: number; localReplicas: number };
}

/** One batch of the staleness experiment, as plain data. */
export interface StalenessBatchParams {
  n: number;
  r: number;
  w: number;
  legs: WarsLegsText;
  tGridMs: number[];
  engine: StalenessEngine;
  /** Event engine only: the grid index this batch measures (one read offset per batch). */
  tIndex?: number;
}

/** A batch's summary as plain data (what a worker returns). */
export interface StalenessBatchSummary {
  trials: number;
  /** consistent[k]: trials consistent at tGridMs[k] (event engine: only at tIndex, trials each). */
  consistent: Float64Array;
  /** Fast engine: per trial, the smallest t at which its read is consistent. */
  threshold?: LogHistogramData;
  readLatency: LogHistogramData;
  writeLatency: LogHistogramData;
}

/** WarsLegs -> text form. */
export function legsToText(legs: WarsLegs): WarsLegsText {
  const text: WarsLegsText = {
    W: legs.W.toString(),
    A: legs.A.toString(),
    R: legs.R.toString(),
    S: legs.S.toString(),
  };
  if (legs.wan) text.wan = { ...legs.wan };
  return text;
}

const parsed = new Map<string, LatencyDistribution>();
function distribution(text: string): LatencyDistribution {
  let d = parsed.get(text);
  if (!d) {
    d = parseLatency(text);
    parsed.set(text, d);
  }
  return d;
}

/** Text form -> WarsLegs (parsed distributions are cached per thread). */
export function legsFromText(text: WarsLegsText): WarsLegs {
  const legs: WarsLegs = {
    W: distribution(text.W),
    A: distribution(text.A),
    R: distribution(text.R),
    S: distribution(text.S),
  };
  if (text.wan) legs.wan = { ...text.wan };
  return legs;
}

function runEventBatch(
  params: StalenessBatchParams,
  trials: number,
  rng: RandomStream,
): StalenessBatchSummary {
  const model = new WarsEventModel({
    n: params.n,
    r: params.r,
    w: params.w,
    legs: legsFromText(params.legs),
  });
  const tIndex = params.tIndex ?? 0;
  const t = params.tGridMs[tIndex];
  const consistent = new Float64Array(params.tGridMs.length);
  const readLatency = new LogHistogram();
  const writeLatency = new LogHistogram();
  for (let i = 0; i < trials; i++) {
    const outcome = model.trial(t, rng);
    if (outcome.consistent) consistent[tIndex]++;
    readLatency.record(outcome.readLatencyMs);
    writeLatency.record(outcome.writeLatencyMs);
  }
  return { trials, consistent, readLatency, writeLatency };
}

/** The staleness model as the pool runs it: fast Monte Carlo or the event kernel. */
export const stalenessBatchModel: BatchModel<StalenessBatchParams, StalenessBatchSummary> = {
  runBatch(params, trials, rng) {
    if (params.engine === 'event') return runEventBatch(params, trials, rng);
    const config = { n: params.n, r: params.r, w: params.w, legs: legsFromText(params.legs) };
    return runWarsFastBatch(config, params.tGridMs, trials, rng);
  },
};
