import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveStream } from '../random/index.js';
import { ParameterError } from '../errors.js';
import { uniformKeys } from './uniform-keys.js';
import { zipfKeys, type ZipfMethod } from './zipf-keys.js';
import { keyChooser } from './key-choice.js';
import type { KeyChooser } from './key-chooser.js';

/** The upper 4.5 sigma point of chi-square(df), by Wilson-Hilferty (accurate to a few % here). */
function chiSquareCritical(df: number, z = 4.5): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Draws n keys and checks them against chooser.probability: each rank with an expected count
 * >= 20 inside a 4.5 sigma binomial band; then a chi-square test over bins pooled to expected >= 10
 * (the tail beyond `ranks` pooled into one bin), at the 4.5 sigma critical value.
 */
function expectMatchesPmf(
  chooser: KeyChooser,
  n: number,
  seed: number,
  ranks = Math.min(chooser.keys, 2000),
): void {
  const rng = deriveStream(seed, 0, 0);
  const counts = new Float64Array(ranks + 1); // the last bin: keys >= ranks
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const key = chooser.next(rng);
    if (!(Number.isInteger(key) && key >= 0 && key < chooser.keys)) outside++;
    counts[Math.min(key, ranks)]++;
  }
  expect(outside, `${chooser}: keys outside [0, K)`).toBe(0);
  const probs = new Float64Array(ranks + 1);
  let head = 0;
  for (let k = 0; k < ranks; k++) head += probs[k] = chooser.probability(k);
  probs[ranks] = Math.max(0, 1 - head);
  const label = `${chooser} seed ${seed}`;
  for (let k = 0; k <= ranks; k++) {
    const p = probs[k];
    if (n * p < 20 || n * (1 - p) < 20) continue;
    const band = 4.5 * Math.sqrt(n * p * (1 - p));
    expect(Math.abs(counts[k] - n * p), `${label}: rank ${k}, expected ${n * p}`).toBeLessThanOrEqual(band);
  }
  // Pool adjacent bins until each expects >= 10.
  let chi = 0;
  let bins = 0;
  let o = 0;
  let e = 0;
  for (let k = 0; k <= ranks; k++) {
    o += counts[k];
    e += n * probs[k];
    if (e >= 10) {
      chi += (o - e) ** 2 / e;
      bins++;
      o = 0;
      e = 0;
    }
  }
  if (e > 0) {
    chi += (o - e) ** 2 / e; // a small leftover still counts (conservative)
    bins++;
  }
  if (bins >= 2)
    expect(chi, `${label}: chi-square over ${bins} bins`).toBeLessThanOrEqual(chiSquareCritical(bins - 1));
}

describe('uniformKeys', () => {
  it('draws every key with probability 1/K', () => {
    expectMatchesPmf(uniformKeys(50), 100_000, 1);
    expectMatchesPmf(uniformKeys(1), 1000, 2);
    expect(uniformKeys(50).probability(49)).toBe(1 / 50);
    expect(uniformKeys(50).probability(50)).toBe(0);
  });

  it('is exact above 2^26 keys (53-bit path): first and last halves equally likely', () => {
    const k = 3 * 2 ** 30; // not a power of two
    const chooser = uniformKeys(k);
    const rng = deriveStream(3);
    const n = 100_000;
    let low = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const key = chooser.next(rng);
      if (!(Number.isInteger(key) && key >= 0 && key < k)) outside++;
      if (key < k / 3) low++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(low - n / 3)).toBeLessThanOrEqual(4.5 * Math.sqrt((n * 2) / 9));
  });
});

