import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveStream, type RandomStream } from '../random/index.js';
import { fillSamples } from './bulk.js';
import { countBelow, expectMeanWithinFiveSe, expectQuantileBands } from './draw-checks.testkit.js';
import { constant } from './constant.js';
import type { LatencyDistribution } from './distribution.js';
import { empirical } from './empirical.js';
import { exponential } from './exponential.js';
import { lognormal } from './lognormal.js';
import { mixture } from './mixture.js';
import { pareto } from './pareto.js';
import { shifted } from './shifted.js';
import { truncatedNormal } from './truncated-normal.js';
import { uniform } from './uniform.js';

// The bulk path (fill) draws with other algorithms than sample (a ziggurat for exp and pareto, a
// mixture that draws its component choices first), so it gets the same statistical checks as
// distributions.test.ts gives sample: the share of draws below analytic quantiles within a 4.5 sigma
// binomial band, and the sample mean within 5 standard errors where the variance is finite.

/** A distribution under test with its variance (NaN: infinite or too slow to converge, not checked). */
interface Case {
  d: LatencyDistribution;
  variance: number;
}

const FC = { numRuns: 15, seed: 20240612 } as const;
const N = 20000;
const PS = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999];

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const exponentialCase = positive(1e-3, 10).map((rate): Case => ({
  d: exponential(rate),
  variance: 1 / (rate * rate),
}));
// alpha from 0.02 (inversion: too heavy for the ziggurat to pay) through the ziggurat's range.
const paretoCase = fc.tuple(positive(0.01, 10), positive(0.02, 12)).map(([xm, alpha]): Case => ({
  d: pareto(xm, alpha),
  variance: alpha > 2.2 ? (xm * xm * alpha) / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : NaN,
}));
const otherLeafCase = fc.oneof(
  fc
    .tuple(positive(0, 100), positive(1e-3, 100))
    .map(([low, width]): Case => ({ d: uniform(low, low + width), variance: (width * width) / 12 })),
  fc.tuple(positive(-3, 3), positive(0.05, 1.5)).map(([mu, sigma]): Case => ({
    d: lognormal(mu, sigma),
    variance: Math.expm1(sigma * sigma) * Math.exp(2 * mu + sigma * sigma),
  })),
  fc
    .tuple(positive(-5, 5), positive(0.1, 5))
    .map(([mu, sigma]): Case => ({ d: truncatedNormal(mu, sigma), variance: NaN })),
);
const leafCase = fc.oneof(exponentialCase, paretoCase, otherLeafCase);

/** Weights as integers over their total: 2 to 4 components, often one of them dominant (>= 0.8). */
const mixtureCase = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 40 }), leafCase), { minLength: 2, maxLength: 4 })
  .map((parts): Case => {
    const total = parts.reduce((s, [k]) => s + k, 0);
    const components = parts.map(([k, c]) => ({ weight: k / total, distribution: c.d }));
    const m = components.reduce((s, c) => s + c.weight * c.distribution.mean(), 0);
    const second = parts.reduce((s, [k, c]) => s + (k / total) * (c.variance + c.d.mean() ** 2), 0);
    return { d: mixture(components), variance: second - m * m };
  });

const shiftedCase = fc
  .tuple(positive(0, 100), leafCase)
  .map(([offset, c]): Case => ({ d: shifted(offset, c.d), variance: c.variance }));

/** N draws through fillSamples, in blocks of varying sizes (1 to 1000) from one stream, sorted. */
function fillSorted(d: LatencyDistribution, seed: number): Float64Array {
  const rng = deriveStream(seed, 0, 0);
  const xs = new Float64Array(N);
  for (let done = 0, block = 1; done < N; done += block, block = (block * 7 + 3) % 1000 || 1) {
    fillSamples(d, rng, xs, done, Math.min(block, N - done));
  }
  return xs.sort();
}

/** The share of xs at or below quantile(p) within 4.5 binomial sigma of p, each p; the mean within 5 SE. */
function checkDraws(xs: Float64Array, { d, variance }: Case, label: string): void {
  const n = xs.length;
  expect(xs[0], label).toBeGreaterThanOrEqual(0);
  expect(Number.isFinite(xs[n - 1]) || d.quantile(1) === Infinity, label).toBe(true);
  expectQuantileBands(xs, d, PS, label);
  expectMeanWithinFiveSe(xs, d, variance, label);
}

