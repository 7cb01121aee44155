import { ParameterError } from '../errors.js';

/** C(n, k) by the multiplicative formula (exact for the small n of replica counts). */
function binomialCoefficient(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/**
 * The PBS closed form for a stale read when write propagation is far slower than reads: at
 * commit only the W acknowledging replicas hold the write, and the read's R responders are a
 * uniformly random R-subset, so P(stale) = C(N-W, R) / C(N, R). It is 0 whenever R + W > N
 * (every read quorum meets every write quorum).
 * Reference: P. Bailis et al., Probabilistically Bounded Staleness for Practical Partial Quorums,
 * PVLDB 5(8), 2012, Equation 1 (k = 1).
 *
 * @example
 * pbsStaleProbabilityLimit(3, 1, 1); // 2/3
 * pbsStaleProbabilityLimit(3, 2, 2); // 0
 */
export function pbsStaleProbabilityLimit(n: number, r: number, w: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ParameterError('n', String(n), 'an integer >= 1');
  if (!Number.isInteger(r) || r < 1 || r > n)
    throw new ParameterError('r', String(r), `an integer from 1 to n (${n})`);
  if (!Number.isInteger(w) || w < 1 || w > n)
    throw new ParameterError('w', String(w), `an integer from 1 to n (${n})`);
  return binomialCoefficient(n - w, r) / binomialCoefficient(n, r);
}
