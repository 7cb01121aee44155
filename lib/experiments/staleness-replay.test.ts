import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { refusedParameter } from '../errors.testkit.js';
import { resolveLatency } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { LogHistogram } from '../stats/index.js';
import { EVENT_BATCH_TRIALS, runStaleness, type StalenessOptions } from './staleness-run.js';
import { legsFromText, legsToText } from './batch/staleness.js';
import {
  parseTraceJsonl,
  readTraceJsonl,
  replayStalenessTrial,
  TRACE_FORMAT,
  writeTraceJsonl,
  type StalenessTrace,
} from './staleness-replay.js';
import { WarsEventModel, type WarsTrialOutcome } from '../strategies/leaderless/wars-event.js';

/**
 * Every trial's outcome at one t point, computed independently of the replay: the event engine's
 * batches (EVENT_BATCH_TRIALS each, numbered tIndex * batchesPerPoint + b, stream from
 * (seed, cell, batch)) run straight through on WarsEventModel.
 */
function outcomesAt(options: StalenessOptions, tIndex: number): WarsTrialOutcome[] {
  const batchesPerPoint = Math.ceil(options.trials / EVENT_BATCH_TRIALS);
  const model = new WarsEventModel({
    n: options.n,
    r: options.r,
    w: options.w,
    legs: legsFromText(legsToText(options.legs)),
  });
  const out: WarsTrialOutcome[] = [];
  for (let b = 0; b < batchesPerPoint; b++) {
    const rng = deriveStream(options.seed, options.cell ?? 0, tIndex * batchesPerPoint + b);
    const count = Math.min(EVENT_BATCH_TRIALS, options.trials - b * EVENT_BATCH_TRIALS);
    for (let i = 0; i < count; i++) out.push(model.trial(options.tGridMs[tIndex], rng));
  }
  return out;
}

const base: StalenessOptions = {
  n: 3,
  r: 1,
  w: 1,
  legs: resolveLatency('lnkd-disk'),
  latencyLabel: 'lnkd-disk',
  tGridMs: [0, 1, 5],
  trials: 5000,
  seed: 11,
  cell: 3,
  engine: 'event',
  threads: 1,
};

/** Causal checks every replayed trace must pass. */
function expectCausal(trace: StalenessTrace): void {
  const { n, r, w } = trace.parameters;
  const coordinator = n;
  const events = trace.events;
  for (let i = 1; i < events.length; i++)
    expect(events[i].timeMs).toBeGreaterThanOrEqual(events[i - 1].timeMs);
  const byKind = (kind: string) => events.filter((e) => e.kind === kind);
  const index = (e: object) => events.indexOf(e as (typeof events)[number]);
  for (const kind of ['write-request', 'write-ack', 'read-request', 'read-response'])
    expect(byKind(kind)).toHaveLength(n);
  for (const m of events.filter((e) => e.from !== undefined)) {
    expect(m.sentMs!).toBeLessThanOrEqual(m.timeMs);
    expect(Number.isFinite(m.sentMs!)).toBe(true);
  }
  // Each ack leaves its replica when the write arrived there; each response when its request did.
  for (const ack of byKind('write-ack')) {
    const write = byKind('write-request').find((e) => e.node === ack.from)!;
    expect(ack.node).toBe(coordinator);
    expect(ack.sentMs).toBe(write.timeMs);
    expect(index(ack)).toBeGreaterThan(index(write));
  }
  const [readStart] = byKind('read-start');
  for (const request of byKind('read-request')) expect(request.sentMs).toBe(readStart.timeMs);
  for (const response of byKind('read-response')) {
    const request = byKind('read-request').find((e) => e.node === response.from)!;
    const write = byKind('write-request').find((e) => e.node === response.from)!;
    expect(response.sentMs).toBe(request.timeMs);
    // A replica reports the write iff the write landed before the read request did.
    expect(response.version).toBe(index(write) < index(request) ? 1 : 0);
  }
  // Commit at the W-th ack, the read t ms later, the return at the R-th response.
  const [commit] = byKind('commit');
  const acks = byKind('write-ack');
  expect(byKind('commit')).toHaveLength(1);
  expect(acks[w - 1].rank).toBe(w);
  expect(commit.timeMs).toBe(acks[w - 1].timeMs);
  expect(index(commit)).toBe(index(acks[w - 1]) + 1);
  expect(commit.timeMs).toBe(trace.outcome.writeLatencyMs);
  expect(readStart.timeMs).toBe(commit.timeMs + trace.tMs);
  const responses = byKind('read-response');
  const [returned] = byKind('read-return');
  expect(returned.timeMs).toBe(responses[r - 1].timeMs);
  expect(index(returned)).toBe(index(responses[r - 1]) + 1);
  expect(returned.timeMs - readStart.timeMs).toBe(trace.outcome.readLatencyMs);
  expect(returned.version).toBe(Math.max(...responses.slice(0, r).map((e) => e.version!)));
  expect(trace.outcome.consistent).toBe(returned.version! >= 1);
  // Exactly the events after the return are late.
  events.forEach((e, i) => expect(e.late === true, `${i} ${e.kind}`).toBe(i > index(returned)));
}

