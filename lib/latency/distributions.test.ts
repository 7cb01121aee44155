import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { deriveStream } from '../random/index.js';
import { expectMeanWithinFiveSe, expectQuantileBands } from './draw-checks.testkit.js';
import { constant } from './constant.js';
import type { LatencyDistribution } from './distribution.js';
import { empirical } from './empirical.js';
import { exponential } from './exponential.js';
import { lognormal } from './lognormal.js';
import { mixture } from './mixture.js';
import { pareto } from './pareto.js';
import { parseLatency } from './parse.js';
import { shifted } from './shifted.js';
import { normalDensity, normalUpperTail } from './standard-normal.js';
import { truncatedNormal } from './truncated-normal.js';
import { uniform } from './uniform.js';

/**
 * A distribution under test with its variance from the textbook formula (NaN: not checked, because
 * it is infinite or the sample mean converges too slowly, as for Pareto with alpha <= 2.2) and
 * whether it has atoms (then P(X <= q) may exceed p at a quantile q).
 */
interface Case {
  d: LatencyDistribution;
  variance: number;
  atoms: boolean;
}

// The statistical properties run with a fixed fast-check seed, so CI is not flaky (each run draws
// ~20000 samples and checks ~10 bands at 4.5 sigma); change it locally to explore other parameters.
const FC = { numRuns: 15, seed: 20240611 } as const;
const N = 20000;
const PS = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const constantCase = positive(0, 1000).map((v): Case => ({ d: constant(v), variance: 0, atoms: true }));
const uniformCase = fc.tuple(positive(0, 100), positive(1e-3, 100)).map(([low, width]): Case => ({
  d: uniform(low, low + width),
  variance: (width * width) / 12,
  atoms: false,
}));
const exponentialCase = positive(1e-3, 10).map((rate): Case => ({
  d: exponential(rate),
  variance: 1 / (rate * rate),
  atoms: false,
}));

/** Variance of N(mu, sigma^2) truncated to [0, inf): sigma^2 (1 + a h - h^2), h = phi(a)/Q(a), a = -mu/sigma. */
function truncatedNormalVariance(mu: number, sigma: number): number {
  const a = -mu / sigma;
  const h = normalDensity(a) / normalUpperTail(a);
  return sigma * sigma * (1 + a * h - h * h);
}
const truncatedNormalAboveZero = fc.tuple(positive(0.1, 50), positive(0.1, 20)).map(([mu, sigma]): Case => ({
  d: truncatedNormal(mu, sigma),
  variance: truncatedNormalVariance(mu, sigma),
  atoms: false,
}));
// mu <= 0, up to 30 sigma below 0 (P(X > 0) down to 5e-198): Robert's sampler and the far-tail forms.
const truncatedNormalBelowZero = fc.tuple(positive(0, 30), positive(0.1, 20)).map(([a, sigma]): Case => ({
  d: truncatedNormal(-a * sigma, sigma),
  variance: truncatedNormalVariance(-a * sigma, sigma),
  atoms: false,
}));

const lognormalCase = fc.tuple(positive(-3, 3), positive(0.05, 1.5)).map(([mu, sigma]): Case => ({
  d: lognormal(mu, sigma),
  variance: Math.expm1(sigma * sigma) * Math.exp(2 * mu + sigma * sigma),
  atoms: false,
}));
const paretoCase = fc.tuple(positive(0.01, 10), positive(0.5, 12)).map(([xm, alpha]): Case => ({
  d: pareto(xm, alpha),
  variance: alpha > 2.2 ? (xm * xm * alpha) / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : NaN,
  atoms: false,
}));

const leafCase = fc.oneof(
  uniformCase,
  exponentialCase,
  truncatedNormalAboveZero,
  truncatedNormalBelowZero,
  lognormalCase,
  paretoCase,
);

const mixtureCase = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 10 }), leafCase), { minLength: 1, maxLength: 3 })
  .map((parts): Case => {
    const total = parts.reduce((s, [k]) => s + k, 0);
    const components = parts.map(([k, c]) => ({ weight: k / total, distribution: c.d }));
    const m = components.reduce((s, c) => s + c.weight * c.distribution.mean(), 0);
    // Var = sum w_i (Var_i + mean_i^2) - mean^2.
    const second = parts.reduce((s, [k, c]) => s + (k / total) * (c.variance + c.d.mean() ** 2), 0);
    return { d: mixture(components), variance: second - m * m, atoms: false };
  });

const shiftedCase = fc
  .tuple(positive(0, 100), leafCase)
  .map(([offset, c]): Case => ({ d: shifted(offset, c.d), variance: c.variance, atoms: false }));

