import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { constant } from './constant.js';
import type { LatencyDistribution } from './distribution.js';
import { empirical } from './empirical.js';
import { exponential } from './exponential.js';
import { lognormal } from './lognormal.js';
import { mixture } from './mixture.js';
import { pareto } from './pareto.js';
import { parseLatency } from './parse.js';
import { shifted } from './shifted.js';
import { empiricalFromFile } from './trace-file.js';
import { truncatedNormal } from './truncated-normal.js';
import { uniform } from './uniform.js';

const TRACE = 'data/latency/example-trace.csv';
const dir = mkdtempSync(join(tmpdir(), 'replilab-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the documented text forms', () => {
  it.each([
    ['exp(0.183)', 'exp(0.183)'],
    ['pareto(1.05,1.51)', 'pareto(1.05,1.51)'],
    ['mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))', 'mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))'],
    ['const(75)+exp(0.2)', 'const(75)+exp(0.2)'],
    [`file:${TRACE}`, `file:${TRACE}`],
    ['const(75)', 'const(75)'],
    ['uniform(1,5)', 'uniform(1,5)'],
    ['normal(5,2)', 'normal(5,2)'],
    ['lognormal(0,1)', 'lognormal(0,1)'],
    ['empirical(3, 1, 2)', 'empirical(1,2,3)'],
    // whitespace, bare numbers, constants on either side, exponents, signs
    [
      ' mix( 0.38 : pareto( 1.05 , 1.51 ) ,\t0.62:exp(0.183) ) ',
      'mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))',
    ],
    ['75', 'const(75)'],
    ['75 + exp(0.2)', 'const(75)+exp(0.2)'],
    ['exp(0.2) + const(75)', 'const(75)+exp(0.2)'],
    ['1 + 2 + exp(1)', 'const(3)+exp(1)'],
    ['const(1)+const(2)', 'const(3)'],
    ['exp(1.83e-1)', 'exp(0.183)'],
    ['exp(+.5)', 'exp(0.5)'],
    ['const(1e21)', 'const(1e+21)'],
    ['normal(-3,1)', 'normal(-3,1)'],
    [
      'mix(0.5:const(75)+exp(0.2), 0.5:mix(0.5:exp(1),0.5:exp(2)))',
      'mix(0.5:const(75)+exp(0.2),0.5:mix(0.5:exp(1),0.5:exp(2)))',
    ],
    [`mix(0.5:file:${TRACE}, 0.5:exp(1))`, `mix(0.5:file:${TRACE},0.5:exp(1))`],
    [`const(2) + file: ${TRACE}  `, `const(2)+file:${TRACE}`],
  ])('%s reads as %s', (text, canonical) => {
    const d = parseLatency(text);
    expect(d.toString()).toBe(canonical);
    expect(parseLatency(canonical).toString()).toBe(canonical);
  });

  it('builds what the factories build', () => {
    const d = parseLatency('mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))');
    const e = mixture([
      { weight: 0.38, distribution: pareto(1.05, 1.51) },
      { weight: 0.62, distribution: exponential(0.183) },
    ]);
    expect(d.kind).toBe('mix');
    expect(d.mean()).toBe(e.mean());
    for (const p of [0.1, 0.5, 0.99]) expect(d.quantile(p)).toBe(e.quantile(p));
    expect(parseLatency('const(75)+exp(0.2)').mean()).toBe(80);
    expect(parseLatency(`file:${TRACE}`).mean()).toBe(empiricalFromFile(TRACE).mean());
  });

  it('reads a quoted path, and writes one where the plain form would be cut short', () => {
    const path = join(dir, 'a,b+c (1).csv');
    writeFileSync(path, '1\n2\n3\n');
    const d = empiricalFromFile(path);
    expect(d.toString()).toBe(`file:${JSON.stringify(path)}`);
    const again = parseLatency(`mix(0.5:${d}, 0.5:exp(1))`);
    expect(again.toString()).toBe(`mix(0.5:${d},0.5:exp(1))`);
    expect(again.mean()).toBe(0.5 * 2 + 0.5 * 1);
  });
});

/** A generated distribution tree, built with the factories (not the parser). */
const number = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const leaf: fc.Arbitrary<LatencyDistribution> = fc.oneof(
  number(0, 1e3).map(constant),
  fc.tuple(number(0, 100), number(1e-6, 100)).map(([low, width]) => uniform(low, low + width)),
  number(1e-6, 1e3).map(exponential),
  fc.tuple(number(-50, 50), number(1e-3, 20)).map(([mu, sigma]) => truncatedNormal(mu, sigma)),
  fc.tuple(number(-5, 5), number(1e-3, 3)).map(([mu, sigma]) => lognormal(mu, sigma)),
  fc.tuple(number(1e-3, 100), number(0.1, 20)).map(([xm, alpha]) => pareto(xm, alpha)),
  fc.array(number(0, 1e3), { minLength: 2, maxLength: 6 }).map(empirical),
  fc.constant(TRACE).map((path) => empiricalFromFile(path)),
);
const tree = fc.letrec<{ node: LatencyDistribution }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(number(0, 1e3), tie('node')).map(([offset, d]) => shifted(offset, d)),
    fc
      .array(fc.tuple(fc.integer({ min: 1, max: 1000 }), tie('node')), { minLength: 1, maxLength: 3 })
      .map((parts) => {
        const total = parts.reduce((s, [k]) => s + k, 0);
        return mixture(parts.map(([k, d]) => ({ weight: k / total, distribution: d })));
      }),
  ),
})).node;

