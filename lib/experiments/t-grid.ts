/**
 * The grid of read offsets after commit (ms) of the staleness experiment, as `--t` and sweep
 * files write it: `start:stop:step` or a comma list.
 */
import { ParameterError } from '../errors.js';

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
