/**
 * Parameters: each knob of an experiment is declared once, as a zod 4 schema carrying its
 * metadata (doc, unit, default, what is allowed). Everything a user sees of it is derived from
 * that declaration: its CLI flag and `--help` line, its key in config and sweep files and in
 * `--set`, its CSV column, its JSON Schema entry, its row in `replilab params` and in docs/cli.md.
 *
 * Why zod 4: it validates (with refinements for the cross-field rules JSON Schema cannot say),
 * its typed registry carries our metadata, and `z.toJSONSchema` emits the JSON Schema that
 * editors use to check sweep files, so the one declaration serves all three.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { ParameterError } from '../errors.js';
import { parseLatency } from '../latency/index.js';

const requireHere = createRequire(import.meta.url);
let zod: typeof Zod | undefined;

/**
 * zod, loaded when a schema is first needed (to validate, or for the JSON Schema), so that
 * `--help` and `--version`, which need only the metadata, start fast. Every use goes through
 * here, so schemas and `toJSONSchema` come from one copy of the library.
 */
export function zodLibrary(): typeof Zod {
  return (zod ??= requireHere('zod') as typeof Zod);
}

/** How a parameter's value is written and read. */
export type ParamKind =
  'integer' | 'integers' | 'number' | 'choice' | 'distribution' | 'text' | 'boolean' | 'range';

/** What every parameter carries besides its zod type. */
export interface ParamMeta {
  kind: ParamKind;
  /** One line: what it is, with its unit. */
  doc: string;
  /** Its unit (`ms`, `per second`, ...), when it has one. */
  unit?: string;
  /** The placeholder in `--help` (`<ms>`, `<count>`, `<spec>`). */
  valueName: string;
  /** What is allowed, in words: the `allowed:` part of every refusal. */
  allowed: string;
  /** The default, as written in files and JSON (null: none, or the special meaning in `doc`). */
  default: unknown;
  /** For `choice`: the values. */
  choices?: readonly string[];
  /** A word that stands for null in text (`inf`, `none`, `all`). */
  nullText?: string;
  /** False for a knob a sweep sets itself (`trials`): not a sweep key, not a parameter column. */
  sweep: boolean;
}

/** A parameter: its zod type (built on first use) and its metadata. */
export interface Param<T = unknown> {
  readonly schema: Zod.ZodType<T>;
  meta: ParamMeta;
}

/** The output type of a parameter. */
export type ParamValue<P> = P extends Param<infer T> ? T : never;

/** The validated values of a parameter shape. */
export type ParamValues<S extends Record<string, Param>> = { [K in keyof S]: ParamValue<S[K]> };

interface Common<T> {
  doc: string;
  default: T;
  unit?: string;
  valueName?: string;
  /** False: not a sweep key or a parameter column. Default true. */
  sweep?: boolean;
}

function param<T>(build: (z: typeof Zod) => Zod.ZodType<T>, meta: ParamMeta): Param<T> {
  let schema: Zod.ZodType<T> | undefined;
  return {
    get schema() {
      return (schema ??= build(zodLibrary()));
    },
    meta,
  };
}

function rangeWords(min: number | undefined, max: number | undefined, gt?: number): string {
  if (gt !== undefined) return max === undefined ? `> ${gt}` : `> ${gt} and <= ${max}`;
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  if (min !== undefined) return `>= ${min}`;
  if (max !== undefined) return `<= ${max}`;
  return '';
}

function withUnit(words: string, unit?: string): string {
  return unit ? `${words} (${unit})` : words;
}

/** A whole number in [min, max]. */
export function integer(options: Common<number> & { min: number; max?: number }): Param<number>;
export function integer(
  options: Common<number | null> & { min: number; max?: number; nullText: string },
): Param<number | null>;
export function integer(
  options: Common<number | null> & { min: number; max?: number; nullText?: string },
): Param<number | null> {
  const allowed =
    withUnit(`a whole number ${rangeWords(options.min, options.max)}`, options.unit) +
    (options.nullText ? `, or ${options.nullText}` : '');
  const build = (z: typeof Zod) => {
    let base = z.number().int().min(options.min);
    if (options.max !== undefined) base = base.max(options.max);
    return (options.nullText ? base.nullable() : base) as Zod.ZodType<number | null>;
  };
  return param(build, {
    kind: 'integer',
    doc: options.doc,
    unit: options.unit,
    valueName: options.valueName ?? 'count',
    allowed,
    default: options.default,
    nullText: options.nullText,
    sweep: options.sweep ?? true,
  });
}

