import { describe, expect, it } from 'vitest';
import { deriveStream } from '../random/index.js';
import { randomBits, type RandomBits } from '../random/stream.js';
import {
  openUniform53,
  paretoExcessZiggurat,
  uniform53,
  unitExponentialZiggurat,
  type Ziggurat,
} from './ziggurat.js';

/** The tables a Ziggurat keeps (private in the class; read here to check the layout itself). */
interface Internals {
  box: Float64Array;
  bottom: Float64Array;
  height: Float64Array;
  r: number;
  shape: { density(x: number): number; tailMass(r: number): number };
}
const internals = (z: Ziggurat) => z as unknown as Internals;

/** A stream that returns the given 32-bit words in order (then zeros). */
function scripted(words: number[]): RandomBits {
  let i = 0;
  const next = () => (i < words.length ? words[i++] | 0 : 0);
  return { nextInt32: next, nextDouble: () => 0, nextOpenDouble: () => 1, nextInt: () => 0 };
}

/** The two words that put a draw in box `index` at uniform position hi21 2^-21 + lo 2^-53. */
function drawWords(index: number, hi21: number, lo: number): [number, number] {
  return [(index << 21) | hi21 | 0, lo | 0];
}

/** The 21 + 32 bits of the 53-bit uniform just below t in [0, 1), and that uniform's value. */
function uniformBits(t: number): [number, number, number] {
  const k = Math.floor(t * 2 ** 53);
  const hi21 = Math.floor(k / 2 ** 32);
  const lo = k % 2 ** 32;
  return [hi21, lo, hi21 * 2 ** -21 + lo * 2 ** -53];
}

const unitPareto = (alpha: number) => paretoExcessZiggurat(alpha)!;
const layouts: [string, () => Ziggurat][] = [
  ['exp(1)', unitExponentialZiggurat],
  ['pareto excess, alpha 0.5', () => unitPareto(0.5)],
  ['pareto excess, alpha 1.51', () => unitPareto(1.51)],
  ['pareto excess, alpha 10', () => unitPareto(10)],
];

describe('ziggurat layout: the conditions that make the method exact', () => {
  it.each(layouts)(
    '%s: equal areas, boxes stacked without gaps, inner parts under f, the top at or above f(0)',
    (_name, make) => {
      const z = internals(make());
      const layers = z.height.length;
      const width = (i: number) => z.box[2 * i];
      const inner = (i: number) => z.box[2 * i + 1];
      const f = (x: number) => z.shape.density(x);
      const v = z.r * f(z.r) + z.shape.tailMass(z.r);
      // The base strip: rectangle [0, r] x [0, f(r)] plus the tail, drawn across a virtual width v / f(r).
      expect(inner(0)).toBe(z.r);
      expect(Math.abs(width(0) * f(z.r) - v)).toBeLessThanOrEqual(1e-12 * v);
      for (let i = 1; i < layers; i++) {
        expect(Math.abs(width(i) * z.height[i] - v), `box ${i} area`).toBeLessThanOrEqual(1e-12 * v);
        expect(Math.abs(z.bottom[i] - f(width(i))), `box ${i} sits on f`).toBeLessThanOrEqual(
          1e-12 * z.bottom[i],
        );
        expect(inner(i), `box ${i}`).toBeLessThan(width(i));
        if (i < layers - 1) {
          // Box i's top is box i + 1's bottom, and everything left of width(i + 1) lies under f.
          expect(Math.abs(z.bottom[i] + z.height[i] - z.bottom[i + 1])).toBeLessThanOrEqual(
            1e-12 * z.bottom[i + 1],
          );
          expect(inner(i)).toBe(width(i + 1));
        }
      }
      expect(inner(layers - 1)).toBe(0);
      expect(z.bottom[layers - 1] + z.height[layers - 1]).toBeGreaterThanOrEqual(f(0));
      // The boxes cover the area under f with little to spare (the cover overshoots f(0) by rounding only).
      expect(z.bottom[layers - 1] + z.height[layers - 1] - f(0)).toBeLessThan(1e-9);
    },
  );

  it("exp(1): r close to the 2048-box analogue of Marsaglia and Tsang's 7.697 (256 boxes)", () => {
    const z = internals(unitExponentialZiggurat());
    expect(z.r).toBeGreaterThan(10.02);
    expect(z.r).toBeLessThan(10.03);
    expect(unitExponentialZiggurat().immediate).toBeGreaterThan(0.996);
  });

  it('pareto shapes too heavy to pay give no ziggurat (inversion instead)', () => {
    expect(paretoExcessZiggurat(0.01)).toBeUndefined();
    expect(paretoExcessZiggurat(0.05)).toBeDefined();
  });
});