describe('round trip: parseLatency(d.toString()) is d', () => {
  it('same text, mean, quantiles and cdf for generated distribution trees', () => {
    fc.assert(
      fc.property(tree, (d) => {
        const text = d.toString();
        const back = parseLatency(text);
        expect(back.toString()).toBe(text);
        expect(back.kind).toBe(d.kind);
        expect(Object.is(back.mean(), d.mean())).toBe(true);
        for (const p of [0, 0.05, 0.5, 0.95, 1]) {
          const q = d.quantile(p);
          expect(Object.is(back.quantile(p), q)).toBe(true);
          if (Number.isFinite(q)) expect(Object.is(back.cdf(q), d.cdf(q))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** The refusal of `text`, checked to be a one-line ParameterError naming --latency and the text. */
function refusal(text: string): ParameterError {
  let error: unknown;
  try {
    parseLatency(text, '--latency');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ParameterError);
  const p = error as ParameterError;
  expect(p.parameter).toBe('--latency');
  expect(p.given).toBe(JSON.stringify(text));
  expect(p.message.startsWith(`--latency: got ${JSON.stringify(text)}; allowed: `)).toBe(true);
  expect(p.message).not.toMatch(/[\r\n]/);
  return p;
}

describe('refusals: one line, naming the parameter, the text and the reason', () => {
  const grammar =
    'a distribution such as exp(0.183), pareto(1.05,1.51), mix(0.38:pareto(1.05,1.51),0.62:exp(0.183)), const(75)+exp(0.2) or file:PATH';

  it('gives the whole message for a missing parenthesis', () => {
    expect(refusal('exp(0.1').message).toBe(
      `--latency: got "exp(0.1"; allowed: ${grammar} (at column 8, the end of the text: missing ")" to close exp()`,
    );
  });

  it('names the parameter it is given, and "latency" by default', () => {
    expect(() => parseLatency('exp(')).toThrow(/^latency: got "exp\("; /);
    expect(() => parseLatency('exp(', 'legs.W')).toThrow(/^legs\.W: got "exp\("; /);
  });

  it.each([
    // malformed text
    ['', 'the text is empty'],
    ['   ', 'the text is empty'],
    ['exp 0.1', 'at column 5: expected "(" after exp, got "0.1"'],
    ['exp(0.1))', 'at column 9: expected "+" or the end of the text, got ")"'],
    ['exp()', 'at column 5: expected an argument of exp, got ")"'],
    ['exp(1,2)', 'at column 1: exp(rate) takes 1 argument, got 2'],
    ['pareto(1)', 'at column 1: pareto(xm,alpha) takes 2 arguments, got 1'],
    ['exp(1) x', 'at column 8: expected "+" or the end of the text, got "x"'],
    ['1 2', 'at column 3: expected "+" or the end of the text, got "2"'],
    ['exp(1)@', 'at column 7: unexpected "@"'],
    ['exp(1)+', 'at column 8, the end of the text: expected a distribution, got the end of the text'],
    ['mix()', 'at column 5: expected a weight (as in 0.38:exp(0.183)), got ")"'],
    ['mix(0.5 exp(1))', 'at column 9: expected ":" after the weight, got "exp"'],
    ['mix(0.5:exp(1),0.5:exp(2)', 'at column 26, the end of the text: missing ")" to close mix('],
    ['file:', 'at column 1: missing path after file:'],
    ['file:"a.csv', 'at column 6: unterminated quoted path after file:'],
    ['exp(0.1)\n+x', 'at column 11: unknown distribution "x"'],
    // unknown names list the known ones
    [
      'foo(1)',
      'at column 1: unknown distribution "foo"; known: const, uniform, exp, normal, lognormal, pareto, empirical, mix, file:PATH',
    ],
    ['lnkd-ssd', 'unknown distribution "lnkd-ssd"; known: const'],
    ['toString(1)', 'at column 1: unknown distribution "toString"'],
    // only a constant can be added
    [
      'exp(0.1)+exp(0.2)',
      'at column 9: only a constant can be added to a distribution (write const(c)+D or c+D), got exp(0.1)+exp(0.2)',
    ],
    ['mix(1:exp(1))+pareto(1,2)', 'only a constant can be added to a distribution'],
  ])('%j: %s', (text, reason) => {
    const error = refusal(text);
    expect(error.allowed.startsWith(grammar)).toBe(true);
    expect(error.allowed).toContain(reason);
  });

  it.each([
    // refused arguments, blamed at their column
    ['exp(-1)', 'exp(rate) must be a finite number > 0 (got -1 at column 5)'],
    ['exp(NaN)', 'exp(rate) must be a finite number > 0 (got NaN at column 5)'],
    ['exp(0)', 'exp(rate) must be a finite number > 0 (got 0 at column 5)'],
    ['pareto(1, Infinity)', 'pareto(alpha) must be a finite number > 0 (got Infinity at column 11)'],
    ['pareto(-1,2)', 'pareto(xm) must be a finite number > 0 (got -1 at column 8)'],
    ['normal(5,0)', 'normal(sigma) must be a finite number > 0 (got 0 at column 10)'],
    ['normal(-Infinity,1)', 'normal(mu) must be a finite number (got -Infinity at column 8)'],
    ['lognormal(0,-1)', 'lognormal(sigma) must be a finite number > 0 (got -1 at column 13)'],
    ['uniform(5,1)', 'uniform(high) must be a finite number > low (5) (got 1 at column 11)'],
    ['const(-2)', 'const(value) must be a finite number >= 0 (got -2 at column 7)'],
    ['-3', 'const(value) must be a finite number >= 0 (got -3 at column 1)'],
    ['empirical(1)', 'empirical(samples) must be at least 2 delays in ms (got 1 sample(s) at column 1)'],
    // weights
    [
      'mix(0.5:exp(1),0.6:exp(2))',
      'mix(weights) must be weights that sum to 1 (within 1e-9) (got 0.5+0.6 = 1.1 at column 1)',
    ],
    [
      'mix(0.3:exp(1),0.3:exp(2))',
      'mix(weights) must be weights that sum to 1 (within 1e-9) (got 0.3+0.3 = 0.6 at column 1)',
    ],
    ['mix(-0.5:exp(1),1.5:exp(2))', 'mix(weight) must be a finite number > 0 (got -0.5 at column 1)'],
    ['mix(1:exp(1),0:exp(2))', 'mix(weight) must be a finite number > 0 (got 0 at column 1)'],
    ['const(1)+mix(1:exp(-2))', 'exp(rate) must be a finite number > 0 (got -2 at column 20)'],
  ])('%j: %s', (text, allowed) => {
    expect(refusal(text).allowed).toBe(allowed);
  });

  it('refuses missing, empty and non-numeric trace files, naming the text', () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const words = join(dir, 'words.csv');
    writeFileSync(words, 'latency_ms\n0.5\n0.7\nslow\n');
    const missing = join(dir, 'missing.csv');
    expect(refusal(`file:${missing}`).allowed).toMatch(
      /^file must be a CSV file .*\(no such file\) \(got ".*missing\.csv" at column 1\)$/,
    );
    expect(refusal(`file:${empty}`).allowed).toContain('(the file is empty)');
    expect(refusal(`const(1)+file:${words}`).allowed).toMatch(
      /\(line 4: "slow" is not a number\) \(got ".*words\.csv" at column 10\)$/,
    );
  });
});
