import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveStream } from '../random/index.js';
import { Clocks } from './clock.js';

describe('Clocks', () => {
  it('maps true time to local time and back', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        (offset, drift, t) => {
          const clocks = new Clocks(2);
          clocks.set(1, offset, drift);
          const local = clocks.local(1, t);
          expect(local).toBeCloseTo(offset + (1 + drift) * t, 6);
          expect(clocks.toTrue(1, local)).toBeCloseTo(t, 4);
          expect(clocks.localDuration(1, clocks.trueDuration(1, t))).toBeCloseTo(t, 4);
          // Node 0 keeps the perfect clock.
          expect(clocks.local(0, t)).toBe(t);
        },
      ),
    );
  });

  it('computes a worked example', () => {
    const clocks = new Clocks(3);
    clocks.set(1, 20, 1e-4);
    expect(clocks.local(1, 1000)).toBeCloseTo(1020.1, 9);
    expect(clocks.trueDuration(1, 100)).toBeCloseTo(99.990001, 6);
    expect(clocks.offset(1)).toBe(20);
    expect(clocks.drift(1)).toBeCloseTo(1e-4, 12);
  });

  it('randomizes within bounds, deterministically, and resets', () => {
    const a = new Clocks(50);
    const b = new Clocks(50);
    a.randomize(deriveStream(3), 10, 1e-3);
    b.randomize(deriveStream(3), 10, 1e-3);
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(a.offset(i))).toBeLessThanOrEqual(10);
      expect(Math.abs(a.drift(i))).toBeLessThanOrEqual(1e-3);
      expect(a.local(i, 500)).toBe(b.local(i, 500));
    }
    a.reset();
    expect(a.local(7, 500)).toBe(500);
  });

  it('refuses clocks that cannot be inverted', () => {
    const clocks = new Clocks(1);
    expect(() => clocks.set(0, 0, -1)).toThrow(RangeError);
    expect(() => clocks.set(0, NaN)).toThrow(RangeError);
    expect(() => clocks.set(1, 0)).toThrow(RangeError);
  });
});
