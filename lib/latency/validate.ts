import { ParameterError } from '../errors.js';
import type { LatencyDistribution } from './distribution.js';

// Argument checks shared by the distribution factories. Each names the argument the way the text
// form writes it (e.g. `exp(rate)`), so a refusal reads like the text the user typed.

/**
 * Refuses NaN and +-Infinity.
 *
 * @example
 * requireFinite('normal(mu)', 5); // 5
 */
export function requireFinite(parameter: string, value: number): number {
  if (!Number.isFinite(value)) throw new ParameterError(parameter, String(value), 'a finite number');
  return value;
}

/**
 * Refuses anything but a finite number > 0.
 *
 * @example
 * requirePositive('exp(rate)', -1); // throws "exp(rate): got -1; allowed: a finite number > 0"
 */
export function requirePositive(parameter: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new ParameterError(parameter, String(value), 'a finite number > 0');
  return value;
}

/**
 * Refuses anything but a finite number >= 0.
 *
 * @example
 * requireNonNegative('const(value)', 75); // 75
 */
export function requireNonNegative(parameter: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0))
    throw new ParameterError(parameter, String(value), 'a finite number >= 0');
  return value;
}

/**
 * Refuses a quantile level outside [0, 1] (or NaN); `distribution` is named by its text form.
 *
 * @example
 * requireProbability(exponential(0.5), 2); // throws "exp(0.5).quantile(p): got 2; allowed: a probability from 0 to 1"
 */
export function requireProbability(distribution: LatencyDistribution, p: number): number {
  if (!(p >= 0 && p <= 1))
    throw new ParameterError(`${String(distribution)}.quantile(p)`, String(p), 'a probability from 0 to 1');
  return p;
}