// Distinct delays at microsecond resolution, as a measurement tool writes them.
const empiricalCase = fc
  .uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 2, maxLength: 50 })
  .map((us): Case => {
    const xs = us.map((u) => u / 1000);
    const d = empirical(xs);
    const sorted = [...xs].sort((a, b) => a - b);
    // Each gap [a, b] carries 1/(n-1), uniformly: E[X^2] = mean over gaps of (a^2 + ab + b^2)/3.
    let second = 0;
    for (let i = 0; i + 1 < sorted.length; i++) {
      const [a, b] = [sorted[i], sorted[i + 1]];
      second += (a * a + a * b + b * b) / 3;
    }
    second /= sorted.length - 1;
    return { d, variance: second - d.mean() ** 2, atoms: false };
  });

/** Draws N samples, sorted. */
function drawSorted(d: LatencyDistribution, seed: number): Float64Array {
  const rng = deriveStream(seed, 0, 0);
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = d.sample(rng);
  return xs.sort();
}

/**
 * The three checks on one distribution: (a) for each p, the share of draws <= quantile(p) lies in a
 * 4.5 sigma binomial band around p (one-sided where atoms allow more); (b) the sample mean lies
 * within 5 standard errors of mean() where the variance is known finite; (c) cdf(quantile(p)) = p.
 */
function checkAgainstSamples({ d, variance, atoms }: Case, seed: number): void {
  const xs = drawSorted(d, seed);
  const label = `${d} seed ${seed}`;
  expect(xs[0], label).toBeGreaterThanOrEqual(0);
  expectQuantileBands(xs, d, PS, label);
  for (const p of PS) {
    const c = d.cdf(d.quantile(p));
    if (atoms) expect(c, `${label}: cdf(q(${p}))`).toBeGreaterThanOrEqual(p);
    else expect(Math.abs(c - p), `${label}: cdf(q(${p})) - p`).toBeLessThanOrEqual(1e-9);
  }
  expectMeanWithinFiveSe(xs, d, variance, label);
}

describe('sampling agrees with quantile, cdf and mean (fast-check over parameters)', () => {
  const families: [string, fc.Arbitrary<Case>][] = [
    ['const', constantCase],
    ['uniform', uniformCase],
    ['exp', exponentialCase],
    ['normal, mu > 0', truncatedNormalAboveZero],
    ['normal, mu <= 0 (down to -30 sigma)', truncatedNormalBelowZero],
    ['lognormal', lognormalCase],
    ['pareto', paretoCase],
    ['mix', mixtureCase],
    ['shifted', shiftedCase],
    ['empirical', empiricalCase],
  ];
  it.each(families)('%s', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, fc.nat(), (c, seed) => checkAgainstSamples(c, seed)),
      FC,
    );
  });

  it('empirical with tied samples (atoms)', () => {
    checkAgainstSamples({ d: empirical([1, 1, 1, 2, 2, 5]), variance: NaN, atoms: true }, 3);
  });
});

/** |actual - expected| <= rel * |expected|. */
function expectRelative(actual: number, expected: number, rel = 1e-14): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

