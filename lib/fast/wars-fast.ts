import type { RandomStream } from '../random/index.js';
import { randomBits, type RandomBits } from '../random/stream.js';
import type { WarsLegs } from '../latency/index.js';
import { fillSamples } from '../latency/bulk.js';
import { LogHistogram } from '../stats/index.js';
import { GridLocator } from './grid-locator.js';
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

/**
 * An index uniform on [0, m), exactly: 31 random bits below `limit`, the largest multiple of m that
 * fits in 2^31, reduced mod m; values at or above it are drawn again (probability < m 2^-31).
 * 31 bits keep the remainder an int32 operation (on a value >= 2^31 V8 falls back to fmod).
 */
function uniformIndex(bits: RandomBits, m: number, limit: number): number {
  for (;;) {
    const x = bits.nextInt32() >>> 1;
    if (x < limit) return x % m;
  }
}

/**
 * The WAN layout for one chunk of trials: per trial, `localCount` of the n replicas are chosen
 * uniformly at random (partial Fisher-Yates) for the write and, independently, for the read; every
 * W and A leg to a non-local write replica, and every R and S leg to a non-local read replica,
 * takes `remoteMs` more. Runs over the whole chunk before the trials are evaluated (with one local
 * replica: all the writes' placements, then all the reads'; otherwise trial by trial).
 */
class WanPlacement {
  private readonly pool: Int32Array;
  /** limits[i]: the rejection bound of uniformIndex for m = n - i. */
  private readonly limits: Float64Array;
  /** extra[i]: remoteMs for a non-local replica, 0 for a local one (the trial being placed). */
  private readonly extra: Float64Array;

  constructor(
    private readonly n: number,
    private readonly localCount: number,
    private readonly remoteMs: number,
  ) {
    this.pool = new Int32Array(n);
    this.extra = new Float64Array(n);
    this.limits = new Float64Array(n);
    for (let i = 0; i < n; i++) this.limits[i] = 2147483648 - (2147483648 % (n - i));
  }

  /** Chooses the local replicas of one operation and sets extra[] accordingly. */
  private choose(bits: RandomBits): void {
    const { n, pool, extra, limits } = this;
    for (let i = 0; i < n; i++) {
      pool[i] = i;
      extra[i] = this.remoteMs;
    }
    for (let i = 0; i < this.localCount; i++) {
      const j = i + uniformIndex(bits, n - i, limits[i]);
      const chosen = pool[j];
      pool[j] = pool[i];
      pool[i] = chosen;
      extra[chosen] = 0;
    }
  }

  apply(
    bits: RandomBits,
    chunk: number,
    w: Float64Array,
    a: Float64Array,
    r: Float64Array,
    s: Float64Array,
  ): void {
    const n = this.n;
    if (this.localCount === 1) {
      this.applyOneLocal(bits, chunk, w, a);
      this.applyOneLocal(bits, chunk, r, s);
      return;
    }
    const extra = this.extra;
    for (let trial = 0, base = 0; trial < chunk; trial++, base += n) {
      this.choose(bits);
      for (let i = 0; i < n; i++) {
        w[base + i] += extra[i];
        a[base + i] += extra[i];
      }
      this.choose(bits);
      for (let i = 0; i < n; i++) {
        r[base + i] += extra[i];
        s[base + i] += extra[i];
      }
    }
  }

  /**
   * One local replica per operation (the PBS WAN setting): per trial, one uniform index j; both legs
   * of every other replica take remoteMs more. Branch-free: add to all, then put replica j's back.
   */
  private applyOneLocal(bits: RandomBits, chunk: number, out: Float64Array, back: Float64Array): void {
    const n = this.n;
    const remoteMs = this.remoteMs;
    const limit = this.limits[0];
    for (let trial = 0, base = 0; trial < chunk; trial++, base += n) {
      const j = base + uniformIndex(bits, n, limit);
      const outLocal = out[j];
      const backLocal = back[j];
      for (let i = base; i < base + n; i++) {
        out[i] += remoteMs;
        back[i] += remoteMs;
      }
      out[j] = outLocal;
      back[j] = backLocal;
    }
  }
}

/** Trials whose delays are drawn together, leg by leg: the 4 N buffers (24 KB for N = 3) stay in L1. */
const CHUNK_TRIALS = 256;

