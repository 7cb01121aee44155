import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseLatency, resolveLatency, type WarsLegs } from '../latency/index.js';
import { pbsStaleProbabilityLimit } from '../fast/pbs-closed-form.js';
import { wilsonInterval } from '../stats/index.js';
import { runStaleness, stalenessJson } from './staleness-run.js';

const legsOf = (w: string, ars: string): WarsLegs => ({
  W: parseLatency(w),
  A: parseLatency(ars),
  R: parseLatency(ars),
  S: parseLatency(ars),
});

describe('PBS closed form: write propagation far slower than reads', () => {
  // W ~ exp mean 1000 ms, A/R/S ~ exp mean 0.01 ms: at commit only the W ackers hold the write.
  const legs = legsOf('exp(0.001)', 'exp(100)');
  const cases: [number, number, number][] = [
    [3, 1, 1],
    [3, 1, 2],
    [3, 2, 1],
    [5, 1, 1],
    [5, 2, 2],
    [5, 1, 3],
    [7, 2, 3],
  ];
  for (const [n, r, w] of cases) {
    it(`N=${n} R=${r} W=${w}: P(stale at t=0) -> C(N-W,R)/C(N,R) = ${pbsStaleProbabilityLimit(n, r, w).toFixed(4)}`, async () => {
      const trials = 200_000;
      const result = await runStaleness({ n, r, w, legs, tGridMs: [0], trials, seed: 7 });
      const stale = trials - result.curve[0].consistent;
      // A 4-sigma Wilson interval: the closed form must lie inside it.
      const interval = wilsonInterval(stale, trials, 4);
      const expected = pbsStaleProbabilityLimit(n, r, w);
      expect(expected).toBeGreaterThanOrEqual(interval.low);
      expect(expected).toBeLessThanOrEqual(interval.high);
    });
  }

  it('the closed form itself: known values', () => {
    expect(pbsStaleProbabilityLimit(3, 1, 1)).toBeCloseTo(2 / 3, 12);
    expect(pbsStaleProbabilityLimit(3, 1, 2)).toBeCloseTo(1 / 3, 12);
    expect(pbsStaleProbabilityLimit(5, 2, 2)).toBeCloseTo(3 / 10, 12);
    expect(pbsStaleProbabilityLimit(3, 2, 2)).toBe(0);
  });
});

