/**
 * `npm run bench`: performance figures of the fast Monte Carlo kernel (a benchmark that prints
 * numbers; no test depends on timing).
 *
 * Prints, on one core (no worker threads):
 * - fast WARS trials per second for N=3, R=W=1 under several latency models;
 * - the wall time to produce a whole 0 to 200 ms curve (201 points) at 100,000 trials,
 *   including validation, batching and the merge.
 * Issue 2's targets: >= 5 million trials/s per core, and the curve in under 0.1 s.
 */
import { performance } from 'node:perf_hooks';
import { resolveLatency } from '../lib/latency/index.js';
import { runWarsFastBatch } from '../lib/fast/wars-fast.js';
import { runStaleness } from '../lib/strategies/leaderless/staleness.js';
import { deriveStream } from '../lib/random/index.js';

const MODELS = ['exp(1)', 'lnkd-ssd', 'lnkd-disk', 'ymmr', 'wan'];
const TRIALS = 2_000_000;
const grid = Array.from({ length: 201 }, (_, i) => i);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

console.log(`node ${process.version}, one thread`);
console.log('fast WARS kernel, N=3 R=1 W=1, 201-point grid:');
for (const model of MODELS) {
  const config = { n: 3, r: 1, w: 1, legs: resolveLatency(model) };
  runWarsFastBatch(config, grid, 200_000, deriveStream(99)); // warm-up: let the JIT settle
  const rates: number[] = [];
  for (let repeat = 0; repeat < 3; repeat++) {
    const started = performance.now();
    runWarsFastBatch(config, grid, TRIALS, deriveStream(repeat));
    rates.push(TRIALS / ((performance.now() - started) / 1000));
  }
  console.log(`  ${model.padEnd(10)} ${(median(rates) / 1e6).toFixed(2)} million trials/s (median of 3 runs of ${TRIALS / 1e6} M)`);
}

console.log('whole curve, t = 0:200:1, 100,000 trials, lnkd-disk, N=3 R=1 W=1, threads=1:');
const legs = resolveLatency('lnkd-disk');
const times: number[] = [];
for (let repeat = 0; repeat < 7; repeat++) {
  const started = performance.now();
  await runStaleness({ n: 3, r: 1, w: 1, legs, tGridMs: grid, trials: 100_000, seed: repeat, threads: 1 });
  times.push(performance.now() - started);
}
console.log(`  first run ${times[0].toFixed(1)} ms, median of the next 6: ${median(times.slice(1)).toFixed(1)} ms`);
