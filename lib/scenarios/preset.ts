/**
 * A scenario is a preset of one experiment: the experiment's parameter values a real system
 * implies, each with its source, plus the system's own settings in the system's own unit (Patroni's
 * `ttl_s`), declared with the experiment layer's param builders, and an explicit mapping (`derive`)
 * from those settings onto the experiment's parameters. The scenario is then an experiment like
 * any other ({@link scenarioExperiment}): `--set`, a sweep file's `scenario:` cells and library
 * calls all resolve its values through {@link resolveScenario}, with the experiment's own checks,
 * so a refusal names the key as the user wrote it.
 */
import { ParameterError } from '../errors.js';
import { defineExperiment, paramOf, type Check, type Experiment } from '../experiments/define.js';
import { camelCase, describeValue, snakeCase, type Param } from '../experiments/param.js';
import { parameterCells } from '../experiments/row.js';
import { systemReference } from './system-reference.js';

/** A value as a scenario holds it: camelCase keys, values as the param builders type them. */
export type ScenarioValues = Record<string, unknown>;

/**
 * Where a value comes from.
 * - `reference`: documented; `text` is the reference entry's `source`, `setting` the entry's key.
 * - `lab default`: the system documents no number; `text` says what the lab uses and why.
 * - `derived`: computed from other values (`text` shows the arithmetic and the source).
 * - `experiment default`: the experiment's own default (`replilab params EXPERIMENT`).
 * - `--set`: the user's value.
 */
export interface ValueSource {
  kind: 'reference' | 'lab default' | 'derived' | 'experiment default' | '--set';
  text: string;
  /** For `reference`: the system and setting, e.g. `patroni.ttl_s`. */
  setting?: string;
}

/** A value with its source: a system's setting (its parameter) or an experiment value the preset fixes. */
export interface Sourced<T> {
  value: T;
  source: ValueSource;
}

/** A system's own setting: its parameter (built with lib/experiments/param.ts, default the scenario's value) and its source. */
export interface Setting {
  param: Param;
  source: ValueSource;
}

/** An experiment parameter computed from the scenario's values. */
export interface Derivation {
  /** The scenario keys (camelCase) it is computed from; the first is named when the experiment refuses the result. */
  from: readonly string[];
  /** The arithmetic, in one line (`1000 x ttl_s`). */
  how: string;
  value: (values: ScenarioValues) => unknown;
}

/** What a scenario presets. */
export interface ScenarioPreset {
  /** The experiment it is a preset of. */
  experiment: Experiment;
  /** Experiment parameters (camelCase) the scenario gives its own value, with the source; still settable. */
  values: Readonly<Record<string, Sourced<unknown>>>;
  /** Experiment parameters (camelCase) computed from the settings; not settable themselves. */
  derive: Readonly<Record<string, Derivation>>;
  /**
   * Model config fields the experiment has no parameter for (library-only fields, such as the
   * multi-leader model's offline devices), set from the scenario's values on the experiment's config.
   */
  config?: (values: ScenarioValues, config: Record<string, unknown>) => Record<string, unknown>;
  /**
   * What a sweep over the scenario runs, against `scenario run`'s report (stages the experiment
   * does not have, exact order statistics instead of pooled histograms), in a sentence or two.
   */
  sweep: string;
}

/**
 * A setting documented by the reference entry: `build` gets the documented value as its default.
 *
 * @example
 * documented('patroni', 'ttl_s', (v) => number({ doc: 'leader lease TTL, s', unit: 's', gt: 0, default: v }));
 */
export function documented(
  system: string,
  setting: string,
  build: (value: never) => Param,
  value?: unknown,
): Setting {
  const entry = systemReference(system);
  const documentedValue = value ?? entry[setting];
  if (documentedValue === undefined || (typeof documentedValue === 'object' && documentedValue !== null))
    throw new Error(
      `system-defaults.json: ${system}.${setting} has no scalar value; pass the value it documents`,
    );
  return {
    param: build(documentedValue as never),
    source: { kind: 'reference', setting: `${system}.${setting}`, text: entry.source },
  };
}