/**
 * A whole number in [min, max] for every member of a group, or a comma list of them, one per
 * member (`2`, or `0,3` for two datacenters); a list's length is the experiment's to check.
 */
export function integers(
  options: Common<number | number[]> & { min: number; max: number; listOf: string },
): Param<number | number[]> {
  const build = (z: typeof Zod) => {
    const whole = z.number().int().min(options.min).max(options.max);
    return z.union([whole, z.array(whole).min(1)]) as Zod.ZodType<number | number[]>;
  };
  return param(build, {
    kind: 'integers',
    doc: options.doc,
    unit: options.unit,
    valueName: options.valueName ?? 'count[,count...]',
    allowed: withUnit(
      `a whole number ${rangeWords(options.min, options.max)}, or a comma list of them (${options.listOf})`,
      options.unit,
    ),
    default: options.default,
    sweep: options.sweep ?? true,
  });
}

/** A finite number: `min`/`max` inclusive, `gt` exclusive. */
export function number(
  options: Common<number> & { min?: number; max?: number; gt?: number; lt?: number },
): Param<number>;
export function number(
  options: Common<number | null> & { min?: number; max?: number; gt?: number; lt?: number; nullText: string },
): Param<number | null>;
export function number(
  options: Common<number | null> & {
    min?: number;
    max?: number;
    gt?: number;
    lt?: number;
    nullText?: string;
  },
): Param<number | null> {
  let words = `a number ${rangeWords(options.min, options.max, options.gt)}`.trim();
  if (options.lt !== undefined) words += ` and < ${options.lt}`;
  const allowed = withUnit(words, options.unit) + (options.nullText ? `, or ${options.nullText}` : '');
  const build = (z: typeof Zod) => {
    let base = z.number();
    if (options.min !== undefined) base = base.min(options.min);
    if (options.gt !== undefined) base = base.gt(options.gt);
    if (options.max !== undefined) base = base.max(options.max);
    if (options.lt !== undefined) base = base.lt(options.lt);
    return (options.nullText ? base.nullable() : base) as Zod.ZodType<number | null>;
  };
  return param(build, {
    kind: 'number',
    doc: options.doc,
    unit: options.unit,
    valueName: options.valueName ?? (options.unit === 'ms' ? 'ms' : 'x'),
    allowed,
    default: options.default,
    nullText: options.nullText,
    sweep: options.sweep ?? true,
  });
}

/** One of a fixed list of words. */
export function choice<const T extends string>(choices: readonly T[], options: Common<T>): Param<T> {
  return param((z) => z.enum(choices as unknown as [T, ...T[]]) as unknown as Zod.ZodType<T>, {
    kind: 'choice',
    doc: options.doc,
    unit: options.unit,
    valueName: options.valueName ?? 'kind',
    allowed: `one of ${choices.join(', ')}`,
    default: options.default,
    choices,
    sweep: options.sweep ?? true,
  });
}

function parses(text: string): boolean {
  try {
    parseLatency(text, 'x');
    return true;
  } catch {
    return false;
  }
}

/** A distribution in the lab's text form (`exp(1)`, `const(2)`, `lognormal(0,1)`), in ms. */
export function distribution(options: Common<string>): Param<string>;
export function distribution(options: Common<string | null> & { nullText: string }): Param<string | null>;
export function distribution(options: Common<string | null> & { nullText?: string }): Param<string | null> {
  const build = (z: typeof Zod) => {
    const base = z.string().refine(parses);
    return (options.nullText ? base.nullable() : base) as Zod.ZodType<string | null>;
  };
  return param(build, {
    kind: 'distribution',
    doc: options.doc,
    unit: options.unit ?? 'ms',
    valueName: options.valueName ?? 'spec',
    allowed:
      'a distribution in ms, e.g. exp(1), const(2), uniform(0,10), lognormal(0,1), file:PATH.csv' +
      (options.nullText ? `, or ${options.nullText}` : ''),
    default: options.default,
    nullText: options.nullText,
    sweep: options.sweep ?? true,
  });
}

