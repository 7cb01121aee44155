import type { Count } from '../../check/index.js';
import { ParameterError } from '../../errors.js';

function check(name: string, value: number, min: number, strict: boolean): void {
  if (!(Number.isFinite(value) && (strict ? value > min : value >= min))) {
    throw new ParameterError(name, String(value), `a finite number ${strict ? '>' : '>='} ${min}`);
  }
}

/**
 * The probability that a read of one key at a local follower is stale, when its leader applies
 * versions of that key as a Poisson process of rate `lambda` per ms and streams them to the
 * follower with a constant delay `d` ms.
 *
 * Derivation. The stream is FIFO with a constant delay, so a version the leader applies at s
 * reaches the follower at s + d: at time t the follower has applied exactly the versions the
 * leader applied up to t - d. A read at t misses a version the leader had applied before t iff the
 * leader applied some version of the key in the window (t - d, t]. Reads arrive independently of
 * writes, so for a read at any time (a uniformly random one included) the count of applies in the
 * window is Poisson with mean lambda d, and
 *
 *     P(stale) = 1 - exp(-lambda d).
 *
 * What `lambda` is: a datacenter's leader applies its own writes and the versions it receives from
 * the other leaders. With D datacenters, all-to-all replication over links of a constant delay L,
 * and each datacenter accepting Poisson writes of the key at rate lambda_w, the other leaders'
 * versions are their Poisson streams shifted by L, so from L after the start the leader's applies
 * are a superposition of D independent Poisson processes: lambda = D lambda_w. With K keys written
 * and read uniformly at a per-datacenter write rate r, lambda_w = r / K. (Under skewed popularity
 * average 1 - exp(-lambda_k d) over the read's key distribution.)
 *
 * Reference: the Poisson process's counts in an interval and superposition (S. Ross, Introduction
 * to Probability Models, ch. 5); follower lag and stale reads from asynchronous followers:
 * Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Problems with Replication Lag".
 *
 * @param lambdaPerMs - the leader's apply rate of the key, per ms, > 0
 * @param delayMs - the constant leader-to-follower delay, >= 0
 * @returns the probability that a follower read of the key is stale
 * @example
 * followerStaleReadProbability(0.01, 50); // 1 - e^-0.5 = 0.3934...
 * followerStaleReadProbability(0.01, 0);  // 0: a follower with no lag is never stale
 */
export function followerStaleReadProbability(lambdaPerMs: number, delayMs: number): number {
  check('lambdaPerMs', lambdaPerMs, 0, true);
  check('delayMs', delayMs, 0, false);
  return -Math.expm1(-lambdaPerMs * delayMs);
}

/**
 * Reads thinned so that their staleness indicators are independent Bernoulli draws, for checking a
 * run against {@link followerStaleReadProbability} with a Wilson interval.
 *
 * Why thin: two reads less than d apart share part of their windows (t - d, t], so their
 * staleness is positively correlated and a Wilson interval over all reads would be too narrow.
 * Reads taken greedily in time order, each at least d after the previous one taken, have disjoint
 * windows; Poisson counts in disjoint windows are independent, and the selection looks only at the
 * read times, which are independent of the writes. Reads before `fromMs` are left out (before the
 * leader's apply process is stationary, e.g. L + d with remote versions).
 *
 * With `keys`, the thinning is per key: reads of different keys may overlap, since keys chosen
 * independently for Poisson writes split them into independent Poisson processes, one per key
 * (Ross, ch. 5, thinning). That keeps many more reads when there are many keys.
 *
 * @param times - the reads' times, ascending
 * @param stale - per read (same order), 1 if it was stale
 * @param delayMs - the constant delay d
 * @param fromMs - the first time a read may be taken (taken from max(fromMs, d) on)
 * @param keys - optional, per read (same order): its key, to thin each key's reads separately
 * @example
 * independentReadSample([10, 40, 75, 130], [1, 1, 0, 1], 50, 50); // { count: 1, of: 2 }: 75 and 130 are taken
 * independentReadSample([60, 70, 80], [1, 0, 1], 50, 50, [0, 1, 0]); // { count: 1, of: 2 }: 60 (key 0) and 70 (key 1)
 */
export function independentReadSample(
  times: readonly number[],
  stale: ArrayLike<number>,
  delayMs: number,
  fromMs: number,
  keys?: ArrayLike<number>,
): Count {
  let count = 0;
  let of = 0;
  const last = new Map<number, number>();
  const start = Math.max(fromMs, delayMs);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    const key = keys === undefined ? 0 : keys[i];
    if (t < start || t < (last.get(key) ?? -Infinity) + delayMs) continue;
    last.set(key, t);
    of++;
    count += stale[i];
  }
  return { count, of };
}
