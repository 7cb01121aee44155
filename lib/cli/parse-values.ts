import { ParameterError } from '../errors.js';

/** Parses a whole number option (e.g. `--n 3`), naming the flag on error. */
export function parseWholeNumber(
  flag: string,
  text: string,
  minimum = 0,
  maximum = Number.MAX_SAFE_INTEGER,
): number {
  const trimmed = text.trim();
  // Plain digits or exponent form (1e6), and nothing else: no signs, no hex, no empty string.
  const value = /^[0-9]+(\.[0-9]+)?(e[0-9]+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    const range = maximum === Number.MAX_SAFE_INTEGER ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new ParameterError(flag, JSON.stringify(text), `a whole number ${range}`);
  }
  return value;
}

function parseFiniteNumber(flag: string, whole: string, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value))
    throw new ParameterError(
      flag,
      JSON.stringify(whole),
      'start:stop:step or a comma list of numbers (ms), e.g. 0:200:1 or 0,1,5,10',
    );
  return value;
}

/** Largest number of read offsets one curve may have. */
export const MAX_T_POINTS = 100000;

/**
 * Parses read offsets: `start:stop:step` (stop included when the steps land on it) or a comma list.
 * Points are rounded to 12 significant digits so 0:1:0.1 gives 0.3, not 0.30000000000000004.
 *
 * @example
 * parseTGrid('--t', '0:10:5'); // [0, 5, 10]
 * parseTGrid('--t', '0,1,10'); // [0, 1, 10]
 */
export function parseTGrid(flag: string, text: string): number[] {
  let points: number[];
  if (text.includes(':')) {
    const parts = text.split(':');
    if (parts.length !== 3)
      throw new ParameterError(flag, JSON.stringify(text), 'start:stop:step, e.g. 0:200:1');
    const [start, stop, step] = parts.map((part) => parseFiniteNumber(flag, text, part));
    if (step <= 0) throw new ParameterError(flag, JSON.stringify(text), 'a step > 0 in start:stop:step');
    if (stop < start)
      throw new ParameterError(flag, JSON.stringify(text), 'stop >= start in start:stop:step');
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    if (count > MAX_T_POINTS)
      throw new ParameterError(flag, JSON.stringify(text), `at most ${MAX_T_POINTS} points`);
    points = Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
  } else {
    points = text.split(',').map((part) => parseFiniteNumber(flag, text, part));
    if (points.length > MAX_T_POINTS)
      throw new ParameterError(flag, JSON.stringify(text), `at most ${MAX_T_POINTS} points`);
  }
  points.forEach((t, i) => {
    if (t < 0) throw new ParameterError(flag, JSON.stringify(text), 'offsets >= 0 ms');
    if (i > 0 && t <= points[i - 1])
      throw new ParameterError(flag, JSON.stringify(text), 'strictly ascending offsets');
  });
  return points;
}

/** Parses a comma list of figure formats. */
export function parseFormats(flag: string, text: string): ('svg' | 'png')[] {
  const formats = text
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  if (formats.length === 0 || formats.some((f) => f !== 'svg' && f !== 'png')) {
    throw new ParameterError(flag, JSON.stringify(text), 'a comma list of svg, png');
  }
  return [...new Set(formats)] as ('svg' | 'png')[];
}
