import { describe, expect, it } from 'vitest';
import { parseLatency, resolveLatency, type WarsLegs } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { runWarsFastBatch } from './wars-fast.js';

const legsOf = (w: string, ars: string): WarsLegs => ({
  W: parseLatency(w),
  A: parseLatency(ars),
  R: parseLatency(ars),
  S: parseLatency(ars),
});
const grid = [0, 0.5, 1, 2, 5, 10, 50];

describe('runWarsFastBatch', () => {
  it('is a pure function of the stream (any trial count, not only whole chunks)', () => {
    for (const [legs, n, r, w] of [
      [resolveLatency('lnkd-ssd'), 3, 1, 1],
      [resolveLatency('wan'), 3, 1, 1],
      [resolveLatency('ymmr'), 5, 2, 2],
    ] as const) {
      for (const trials of [1, 255, 256, 257, 1000]) {
        const a = runWarsFastBatch({ n, r, w, legs }, grid, trials, deriveStream(9, 1, 2));
        const b = runWarsFastBatch({ n, r, w, legs }, grid, trials, deriveStream(9, 1, 2));
        expect(Array.from(a.consistent)).toEqual(Array.from(b.consistent));
        expect(Array.from(a.readLatency.counts)).toEqual(Array.from(b.readLatency.counts));
        expect(a.writeLatency.sum).toBe(b.writeLatency.sum);
        expect(a.threshold!.sum).toBe(b.threshold!.sum);
        expect(a.readLatency.total).toBe(trials);
        for (let k = 1; k < grid.length; k++)
          expect(a.consistent[k]).toBeGreaterThanOrEqual(a.consistent[k - 1]);
        expect(a.consistent[grid.length - 1]).toBeLessThanOrEqual(trials);
      }
    }
  });

  it('counts exactly the thresholds at or below each grid point (constant legs: every threshold known)', () => {
    // W = 3, A = R = S = 1: commit at 4, the responder's threshold is W - commit - R = 3 - 4 - 1 = -2.
    const summary = runWarsFastBatch(
      { n: 3, r: 1, w: 1, legs: legsOf('const(3)', 'const(1)') },
      [-3, -2, -1],
      700,
      deriveStream(1),
    );
    expect(Array.from(summary.consistent)).toEqual([0, 700, 700]);
    expect(summary.writeLatency.min).toBe(4);
    expect(summary.readLatency.max).toBe(2);
  });

  // Constant legs (1 ms each way, +10 ms to a remote replica): the commit is at 2 ms through a local
  // replica, and the read's responder is its first local replica (ties go to the lower index). The
  // read is consistent at t = 0 iff that replica is also local for the write: its threshold is then
  // 1 - 2 - 1 = -2, else 11 - 2 - 1 = 8.
  it.each([
    // localReplicas, P(consistent at t = 0)
    [1, 1 / 3], // the read's local replica is the write's with probability 1/3
    [2, 2 / 3], // the responder (replica 0 w.p. 2/3, replica 1 w.p. 1/3) is among the write's two w.p. 2/3
  ])('WAN placement, N = 3 with %d local replica(s): P(consistent at t = 0) = %d', (localReplicas, p) => {
    const legs: WarsLegs = { ...legsOf('const(1)', 'const(1)'), wan: { remoteOneWayMs: 10, localReplicas } };
    const trials = 200_000;
    const summary = runWarsFastBatch({ n: 3, r: 1, w: 1, legs }, [0, 8], trials, deriveStream(3));
    const sd = Math.sqrt((p * (1 - p)) / trials);
    expect(Math.abs(summary.consistent[0] / trials - p)).toBeLessThanOrEqual(4.5 * sd);
    expect(summary.consistent[1]).toBe(trials);
    expect([summary.writeLatency.min, summary.writeLatency.max]).toEqual([2, 2]);
    expect([summary.readLatency.min, summary.readLatency.max]).toEqual([2, 2]);
  });
});