/** Free text checked by `check` (a preset name or a distribution, a t grid): `allowed` says what passes. */
export function text(
  options: Common<string> & { allowed: string; check: (value: string) => boolean },
): Param<string> {
  return param((z) => z.string().refine(options.check), {
    kind: 'text',
    doc: options.doc,
    unit: options.unit,
    valueName: options.valueName ?? 'text',
    allowed: options.allowed,
    default: options.default,
    sweep: options.sweep ?? true,
  });
}

/** A switch: a flag without a value on the command line, true or false in files. */
export function boolean(options: Common<boolean>): Param<boolean> {
  return param((z) => z.boolean(), {
    kind: 'boolean',
    doc: options.doc,
    valueName: '',
    allowed: 'true or false',
    default: options.default,
    sweep: options.sweep ?? true,
  });
}

/** A [min, max] pair with 0 < min <= max, written `MIN-MAX` on the command line. */
export function range(options: Common<[number, number]>): Param<[number, number]> {
  const build = (z: typeof Zod) =>
    z
      .tuple([z.number().gt(0), z.number().gt(0)])
      .refine(([low, high]) => low <= high) as unknown as Zod.ZodType<[number, number]>;
  return param(build, {
    kind: 'range',
    doc: options.doc,
    unit: options.unit,
    valueName: options.valueName ?? 'min-max',
    allowed: withUnit('MIN-MAX with 0 < MIN <= MAX, e.g. 150-300', options.unit),
    default: options.default,
    sweep: options.sweep ?? true,
  });
}

/** Numbers as the lab writes them: decimal or exponent form (`0.5`, `1e6`, `-3`); no hex, no words. */
const NUMBER_TEXT = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(e[+-]?[0-9]+)?$/i;

/**
 * The value a text stands for (a flag's argument, a `--set` value, or a string in a file where
 * a number is expected): numbers in one grammar for every parameter, `MIN-MAX` for ranges,
 * the parameter's null word. Returns `undefined` when the text cannot be read at all.
 *
 * @example
 * fromText(integer({ doc: 'n', default: 3, min: 1 }).meta, '1e6'); // 1000000
 * fromText(integer({ doc: 'n', default: 3, min: 1 }).meta, '0x1'); // undefined
 */
export function fromText(meta: ParamMeta, raw: string): unknown {
  const value = raw.trim();
  if (meta.nullText !== undefined && value === meta.nullText) return null;
  switch (meta.kind) {
    case 'integer':
    case 'number':
      return NUMBER_TEXT.test(value) ? Number(value) : undefined;
    case 'integers': {
      const parts = value.split(',').map((part) => part.trim());
      if (!parts.every((part) => NUMBER_TEXT.test(part))) return undefined;
      return parts.length === 1 ? Number(parts[0]) : parts.map(Number);
    }
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'range': {
      const m = /^([^-\s]+)\s*-\s*([^-\s]+)$/.exec(value);
      if (m === null || !NUMBER_TEXT.test(m[1]) || !NUMBER_TEXT.test(m[2])) return undefined;
      return [Number(m[1]), Number(m[2])];
    }
    default:
      return raw;
  }
}

/**
 * The value a config or sweep file gives (YAML/JSON): numbers, booleans and arrays as they are;
 * a string where a number, a range, a switch or null is expected is read as text would be.
 */
export function fromFile(meta: ParamMeta, value: unknown): unknown {
  if (
    typeof value === 'string' &&
    meta.kind !== 'choice' &&
    meta.kind !== 'distribution' &&
    meta.kind !== 'text'
  )
    return fromText(meta, value);
  if (typeof value === 'string' && meta.nullText !== undefined && value === meta.nullText) return null;
  return value;
}

/** Shows a value in an error: text quoted, anything else as compact JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  } catch {
    return String(value);
  }
}

/**
 * Checks one value against its parameter; a refusal names `where` (the parameter as the user
 * wrote it: `--w`, `grid.w`, `cells[2].w`, `w` in a file) and shows `given` as the user gave it.
 */
export function checkParam<T>(p: Param<T>, value: unknown, where: string, given = describeValue(value)): T {
  const result = p.schema.safeParse(value);
  if (!result.success) throw new ParameterError(where, given, p.meta.allowed);
  return result.data;
}

/** `electionTimeoutMs` -> `election-timeout-ms`: the flag, without its dashes. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `electionTimeoutMs` -> `election_timeout_ms`: the key in files, sweeps, `--set` and CSV. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `election_timeout_ms` (or `election-timeout-ms`) -> `electionTimeoutMs`. */
export function camelCase(name: string): string {
  return name.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