// Independent values: closed forms from the Wikipedia article of each family; truncated normal
// values from mpmath 1.3 at 40 digits, mean mu + sigma phi(a)/(1 - Phi(a)) with a = -mu/sigma and the
// median from Q(z) = Q(a)/2.
describe('analytic values', () => {
  it('exp: median 2 ln 2 at rate 0.5, mean 1/rate, cdf 1 - e^(-rate x)', () => {
    expectRelative(exponential(0.5).quantile(0.5), 2 * Math.LN2);
    expect(exponential(0.183).mean()).toBe(1 / 0.183);
    expectRelative(exponential(2).cdf(1), 1 - Math.exp(-2));
    expect(exponential(2).quantile(0)).toBe(0);
    expect(exponential(2).quantile(1)).toBe(Infinity);
  });

  it('lognormal(0,1): mean e^0.5, median 1, 97.5% point e^1.959963984540054', () => {
    expectRelative(lognormal(0, 1).mean(), 1.6487212707001282);
    expect(lognormal(0, 1).quantile(0.5)).toBe(1);
    expectRelative(lognormal(0, 1).quantile(0.975), Math.exp(1.959963984540054));
    expectRelative(lognormal(0, 1).cdf(Math.E), 0.84134474606854295);
  });

  it('pareto: mean alpha xm/(alpha - 1), infinite for alpha <= 1; median xm 2^(1/alpha)', () => {
    expect(pareto(1, 3).mean()).toBe(1.5);
    expectRelative(pareto(1.05, 1.51).mean(), (1.51 * 1.05) / 0.51);
    expect(pareto(1, 1).mean()).toBe(Infinity);
    expect(pareto(2, 0.5).mean()).toBe(Infinity);
    expectRelative(pareto(1, 3).quantile(0.5), Math.cbrt(2));
    expectRelative(pareto(1, 3).cdf(2), 1 - 1 / 8);
    expect(pareto(1, 3).cdf(0.5)).toBe(0);
  });

  it('uniform(1,5): mean 3, quartile 2, cdf(4) = 3/4', () => {
    const d = uniform(1, 5);
    expect(d.mean()).toBe(3);
    expect(d.quantile(0.25)).toBe(2);
    expect(d.cdf(4)).toBe(0.75);
    expect(d.quantile(1)).toBe(5);
  });

  it('const(75): every quantile is 75, cdf steps at 75', () => {
    const d = constant(75);
    expect(d.quantile(0.3)).toBe(75);
    expect(d.cdf(74.9)).toBe(0);
    expect(d.cdf(75)).toBe(1);
    expect(d.sample(deriveStream(1))).toBe(75);
  });

  it.each([
    // mu, sigma, mean, median
    [0, 1, 0.79788456080286536, 0.67448975019608174], // the half-normal: sqrt(2/pi), Phi^-1(3/4)
    [5, 2, 5.0352756509738335, 5.0155654798163765],
    [1, 1, 1.2875999709391784, 1.2001736861668909],
    [-3, 1, 0.28309865493043651, 0.20515492059893318],
    [-100, 1, 0.0099980009992607052, 0.0069305387524294142],
  ])('truncated normal(%d,%d): mean %d, median %d', (mu, sigma, mean, median) => {
    const d = truncatedNormal(mu, sigma);
    expectRelative(d.mean(), mean, 1e-13);
    expectRelative(d.quantile(0.5), median, 1e-13);
    expect(Math.abs(d.cdf(median) - 0.5)).toBeLessThanOrEqual(1e-14);
  });

  it('truncated normal(5,2): cdf(3) = 0.15339813971490714', () => {
    expectRelative(truncatedNormal(5, 2).cdf(3), 0.15339813971490714, 1e-13);
  });

  it('truncated normal far below 0 (mu = -1000 sigma) samples without stalling, mean ~ sigma/1000', () => {
    const d = truncatedNormal(-2000, 2);
    const rng = deriveStream(5);
    let sum = 0;
    for (let i = 0; i < N; i++) sum += d.sample(rng);
    // Given X > 0, X/sigma is nearly Exp(rate 1000): mean ~ 2/1000, standard error ~ 2/1000/sqrt(N).
    expect(Math.abs(sum / N - d.mean())).toBeLessThanOrEqual((5 * 0.002) / Math.sqrt(N));
    expectRelative(d.mean(), 0.002 * (1 - 2 / 1e6), 1e-9);
  });

  it('mix(0.5:exp(1),0.5:exp(2)): median ln((1 + sqrt 5)/2), mean 3/4', () => {
    // 0.5 e^-x + 0.5 e^-2x = 1/2  <=>  y^2 + y - 1 = 0 for y = e^-x.
    const d = mixture([
      { weight: 0.5, distribution: exponential(1) },
      { weight: 0.5, distribution: exponential(2) },
    ]);
    expectRelative(d.quantile(0.5), Math.log((1 + Math.sqrt(5)) / 2), 1e-12);
    expect(d.mean()).toBe(0.75);
    expect(d.quantile(0)).toBe(0);
    expect(d.quantile(1)).toBe(Infinity);
  });

  it('mixture with an atom: quantiles of mix(0.5:const(1),0.5:uniform(2,4))', () => {
    const d = mixture([
      { weight: 0.5, distribution: constant(1) },
      { weight: 0.5, distribution: uniform(2, 4) },
    ]);
    expect(d.quantile(0.25)).toBe(1);
    expect(d.quantile(0.5)).toBe(1);
    expectRelative(d.quantile(0.75), 3, 1e-12);
    expect(d.cdf(1)).toBe(0.5);
  });

  it('const(75)+exp(0.2): mean 80, median 75 + 5 ln 2; shifting is kept canonical', () => {
    const d = shifted(75, exponential(0.2));
    expect(d.mean()).toBe(80);
    expectRelative(d.quantile(0.5), 75 + 5 * Math.LN2);
    expectRelative(d.cdf(80), 1 - Math.exp(-1));
    expect(shifted(1, shifted(2, exponential(1))).toString()).toBe('const(3)+exp(1)');
    expect(shifted(1, constant(2)).toString()).toBe('const(3)');
  });

  it('empirical: linear interpolation between order statistics', () => {
    const d = empirical([4, 1, 3, 2]);
    expect(d.quantile(0.5)).toBe(2.5);
    expect(d.quantile(0)).toBe(1);
    expect(d.quantile(1)).toBe(4);
    expectRelative(d.quantile(0.1), 1.3);
    expect(d.mean()).toBe(2.5);
    expect(d.cdf(2.5)).toBe(0.5);
    expect(d.cdf(0.5)).toBe(0);
    expect(d.cdf(4)).toBe(1);
    // Ties: [1, 1, 2] puts an atom of 1/2 at 1; the gap [1, 2] carries the other half.
    const t = empirical([1, 2, 1]);
    expect(t.quantile(0.25)).toBe(1);
    expect(t.quantile(0.75)).toBe(1.5);
    expect(t.cdf(1)).toBe(0.5);
    expect(t.mean()).toBe(1.25);
  });
});

