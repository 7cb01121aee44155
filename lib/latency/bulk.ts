import type { RandomStream } from '../random/index.js';
import type { LatencyDistribution } from './distribution.js';

/**
 * A distribution that can draw many values in one call. The draws are the same kind as `sample`'s
 * (independent, exactly distributed) but come from one tight loop, so a Monte Carlo kernel pays one
 * call per block instead of one polymorphic call per value. The order in which a fill consumes the
 * stream is the implementation's own (a mixture, for example, draws all its component choices
 * first); it is a pure function of the stream, so results stay deterministic.
 */
export interface BulkSampler {
  /** Writes `count` independent draws to `out[offset]`, ..., `out[offset + count - 1]`. */
  fill(rng: RandomStream, out: Float64Array, offset: number, count: number): void;
}

/**
 * Fills `out[offset .. offset + count)` with independent draws from `distribution`: through its own
 * {@link BulkSampler.fill} when it has one (every distribution of this library does), otherwise by
 * calling `sample` once per value (a distribution defined elsewhere).
 *
 * @param distribution - any latency distribution
 * @param rng - the stream to draw from
 * @param out - the destination
 * @param offset - the first index written
 * @param count - how many values to write
 * @example
 * const out = new Float64Array(1024);
 * fillSamples(exponential(1), deriveStream(1), out, 0, out.length);
 */
export function fillSamples(
  distribution: LatencyDistribution,
  rng: RandomStream,
  out: Float64Array,
  offset: number,
  count: number,
): void {
  const bulk = distribution as LatencyDistribution & Partial<BulkSampler>;
  if (typeof bulk.fill === 'function') {
    bulk.fill(rng, out, offset, count);
    return;
  }
  for (let j = offset, end = offset + count; j < end; j++) out[j] = distribution.sample(rng);
}