describe('replayStalenessTrial', () => {
  it('plans batches as runStaleness does: the independent per-trial outcomes add up to its counts', async () => {
    const result = await runStaleness(base);
    const read = new LogHistogram();
    const write = new LogHistogram();
    base.tGridMs.forEach((_, k) => {
      const outcomes = outcomesAt(base, k);
      expect(outcomes.filter((o) => o.consistent).length).toBe(result.curve[k].consistent);
      for (const o of outcomes) {
        read.record(o.readLatencyMs);
        write.record(o.writeLatencyMs);
      }
    });
    expect(read.quantile(0.99)).toBe(result.latencyMs.read.p99);
    expect(write.quantile(0.5)).toBe(result.latencyMs.write.p50);
  });

  it('reproduces trial k of the event engine exactly, at batch edges and in between', () => {
    for (const tIndex of [0, 2]) {
      const outcomes = outcomesAt(base, tIndex);
      const stale = outcomes.findIndex((o) => !o.consistent);
      const fresh = outcomes.findIndex((o) => o.consistent);
      for (const trial of [
        0,
        1,
        37,
        EVENT_BATCH_TRIALS - 1,
        EVENT_BATCH_TRIALS,
        EVENT_BATCH_TRIALS + 5,
        base.trials - 1,
        stale,
        fresh,
      ]) {
        if (trial < 0) continue;
        const trace = replayStalenessTrial(base, { tIndex, trial });
        const { versionRead, ...outcome } = trace.outcome;
        expect(outcome, `t index ${tIndex}, trial ${trial}`).toEqual(outcomes[trial]);
        expect(versionRead).toBe(outcome.consistent ? 1 : 0);
        expect(trace.batch).toBe(tIndex * 2 + Math.floor(trial / EVENT_BATCH_TRIALS));
        expect(trace.trialInBatch).toBe(trial % EVENT_BATCH_TRIALS);
        expect(trace.tMs).toBe(base.tGridMs[tIndex]);
        expectCausal(trace);
      }
    }
  });

  it('uses the cell: another cell replays another trial', () => {
    const a = replayStalenessTrial(base, { tIndex: 0, trial: 3 });
    const b = replayStalenessTrial({ ...base, cell: 4 }, { tIndex: 0, trial: 3 });
    expect(a.outcome.writeLatencyMs).not.toBe(b.outcome.writeLatencyMs);
    expect(b.outcome).toMatchObject(outcomesAt({ ...base, cell: 4 }, 0)[3]);
  });

  it('is causally sensible for larger quorums and the WAN layout', () => {
    const cases: StalenessOptions[] = [
      { ...base, n: 7, r: 3, w: 4, tGridMs: [0, 2], trials: 300 },
      { ...base, n: 5, r: 2, w: 2, legs: resolveLatency('wan'), tGridMs: [0, 10], trials: 300 },
      { ...base, n: 3, r: 2, w: 2, legs: resolveLatency('ymmr'), tGridMs: [0], trials: 300 },
    ];
    for (const options of cases) {
      const outcomes = outcomesAt(options, options.tGridMs.length - 1);
      for (const trial of [0, 99, 299]) {
        const trace = replayStalenessTrial(options, { tIndex: options.tGridMs.length - 1, trial });
        expect(trace.outcome).toMatchObject(outcomes[trial]);
        expectCausal(trace);
        if (options.legs.wan) {
          expect(trace.localReplicas!.write).toHaveLength(1);
          expect(trace.localReplicas!.read).toHaveLength(1);
        }
      }
    }
  });

  it('refuses a t index beyond the grid, a trial beyond the trials and a bad cell', () => {
    const parameter = refusedParameter;
    expect(parameter(() => replayStalenessTrial(base, { tIndex: 3, trial: 0 }))).toBe('tIndex');
    expect(parameter(() => replayStalenessTrial(base, { tIndex: -1, trial: 0 }))).toBe('tIndex');
    expect(parameter(() => replayStalenessTrial(base, { tIndex: 0, trial: 5000 }))).toBe('trial');
    expect(parameter(() => replayStalenessTrial(base, { tIndex: 0, trial: 1.5 }))).toBe('trial');
    expect(parameter(() => replayStalenessTrial({ ...base, cell: -1 }, { tIndex: 0, trial: 0 }))).toBe(
      'cell',
    );
    expect(parameter(() => replayStalenessTrial({ ...base, w: 4 }, { tIndex: 0, trial: 0 }))).toBe('w');
  });
});

describe('WarsEventModel.traceTrial', () => {
  it('gives the untraced outcome for the same stream state, and leaves trial() untraced after', () => {
    const model = new WarsEventModel({ n: 5, r: 2, w: 3, legs: resolveLatency('ymmr') });
    for (let i = 0; i < 50; i++) {
      expect(model.traceTrial(i % 4, deriveStream(5, 0, i)).outcome).toEqual(
        model.trial(i % 4, deriveStream(5, 0, i)),
      );
    }
  });
});

describe('trace JSON lines', () => {
  it('round-trips: a header with the parameters, then one event per line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-trace-'));
    const trace = replayStalenessTrial(base, { tIndex: 1, trial: 42 });
    const path = join(dir, 'nested', 'trial.jsonl');
    writeTraceJsonl(path, trace);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1 + trace.events.length);
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({
      format: TRACE_FORMAT,
      experiment: 'staleness',
      engine: 'event',
      seed: 11,
      cell: 3,
      tIndex: 1,
      trial: 42,
      tMs: 1,
      parameters: { n: 3, r: 1, w: 1, latency: 'lnkd-disk', tGridMs: [0, 1, 5], trials: 5000 },
      eventCount: trace.events.length,
    });
    expect(header.events).toBeUndefined();
    expect(Object.keys(header.parameters.legs)).toEqual(['W', 'A', 'R', 'S']);
    expect(JSON.parse(lines[1])).toEqual(trace.events[0]);
    expect(readTraceJsonl(path)).toEqual(trace);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['trial.jsonl']); // no temp file left
    expect(() => parseTraceJsonl(lines.slice(0, -1).join('\n'))).toThrow(ParameterError);
    expect(() => parseTraceJsonl('')).toThrow(ParameterError);
  });
});
