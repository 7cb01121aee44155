/**
 * An experiment's parameters described for people and tools: `replilab params`, the JSON Schema
 * of sweep and config files, and the option tables of docs/cli.md, all from the schema.
 */
import { flagOf, paramOf, type Experiment } from './define.js';
import { snakeCase, zodLibrary, type ParamMeta } from './param.js';

/** One parameter as `replilab params --json` lists it. */
export interface ParamDescription {
  /** The key in files, sweeps, `--set` and the CSV column. */
  name: string;
  /** The key in library calls. */
  key: string;
  flag: string;
  kind: ParamMeta['kind'];
  unit: string | null;
  default: unknown;
  /** The word that stands for null, when there is one. */
  null_text: string | null;
  choices: readonly string[] | null;
  doc: string;
  allowed: string;
  /** False for a knob a sweep sets itself (trials): not a sweep key or a parameter column. */
  sweep: boolean;
}

/**
 * Every parameter of an experiment, in declaration order.
 *
 * @example
 * describeParams(failover)[0]; // { name: 'nodes', flag: '--nodes', kind: 'integer', default: 5, ... }
 */
export function describeParams(experiment: Experiment): ParamDescription[] {
  return experiment.keys.map((key) => {
    const meta: ParamMeta = paramOf(experiment, key).meta;
    return {
      name: snakeCase(key),
      key,
      flag: flagOf(key),
      kind: meta.kind,
      unit: meta.unit ?? null,
      default: meta.default,
      null_text: meta.nullText ?? null,
      choices: meta.choices ?? null,
      doc: meta.doc,
      allowed: meta.allowed,
      sweep: meta.sweep,
    };
  });
}

/** A JSON Schema (draft 2020-12) object without its `$schema` key. */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of one parameter's value as a file may write it: zod's own JSON Schema of the
 * type (ranges, enums, integers), with the doc as `description`, the default, the unit as
 * `x-unit` and the flag as `x-flag`; a range may also be written `"MIN-MAX"`, and a nullable
 * value as its null word.
 */
export function paramJsonSchema(experiment: Experiment, key: string): JsonSchema {
  const { schema, meta } = paramOf(experiment, key);
  const { $schema: _, ...base } = zodLibrary().toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  const alternatives: JsonSchema[] = [base];
  if (meta.kind === 'range')
    alternatives.push({ type: 'string', pattern: '^\\s*[0-9.eE+]+\\s*-\\s*[0-9.eE+]+\\s*$' });
  if (meta.nullText !== undefined) alternatives.push({ const: meta.nullText });
  const described: JsonSchema = {
    description: meta.doc,
    ...(meta.default === null ? {} : { default: meta.default }),
    ...(meta.unit ? { 'x-unit': meta.unit } : {}),
    'x-flag': flagOf(key),
  };
  return alternatives.length === 1 ? { ...base, ...described } : { anyOf: alternatives, ...described };
}

/** The sweep keys of an experiment (its parameters but those a sweep sets itself) and their value schemas. */
export function sweepParamSchemas(experiment: Experiment): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const key of experiment.keys) {
    if (paramOf(experiment, key).meta.sweep) out[snakeCase(key)] = paramJsonSchema(experiment, key);
  }
  return out;
}
