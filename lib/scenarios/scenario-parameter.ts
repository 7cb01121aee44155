/**
 * A scenario's parameters: each maps one setting of a real system onto a model's config, with the
 * value used and where that value comes from (the reference entry's source, a lab default with
 * its reason, or arithmetic on documented values). Nothing is invented silently.
 */
import { systemReference } from './system-reference.js';

/** A parameter's value: a number, a text (a choice or a distribution in text form), or a flag. */
export type ParameterValue = number | string | boolean;

/** The values a scenario runs with, by parameter key. */
export type ScenarioValues = Record<string, ParameterValue>;

/** What values a parameter takes (checked on `--set`). */
export type ParameterKind =
  | { type: 'number'; min: number; max?: number; integer?: boolean; minExclusive?: boolean }
  | { type: 'choice'; allowed: readonly string[] }
  | { type: 'distribution'; noneAllowed: boolean }
  | { type: 'latency' }
  | { type: 'boolean' };

/**
 * Where a value comes from.
 * - `reference`: documented; `text` is the reference entry's `source`, `setting` the entry's key.
 * - `lab default`: the system documents no number; `text` says what the lab uses and why.
 * - `derived`: computed from documented values (`text` shows the arithmetic and the source).
 * - `--set`: the user's override.
 */
export interface ParameterSource {
  kind: 'reference' | 'lab default' | 'derived' | '--set';
  text: string;
  /** For `reference`: the system and setting, e.g. `patroni.ttl_s`. */
  setting?: string;
}

/** One parameter of a scenario. */
export interface ScenarioParameter {
  /** The `--set` key, snake_case with its unit (`ttl_s`, `write_rate_per_ms`). */
  key: string;
  /** The value the scenario uses unless overridden. */
  value: ParameterValue;
  /** What it means, in one line. */
  description: string;
  kind: ParameterKind;
  source: ParameterSource;
  /** The model config field(s) it sets (a model's refusal of the field is reported as `--set key`). */
  fields?: readonly string[];
}

/** The parameter fields besides value and source. */
export type ParameterShape = Omit<ScenarioParameter, 'value' | 'source'>;

/**
 * A documented parameter: its value is the reference's, its source the entry's `source` string.
 *
 * @example
 * documented('patroni', 'ttl_s', { key: 'ttl_s', description: 'leader lease', kind: { type: 'number', min: 1 } });
 * // value 30, source { kind: 'reference', setting: 'patroni.ttl_s', text: 'Patroni documentation, ...' }
 */
export function documented(
  system: string,
  setting: string,
  shape: ParameterShape,
  value?: ParameterValue,
): ScenarioParameter {
  const entry = systemReference(system);
  const documentedValue = value ?? entry[setting];
  if (!(
    typeof documentedValue === 'number' ||
    typeof documentedValue === 'string' ||
    typeof documentedValue === 'boolean'
  )) {
    throw new Error(
      `system-defaults.json: ${system}.${setting} has no scalar value; pass the value it documents`,
    );
  }
  return {
    ...shape,
    value: documentedValue,
    source: { kind: 'reference', setting: `${system}.${setting}`, text: entry.source },
  };
}

/**
 * A parameter the system documents no number for: the lab's value and why it was chosen.
 *
 * @example
 * labDefault(3, 'three nodes: the smallest majority-tolerant set', { key: 'nodes', ... });
 */
export function labDefault(value: ParameterValue, why: string, shape: ParameterShape): ScenarioParameter {
  return { ...shape, value, source: { kind: 'lab default', text: why } };
}

/**
 * A parameter computed from documented values (the arithmetic in `how`).
 *
 * @example
 * derived(2, 'QUORUM = floor(3/2) + 1 (cassandra: ...)', { key: 'w', ... });
 */
export function derived(value: ParameterValue, how: string, shape: ParameterShape): ScenarioParameter {
  return { ...shape, value, source: { kind: 'derived', text: how } };
}

/** The default values of a parameter list, by key. */
export function defaultValues(parameters: readonly ScenarioParameter[]): ScenarioValues {
  return Object.fromEntries(parameters.map((p) => [p.key, p.value]));
}

/** A short text form of a source: `reference (patroni.ttl_s: Patroni documentation, ...)`, `lab default: ...`. */
export function sourceText(source: ParameterSource): string {
  if (source.kind === 'reference') return `reference ${source.setting}: ${source.text}`;
  return `${source.kind}: ${source.text}`;
}
