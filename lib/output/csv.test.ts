import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { plainDecimal, toCsv } from './csv.js';

describe('plainDecimal', () => {
  it('writes exponent forms in plain decimal', () => {
    expect(plainDecimal(1e-7)).toBe('0.0000001');
    expect(plainDecimal(-2.5e-8)).toBe('-0.000000025');
    expect(plainDecimal(1.5e21)).toBe('1500000000000000000000');
    expect(plainDecimal(0.25)).toBe('0.25');
    expect(plainDecimal(Infinity)).toBe('inf');
    expect(plainDecimal(NaN)).toBe('');
  });
  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = plainDecimal(x);
        expect(text).not.toMatch(/e/i);
        expect(Number(text)).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});

describe('toCsv', () => {
  it('writes a header and rows that csv-parse reads back', () => {
    const text = toCsv(['latency', 'n', 'p'], [{ latency: 'mix(0.5:exp(1),0.5:const(2))', n: 3, p: 1e-9 }]);
    expect(text.split('\n')[0]).toBe('latency,n,p');
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(rows).toEqual([{ latency: 'mix(0.5:exp(1),0.5:const(2))', n: '3', p: '0.000000001' }]);
  });

  it('writes booleans as true and false (csv-stringify alone writes 1 and an empty cell)', () => {
    expect(toCsv(['sloppy', 'fencing', 'note'], [{ sloppy: true, fencing: false, note: null }])).toBe(
      'sloppy,fencing,note\ntrue,false,\n',
    );
  });
});