/**
 * Fast direct Monte Carlo of PBS t-visibility in the WARS model (no event queue).
 *
 * Per trial it draws every replica's W, A, R and S delays once. The write commits at the W-th
 * smallest W+A; replica i holds the write from time W_i. A read started t after commit reaches
 * replica i at commit + t + R_i, and its R fastest responders (by R+S, independent of t) decide
 * the result. Replica i answers with the new version iff t >= W_i - commit - R_i, so the read is
 * consistent iff t >= min over its R responders of that threshold: one pass of trials gives the
 * whole curve P(consistent | t).
 *
 * For speed the delays are drawn in chunks of trials, leg by leg, through each distribution's bulk
 * `fill` (see fillSamples): one call per leg and chunk rather than one polymorphic call per delay.
 * The order in which the stream is consumed is fixed (per chunk: W, A, R, S for all trials and
 * replicas, then the chunk's WAN placements), so results are a pure function of the stream.
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
export function runWarsFastBatch(
  config: WarsConfig,
  tGridMs: readonly number[],
  trials: number,
  rng: RandomStream,
): WarsBatchSummary {
  const kernel = new WarsChunkKernel(config, Float64Array.from(tGridMs), randomBits(rng));
  for (let done = 0; done < trials; done += CHUNK_TRIALS) {
    const chunk = Math.min(CHUNK_TRIALS, trials - done);
    kernel.draw(chunk);
    kernel.evaluate(chunk);
  }
  return kernel.summary(trials);
}

/**
 * The state of one runWarsFastBatch call, worked through chunk by chunk. The per-chunk methods are
 * short and called thousands of times, so V8 optimizes them with complete type feedback; a single
 * long-running loop was optimized on stack (OSR) from partial feedback and then deoptimized at its
 * end, which made the speed of whole runs vary by about 20%.
 */
class WarsChunkKernel {
  private readonly n: number;
  private readonly r: number;
  private readonly w: number;
  private readonly legs: WarsLegs;
  private readonly wan: WanPlacement | undefined;
  private readonly locator: GridLocator;
  private readonly gridLength: number;
  private readonly firstConsistentIndex: Float64Array;
  private readonly threshold = new LogHistogram();
  private readonly readLatency = new LogHistogram();
  private readonly writeLatency = new LogHistogram();
  private readonly wDelay: Float64Array;
  private readonly aDelay: Float64Array;
  private readonly rDelay: Float64Array;
  private readonly sDelay: Float64Array;
  private readonly ackArrival: Float64Array;
  private readonly readResponse: Float64Array;
  private readonly order: Int32Array;

  constructor(
    config: WarsConfig,
    grid: Float64Array,
    private readonly bits: RandomBits,
  ) {
    const { n, r, w, legs } = config;
    this.n = n;
    this.r = r;
    this.w = w;
    this.legs = legs;
    const remoteMs = legs.wan ? legs.wan.remoteOneWayMs : 0;
    const localCount = legs.wan ? Math.min(legs.wan.localReplicas, n) : n;
    this.wan = remoteMs > 0 && localCount < n ? new WanPlacement(n, localCount, remoteMs) : undefined;
    this.locator = new GridLocator(grid);
    this.gridLength = grid.length;
    this.firstConsistentIndex = new Float64Array(grid.length + 1);
    const span = CHUNK_TRIALS * n;
    this.wDelay = new Float64Array(span);
    this.aDelay = new Float64Array(span);
    this.rDelay = new Float64Array(span);
    this.sDelay = new Float64Array(span);
    this.ackArrival = new Float64Array(n);
    this.readResponse = new Float64Array(n);
    this.order = new Int32Array(n);
  }

  /** Draws the chunk's delays: W, A, R, S for all its trials and replicas, then its WAN placements. */
  draw(chunk: number): void {
    const { bits, legs } = this;
    const count = chunk * this.n;
    fillSamples(legs.W, bits, this.wDelay, 0, count);
    fillSamples(legs.A, bits, this.aDelay, 0, count);
    fillSamples(legs.R, bits, this.rDelay, 0, count);
    fillSamples(legs.S, bits, this.sDelay, 0, count);
    if (this.wan) this.wan.apply(bits, chunk, this.wDelay, this.aDelay, this.rDelay, this.sDelay);
  }

