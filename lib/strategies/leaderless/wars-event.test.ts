import { describe, expect, it } from 'vitest';
import { constant, exponential } from '../../latency/index.js';
import { ParameterError } from '../../errors.js';
import type { LatencyDistribution } from '../../latency/distribution.js';
import type { WarsLegs } from '../../latency/wars-legs.js';
import { deriveStream } from '../../random/index.js';
import { WarsEventModel } from './wars-event.js';

/**
 * Returns the given values in turn, ignoring the stream: with it a test fixes which replica gets
 * which delay (the coordinator sends to replicas 0..n-1 in order, and simultaneous requests are
 * answered in that order), so the outcome can be worked out by hand.
 */
function cycle(values: readonly number[]): LatencyDistribution {
  let next = 0;
  return {
    kind: 'cycle',
    sample: () => values[next++ % values.length],
    mean: () => values.reduce((s, x) => s + x, 0) / values.length,
    cdf: (x: number) => values.filter((v) => v <= x).length / values.length,
    quantile: () => NaN,
    toString: () => `cycle(${values.join(',')})`,
  };
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** Consistent reads out of `trials`, all from one stream. */
function countConsistent(model: WarsEventModel, tMs: number, trials: number, seed: number): number {
  const rng = deriveStream(seed);
  let consistent = 0;
  for (let i = 0; i < trials; i++) if (model.trial(tMs, rng).consistent) consistent++;
  return consistent;
}

const spread: WarsLegs = { W: exponential(0.05), A: exponential(1), R: exponential(0.2), S: exponential(2) };

describe('WarsEventModel', () => {
  it('refuses bad quorums before any work, naming the parameter', () => {
    const cases: [Partial<{ n: number; r: number; w: number }>, string][] = [
      [{ n: 0 }, '--n'],
      [{ n: 2.5 }, '--n'],
      [{ r: 0 }, '--r'],
      [{ r: 4 }, '--r'],
      [{ w: 0 }, '--w'],
      [{ w: 4 }, '--w'],
      [{ w: 1.5 }, '--w'],
    ];
    for (const [override, parameter] of cases) {
      const config = { n: 3, r: 1, w: 1, legs: spread, ...override };
      const error = (() => {
        try {
          new WarsEventModel(config);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(ParameterError);
      expect((error as ParameterError).parameter).toBe(parameter);
    }
    expect(
      () =>
        new WarsEventModel({
          n: 3,
          r: 1,
          w: 1,
          legs: { ...spread, wan: { remoteOneWayMs: 5, localReplicas: 4 } },
        }),
    ).toThrow(ParameterError);
    expect(() => new WarsEventModel({ n: 3, r: 1, w: 1, legs: spread }).trial(-1, deriveStream(1))).toThrow(
      ParameterError,
    );
  });

  it('always reads the write when R + W > N', () => {
    const wan: WarsLegs = { ...spread, wan: { remoteOneWayMs: 40, localReplicas: 1 } };
    for (const n of [1, 2, 3, 5, 7]) {
      for (let w = 1; w <= n; w++) {
        for (let r = n + 1 - w; r <= n; r++) {
          for (const legs of [spread, wan]) {
            const model = new WarsEventModel({ n, r, w, legs });
            expect(countConsistent(model, 0, 200, 100 * n + 10 * w + r), `N=${n} R=${r} W=${w}`).toBe(200);
          }
        }
      }
    }
  });

  it('matches a hand-worked constant-delay case', () => {
    // Write delays 1, 5, 9 to replicas 0, 1, 2; acks 1: acks arrive at 2, 6, 10.
    // Read requests take 1; responses take 5, 1, 3 from replicas 0, 1, 2.
    const run = (r: number, w: number, t: number) => {
      const legs: WarsLegs = { W: cycle([1, 5, 9]), A: constant(1), R: constant(1), S: cycle([5, 1, 3]) };
      return new WarsEventModel({ n: 3, r, w, legs }).trial(t, deriveStream(1));
    };
    // W=1 commits at 2; the read reaches every replica at 3 + t; R=1 hears replica 1 first
    // (at 4 + t), which holds the write from 5: consistent iff 3 + t >= 5, i.e. t >= 2
    // (at t = 2 both arrive at 5 and the write, sent first, lands first).
    expect(run(1, 1, 0)).toEqual({ consistent: false, writeLatencyMs: 2, readLatencyMs: 2 });
    expect(run(1, 1, 1.5)).toEqual({ consistent: false, writeLatencyMs: 2, readLatencyMs: 2 });
    expect(run(1, 1, 2)).toEqual({ consistent: true, writeLatencyMs: 2, readLatencyMs: 2 });
    expect(run(1, 1, 3)).toEqual({ consistent: true, writeLatencyMs: 2, readLatencyMs: 2 });
    // W=2 commits at 6, after replica 1 has the write: consistent at once.
    expect(run(1, 2, 0)).toEqual({ consistent: true, writeLatencyMs: 6, readLatencyMs: 2 });
    // R=2 waits for replicas 1 and 2 (at 4 + t and 6 + t): latency 4, consistent iff t >= 2.
    expect(run(2, 1, 0)).toEqual({ consistent: false, writeLatencyMs: 2, readLatencyMs: 4 });
    expect(run(2, 1, 2)).toEqual({ consistent: true, writeLatencyMs: 2, readLatencyMs: 4 });
    // R=3 includes replica 0, which holds the write from 1: consistent, latency 6.
    expect(run(3, 1, 0)).toEqual({ consistent: true, writeLatencyMs: 2, readLatencyMs: 6 });
  });

  it('adds the WAN delay to legs of non-local replicas, chosen per write and per read', () => {
    // Constant legs 1, remote +10, one local replica of 3. The write commits at 2 via its local
    // replica; the R=1 read hears its own local replica first (latency 2). That replica holds the
    // write iff it is also the write's local one (probability 1/3) or the read reaches it after
    // the remote write lands at 11, i.e. 2 + t + 1 >= 11, t >= 8.
    const legs: WarsLegs = {
      W: constant(1),
      A: constant(1),
      R: constant(1),
      S: constant(1),
      wan: { remoteOneWayMs: 10, localReplicas: 1 },
    };
    const model = new WarsEventModel({ n: 3, r: 1, w: 1, legs });
    const rng = deriveStream(4);
    const trials = 3000;
    let consistent = 0;
    for (let i = 0; i < trials; i++) {
      const outcome = model.trial(5, rng);
      expect([outcome.writeLatencyMs, outcome.readLatencyMs]).toEqual([2, 2]);
      if (outcome.consistent) consistent++;
    }
    const sd = Math.sqrt(trials * (1 / 3) * (2 / 3));
    expect(Math.abs(consistent - trials / 3)).toBeLessThan(4.5 * sd);
    expect(countConsistent(model, 8, 500, 5)).toBe(500);
    // No local replica: every leg is remote.
    const far = new WarsEventModel({
      n: 3,
      r: 2,
      w: 2,
      legs: { ...legs, wan: { remoteOneWayMs: 10, localReplicas: 0 } },
    });
    expect(far.trial(0, deriveStream(6))).toEqual({
      consistent: true,
      writeLatencyMs: 22,
      readLatencyMs: 22,
    });
  });

  it('is a pure function of the stream state, whatever ran before on the same model', () => {
    const used = new WarsEventModel({
      n: 5,
      r: 2,
      w: 2,
      legs: { ...spread, wan: { remoteOneWayMs: 20, localReplicas: 2 } },
    });
    countConsistent(used, 3, 50, 99); // leave state behind
    const fresh = new WarsEventModel(used.config);
    const a = deriveStream(17);
    const b = deriveStream(17);
    for (let i = 0; i < 200; i++) expect(used.trial(i % 7, a)).toEqual(fresh.trial(i % 7, b));
  });

  it('P(stale at t = 0) is C(N-W, R) / C(N, R) when writes are far slower than everything else', () => {
    // With W ~ exp(mean 1000 ms) and A, R, S ~ exp(mean 0.01 ms), exactly W replicas hold the write
    // at commit and the read's R fastest responders are a uniformly random R-subset.
    const legs: WarsLegs = {
      W: exponential(0.001),
      A: exponential(100),
      R: exponential(100),
      S: exponential(100),
    };
    const trials = 20000;
    for (const [n, r, w] of [
      [3, 1, 1],
      [5, 2, 2],
      [5, 1, 3],
      [7, 2, 3],
    ]) {
      const expected = binomial(n - w, r) / binomial(n, r);
      const stale =
        trials -
        countConsistent(new WarsEventModel({ n, r, w, legs }), 0, trials, 1000 + n * 100 + r * 10 + w);
      const sd = Math.sqrt(trials * expected * (1 - expected));
      expect(
        Math.abs(stale - trials * expected),
        `N=${n} R=${r} W=${w}: ${stale}/${trials} stale, expected ${expected}`,
      ).toBeLessThan(4.5 * sd);
    }
  });
});