describe('ziggurat draw: accept, test against f, tail', () => {
  const z = unitExponentialZiggurat();
  const zi = internals(z);

  it('a point left of the inner edge is returned as is: u times the box width', () => {
    const [hi, lo] = drawWords(5, 1 << 20, 0); // u = 1/2
    expect(z.next(scripted([hi, lo]))).toBe(0.5 * zi.box[10]);
  });

  it('a point in the wedge is kept iff a fresh y below f(x) (else a new point is drawn)', () => {
    const i = 300;
    const w = zi.box[2 * i];
    const innerEdge = zi.box[2 * i + 1];
    // x halfway between the inner edge and the box's right end: in the wedge.
    const [hi21, lo21, u] = uniformBits((innerEdge / w + 1) / 2);
    const [hi, lo] = drawWords(i, hi21, lo21);
    const x = u * w;
    expect(x).toBeGreaterThan(innerEdge);
    // y = bottom + t height; find the t at which y crosses f(x), then script t just below and above it.
    const tCross = (Math.exp(-x) - zi.bottom[i]) / zi.height[i];
    expect(tCross).toBeGreaterThan(0.01);
    expect(tCross).toBeLessThan(0.99);
    const yWords = (t: number): [number, number] => {
      const [h, l] = uniformBits(t);
      return [h << 11, l];
    };
    // Accepted: the draw is x. Rejected: the next point (box 7, u = 0) is 0.
    const accept = z.next(scripted([hi, lo, ...yWords(tCross * 0.999), ...drawWords(7, 0, 0)]));
    const reject = z.next(scripted([hi, lo, ...yWords(tCross * 1.001 + 1e-9), ...drawWords(7, 0, 0)]));
    expect(accept).toBe(x);
    expect(reject).toBe(0);
  });

  it('a point of the base strip beyond r is replaced by r + Exp(1) from the tail', () => {
    const [hi, lo] = drawWords(0, (1 << 21) - 1, 0xffffffff); // u close to 1: x near v / f(r) > r
    // The tail draw uses U = 1/2 (hi21 = 2^20, lo = 0): r - ln(1/2 + 2^-53).
    const x = z.next(scripted([hi, lo, (1 << 20) << 11, 0]));
    expect(x).toBeCloseTo(zi.r + Math.LN2, 12);
  });

  it('uniform53 and openUniform53 put 21 + 32 bits together exactly', () => {
    expect(uniform53(scripted([0, 0]))).toBe(0);
    expect(uniform53(scripted([-1, -1]))).toBe(1 - 2 ** -53);
    expect(openUniform53(scripted([0, 0]))).toBe(2 ** -53);
    expect(openUniform53(scripted([-1, -1]))).toBe(1);
    expect(uniform53(scripted([1 << 31, 0]))).toBe(0.5);
  });
});

/** How many of n draws fall at or below q, counted without sorting. */
function countAtOrBelow(draws: Float64Array, q: number): number {
  let c = 0;
  for (let i = 0; i < draws.length; i++) if (draws[i] <= q) c++;
  return c;
}

describe('ziggurat draws against the exact distribution, 1,000,000 draws, quantiles 1e-5 to 1 - 1e-5', () => {
  const n = 1_000_000;
  const levels = [1e-5, 1e-4, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 0.9999, 0.99999];
  const cases: [string, Ziggurat, (p: number) => number, number, number][] = [
    // name, ziggurat, quantile, mean, variance (NaN: not checked)
    ['Exp(1)', unitExponentialZiggurat(), (p) => -Math.log1p(-p), 1, 1],
    ...[0.05, 0.5, 1.51, 3.35, 10, 100].map(
      (alpha): [string, Ziggurat, (p: number) => number, number, number] => [
        `Pareto(1, ${alpha}) - 1`,
        unitPareto(alpha),
        (p) => Math.expm1(-Math.log1p(-p) / alpha),
        alpha > 1 ? 1 / (alpha - 1) : NaN,
        alpha > 2.2 ? alpha / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : NaN,
      ],
    ),
  ];
  it.each(cases)('%s', (name, z, quantile, mean, variance) => {
    const draws = new Float64Array(n);
    z.fill(randomBits(deriveStream(2024, 1, name.length)), draws, 0, n, 1, 0);
    for (const p of levels) {
      const band = 4.5 * Math.sqrt((p * (1 - p)) / n) + 1 / n;
      expect(countAtOrBelow(draws, quantile(p)) / n, `${name}: P(X <= q(${p}))`).toBeGreaterThanOrEqual(
        p - band,
      );
      expect(countAtOrBelow(draws, quantile(p)) / n, `${name}: P(X <= q(${p}))`).toBeLessThanOrEqual(
        p + band,
      );
    }
    if (Number.isFinite(variance)) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += draws[i];
      expect(Math.abs(sum / n - mean), `${name}: mean`).toBeLessThanOrEqual(5 * Math.sqrt(variance / n));
    }
  });
});
