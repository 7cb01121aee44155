import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveStream, randomBits, type RandomStream } from './stream.js';

const draw = (seed: number, cell: number, batch: number, count = 8) => {
  const rng = deriveStream(seed, cell, batch);
  return Array.from({ length: count }, () => rng.nextDouble());
};

describe('deriveStream', () => {
  it('gives the same numbers for the same (seed, cell, batch)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (seed, cell, batch) => {
        expect(draw(seed, cell, batch)).toEqual(draw(seed, cell, batch));
      }),
    );
  });

  it('gives unrelated streams for neighbouring triples', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      for (let cell = 0; cell < 20; cell++) {
        for (let batch = 0; batch < 20; batch++) seen.add(draw(seed, cell, batch, 1)[0]);
      }
    }
    expect(seen.size).toBe(8000);
  });

  it('pins the first draws, so a change of generator or seeding is noticed', () => {
    const rng = deriveStream(1, 0, 0);
    const first = [rng.nextDouble(), rng.nextDouble()];
    // Recorded from this implementation (pure-rand 8 xoroshiro128+, fmix32 seeding): results in
    // data/ and in notes depend on these streams, so a change here must be deliberate.
    expect(first).toEqual([0.8638175072604056, 0.0017299955139513656]);
  });

  it('draws uniforms: doubles in [0, 1), open doubles in (0, 1], integers in [0, n)', () => {
    const rng = deriveStream(7);
    const n = 200000;
    let below = 0;
    const counts = new Array(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng.nextDouble();
      const v = rng.nextOpenDouble();
      if (!(u >= 0 && u < 1) || !(v > 0 && v <= 1)) throw new Error(`out of range: ${u}, ${v}`);
      if (u < 0.25) below++;
      counts[rng.nextInt(10)]++;
    }
    // Binomial 4.5-sigma bands.
    expect(Math.abs(below / n - 0.25)).toBeLessThan(4.5 * Math.sqrt((0.25 * 0.75) / n));
    for (const c of counts) expect(Math.abs(c / n - 0.1)).toBeLessThan(4.5 * Math.sqrt((0.1 * 0.9) / n));
  });

  it('refuses seeds that are not whole numbers', () => {
    expect(() => deriveStream(-1)).toThrow(/seed/);
    expect(() => deriveStream(1.5)).toThrow(/seed/);
  });
});

describe('raw words of a derived stream', () => {
  it('are the generator words nextDouble is made of (pure-rand uniformFloat64: low 26 and 27 bits)', () => {
    const words = randomBits(deriveStream(5, 6, 7));
    const doubles = deriveStream(5, 6, 7);
    for (let i = 0; i < 1000; i++) {
      const a = words.nextInt32();
      const b = words.nextInt32();
      expect(Number.isInteger(a) && a >= -(2 ** 31) && a < 2 ** 31).toBe(true);
      expect(doubles.nextDouble()).toBe((a & 0x3ffffff) * 2 ** -26 + (b & 0x7ffffff) * 2 ** -53);
    }
  });

  it('randomBits returns a derived stream itself, and adapts any other stream', () => {
    const rng = deriveStream(1);
    expect(randomBits(rng)).toBe(rng);
    let x = 0;
    const foreign: RandomStream = {
      nextDouble: () => (x = (x + 0.3819660112501051) % 1),
      nextOpenDouble: () => 1 - x,
      nextInt: (n) => Math.floor(x * n),
    };
    const bits = randomBits(foreign);
    const seen = Array.from({ length: 100 }, () => bits.nextInt32());
    for (const w of seen) expect(Number.isInteger(w) && w >= -(2 ** 31) && w < 2 ** 31).toBe(true);
    expect(new Set(seen).size).toBe(100);
    expect(randomBits(bits)).toBe(bits);
  });
});
