import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalCdf,
  normalDensity,
  normalHazardExcess,
  normalQuantile,
  normalUpperTail,
  normalUpperTailScaled,
} from './standard-normal.js';

// Expected values: standard normal tables, confirmed with mpmath 1.3 at 50 significant digits
// (mp.ncdf, and the root of log(ncdf(z)) = log(p) for quantiles), rounded to 17 digits.

/** |actual - expected| <= rel * |expected|. */
function expectRelative(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('normalCdf (Cody)', () => {
  it.each([
    [-1, 0.15865525393145705],
    [-1.96, 0.024997895148220436],
    [1.96, 0.97500210485177956],
    [-5, 2.8665157187919391e-7],
    [-10, 7.6198530241605261e-24],
    [-37, 5.7255712225245768e-300],
    [0.5, 0.6914624612740131],
  ])('Phi(%d) = %d', (x, expected) => {
    expectRelative(normalCdf(x), expected, 2e-15);
  });

  it('is 1/2 at 0, and 0 and 1 at the infinities', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });

  it('has an upper tail accurate far out (no 1 - Phi cancellation)', () => {
    expectRelative(normalUpperTail(10), 7.6198530241605261e-24, 2e-15);
    expectRelative(normalUpperTail(6), 9.8658764503769814e-10, 2e-15);
  });

  it('is symmetric: Phi(x) + Phi(-x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThanOrEqual(2e-16);
      }),
    );
  });
});

describe('normalQuantile (Wichura AS241)', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.001, -3.0902323061678135],
    [1e-10, -6.3613409024040562],
    [1e-300, -37.047096299361199],
    [0.84134474606854295, 1],
  ])('Phi^-1(%d) = %d', (p, expected) => {
    if (expected === 0) expect(normalQuantile(p)).toBe(0);
    else expectRelative(normalQuantile(p), expected, 2e-15);
  });

  it('is -Infinity at 0, Infinity at 1, NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
  });

  it("inverts Cody's CDF to double precision over 300 orders of magnitude", () => {
    // Two independent algorithms agreeing is the check (the lab's rule: two independent roads to the
    // same number).
    // Phi's condition number at z is z phi(z)/Phi(z) ~ z^2, so an error of 1 ulp in z becomes a
    // relative error of about z^2 * 1.1e-16 in Phi(z): the tolerance scales with it.
    fc.assert(
      fc.property(fc.double({ min: -300, max: Math.log10(0.5), noNaN: true }), (e) => {
        const p = 10 ** e;
        const z = normalQuantile(p);
        expectRelative(normalCdf(z), p, 1e-15 * (1 + z * z));
      }),
      { numRuns: 500 },
    );
  });
});

describe('density, scaled tail and hazard', () => {
  it('phi(0) = 1/sqrt(2 pi), phi(2) = 0.053990966513188052', () => {
    expectRelative(normalDensity(0), 0.3989422804014327, 1e-16);
    expectRelative(normalDensity(2), 0.053990966513188052, 5e-16);
  });

  it('scaled tail Q(x) exp(x^2/2): 1/2 at 0, Q(1) e^(1/2) at 1, ~1/(x sqrt(2 pi)) far out', () => {
    expect(normalUpperTailScaled(0)).toBe(0.5);
    expectRelative(normalUpperTailScaled(1), 0.15865525393145705 * Math.exp(0.5), 2e-15);
    expectRelative(normalUpperTailScaled(1e8) * 1e8 * Math.sqrt(2 * Math.PI), 1, 1e-15);
  });

  it('hazard excess h(x) - x = E[Z - x | Z > x]: sqrt(2/pi) at 0, 0.0099980009992607052 at 100', () => {
    expectRelative(normalHazardExcess(0), 0.79788456080286536, 1e-15);
    expectRelative(normalHazardExcess(3), 0.28309865493043651, 1e-14);
    expectRelative(normalHazardExcess(100), 0.0099980009992607052, 1e-14);
    // Asymptotically 1/x - 2/x^3: at 1e6 the 1/x^3 term is below double precision.
    expectRelative(normalHazardExcess(1e6), 1e-6, 1e-11);
  });
});
