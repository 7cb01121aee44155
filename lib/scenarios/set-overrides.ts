/**
 * `--set key=value` overrides of a scenario's parameters, checked against each parameter's kind
 * before any work: an unknown key or a bad value is refused in one line naming `--set key`.
 */
import { ParameterError } from '../errors.js';
import { latencyPresetNames, parseLatency, resolveLatency } from '../latency/index.js';
import type { ParameterValue, ScenarioParameter, ScenarioValues } from './scenario-parameter.js';
import type { SystemScenario } from './system-scenario.js';

/** The flag name an override is reported under. */
export function setFlag(key: string): string {
  return `--set ${key}`;
}

function allowedText(p: ScenarioParameter): string {
  const k = p.kind;
  if (k.type === 'choice') return k.allowed.join(', ');
  if (k.type === 'boolean') return 'true or false';
  if (k.type === 'latency')
    return `a latency preset (${latencyPresetNames().join(', ')}) or a distribution, e.g. exp(1)`;
  if (k.type === 'distribution')
    return `a distribution in text form, e.g. exp(1), const(2), uniform(0,50)${k.noneAllowed ? ', or none' : ''}`;
  const what = k.integer ? 'an integer' : 'a number';
  const low = `${k.minExclusive ? '>' : '>='} ${k.min}`;
  return k.max === undefined ? `${what} ${low}` : `${what} ${low} and <= ${k.max}`;
}

/**
 * Checks one value against a parameter's kind (from `--set` text, or a value given in code).
 *
 * @example
 * parseParameterValue(ttlParameter, '20'); // 20
 * parseParameterValue(ttlParameter, 'x');  // throws "--set ttl_s: got "x"; allowed: a number >= 1"
 */
export function parseParameterValue(p: ScenarioParameter, raw: string | ParameterValue): ParameterValue {
  const flag = setFlag(p.key);
  const given = JSON.stringify(raw);
  const k = p.kind;
  const refuse = (): never => {
    throw new ParameterError(flag, given, allowedText(p));
  };
  if (k.type === 'boolean') {
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    return refuse();
  }
  if (k.type === 'choice') return typeof raw === 'string' && k.allowed.includes(raw) ? raw : refuse();
  if (k.type === 'latency') {
    if (typeof raw !== 'string') return refuse();
    resolveLatency(raw, flag);
    return raw;
  }
  if (k.type === 'distribution') {
    if (typeof raw !== 'string' || raw.trim() === '') return refuse();
    if (raw === 'none') return k.noneAllowed ? raw : refuse();
    parseLatency(raw, flag);
    return raw;
  }
  const value =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && raw.trim() !== ''
        ? Number(raw.trim())
        : Number.NaN;
  if (!Number.isFinite(value) || (k.integer && !Number.isInteger(value))) return refuse();
  if (k.minExclusive ? value <= k.min : value < k.min) return refuse();
  if (k.max !== undefined && value > k.max) return refuse();
  return value;
}

/**
 * The scenario's values with overrides applied: each `key=value` must name one of its parameters
 * and fit its kind; then the scenario's cross-parameter rules run.
 *
 * @param scenario - the scenario
 * @param overrides - `key=value` texts (the CLI's `--set` list), or a key -> value object (from code)
 * @example
 * scenarioValues(systemScenario('patroni'), ['ttl_s=60']).ttl_s;      // 60
 * scenarioValues(systemScenario('patroni'), { loop_wait_s: 5 });        // the same from code
 * scenarioValues(systemScenario('patroni'), ['tll_s=60']);              // throws "--set tll_s: got an unknown key; allowed: ttl_s, ..."
 */
export function scenarioValues(
  scenario: SystemScenario,
  overrides: readonly string[] | Record<string, ParameterValue> = [],
): ScenarioValues {
  const values: ScenarioValues = Object.fromEntries(scenario.parameters.map((p) => [p.key, p.value]));
  const pairs: [string, string | ParameterValue][] = isTextList(overrides)
    ? overrides.map((text) => {
        const at = text.indexOf('=');
        if (at <= 0)
          throw new ParameterError('--set', JSON.stringify(text), 'key=value, e.g. --set ttl_s=60');
        return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
      })
    : Object.entries(overrides);
  for (const [key, raw] of pairs) {
    const p = scenario.parameters.find((q) => q.key === key);
    if (p === undefined) {
      throw new ParameterError(
        setFlag(key),
        'an unknown key',
        `a parameter of ${scenario.name}: ${scenario.parameters.map((q) => q.key).join(', ')}`,
      );
    }
    values[key] = parseParameterValue(p, raw);
  }
  scenario.check?.(values);
  return values;
}

/** Whether overrides are `key=value` texts; unlike a bare Array.isArray, keeps the element type. */
function isTextList(
  overrides: readonly string[] | Record<string, ParameterValue>,
): overrides is readonly string[] {
  return Array.isArray(overrides);
}

/** The keys given by overrides (to mark their source as `--set`). */
export function overriddenKeys(overrides: readonly string[] | Record<string, ParameterValue>): Set<string> {
  return new Set(
    isTextList(overrides)
      ? overrides.map((t) => t.slice(0, Math.max(0, t.indexOf('='))).trim())
      : Object.keys(overrides),
  );
}
