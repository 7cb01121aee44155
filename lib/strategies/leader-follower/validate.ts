/**
 * Field checks shared by the leader-follower configs: each refuses a bad value with a
 * ParameterError naming the field (the CLI renames fields to its flags).
 */
import { ParameterError } from '../../errors.js';
import { parseLatency, type LatencyDistribution } from '../../latency/index.js';

/** An integer in [min, max]. */
export function wholeField(field: string, value: unknown, min: number, max = 2 ** 31 - 1): number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new ParameterError(
      field,
      String(value),
      max === 2 ** 31 - 1 ? `an integer >= ${min}` : `an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/** A finite number > 0 (`allowZero`: >= 0). */
export function positiveField(field: string, value: unknown, what = 'ms', allowZero = false): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0))) {
    throw new ParameterError(
      field,
      String(value),
      `a finite number of ${what} ${allowZero ? '>= 0' : '> 0'}`,
    );
  }
  return value;
}

/** A distribution in text form. */
export function distributionField(field: string, value: unknown): LatencyDistribution {
  if (typeof value !== 'string')
    throw new ParameterError(field, String(value), 'a distribution in text form, e.g. exp(1) or const(2)');
  return parseLatency(value, field);
}

/** One of the allowed strings. */
export function choiceField<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw new ParameterError(field, String(value), allowed.map((a) => `'${a}'`).join(', '));
  return value as T;
}

/** Refuses fields the defaults do not know. */
export function refuseUnknownFields(config: object, defaults: object): void {
  if (config === null || typeof config !== 'object')
    throw new ParameterError('config', String(config), 'a config object');
  for (const key of Object.keys(config)) {
    if (!Object.hasOwn(defaults, key))
      throw new ParameterError(key, 'an unknown field', Object.keys(defaults).join(', '));
  }
}
