import { readFileSync } from 'node:fs';
import { ParameterError } from '../errors.js';
import { deriveStream } from '../random/index.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { EVENT_BATCH_TRIALS, validateStalenessOptions, type StalenessOptions } from './staleness-run.js';
import { legsFromText, legsToText, type WarsLegsText } from './batch/staleness.js';
import {
  WarsEventModel,
  type WarsTraceEvent,
  type WarsTrialOutcome,
} from '../strategies/leaderless/wars-event.js';

/** The `format` field of a trace file's header line. */
export const TRACE_FORMAT = 'replilab-trace/1';

/** One lifeline of a trace: a node with its role and a label for charts. */
export interface TraceNode {
  /** Node id as used by the events (replicas 0..n-1, coordinator n). */
  id: number;
  role: 'coordinator' | 'replica';
  /** e.g. "coordinator", "replica 0". */
  label: string;
}

/** Everything about a replayed trial except its events: the header line of its JSON lines file. */
export interface StalenessTraceHeader {
  format: typeof TRACE_FORMAT;
  experiment: 'staleness';
  /** Always `event`: only the event engine runs trials one by one, so only its trials replay. */
  engine: 'event';
  /** The cell's parameters, as the staleness run had them. */
  parameters: {
    n: number;
    r: number;
    w: number;
    /** The latency model's label (e.g. the preset name). */
    latency: string;
    /** The four legs in text form (each parses back to the same distribution). */
    legs: WarsLegsText;
    tGridMs: number[];
    /** Trials per t point. */
    trials: number;
  };
  seed: number;
  /** The cell's index in its sweep (0 for a single run). */
  cell: number;
  /** Index of the t point in `parameters.tGridMs`. */
  tIndex: number;
  /** The trial, 0-based, counted within the t point. */
  trial: number;
  /** The read's start after the commit, ms (`tGridMs[tIndex]`). */
  tMs: number;
  /** The batch whose stream ran the trial (streams derive from seed, cell, batch). */
  batch: number;
  /** The trial's position inside its batch; the earlier ones ran untraced to advance the stream. */
  trialInBatch: number;
  /** What the run counted for this trial. */
  outcome: WarsTrialOutcome & {
    /** The version the read returned (1 = the reference write, 0 = the older value). */
    versionRead: number;
  };
  /** Lifelines: the coordinator first, then the replicas. */
  nodes: TraceNode[];
  /** With a WAN layout: the replicas in the coordinator's datacenter for the write and the read. */
  localReplicas?: { write: number[]; read: number[] };
  /** Number of events (the lines after the header). */
  eventCount: number;
}

/** A replayed trial: its header fields and its events in dispatch order. */
export interface StalenessTrace extends StalenessTraceHeader {
  events: WarsTraceEvent[];
}

/** Which trial to replay: the t point's index in the grid and the trial's index within it. */
export interface ReplayAt {
  tIndex: number;
  trial: number;
}

function integerIn(name: string, value: number, low: number, high: number, allowed: string): void {
  if (!Number.isSafeInteger(value) || value < low || value > high)
    throw new ParameterError(name, String(value), allowed);
}

/**
 * Reruns one trial of the PBS staleness experiment with tracing on: trial `at.trial` (0-based,
 * within the t point `at.tIndex`) of cell `options.cell ?? 0`, exactly as {@link runStaleness}
 * with the event engine ran it. It derives the same batch stream from (seed, cell, batch), runs
 * the batch's earlier trials untraced to bring the stream to the same state, then traces the one
 * trial. The outcome is the one the run counted; the events say why.
 *
 * `options.engine` is not consulted: the fast engine draws its trials in bulk, so only the event
 * engine's trials exist one by one (a sweep cell can be replayed whatever engine it ran).
 * Bad input throws ParameterError naming `tIndex`, `trial`, `cell` or an option.
 *
 * @example
 * const trace = replayStalenessTrial(
 *   { n: 3, r: 1, w: 1, legs: resolveLatency('lnkd-ssd'), tGridMs: [0, 5], trials: 10000, seed: 1 },
 *   { tIndex: 1, trial: 42 },
 * );
 * trace.outcome.consistent;                       // as counted in the curve at t = 5 ms
 * trace.events.filter((e) => e.kind === 'read-response');
 */
