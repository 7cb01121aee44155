/**
 * Validation figures for the PBS staleness models, printed, not asserted (the same
 * checks are tests in lib/strategies/leaderless/staleness.test.ts):
 * - the closed form C(N-W,R)/C(N,R) when writes propagate far more slowly than reads;
 * - the PBS paper's synthetic check (N=3, R=W=1, A=R=S exponential with mean 1 ms);
 * - the fast Monte Carlo against the event kernel (two roads to one number).
 *
 *   npm run build && node dist/experiments/validate-staleness.js
 *
 * Reference: P. Bailis et al., Probabilistically Bounded Staleness for Practical Partial Quorums,
 * PVLDB 5(8), 2012 (Equation 1; Section 5.1).
 */
import { parseLatency, resolveLatency, type WarsLegs } from '../lib/latency/index.js';
import { pbsStaleProbabilityLimit } from '../lib/fast/pbs-closed-form.js';
import { runStaleness } from '../lib/experiments/staleness-run.js';

const legs = (w: string, ars: string): WarsLegs => ({
  W: parseLatency(w),
  A: parseLatency(ars),
  R: parseLatency(ars),
  S: parseLatency(ars),
});
const f4 = (x: number) => x.toFixed(4);

console.log('closed form (W ~ exp mean 1000 ms, A/R/S ~ exp mean 0.01 ms), 200,000 trials, seed 7:');
for (const [n, r, w] of [
  [3, 1, 1],
  [3, 1, 2],
  [3, 2, 1],
  [5, 1, 1],
  [5, 2, 2],
  [5, 1, 3],
  [7, 2, 3],
]) {
  const result = await runStaleness({
    n,
    r,
    w,
    legs: legs('exp(0.001)', 'exp(100)'),
    tGridMs: [0],
    trials: 200_000,
    seed: 7,
  });
  const p = result.curve[0];
  console.log(
    `  N=${n} R=${r} W=${w}: P(stale, t=0) ${f4(1 - p.p_consistent)} [${f4(1 - p.ci_high)}, ${f4(1 - p.ci_low)}]` +
      ` vs C(N-W,R)/C(N,R) = ${f4(pbsStaleProbabilityLimit(n, r, w))}`,
  );
}

console.log('synthetic check, N=3 R=W=1, A=R=S exp mean 1 ms, 1,000,000 trials, seed 1:');
for (const rate of [4, 0.1]) {
  const result = await runStaleness({
    n: 3,
    r: 1,
    w: 1,
    legs: legs(`exp(${rate})`, 'exp(1)'),
    tGridMs: [0],
    trials: 1_000_000,
    seed: 1,
  });
  const p = result.curve[0];
  const ci = result.tVisibilityCiMs['0.999']!;
  console.log(
    `  W mean ${1 / rate} ms: P(consistent, t=0) ${f4(p.p_consistent)} [${f4(p.ci_low)}, ${f4(p.ci_high)}],` +
      ` 99.9% t-visibility ${result.tVisibilityMs['0.999']!.toFixed(2)} ms [${ci.low.toFixed(2)}, ${ci.high.toFixed(2)}]`,
  );
}
console.log(
  '  (PBS, Section 5.1: about 94% at t=0 and 99.9% by about 1 ms; about 41% at t=0 and 99.9% by about 65 ms)',
);

console.log('fast Monte Carlo (200,000 trials) vs event kernel (8,192 trials per t):');
const cases: [string, number, number, number, number[]][] = [
  ['lnkd-disk', 3, 1, 2, [0, 2, 10]],
  ['wan', 3, 1, 1, [0, 50, 150]],
  ['ymmr', 5, 2, 2, [0, 10, 100]],
];
for (const [preset, n, r, w, grid] of cases) {
  const common = { n, r, w, legs: resolveLatency(preset), tGridMs: grid };
  const fast = await runStaleness({ ...common, trials: 200_000, seed: 11 });
  const event = await runStaleness({ ...common, trials: 8192, seed: 12, engine: 'event' });
  console.log(
    `  ${preset} N=${n} R=${r} W=${w}: ` +
      grid
        .map(
          (t, k) =>
            `t=${t}: ${f4(fast.curve[k].p_consistent)} vs ${f4(event.curve[k].p_consistent)} [${f4(event.curve[k].ci_low)}, ${f4(event.curve[k].ci_high)}]`,
        )
        .join('; '),
  );
}