/** A setting the system documents no number for: the lab's value and why. */
export function labSetting(value: unknown, why: string, build: (value: never) => Param): Setting {
  return { param: build(value as never), source: { kind: 'lab default', text: why } };
}

/** A setting computed from documented values (the arithmetic in `how`). */
export function derivedSetting(value: unknown, how: string, build: (value: never) => Param): Setting {
  return { param: build(value as never), source: { kind: 'derived', text: how } };
}

/** An experiment value the system documents (the reference entry's source). */
export function documentedValue<T>(system: string, setting: string, value: T): Sourced<T> {
  return {
    value,
    source: { kind: 'reference', setting: `${system}.${setting}`, text: systemReference(system).source },
  };
}

/** An experiment value the lab chose, and why. */
export function labValue<T>(value: T, why: string): Sourced<T> {
  return { value, source: { kind: 'lab default', text: why } };
}

/** An experiment value computed from documented ones. */
export function derivedValue<T>(value: T, how: string): Sourced<T> {
  return { value, source: { kind: 'derived', text: how } };
}

/** An experiment parameter computed from scenario keys. */
export function derive(
  from: readonly string[],
  how: string,
  value: (v: ScenarioValues) => unknown,
): Derivation {
  return { from, how, value };
}

/** What every system scenario declares besides its preset. */
export interface ScenarioDeclaration {
  name: string;
  /** Settings (camelCase keys; users write them in snake_case, `ttl_s`), in the system's own unit. */
  settings: Readonly<Record<string, Setting>>;
  preset: ScenarioPreset;
  /** Rules across settings (Patroni's loop_wait + 2 retry_timeout <= ttl), as experiments state theirs. */
  checks?: readonly Check<ScenarioValues>[];
}

/** A scenario's values resolved: its own (settings and settable experiment parameters) and the experiment's. */
export interface ResolvedScenario {
  /** Every scenario key (camelCase): settings, then the experiment's settable parameters. */
  values: ScenarioValues;
  /** The experiment's values (camelCase, every parameter), derived ones computed. */
  experiment: ScenarioValues;
}

function withDefault(p: Param, value: unknown): Param {
  return {
    get schema() {
      return p.schema;
    },
    meta: { ...p.meta, default: value },
  };
}

const experiments = new WeakMap<ScenarioDeclaration, Experiment>();

/** The experiment's input of a scenario's values: its settable parameters, then the derived ones. */
function experimentInput(s: ScenarioDeclaration, values: ScenarioValues): ScenarioValues {
  const { experiment, derive: derived } = s.preset;
  const input: ScenarioValues = {};
  for (const key of experiment.keys) {
    if (Object.hasOwn(derived, key)) input[key] = derived[key].value(values);
    else if (values[key] !== undefined) input[key] = values[key];
  }
  return input;
}

/**
 * The scenario as an experiment: its parameters are its settings, then the preset experiment's
 * parameters that are not derived (defaults: the preset's values, else the experiment's); its
 * checks are the scenario's, then the experiment's on the derived values (a refusal of a derived
 * parameter names the setting it comes from); it runs the experiment's model and batch model, and
 * its rows are the settings' columns, then the experiment's row. A sweep runs it like any
 * experiment.
 *
 * @example
 * scenarioExperiment(systemScenario('patroni')).keys; // ['ttlS', 'loopWaitS', 'retryTimeoutS', 'syncStandbys', 'nodes', ...]
 */