describe('zipfKeys', () => {
  it('has the exact pmf: known values', () => {
    // H(3, 1) = 1 + 1/2 + 1/3 = 11/6
    const z = zipfKeys(3, 1);
    expect(z.probability(0)).toBeCloseTo(6 / 11, 15);
    expect(z.probability(1)).toBeCloseTo(3 / 11, 15);
    expect(z.probability(2)).toBeCloseTo(2 / 11, 15);
    // H(10^7, 1) = ln(10^7) + gamma + 1/(2*10^7) - ... = 16.695311365857272 (Euler-Maclaurin, independent)
    const big = zipfKeys(10_000_000, 1);
    expect(1 / big.probability(0)).toBeCloseTo(16.695311365857272, 9);
    // zeta(2) - H(10^9, 2) ~ 1/10^9: H(10^9, 2) = pi^2/6 - 1e-9 + 5e-19
    expect(1 / zipfKeys(1e9, 2).probability(0)).toBeCloseTo(Math.PI ** 2 / 6 - 1e-9, 12);
  });

  it('s = 0 is uniform', () => {
    expect(zipfKeys(10, 0).toString()).toBe('uniform(10)');
    expect(keyChooser({ keys: 10 }).toString()).toBe('uniform(10)');
    expect(keyChooser({ keys: 10, zipf: 0.99 }).toString()).toBe('zipf(10,0.99)');
  });

  it('samples the exact pmf for any K and s, with both methods (fast-check)', () => {
    const methods: ZipfMethod[] = ['table', 'rejection-inversion'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 300 }).map((x) => x / 100), // not fc.double: it crowds at the extremes
        fc.constantFrom(...methods),
        fc.integer({ min: 0, max: 1e6 }),
        (k, s, method, seed) => expectMatchesPmf(zipfKeys(k, s, method), 20_000, seed),
      ),
      { seed: 20240601, numRuns: 40 },
    );
  }, 60_000);

  it('the check has power: draws at s = 1.05 fail against the pmf at s = 1', () => {
    const drawn = zipfKeys(100, 1.05);
    const claimed = zipfKeys(100, 1);
    const impostor: KeyChooser = {
      keys: 100,
      zipf: 1,
      next: (rng) => drawn.next(rng),
      probability: (k) => claimed.probability(k),
    };
    expect(() => expectMatchesPmf(impostor, 100_000, 3)).toThrow();
  });

  it('samples the exact pmf at s = 1 and near it (the helpers switch branches there)', () => {
    for (const s of [1, 1 + 1e-9, 1 - 1e-9]) {
      expectMatchesPmf(zipfKeys(100, s, 'rejection-inversion'), 50_000, 7);
    }
  });

  it('samples the exact pmf for a billion keys (rejection-inversion), head ranks and the tail', () => {
    for (const s of [0.5, 0.99, 1.5]) {
      const z = zipfKeys(1e9, s);
      expectMatchesPmf(z, 100_000, 11, 200);
    }
  });

  it('the table and rejection-inversion agree on the pmf at K = 2^16 + 1 (auto switches there)', () => {
    expectMatchesPmf(zipfKeys(65_537, 0.8), 100_000, 5, 500);
    expectMatchesPmf(zipfKeys(65_536, 0.8), 100_000, 5, 500);
  });

  it('refuses bad keys and exponents with a ParameterError naming the field', () => {
    const bad: [() => unknown, string][] = [
      [() => zipfKeys(0, 1), 'keys'],
      [() => zipfKeys(1.5, 1), 'keys'],
      [() => zipfKeys(Number.NaN, 1), 'keys'],
      [() => zipfKeys(2 ** 50, 1), 'keys'],
      [() => uniformKeys(-3), 'keys'],
      [() => zipfKeys(10, -0.5), 'zipf'],
      [() => zipfKeys(10, Number.NaN), 'zipf'],
      [() => zipfKeys(10, Infinity), 'zipf'],
      [() => keyChooser({ keys: 10, zipf: -1 }), 'zipf'],
    ];
    for (const [f, field] of bad) {
      expect(f).toThrow(ParameterError);
      try {
        f();
      } catch (e) {
        expect((e as ParameterError).parameter).toBe(field);
        expect((e as Error).message).toMatch(new RegExp(`^${field}: got .*; allowed: `));
        expect((e as Error).message).not.toContain('\n');
      }
    }
    expect(() => zipfKeys(10, -1)).toThrow('zipf: got -1; allowed: a finite number >= 0 (0 is uniform)');
  });
});