  /** Each trial of the chunk: its commit, its read's latency and its threshold, into the summaries. */
  evaluate(chunk: number): void {
    if (this.r === 1 && this.w === 1) {
      if (this.n === 3) this.evaluateOneOfThree(chunk);
      else this.evaluateOne(chunk);
    } else {
      this.evaluateQuorum(chunk);
    }
  }

  /** Records one trial's outcome. */
  private record(commit: number, readDone: number, smallestT: number): void {
    this.writeLatency.record(commit);
    this.readLatency.record(readDone);
    this.threshold.record(smallestT);
    this.firstConsistentIndex[this.locator.locate(smallestT)]++;
  }

  /**
   * N = 3, R = W = 1 (the benchmark's case), unrolled (measured about 5% faster than evaluateOne): the
   * commit is the first ack, the read's one responder the first response (the lowest index on a tie).
   */
  private evaluateOneOfThree(chunk: number): void {
    const { wDelay, aDelay, rDelay, sDelay } = this;
    for (let trial = 0, base = 0; trial < chunk; trial++, base += 3) {
      const w0 = wDelay[base];
      const w1 = wDelay[base + 1];
      const w2 = wDelay[base + 2];
      const r0 = rDelay[base];
      const r1 = rDelay[base + 1];
      const r2 = rDelay[base + 2];
      const ack0 = w0 + aDelay[base];
      const ack1 = w1 + aDelay[base + 1];
      const ack2 = w2 + aDelay[base + 2];
      const response0 = r0 + sDelay[base];
      const response1 = r1 + sDelay[base + 1];
      const response2 = r2 + sDelay[base + 2];
      const commit = ack0 < ack1 ? (ack0 < ack2 ? ack0 : ack2) : ack1 < ack2 ? ack1 : ack2;
      let readDone = response0;
      let wj = w0;
      let rj = r0;
      if (response1 < readDone) {
        readDone = response1;
        wj = w1;
        rj = r1;
      }
      if (response2 < readDone) {
        readDone = response2;
        wj = w2;
        rj = r2;
      }
      this.record(commit, readDone, wj - commit - rj);
    }
  }

  /** R = W = 1, any N: the commit is the first ack, the read's one responder the first response. */
  private evaluateOne(chunk: number): void {
    const { n, wDelay, aDelay, rDelay, sDelay } = this;
    for (let trial = 0, base = 0; trial < chunk; trial++, base += n) {
      let commit = Infinity;
      let readDone = Infinity;
      let responder = 0;
      for (let i = 0; i < n; i++) {
        const ack = wDelay[base + i] + aDelay[base + i];
        if (ack < commit) commit = ack;
        const response = rDelay[base + i] + sDelay[base + i];
        if (response < readDone) {
          readDone = response;
          responder = i;
        }
      }
      this.record(commit, readDone, wDelay[base + responder] - commit - rDelay[base + responder]);
    }
  }

  /** Any R and W: sort the acks and the responses (insertion sort, N is small). */
  private evaluateQuorum(chunk: number): void {
    const { n, r, w, wDelay, aDelay, rDelay, sDelay, ackArrival, readResponse, order } = this;
    for (let trial = 0, base = 0; trial < chunk; trial++, base += n) {
      for (let i = 0; i < n; i++) {
        ackArrival[i] = wDelay[base + i] + aDelay[base + i];
        readResponse[i] = rDelay[base + i] + sDelay[base + i];
      }
      insertionSortBy(ackArrival, order, n);
      const commit = ackArrival[order[w - 1]];
      insertionSortBy(readResponse, order, n);
      const readDone = readResponse[order[r - 1]];
      let smallestT = Infinity;
      for (let k = 0; k < r; k++) {
        const i = order[k];
        const t = wDelay[base + i] - commit - rDelay[base + i];
        if (t < smallestT) smallestT = t;
      }
      this.record(commit, readDone, smallestT);
    }
  }

  /** The batch's summary after `trials` trials: consistent[k] counts the thresholds <= tGridMs[k]. */
  summary(trials: number): WarsBatchSummary {
    const consistent = new Float64Array(this.gridLength);
    let running = 0;
    for (let k = 0; k < this.gridLength; k++) {
      running += this.firstConsistentIndex[k];
      consistent[k] = running;
    }
    return {
      trials,
      consistent,
      threshold: this.threshold,
      readLatency: this.readLatency,
      writeLatency: this.writeLatency,
    };
  }
}