export function scenarioExperiment(s: ScenarioDeclaration): Experiment {
  const known = experiments.get(s);
  if (known !== undefined) return known;
  const { experiment, values: preset, derive: derived } = s.preset;
  const params: Record<string, Param> = {};
  for (const [key, setting] of Object.entries(s.settings)) params[key] = setting.param;
  for (const key of experiment.keys) {
    if (Object.hasOwn(derived, key)) continue;
    if (Object.hasOwn(params, key))
      throw new Error(`scenario ${s.name}: setting ${key} is also a parameter of ${experiment.name}`);
    const p = paramOf(experiment, key);
    params[key] = Object.hasOwn(preset, key) ? withDefault(p, preset[key].value) : p;
  }
  const experimentValues = (v: ScenarioValues) => experiment.resolve(experimentInput(s, v));
  const checkExperiment: Check<ScenarioValues> = (v) => {
    try {
      experimentValues(v);
      return undefined;
    } catch (error) {
      if (!(error instanceof ParameterError)) throw error;
      const d = derived[error.parameter];
      if (d === undefined) return { param: error.parameter, allowed: error.allowed };
      return {
        param: d.from[0],
        allowed: `a value giving ${experiment.name}'s ${snakeCase(error.parameter)} (${d.how} = ${error.given}) ${error.allowed}`,
      };
    }
  };
  const settingKeys = Object.keys(s.settings);
  const base = defineExperiment({
    name: s.name,
    description: `${experiment.name}, preset by the scenario ${s.name}`,
    trialsUnit: experiment.trialsUnit,
    params,
    checks: [...(s.checks ?? []), checkExperiment],
    config: (v) => {
      const config = experiment.config(experimentValues(v)) as Record<string, unknown>;
      return s.preset.config === undefined ? config : s.preset.config(v, config);
    },
    run: experiment.run,
    metrics: experiment.metrics,
    output: experiment.output,
    trials: experiment.trials && ((r, v) => experiment.trials!(r, experimentValues(v))),
    summary: (r, seed, v) => experiment.summary(r, seed, experimentValues(v)),
    examples: [],
    notes: s.preset.sweep,
    batch: experiment.batch,
  });
  const settingsOf = (v: ScenarioValues) => Object.fromEntries(settingKeys.map((k) => [k, v[k]]));
  const wrapped: Experiment = {
    ...base,
    row(result, seed, v, trials) {
      const own = parameterCells(settingsOf(v));
      const rest = experiment.row(result, seed, experimentValues(v), trials);
      return { columns: [...Object.keys(own), ...rest.columns], row: { ...own, ...rest.row } };
    },
    json(result, seed, v) {
      const settings = Object.fromEntries(settingKeys.map((k) => [snakeCase(k), v[k]]));
      return { ...experiment.json(result, seed, experimentValues(v)), scenario: s.name, settings };
    },
  };
  experiments.set(s, wrapped);
  return wrapped;
}

/**
 * A scenario's values from what the user gave, by every front end: `--set key=value` texts, a
 * sweep cell, a library call. Keys in snake_case (`ttl_s`, `write_rate`; a library may write
 * camelCase), values as a file gives them (a text where a number is expected is read as the
 * command line reads it). Each value is checked by its parameter, then the scenario's rules and
 * the experiment's own checks run; a refusal names `where(key)`, the key as the user wrote it.
 *
 * @example
 * resolveScenario(systemScenario('patroni'), { ttl_s: '60' }, (k) => `--set ${k}`).values.ttlS; // 60
 * resolveScenario(systemScenario('patroni'), { ttl_s: 5 }); // throws "ttl_s: got 5; allowed: ..."
 */
export function resolveScenario(
  s: ScenarioDeclaration,
  input: Readonly<Record<string, unknown>> = {},
  where: (name: string) => string = (name) => name,
): ResolvedScenario {
  const e = scenarioExperiment(s);
  for (const [name, value] of Object.entries(input)) {
    const d = s.preset.derive[camelCase(name)];
    if (d !== undefined)
      throw new ParameterError(
        where(name),
        `${describeValue(value)}, but ${name} is derived`,
        `set ${d.from.map(snakeCase).join(' or ')} instead (${name} = ${d.how})`,
      );
  }
  // A library call may write camelCase keys; a refusal names the key as it was written.
  const written = new Map(Object.keys(input).map((k) => [snakeCase(k), k]));
  const snake = Object.fromEntries(Object.entries(input).map(([k, v]) => [snakeCase(k), v]));
  const values = e.fromFile(snake, (name) => where(written.get(name) ?? name)) as ScenarioValues;
  return { values, experiment: s.preset.experiment.resolve(experimentInput(s, values)) as ScenarioValues };
}

