import { ParameterError } from '../errors.js';
import { parseWholeNumber } from './parse-values.js';

/**
 * How one flag sets one config field: `number` (any finite number; ranges are the config's to
 * check), `whole` (digits only), `text` (as given), `range` (`MIN-MAX`, to a [min, max] pair).
 */
export interface FlagField {
  /** The flag as users type it, e.g. `--election-timeout`. */
  flag: string;
  /** The config field it sets, e.g. `electionTimeoutMs`. */
  field: string;
  kind: 'number' | 'whole' | 'text' | 'range';
}

/**
 * A flag table from field kinds: each field's flag is its name in kebab case without a trailing
 * `Ms` (`electionTimeoutMs` -> `--election-timeout`), unless `rename` gives another.
 *
 * @example
 * flagTable({ heartbeatMs: 'number', ratePerMs: 'number' }, { ratePerMs: '--rate' });
 * // [{ flag: '--heartbeat', field: 'heartbeatMs', kind: 'number' }, { flag: '--rate', field: 'ratePerMs', kind: 'number' }]
 */
export function flagTable(
  kinds: Record<string, FlagField['kind']>,
  rename: Record<string, string> = {},
): FlagField[] {
  return Object.entries(kinds).map(([field, kind]) => ({
    flag: rename[field] ?? `--${field.replace(/Ms$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    field,
    kind,
  }));
}

/** {@link configFromFlags} and the `--seed` flag (default 1). */
export function runFromFlags<C extends object>(
  flags: Record<string, unknown>,
  fields: readonly FlagField[],
  validate: (config: Partial<C>) => unknown,
): { config: Partial<C>; seed: number } {
  const config = configFromFlags<C>(flags, fields, validate);
  const seed = flags.seed === undefined ? 1 : parseWholeNumber('--seed', String(flags.seed), 0);
  return { config, seed };
}

/** `--write-rate` -> `writeRate`: the key commander stores a flag's value under. */
function flagKey(flag: string): string {
  return flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function parseNumber(flag: string, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text.trim());
  if (!Number.isFinite(value)) throw new ParameterError(flag, JSON.stringify(text), 'a number');
  return value;
}

/**
 * Builds a config from commander's flag values, then runs `validate` on it; a ParameterError
 * naming a config field is renamed to the flag that set it (or, for a default that does not fit
 * the other flags, the flag that would change it), with the text the user typed.
 *
 * @example
 * const config = configFromFlags(flags, [{ flag: '--heartbeat', field: 'heartbeatMs', kind: 'number' }], validateFailoverConfig);
 */
export function configFromFlags<C extends object>(
  flags: Record<string, unknown>,
  fields: readonly FlagField[],
  validate: (config: Partial<C>) => unknown,
): Partial<C> {
  const config: Record<string, unknown> = {};
  const given = new Map<string, string>();
  for (const { flag, field, kind } of fields) {
    const text = flags[flagKey(flag)];
    if (text === undefined) continue;
    if (typeof text === 'boolean') {
      config[field] = text;
      continue;
    }
    const raw = String(text);
    given.set(field, JSON.stringify(raw));
    if (kind === 'text') config[field] = raw;
    else if (kind === 'whole') config[field] = parseWholeNumber(flag, raw, 0);
    else if (kind === 'number') config[field] = parseNumber(flag, raw);
    else {
      const m = /^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$/.exec(raw);
      if (m === null) throw new ParameterError(flag, JSON.stringify(raw), 'MIN-MAX in ms, e.g. 150-300');
      config[field] = [parseNumber(flag, m[1]), parseNumber(flag, m[2])];
    }
  }
  try {
    validate(config as Partial<C>);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    const spec = fields.find((f) => f.field === error.parameter);
    if (spec === undefined) throw error;
    const text = given.get(spec.field);
    throw new ParameterError(spec.flag, text ?? `${error.given} (the default)`, error.allowed);
  }
  return config as Partial<C>;
}

/** Formats a number of ms for summaries (null: n/a). */
export function msText(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}