export function replayStalenessTrial(options: StalenessOptions, at: ReplayAt): StalenessTrace {
  validateStalenessOptions(options);
  const cell = options.cell ?? 0;
  integerIn('cell', cell, 0, Number.MAX_SAFE_INTEGER, 'a whole number >= 0');
  const grid = options.tGridMs;
  integerIn(
    'tIndex',
    at.tIndex,
    0,
    grid.length - 1,
    `a whole number from 0 to ${grid.length - 1} (the t grid has ${grid.length} points)`,
  );
  integerIn(
    'trial',
    at.trial,
    0,
    options.trials - 1,
    `a whole number from 0 to ${options.trials - 1} (trials per t point: ${options.trials})`,
  );

  // The event engine's plan (staleness.ts): per t point, ceil(trials / EVENT_BATCH_TRIALS)
  // batches of EVENT_BATCH_TRIALS, numbered tIndex * batchesPerPoint + b; trials in order.
  const batchesPerPoint = Math.ceil(options.trials / EVENT_BATCH_TRIALS);
  const b = Math.floor(at.trial / EVENT_BATCH_TRIALS);
  const trialInBatch = at.trial - b * EVENT_BATCH_TRIALS;
  const batch = at.tIndex * batchesPerPoint + b;

  // The legs go through their text form, as they do on the way to a worker.
  const legsText = legsToText(options.legs);
  const model = new WarsEventModel({
    n: options.n,
    r: options.r,
    w: options.w,
    legs: legsFromText(legsText),
  });
  const tMs = grid[at.tIndex];
  const rng = deriveStream(options.seed, cell, batch);
  for (let i = 0; i < trialInBatch; i++) model.trial(tMs, rng);
  const traced = model.traceTrial(tMs, rng);

  const returned = traced.events.find((e) => e.kind === 'read-return');
  const nodes: TraceNode[] = [
    { id: options.n, role: 'coordinator', label: 'coordinator' },
    ...Array.from({ length: options.n }, (_, i): TraceNode => ({
      id: i,
      role: 'replica',
      label: `replica ${i}`,
    })),
  ];
  return {
    format: TRACE_FORMAT,
    experiment: 'staleness',
    engine: 'event',
    parameters: {
      n: options.n,
      r: options.r,
      w: options.w,
      latency: options.latencyLabel ?? options.legs.W.toString(),
      legs: legsText,
      tGridMs: [...grid],
      trials: options.trials,
    },
    seed: options.seed,
    cell,
    tIndex: at.tIndex,
    trial: at.trial,
    tMs,
    batch,
    trialInBatch,
    outcome: { ...traced.outcome, versionRead: returned?.version ?? 0 },
    nodes,
    ...(traced.localReplicas ? { localReplicas: traced.localReplicas } : {}),
    eventCount: traced.events.length,
    events: traced.events,
  };
}

/** The trace as JSON lines: the header object, then one event per line. */
export function traceToJsonl(trace: StalenessTrace): string {
  const { events, ...header } = trace;
  const lines = [JSON.stringify({ ...header, eventCount: events.length })];
  for (const event of events) lines.push(JSON.stringify(event));
  return lines.join('\n') + '\n';
}

/**
 * Writes a replayed trial as JSON lines, atomically (temp file + rename): the first line is the
 * header ({@link StalenessTraceHeader}: parameters, seed, cell, tIndex, trial, outcome, nodes),
 * then one event per line in dispatch order.
 *
 * @example
 * writeTraceJsonl('data/replay/trial-42.jsonl', replayStalenessTrial(options, { tIndex: 0, trial: 42 }));
 */
export function writeTraceJsonl(path: string, trace: StalenessTrace): void {
  writeFileAtomic(path, traceToJsonl(trace));
}

/** Parses JSON lines written by {@link traceToJsonl} back into a trace. */
export function parseTraceJsonl(text: string): StalenessTrace {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0)
    throw new ParameterError('trace', '(empty)', `a JSON lines trace (${TRACE_FORMAT})`);
  const header = JSON.parse(lines[0]) as StalenessTraceHeader;
  if (header.format !== TRACE_FORMAT) {
    throw new ParameterError(
      'trace',
      JSON.stringify(String(header.format)),
      `a header with format "${TRACE_FORMAT}"`,
    );
  }
  const events = lines.slice(1).map((line) => JSON.parse(line) as WarsTraceEvent);
  if (events.length !== header.eventCount) {
    throw new ParameterError(
      'trace',
      `${events.length} events`,
      `${header.eventCount} events, as its header says`,
    );
  }
  return { ...header, events };
}

/** Reads a trace file written by {@link writeTraceJsonl}. */
export function readTraceJsonl(path: string): StalenessTrace {
  return parseTraceJsonl(readFileSync(path, 'utf8'));
}
