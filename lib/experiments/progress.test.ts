import { describe, expect, it } from 'vitest';
import { resolveLatency } from '../latency/index.js';
import { PROGRESS_EVERY_EVENTS } from '../sim/index.js';
import { runFailoverSummary } from '../strategies/leader-follower/run-failover.js';
import { runLagSummary } from '../strategies/leader-follower/run-lag.js';
import { runLeaderlessTimed } from '../strategies/leaderless/run-leaderless.js';
import { runStaleness } from './staleness-run.js';
import { runMultiLeaderSummary } from '../strategies/multi-leader/run-multi-leader.js';
import { runEditing } from '../strategies/multi-leader/yjs-editing.js';

/** The fractions a run reported: rising (never falling) from above 0 to exactly 1, at most one per PROGRESS_EVERY_EVENTS events (and the final 1). */
function expectProgress(fractions: number[], events: number): void {
  expect(fractions.length).toBeGreaterThanOrEqual(3);
  expect(fractions.length).toBeLessThanOrEqual(Math.floor(events / PROGRESS_EVERY_EVENTS) + 1);
  for (let i = 0; i < fractions.length; i++) {
    expect(fractions[i]).toBeGreaterThanOrEqual(0);
    expect(fractions[i]).toBeLessThanOrEqual(1);
    if (i > 0) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
  }
  expect(fractions[fractions.length - 1]).toBe(1);
  expect(fractions[0]).toBeLessThan(0.5);
}

describe('onProgress: every family reports the fraction done, and reporting changes nothing', () => {
  it('leaderless', () => {
    const fractions: number[] = [];
    const run = runLeaderlessTimed({ ops: 20_000 }, 1, { onProgress: (f) => fractions.push(f) });
    expectProgress(fractions, run.result.events);
    expect(run.result).toEqual(runLeaderlessTimed({ ops: 20_000 }, 1).result);
  });

  it('failover', () => {
    const fractions: number[] = [];
    const run = runFailoverSummary({ trials: 30 }, 1, { onProgress: (f) => fractions.push(f) });
    expectProgress(fractions, run.events);
    expect(run.result).toEqual(runFailoverSummary({ trials: 30 }, 1).result);
  });

  it('lag', () => {
    const fractions: number[] = [];
    const run = runLagSummary({ ops: 20_000 }, 1, { onProgress: (f) => fractions.push(f) });
    expectProgress(fractions, run.events);
    expect(run.result).toEqual(runLagSummary({ ops: 20_000 }, 1).result);
  });

  it('conflicts (multi-leader)', () => {
    const fractions: number[] = [];
    const run = runMultiLeaderSummary({ durationMs: 20_000 }, 1, { onProgress: (f) => fractions.push(f) });
    expectProgress(fractions, run.result.events);
    expect(run.result).toEqual(runMultiLeaderSummary({ durationMs: 20_000 }, 1).result);
  });

  it('editing (Yjs): once per session and per word trial, ending at 1', () => {
    const fractions: number[] = [];
    const config = { sessions: 3, interleavingTrials: 2 };
    const r = runEditing(config, 1, { onProgress: (f) => fractions.push(f) });
    expect(fractions).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(r).toEqual(runEditing(config, 1));
  });

  it('staleness, both engines: once per batch, the fraction then the batch counts', async () => {
    for (const engine of ['fast', 'event'] as const) {
      const fractions: number[] = [];
      const options = {
        n: 3,
        r: 1,
        w: 1,
        legs: resolveLatency('lnkd-ssd'),
        tGridMs: [0, 5],
        trials: engine === 'fast' ? 300_000 : 12_000,
        seed: 1,
        engine,
      };
      const counts: [number, number][] = [];
      const result = await runStaleness({
        ...options,
        onProgress: (f, done, total) => {
          fractions.push(f);
          counts.push([done, total]);
        },
      });
      expect(fractions.length).toBe(counts[0][1]);
      expect(counts.every(([done, total], i) => done === i + 1 && fractions[i] === done / total)).toBe(true);
      expectProgress(fractions, Infinity);
      expect(result).toEqual(await runStaleness(options));
    }
  });
});
