import type { RandomStream } from '../random/index.js';
import type { WarsLegs } from '../latency/index.js';
import { LogHistogram } from '../stats/index.js';
import type { WarsConfig } from '../strategies/leaderless/wars-event.js';

/** What one batch of WARS trials leaves behind: counts and fixed-size histograms, never raw trials. */
export interface WarsBatchSummary {
  trials: number;
  /** consistent[k] = trials whose read, started tGridMs[k] after commit, would be consistent. */
  consistent: Float64Array;
  /** Per trial, the smallest t >= 0 at which the read is consistent (fast kernel only). */
  threshold?: LogHistogram;
  /** Time from read start to the R-th response, ms. */
  readLatency: LogHistogram;
  /** Time from write start to the W-th ack (commit), ms. */
  writeLatency: LogHistogram;
}

/** Sorts the first `length` entries of `keys` ascending, permuting `order` alongside (small N). */
function insertionSortBy(keys: Float64Array, order: Int32Array, length: number): void {
  for (let i = 0; i < length; i++) order[i] = i;
  for (let i = 1; i < length; i++) {
    const key = keys[order[i]];
    const index = order[i];
    let j = i - 1;
    while (j >= 0 && keys[order[j]] > key) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = index;
  }
}

/** Chooses `count` distinct local replicas out of n (partial Fisher-Yates), marking them in `local`. */
function chooseLocalReplicas(local: Uint8Array, pool: Int32Array, n: number, count: number, rng: RandomStream): void {
  local.fill(0);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(n - i);
    const chosen = pool[j];
    pool[j] = pool[i];
    pool[i] = chosen;
    local[chosen] = 1;
  }
}

/**
 * Fast direct Monte Carlo of PBS t-visibility in the WARS model (no event queue).
 *
 * Per trial it draws every replica's W, A, R and S delays once. The write commits at the W-th
 * smallest W+A; replica i holds the write from time W_i. A read started t after commit reaches
 * replica i at commit + t + R_i, and its R fastest responders (by R+S, independent of t) decide
 * the result. Replica i answers with the new version iff t >= W_i - commit - R_i, so the read is
 * consistent iff t >= min over its R responders of that threshold: one pass of trials gives the
 * whole curve P(consistent | t).
 * Reference: P. Bailis et al., Probabilistically Bounded Staleness for Practical Partial Quorums,
 * PVLDB 5(8), 2012, Section 4.2 (WARS) and the authors' Monte Carlo method.
 *
 * @param config - n, r, w and the four leg distributions (optionally with a WAN layout)
 * @param tGridMs - ascending read start offsets after commit, ms
 * @param trials - number of independent write/read pairs
 * @param rng - the batch's stream (see deriveStream)
 * @example
 * const summary = runWarsFastBatch({ n: 3, r: 1, w: 1, legs }, [0, 1, 2], 100000, deriveStream(1));
 * summary.consistent[0] / summary.trials; // P(consistent read at t = 0)
 */
export function runWarsFastBatch(config: WarsConfig, tGridMs: readonly number[], trials: number, rng: RandomStream): WarsBatchSummary {
  const { n, r, w } = config;
  const legs: WarsLegs = config.legs;
  const { W, A, R, S } = legs;
  const remoteMs = legs.wan ? legs.wan.remoteOneWayMs : 0;
  const localCount = legs.wan ? Math.min(legs.wan.localReplicas, n) : n;

  const grid = Float64Array.from(tGridMs);
  const gridLength = grid.length;
  const firstConsistentIndex = new Float64Array(gridLength + 1);
  const threshold = new LogHistogram();
  const readLatency = new LogHistogram();
  const writeLatency = new LogHistogram();

  const writeArrival = new Float64Array(n);
  const ackArrival = new Float64Array(n);
  const readRequest = new Float64Array(n);
  const readResponse = new Float64Array(n);
  const order = new Int32Array(n);
  const localWrite = new Uint8Array(n).fill(1);
  const localRead = new Uint8Array(n).fill(1);
  const pool = new Int32Array(n);

  for (let trial = 0; trial < trials; trial++) {
    if (remoteMs > 0) {
      chooseLocalReplicas(localWrite, pool, n, localCount, rng);
      chooseLocalReplicas(localRead, pool, n, localCount, rng);
    }
    for (let i = 0; i < n; i++) {
      const writeExtra = localWrite[i] ? 0 : remoteMs;
      const readExtra = localRead[i] ? 0 : remoteMs;
      const wi = W.sample(rng) + writeExtra;
      writeArrival[i] = wi;
      ackArrival[i] = wi + A.sample(rng) + writeExtra;
      const ri = R.sample(rng) + readExtra;
      readRequest[i] = ri;
      readResponse[i] = ri + S.sample(rng) + readExtra;
    }
    insertionSortBy(ackArrival, order, n);
    const commit = ackArrival[order[w - 1]];
    writeLatency.record(commit);

    insertionSortBy(readResponse, order, n);
    readLatency.record(readResponse[order[r - 1]]);
    let smallestT = Infinity;
    for (let k = 0; k < r; k++) {
      const i = order[k];
      const t = writeArrival[i] - commit - readRequest[i];
      if (t < smallestT) smallestT = t;
    }
    threshold.record(smallestT);

    // The first grid index whose t reaches the threshold (binary search; gridLength if none).
    let low = 0;
    let high = gridLength;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (grid[mid] >= smallestT) high = mid;
      else low = mid + 1;
    }
    firstConsistentIndex[low]++;
  }

  const consistent = new Float64Array(gridLength);
  let running = 0;
  for (let k = 0; k < gridLength; k++) {
    running += firstConsistentIndex[k];
    consistent[k] = running;
  }
  return { trials, consistent, threshold, readLatency, writeLatency };
}