describe('strict quorums never read stale data', () => {
  it('P(stale) = 0 at every t whenever R + W > N (fast and event engines)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 6 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n })),
          )
          .filter(([n, r, w]) => r + w > n),
        fc.constantFrom(
          'exp(0.01)',
          'pareto(1.05,1.51)',
          'lognormal(0,2)',
          'mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))',
        ),
        fc.constantFrom<'fast' | 'event'>('fast', 'event'),
        fc.nat(1000),
        async ([n, r, w], wLeg, engine, seed) => {
          const trials = engine === 'fast' ? 5000 : 300;
          const result = await runStaleness({
            n,
            r,
            w,
            legs: legsOf(wLeg, 'exp(1)'),
            tGridMs: [0, 1],
            trials,
            seed,
            engine,
          });
          for (const point of result.curve) expect(point.consistent).toBe(trials);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('PBS synthetic check (Bailis et al. 2012, Section 5.1): N=3, R=W=1, A=R=S ~ exp mean 1 ms', () => {
  it('W mean 0.25 ms: about 94% consistent at t=0, 99.9% by about t=1 ms', async () => {
    const result = await runStaleness({
      n: 3,
      r: 1,
      w: 1,
      legs: { ...legsOf('exp(4)', 'exp(1)') },
      tGridMs: [0, 1],
      trials: 500_000,
      seed: 1,
    });
    expect(result.curve[0].p_consistent).toBeGreaterThan(0.935);
    expect(result.curve[0].p_consistent).toBeLessThan(0.945);
    expect(result.tVisibilityMs['0.999']).toBeGreaterThan(0.8);
    expect(result.tVisibilityMs['0.999']).toBeLessThan(1.2);
  });
  it('W mean 10 ms: about 41% consistent at t=0, 99.9% only by about t=65 ms', async () => {
    const result = await runStaleness({
      n: 3,
      r: 1,
      w: 1,
      legs: legsOf('exp(0.1)', 'exp(1)'),
      tGridMs: [0, 65],
      trials: 500_000,
      seed: 1,
    });
    expect(result.curve[0].p_consistent).toBeGreaterThan(0.405);
    expect(result.curve[0].p_consistent).toBeLessThan(0.43);
    expect(result.tVisibilityMs['0.999']).toBeGreaterThan(58);
    expect(result.tVisibilityMs['0.999']).toBeLessThan(72);
  });
});

describe('two roads: the event kernel and the fast Monte Carlo agree', () => {
  const configs: { name: string; n: number; r: number; w: number; legs: WarsLegs; t: number[] }[] = [
    { name: 'exp legs, N=3 R=1 W=1', n: 3, r: 1, w: 1, legs: legsOf('exp(0.1)', 'exp(1)'), t: [0, 5, 20] },
    { name: 'lnkd-disk, N=3 R=1 W=2', n: 3, r: 1, w: 2, legs: resolveLatency('lnkd-disk'), t: [0, 2, 10] },
    { name: 'wan, N=3 R=1 W=1', n: 3, r: 1, w: 1, legs: resolveLatency('wan'), t: [0, 50, 150] },
    { name: 'ymmr, N=5 R=2 W=2', n: 5, r: 2, w: 2, legs: resolveLatency('ymmr'), t: [0, 10, 100] },
  ];
  for (const config of configs) {
    it(config.name, async () => {
      const base = { n: config.n, r: config.r, w: config.w, legs: config.legs, tGridMs: config.t, seed: 11 };
      const fast = await runStaleness({ ...base, trials: 200_000, engine: 'fast' });
      const event = await runStaleness({ ...base, trials: 8192, engine: 'event', seed: 12 });
      config.t.forEach((t, k) => {
        const pf = fast.curve[k].p_consistent;
        const pe = event.curve[k].p_consistent;
        const sd = Math.sqrt((pf * (1 - pf)) / fast.trials + (pe * (1 - pe)) / event.trials);
        // Within 4.5 combined standard errors (plus a hair for p at 0 or 1).
        expect(Math.abs(pf - pe), `t=${t}: fast ${pf} vs event ${pe}`).toBeLessThanOrEqual(4.5 * sd + 1e-9);
      });
      for (const op of ['read', 'write'] as const) {
        const relative = Math.abs(fast.latencyMs[op].p50 - event.latencyMs[op].p50) / fast.latencyMs[op].p50;
        expect(relative, `${op} p50 ${fast.latencyMs[op].p50} vs ${event.latencyMs[op].p50}`).toBeLessThan(
          0.05,
        );
      }
    });
  }
});

describe('determinism and the output contract', () => {
  const options = {
    n: 3,
    r: 1,
    w: 1,
    legs: resolveLatency('lnkd-ssd'),
    tGridMs: [0, 0.5, 1],
    trials: 150_000,
    seed: 3,
  };

  it('the same seed gives identical results; another seed differs', async () => {
    const a = await runStaleness(options);
    const b = await runStaleness(options);
    const c = await runStaleness({ ...options, seed: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('1 and 2 worker threads give identical results', async () => {
    const one = await runStaleness({ ...options, threads: 1 });
    const two = await runStaleness({ ...options, threads: 2 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });

  it('the JSON has exactly the documented names', async () => {
    const json = stalenessJson(await runStaleness({ ...options, trials: 1000 }));
    expect(Object.keys(json)).toEqual([
      'n',
      'r',
      'w',
      'trials',
      'seed',
      'curve',
      't_visibility',
      'latency_ms',
    ]);
    expect(Object.keys((json.curve as object[])[0])).toEqual(['t', 'p_consistent', 'ci_low', 'ci_high']);
    expect(Object.keys(json.t_visibility as object)).toEqual(['0.9', '0.99', '0.999']);
    expect(json.latency_ms).toEqual({
      read: { p50: expect.any(Number), p99: expect.any(Number), p999: expect.any(Number) },
      write: { p50: expect.any(Number), p99: expect.any(Number), p999: expect.any(Number) },
    });
  });

  it('each point carries its Wilson interval; t-visibility agrees with the curve', async () => {
    const grid = Array.from({ length: 401 }, (_, i) => i / 4);
    const result = await runStaleness({ ...options, legs: resolveLatency('lnkd-disk'), tGridMs: grid });
    for (const point of result.curve) {
      const interval = wilsonInterval(point.consistent, point.trials);
      expect([point.p_consistent, point.ci_low, point.ci_high]).toEqual([
        interval.p,
        interval.low,
        interval.high,
      ]);
      expect(point.ci_low).toBeLessThanOrEqual(point.p_consistent);
      expect(point.ci_high).toBeGreaterThanOrEqual(point.p_consistent);
    }
    // t-visibility(p) is the smallest t with P(consistent) >= p, to within the sketch's 0.1%:
    // grid points clearly below it have not reached p, grid points clearly above it have.
    for (const level of [0.9, 0.99, 0.999] as const) {
      const visibility = result.tVisibilityMs[String(level) as '0.9' | '0.99' | '0.999']!;
      expect(visibility).toBeGreaterThan(0);
      const interval = result.tVisibilityCiMs[String(level) as '0.9' | '0.99' | '0.999']!;
      expect(interval.low).toBeLessThanOrEqual(visibility);
      expect(interval.high).toBeGreaterThanOrEqual(visibility);
      for (const point of result.curve) {
        if (point.t < visibility * 0.998) expect(point.p_consistent).toBeLessThan(level);
        if (point.t > visibility * 1.002) expect(point.p_consistent).toBeGreaterThanOrEqual(level);
      }
    }
  });
});