/**
 * `--set key=value` texts as a mapping for {@link resolveScenario}; a text without `=` is refused
 * naming `--set`.
 *
 * @example
 * setTexts(['ttl_s=60', 'latency=exp(1)']); // { ttl_s: '60', latency: 'exp(1)' }
 */
export function setTexts(texts: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of texts) {
    const at = text.indexOf('=');
    if (at <= 0) throw new ParameterError('--set', JSON.stringify(text), 'key=value, e.g. --set ttl_s=60');
    out[text.slice(0, at).trim()] = text.slice(at + 1).trim();
  }
  return out;
}

/** One key of a scenario as `scenario show` and the report list it. */
export interface ScenarioParameterRow {
  /** The key as users write it (snake_case). */
  key: string;
  /** `setting` (the system's own), `preset` (an experiment value the scenario fixes), `derived` (computed from settings). */
  role: 'setting' | 'preset' | 'derived';
  value: unknown;
  unit: string | null;
  /** What it is, with its unit. */
  description: string;
  source: ValueSource;
}

/**
 * The scenario's settings, the experiment values it presets and the ones it derives, each with
 * its value (the given `values`, default the scenario's), unit and source; keys in `given` are
 * marked `--set`. The experiment's other parameters keep its defaults (`replilab params EXPERIMENT`).
 */
export function scenarioParameterRows(
  s: ScenarioDeclaration,
  resolved: ResolvedScenario = resolveScenario(s),
  given: ReadonlySet<string> = new Set(),
): ScenarioParameterRow[] {
  const { experiment, values: preset, derive: derived } = s.preset;
  const mark = (key: string, source: ValueSource, def: unknown): ValueSource =>
    given.has(snakeCase(key)) ? { kind: '--set', text: `overrides ${JSON.stringify(def)}` } : source;
  const rows: ScenarioParameterRow[] = [];
  for (const [key, setting] of Object.entries(s.settings)) {
    rows.push({
      key: snakeCase(key),
      role: 'setting',
      value: resolved.values[key],
      unit: setting.param.meta.unit ?? null,
      description: setting.param.meta.doc,
      source: mark(key, setting.source, setting.param.meta.default),
    });
  }
  for (const key of experiment.keys) {
    const meta = paramOf(experiment, key).meta;
    const origin = Object.hasOwn(preset, key)
      ? { role: 'preset' as const, source: mark(key, preset[key].source, preset[key].value) }
      : Object.hasOwn(derived, key)
        ? { role: 'derived' as const, source: { kind: 'derived', text: derived[key].how } as ValueSource }
        : given.has(snakeCase(key))
          ? {
              role: 'preset' as const,
              source: { kind: '--set', text: `overrides ${JSON.stringify(meta.default)}` } as ValueSource,
            }
          : null; // neither preset, derived nor set: the experiment's default, not listed
    if (origin === null) continue;
    const { role, source } = origin;
    rows.push({
      key: snakeCase(key),
      role,
      value: resolved.experiment[key],
      unit: meta.unit ?? null,
      description: meta.doc,
      source,
    });
  }
  return rows;
}

/** A short text form of a source: `reference patroni.ttl_s: Patroni documentation, ...`, `lab default: ...`. */
export function sourceText(source: ValueSource): string {
  if (source.kind === 'reference') return `reference ${source.setting}: ${source.text}`;
  return `${source.kind}: ${source.text}`;
}

/** A value as users write it: `150-300` for a range, `none`/`all`/`auto` for null where the parameter says so. */
export function valueText(value: unknown, nullText = 'none'): string {
  if (value === null) return nullText;
  if (Array.isArray(value)) return value.join(value.length === 2 && typeof value[0] === 'number' ? '-' : ',');
  return String(value);
}
