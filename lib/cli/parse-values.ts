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

export { MAX_T_POINTS, parseTGrid } from '../experiments/t-grid.js';

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
