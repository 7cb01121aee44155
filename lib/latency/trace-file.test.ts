import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { deriveStream } from '../random/index.js';
import { empirical } from './empirical.js';
import { latencyPreset } from './presets.js';
import { empiricalFromFile, fileTerm } from './trace-file.js';

const dir = mkdtempSync(join(tmpdir(), 'replilab-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes `content` to a fresh file and returns its path. */
function file(content: string): string {
  const path = join(dir, `trace-${counter++}.csv`);
  writeFileSync(path, content);
  return path;
}

describe('reading a trace', () => {
  it.each([
    ['no header: the first column', '0.5\n1.5\n1\n', [0.5, 1, 1.5]],
    ['a header latency_ms', 'latency_ms\n2\n1\n', [1, 2]],
    ['the latency_ms column among others', 'timestamp,latency_ms\n100,2\n101,1\n102,3\n', [1, 2, 3]],
    ['a column named latency (any case)', 'ts,Latency\n100,5\n101,4\n', [4, 5]],
    ['a column named ms', 'host,ms\na,5\nb,4\n', [4, 5]],
    ['latency_ms preferred to ms', 'ms,latency_ms\n9,5\n9,4\n', [4, 5]],
    ['an unknown header: the first column', 'delay,host\n3,a\n4,b\n', [3, 4]],
    [
      'blank lines, spaces, CRLF, a BOM and exponents',
      '\ufefflatency_ms\r\n 1e-1 \r\n\r\n0.2\r\n',
      [0.1, 0.2],
    ],
    ['quoted cells', '"latency_ms"\n"1.5"\n"2.5"\n', [1.5, 2.5]],
  ])('%s', (_what, content, sorted) => {
    const path = file(content);
    const d = empiricalFromFile(path);
    const expected = empirical(sorted);
    expect(d.toString()).toBe(`file:${path}`);
    expect(d.kind).toBe('empirical');
    expect(d.mean()).toBe(expected.mean());
    for (const p of [0, 0.3, 0.5, 1]) expect(d.quantile(p)).toBe(expected.quantile(p));
  });

  it('keeps a relative path as given in its text form', () => {
    expect(empiricalFromFile('data/latency/example-trace.csv').toString()).toBe(
      'file:data/latency/example-trace.csv',
    );
  });

  it('quotes only paths the text-form parser would cut short', () => {
    expect(fileTerm('data/x.csv')).toBe('file:data/x.csv');
    expect(fileTerm('C:\\traces\\x y.csv')).toBe('file:C:\\traces\\x y.csv');
    expect(fileTerm('a,b.csv')).toBe('file:"a,b.csv"');
    expect(fileTerm('a+b.csv')).toBe('file:"a+b.csv"');
    expect(fileTerm('x).csv')).toBe('file:"x).csv"');
    expect(fileTerm(' x.csv')).toBe('file:" x.csv"');
    expect(fileTerm('"x".csv')).toBe('file:"\\"x\\".csv"');
  });
});

/** The refusal of reading `path`, checked to be a one-line ParameterError naming `parameter` and the path. */
function refusal(path: string, parameter?: string): ParameterError {
  let error: unknown;
  try {
    if (parameter === undefined) empiricalFromFile(path);
    else empiricalFromFile(path, parameter);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ParameterError);
  const p = error as ParameterError;
  expect(p.parameter).toBe(parameter ?? 'file');
  expect(p.given).toBe(JSON.stringify(path));
  expect(p.message).not.toMatch(/[\r\n]/);
  return p;
}

describe('refusals', () => {
  const allowed =
    'a CSV file of delays in ms, one per row, in the first column or under a header latency_ms, latency or ms';

  it('gives the whole message for a missing file', () => {
    const path = join(dir, 'nope.csv');
    expect(refusal(path).message).toBe(
      `file: got ${JSON.stringify(path)}; allowed: ${allowed} (no such file)`,
    );
  });

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['blank lines only', '\n\n  \n', 'the file is empty'],
    ['a header only', 'latency_ms\n', 'no samples after the header'],
    ['one sample', 'latency_ms\n3\n', 'only 1 sample; at least 2 are needed'],
    [
      'a word, with its line (blank lines counted)',
      'latency_ms\n1\n\n2\nfast\n',
      'line 5: "fast" is not a number',
    ],
    ['hex is not a plain number', '1\n0x10\n', 'line 2: "0x10" is not a number'],
    ['Infinity is not a plain number', '1\nInfinity\n', 'line 2: "Infinity" is not a number'],
    ['a negative delay', 'latency_ms\n1\n-0.5\n', 'line 3: -0.5 is negative'],
    ['an overflowing value', '1\n1e400\n', 'line 2: 1e400 is out of range'],
    ['a short row', 'ts,latency_ms\n1,2\n3\n', 'line 3: no value in column "latency_ms"'],
    ['an empty cell without a header', '1\n,4\n', 'line 2: no value in column 1'],
    ['broken quoting', '1\n"2\n', 'not valid CSV: Quote Not Closed'],
  ])('%s', (_what, content, reason) => {
    expect(refusal(file(content)).allowed).toContain(`(${reason}`);
  });

  it('a directory', () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect(refusal(sub).allowed).toContain('(it is a directory)');
  });

  it('names the parameter it is given', () => {
    expect(refusal(file(''), '--trace').message.startsWith('--trace: got ')).toBe(true);
  });
});

describe('data/latency/example-trace.csv', () => {
  it('is what its README says: 2000 draws of the lnkd-ssd W leg, stream (1, 0, 0), rounded to 3 decimals', () => {
    const w = latencyPreset('lnkd-ssd').legs.W;
    const rng = deriveStream(1, 0, 0);
    const rows = ['latency_ms'];
    for (let i = 0; i < 2000; i++) rows.push(String(Math.round(w.sample(rng) * 1000) / 1000));
    expect(readFileSync('data/latency/example-trace.csv', 'utf8')).toBe(`${rows.join('\n')}\n`);
  });
});
