import { ParameterError } from '../../errors.js';

function check(name: string, value: number, min: number, strict: boolean): void {
  if (!(Number.isFinite(value) && (strict ? value > min : value >= min))) {
    throw new ParameterError(name, String(value), `a finite number ${strict ? '>' : '>='} ${min}`);
  }
}

/**
 * The probability that a write is in conflict, for two datacenters, one key, Poisson writes at
 * rate `lambda` per ms at each datacenter, and a fixed one-way replication delay `d` ms (the
 * analytic check of the multi-leader model).
 *
 * Derivation. Take a write w accepted by datacenter A at time t. Datacenter B's writes form a
 * Poisson process of rate lambda, independent of A's. A write w' accepted by B at time s is
 * concurrent with w (neither saw the other) exactly when
 * - w had not seen w': w' reaches A at s + d, after t, i.e. s > t - d; and
 * - w' had not seen w: w reaches B at t + d, after s, i.e. s < t + d.
 * So w is in conflict iff B accepts at least one write in the replication window (t - d, t + d)
 * of length 2d. (A's own writes never conflict with w: one leader orders its writes.) The number of
 * B's writes in the window is Poisson with mean 2 lambda d, hence
 *
 *     P(conflict) = 1 - exp(-2 lambda d).
 *
 * This holds for any write away from the ends of the run. Over a run in which writes arrive during
 * [0, T] (T >= 2d), a write at a uniform time t has a window clipped to [0, T]: it has length
 * min(t + d, T) - max(t - d, 0). Averaging 1 - exp(-lambda * length) over t gives the finite-run
 * fraction
 *
 *     1 - [ (T - 2d) exp(-2 lambda d) + 2 (exp(-lambda d) - exp(-2 lambda d)) / lambda ] / T,
 *
 * which tends to the first as T / d grows. Pass `durationMs` for it.
 *
 * Reference: the Poisson process's counts in disjoint intervals (e.g. S. Ross, Introduction to
 * Probability Models, ch. 5); concurrency by version vectors, Parker et al., IEEE TSE 1983.
 *
 * @param lambdaPerMs - writes per ms at each datacenter, > 0
 * @param delayMs - the one-way replication delay, >= 0
 * @param durationMs - optional: the length T of the arrival period (>= 2 delayMs), for the finite-run fraction
 * @returns the probability that a write conflicts with one at the other datacenter
 * @example
 * twoDatacenterConflictProbability(0.01, 50);        // 1 - e^-1 = 0.632...
 * twoDatacenterConflictProbability(0.001, 50, 1e5);  // 0.09514..., a little under 1 - e^-0.1 = 0.09516
 */
export function twoDatacenterConflictProbability(
  lambdaPerMs: number,
  delayMs: number,
  durationMs?: number,
): number {
  check('lambdaPerMs', lambdaPerMs, 0, true);
  check('delayMs', delayMs, 0, false);
  const steady = -Math.expm1(-2 * lambdaPerMs * delayMs);
  if (durationMs === undefined) return steady;
  check('durationMs', durationMs, 0, true);
  if (durationMs < 2 * delayMs)
    throw new ParameterError('durationMs', String(durationMs), `a duration >= 2 delayMs (${2 * delayMs})`);
  const T = durationMs;
  const d = delayMs;
  const l = lambdaPerMs;
  const noConflict =
    ((T - 2 * d) * Math.exp(-2 * l * d) + (2 * (Math.exp(-l * d) - Math.exp(-2 * l * d))) / l) / T;
  return 1 - noConflict;
}

/** The writes the analytic check can count: their conflict indicators are independent. */
export interface IndependentConflictSample {
  /** Sampled writes that were in conflict. */
  count: number;
  /** Writes sampled. */
  of: number;
}

/**
 * Datacenter `dc`'s writes thinned so that their conflict indicators are independent Bernoulli
 * draws with probability exactly `1 - exp(-2 lambda d)`, for checking a two-datacenter run
 * against {@link twoDatacenterConflictProbability} with a Wilson interval.
 *
 * Why thin: neighbouring writes of one datacenter share part of their replication windows, so
 * their conflicts are positively correlated (by about 1 + 2[e^{-x}(1 - e^{-x}) - x e^{-2x}] /
 * (p(1 - p)) in variance, x = 2 lambda d: 1.8 at x = 1), and a Wilson interval over all writes
 * would be too narrow. Writes taken greedily in time order, each at least 2d after the previous
 * one taken, have disjoint windows (t - d, t + d); the other datacenter's Poisson counts in
 * disjoint windows are independent, and the selection looks only at this datacenter's times,
 * which are independent of the other's. Writes within d of either end of the arrival period are
 * left out (their windows are clipped).
 *
 * @param times - the accepting times of the datacenter's writes, ascending
 * @param conflicting - per write (same order), 1 if it conflicts
 * @param delayMs - the one-way delay d
 * @param durationMs - the arrival period T
 * @example
 * independentConflictSample([10, 60, 200, 330], [1, 0, 0, 1], 50, 1000); // { count: 1, of: 3 }: 10 is too early, 60, 200 and 330 are taken
 */
export function independentConflictSample(
  times: readonly number[],
  conflicting: ArrayLike<number>,
  delayMs: number,
  durationMs: number,
): IndependentConflictSample {
  let count = 0;
  let of = 0;
  let last = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (t < delayMs || t > durationMs - delayMs || t < last + 2 * delayMs) continue;
    last = t;
    of++;
    count += conflicting[i];
  }
  return { count, of };
}