describe('bulk draws (fill) agree with quantile and mean (fast-check over parameters)', () => {
  const families: [string, fc.Arbitrary<Case>][] = [
    ['exp (ziggurat)', exponentialCase],
    ['pareto (ziggurat, inversion below alpha ~0.03)', paretoCase],
    ['uniform, lognormal, truncated normal', otherLeafCase],
    ['mix (dominant and balanced, 2 to 4 components)', mixtureCase],
    ['shifted', shiftedCase],
  ];
  it.each(families)('%s', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, fc.nat(), (c, seed) =>
        checkDraws(fillSorted(c.d, seed), c, `${c.d} seed ${seed}`),
      ),
      FC,
    );
  });

  it('const and empirical fill like sample', () => {
    const out = new Float64Array(5);
    fillSamples(constant(75), deriveStream(1), out, 1, 3);
    expect(Array.from(out)).toEqual([0, 75, 75, 75, 0]);
    const e = empirical([1, 2, 4]);
    const xs = fillSorted(e, 2);
    checkDraws(xs, { d: e, variance: NaN }, 'empirical(1,2,4)');
  });

  it('the preset legs, 400000 draws each, out to the 0.99999 quantile', () => {
    const texts = [
      'mix(0.9122:pareto(0.235,10),0.0878:exp(1.66))',
      'mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))',
      'mix(0.939:pareto(3,3.35),0.061:exp(0.0028))',
      'mix(0.982:pareto(1.5,3.8),0.018:exp(0.0217))',
    ];
    const ws = [
      [0.9122, 0.0878],
      [0.38, 0.62],
      [0.939, 0.061],
      [0.982, 0.018],
    ];
    const params: [[number, number], number][] = [
      [[0.235, 10], 1.66],
      [[1.05, 1.51], 0.183],
      [[3, 3.35], 0.0028],
      [[1.5, 3.8], 0.0217],
    ];
    texts.forEach((text, k) => {
      const [[xm, alpha], rate] = params[k];
      const d = mixture([
        { weight: ws[k][0], distribution: pareto(xm, alpha) },
        { weight: ws[k][1], distribution: exponential(rate) },
      ]);
      expect(d.toString()).toBe(text);
      const n = 400_000;
      const xs = new Float64Array(n);
      const rng = deriveStream(31, k, 0);
      for (let done = 0; done < n; done += 768) fillSamples(d, rng, xs, done, Math.min(768, n - done));
      xs.sort();
      for (const p of [1e-5, 1e-3, 0.05, 0.5, 0.95, 0.999, 0.99999]) {
        const q = d.quantile(p);
        const band = 4.5 * Math.sqrt((p * (1 - p)) / n) + 1 / n;
        expect(countBelow(xs, q, true) / n, `${text}: P(X <= q(${p}))`).toBeGreaterThanOrEqual(p - band);
        expect(countBelow(xs, q, false) / n, `${text}: P(X < q(${p}))`).toBeLessThanOrEqual(p + band);
      }
    });
  });
});

describe('bulk draws are deterministic', () => {
  const made: [string, () => LatencyDistribution][] = [
    ['exp(0.183)', () => exponential(0.183)],
    ['pareto(1.05,1.51)', () => pareto(1.05, 1.51)],
    [
      'mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))',
      () =>
        mixture([
          { weight: 0.38, distribution: pareto(1.05, 1.51) },
          { weight: 0.62, distribution: exponential(0.183) },
        ]),
    ],
    [
      'mix(0.9122:pareto(0.235,10),0.0878:exp(1.66))',
      () =>
        mixture([
          { weight: 0.9122, distribution: pareto(0.235, 10) },
          { weight: 0.0878, distribution: exponential(1.66) },
        ]),
    ],
  ];
  it.each(made)(
    '%s: the same stream gives the same block (fresh or reused instance), another stream another',
    (_text, make) => {
      const d = make();
      const block = (batch: number, dist = d) => {
        const out = new Float64Array(1000);
        fillSamples(dist, deriveStream(7, 3, batch), out, 0, out.length);
        return Array.from(out);
      };
      expect(block(2)).toEqual(block(2));
      expect(block(2, make())).toEqual(block(2));
      expect(block(3)).not.toEqual(block(2));
    },
  );
});