describe('parameter validation', () => {
  it.each([
    ['const(value): got -1; allowed: a finite number >= 0', () => constant(-1)],
    ['const(value): got NaN; allowed: a finite number >= 0', () => constant(NaN)],
    ['uniform(high): got 1; allowed: a finite number > low (1)', () => uniform(1, 1)],
    ['uniform(low): got -1; allowed: a finite number >= 0', () => uniform(-1, 1)],
    ['exp(rate): got -1; allowed: a finite number > 0', () => exponential(-1)],
    ['exp(rate): got 0; allowed: a finite number > 0', () => exponential(0)],
    ['exp(rate): got Infinity; allowed: a finite number > 0', () => exponential(Infinity)],
    ['normal(mu): got NaN; allowed: a finite number', () => truncatedNormal(NaN, 1)],
    ['normal(sigma): got 0; allowed: a finite number > 0', () => truncatedNormal(5, 0)],
    ['lognormal(sigma): got -1; allowed: a finite number > 0', () => lognormal(0, -1)],
    ['lognormal(mu): got -Infinity; allowed: a finite number', () => lognormal(-Infinity, 1)],
    ['pareto(xm): got 0; allowed: a finite number > 0', () => pareto(0, 1)],
    ['pareto(alpha): got NaN; allowed: a finite number > 0', () => pareto(1, NaN)],
    ['shifted(offset): got -1; allowed: a finite number >= 0', () => shifted(-1, exponential(1))],
    ['mix(components): got none; allowed: at least one weight:distribution component', () => mixture([])],
    [
      'mix(weights): got 0.5+0.6 = 1.1; allowed: weights that sum to 1 (within 1e-9)',
      () =>
        mixture([
          { weight: 0.5, distribution: exponential(1) },
          { weight: 0.6, distribution: exponential(2) },
        ]),
    ],
    [
      'mix(weight): got 0; allowed: a finite number > 0',
      () => mixture([{ weight: 0, distribution: exponential(1) }]),
    ],
    ['empirical(samples): got 1 sample(s); allowed: at least 2 delays in ms', () => empirical([1])],
    [
      'empirical(samples): got sample #2 = -2; allowed: delays in ms, each a finite number >= 0',
      () => empirical([1, -2]),
    ],
    ['exp(1).quantile(p): got 1.5; allowed: a probability from 0 to 1', () => exponential(1).quantile(1.5)],
  ])('%s', (message, make) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).message).toBe(message);
  });

  it('accepts mixture weights within 1e-9 of summing to 1', () => {
    const d = mixture([
      { weight: 0.1, distribution: exponential(1) },
      { weight: 0.2, distribution: exponential(2) },
      { weight: 0.7 + 5e-10, distribution: exponential(3) },
    ]);
    expect(d.kind).toBe('mix');
  });
});

describe('determinism', () => {
  const texts = [
    'const(75)',
    'uniform(1,5)',
    'exp(0.183)',
    'normal(5,2)',
    'normal(-3,1)',
    'lognormal(0,1)',
    'pareto(1.05,1.51)',
    'mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))',
    'const(75)+exp(0.2)',
    'empirical(0.5,1,2,8)',
  ];
  it.each(texts)('%s: the same stream gives the same draws, another batch different ones', (text) => {
    const d = parseLatency(text);
    const draw = (batch: number) => {
      const rng = deriveStream(7, 3, batch);
      return Array.from({ length: 1000 }, () => d.sample(rng));
    };
    expect(draw(2)).toEqual(draw(2));
    expect(parseLatency(text).sample(deriveStream(7, 3, 2))).toBe(draw(2)[0]);
    if (text !== 'const(75)') expect(draw(3)).not.toEqual(draw(2));
  });
});