/** A stream whose words are given (then zeros): to drive the mixture's choices exactly. */
function scriptedBits(words: number[]): RandomStream & { nextInt32(): number; used(): number } {
  let i = 0;
  const next = () => (i < words.length ? words[i++] | 0 : (i++, 0));
  return {
    nextInt32: next,
    nextDouble: () => (next() >>> 0) / 4294967296,
    nextOpenDouble: () => 1 - (next() >>> 0) / 4294967296,
    nextInt: () => 0,
    used: () => i,
  };
}

describe('mixture component choice in fill is exact', () => {
  // const components consume no words, so each output shows the choice made for its slot.
  const two = (w0: number) =>
    mixture([
      { weight: w0, distribution: constant(1) },
      { weight: 1 - w0, distribution: constant(2) },
    ]);

  /** The reference rule: slot j takes byte (3 - j mod 4) of word floor(j/4); below the bound -> 1, above -> 2. */
  function reference(w0: number, words: number[], count: number): number[] {
    const bound = Math.floor(w0 * 256);
    const result: number[] = [];
    for (let j = 0; j < count; j++) {
      const b = (words[j >> 2] >>> (24 - 8 * (j & 3))) & 255;
      result.push(b < bound ? 1 : 2);
    }
    return result;
  }

  it('dominant and balanced weights, bounds below and above 128, any block length (no ties)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0.9122, 0.0878, 0.95, 0.05, 0.38, 0.62, 0.5),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 160 }),
        (w0, raw, count) => {
          const bound = Math.floor(w0 * 256);
          const words = [...raw];
          while (words.length * 4 < count) words.push((words.length * 0x01020304 + 0x11223344) >>> 0);
          // Move every byte off the bound, so no word needs the tie-breaking bits.
          const fixed = words.map((y) => {
            let z = y;
            for (let k = 0; k < 4; k++) if (((z >>> (8 * k)) & 255) === bound) z ^= 1 << (8 * k);
            return z >>> 0;
          });
          const out = new Float64Array(count);
          fillSamples(two(w0), scriptedBits(fixed), out, 0, count);
          expect(Array.from(out)).toEqual(reference(w0, fixed, count));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a tie on the first 8 bits is settled by further words against the exact weight', () => {
    // 0.9122 * 256 = 233.5232: bound 233, and the rest of U decides against 0.5232... .
    const w0 = 0.9122;
    const rest = w0 * 256 - 233;
    const restWord = Math.floor(rest * 4294967296);
    const tieWord = (233 << 24) | (10 << 16) | (250 << 8) | 233; // slots 0 and 3 tie
    const cases: [number[], number[]][] = [
      // slot 0's rest just below the threshold's rest -> component 0; slot 3's just above -> component 1
      [
        [tieWord, restWord - 1, restWord + 1],
        [1, 1, 2, 2],
      ],
      [
        [tieWord, restWord + 1, restWord - 1],
        [2, 1, 2, 1],
      ],
    ];
    for (const [words, expected] of cases) {
      const bits = scriptedBits(words);
      const out = new Float64Array(4);
      fillSamples(two(w0), bits, out, 0, 4);
      expect(Array.from(out)).toEqual(expected);
      expect(bits.used()).toBe(3);
    }
  });

  it('a weight whose expansion ends inside the tie: U equal to it so far counts as above', () => {
    // 0.8125 = 0.1101 in binary: 0.8125 * 256 = 208 exactly, rest 0, so a tie byte means U >= w0.
    const out = new Float64Array(4);
    const bits = scriptedBits([(208 << 24) | (207 << 16) | (209 << 8) | 0]);
    fillSamples(two(0.8125), bits, out, 0, 4);
    expect(Array.from(out)).toEqual([2, 1, 2, 1]);
    expect(bits.used()).toBe(1);
  });
});
