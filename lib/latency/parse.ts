import { ParameterError } from '../errors.js';
import { ConstantDistribution, constant } from './constant.js';
import type { LatencyDistribution } from './distribution.js';
import { empirical } from './empirical.js';
import { exponential } from './exponential.js';
import { lognormal } from './lognormal.js';
import { mixture, type MixtureComponent } from './mixture.js';
import { pareto } from './pareto.js';
import { shifted } from './shifted.js';
import { empiricalFromFile } from './trace-file.js';
import { truncatedNormal } from './truncated-normal.js';
import { uniform } from './uniform.js';

// Grammar of the text form (whitespace allowed between tokens):
//
//   sum        := term ('+' term)*            at least one side of each '+' is a constant
//   term       := number                      a constant, e.g. 75
//               | 'file:' path                 a trace file; the path runs to the end of the term
//               | 'mix' '(' component (',' component)* ')'
//               | name '(' number (',' number)* ')'
//   component  := number ':' sum
//   number     := ('+' | '-')? (digits ['.' digits] | '.' digits) [('e' | 'E') ['+' | '-'] digits]
//               | ('+' | '-')? ('Infinity' | 'NaN')   read, so that the family refuses them by name
//   path       := '"' JSON string '"' | characters up to the first ',' ')' '+' or the end (trimmed)

/** What a latency text may be, for error messages. */
const ALLOWED =
  'a distribution such as exp(0.183), pareto(1.05,1.51), mix(0.38:pareto(1.05,1.51),0.62:exp(0.183)), const(75)+exp(0.2) or file:PATH';

/** The families written name(number, ...): their argument names (none: any number) and factory. */
const FAMILIES = new Map<string, { args: readonly string[]; make: (a: number[]) => LatencyDistribution }>([
  ['const', { args: ['value'], make: (a) => constant(a[0]) }],
  ['uniform', { args: ['low', 'high'], make: (a) => uniform(a[0], a[1]) }],
  ['exp', { args: ['rate'], make: (a) => exponential(a[0]) }],
  ['normal', { args: ['mu', 'sigma'], make: (a) => truncatedNormal(a[0], a[1]) }],
  ['lognormal', { args: ['mu', 'sigma'], make: (a) => lognormal(a[0], a[1]) }],
  ['pareto', { args: ['xm', 'alpha'], make: (a) => pareto(a[0], a[1]) }],
  ['empirical', { args: [], make: (a) => empirical(a) }],
]);

const KNOWN = `${[...FAMILIES.keys()].join(', ')}, mix, file:PATH`;

type TokenType = 'number' | 'name' | 'path' | 'punct' | 'end';

interface Token {
  type: TokenType;
  /** The token as written (for a path: the path itself, unquoted). */
  text: string;
  /** 1-based column of its first character. */
  column: number;
  /** The value of a number token. */
  value: number;
}

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_-]*/y;
const SPACE = /\s*/y;
const PUNCT = '(),:+-';

/** Splits latency text into tokens; `file:` takes the rest of its term as one path token. */
class Tokenizer {
  private at = 0;

  constructor(
    private readonly source: string,
    private readonly fail: (reason: string, column: number) => never,
  ) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      this.skipSpace();
      const column = this.at + 1;
      if (this.at >= this.source.length) {
        out.push({ type: 'end', text: 'end of text', column, value: NaN });
        return out;
      }
      const c = this.source[this.at];
      if (PUNCT.includes(c)) {
        this.at++;
        out.push({ type: 'punct', text: c, column, value: NaN });
        continue;
      }
      const number = this.match(NUMBER);
      if (number !== undefined) {
        out.push({ type: 'number', text: number, column, value: Number(number) });
        continue;
      }
      const name = this.match(NAME);
      if (name !== undefined) {
        if (name === 'Infinity' || name === 'NaN') {
          out.push({ type: 'number', text: name, column, value: Number(name) });
        } else if (name === 'file' && this.source[this.at] === ':') {
          this.at++;
          out.push({ type: 'path', text: this.path(column), column, value: NaN });
        } else {
          out.push({ type: 'name', text: name, column, value: NaN });
        }
        continue;
      }
      this.fail(`unexpected ${JSON.stringify(c)}`, column);
    }
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.at;
    SPACE.exec(this.source);
    this.at = SPACE.lastIndex;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const m = pattern.exec(this.source);
    if (m === null) return undefined;
    this.at = pattern.lastIndex;
    return m[0];
  }

  /** A path after `file:`: a JSON string, or everything up to `,` `)` `+` or the end, trimmed. */
  private path(column: number): string {
    this.skipSpace();
    const start = this.at;
    if (this.source[start] === '"') {
      const quoted = /"(?:[^"\\]|\\.)*"/y;
      quoted.lastIndex = start;
      const m = quoted.exec(this.source);
      if (m === null) this.fail('unterminated quoted path after file:', start + 1);
      this.at = quoted.lastIndex;
      try {
        return JSON.parse(m[0]) as string;
      } catch {
        return this.fail('invalid quoted path after file:', start + 1);
      }
    }
    let end = start;
    while (end < this.source.length && !',)+'.includes(this.source[end])) end++;
    this.at = end;
    const path = this.source.slice(start, end).trim();
    if (path === '') this.fail('missing path after file:', column);
    return path;
  }
}

/** Recursive descent over the tokens, building distributions as it goes. */
class Parser {
  private readonly tokens: Token[];
  private next = 0;

  constructor(
    private readonly text: string,
    private readonly parameter: string,
  ) {
    this.tokens = new Tokenizer(text, (reason, column) => this.fail(reason, column)).tokens();
  }

  parse(): LatencyDistribution {
    const result = this.sum();
    const rest = this.peek();
    if (rest.type !== 'end')
      this.fail(`expected "+" or the end of the text, got ${describe(rest)}`, rest.column);
    return result;
  }

  private sum(): LatencyDistribution {
    let left = this.term();
    while (this.atPunct('+')) {
      const plus = this.take();
      const right = this.term();
      if (left instanceof ConstantDistribution) left = shifted(left.value, right);
      else if (right instanceof ConstantDistribution) left = shifted(right.value, left);
      else {
        this.fail(
          `only a constant can be added to a distribution (write const(c)+D or c+D), got ${left}+${right}`,
          plus.column,
        );
      }
    }
    return left;
  }

  private term(): LatencyDistribution {
    const token = this.peek();
    if (token.type === 'number' || this.atPunct('-') || this.atPunct('+')) {
      const value = this.number('a number or a distribution');
      return this.build(
        () => token.column,
        () => constant(value),
      );
    }
    if (token.type === 'path') {
      this.take();
      return this.build(
        () => token.column,
        () => empiricalFromFile(token.text),
      );
    }
    if (token.type !== 'name') this.fail(`expected a distribution, got ${describe(token)}`, token.column);
    this.take();
    const name = token.text;
    if (name === 'mix') return this.mix(token);
    const family = FAMILIES.get(name);
    if (family === undefined) {
      this.fail(`unknown distribution ${JSON.stringify(name)}; known: ${KNOWN}`, token.column);
    }
    this.expect('(', `after ${name}`);
    const args: number[] = [];
    const columns: number[] = [];
    do {
      if (args.length > 0) this.take();
      columns.push(this.peek().column);
      args.push(this.number(`an argument of ${name}`));
    } while (this.atPunct(','));
    this.expect(')', `to close ${name}(`);
    const arity = family.args.length;
    if (arity > 0 && args.length !== arity) {
      const signature = `${name}(${family.args.join(',')})`;
      this.fail(
        `${signature} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`,
        token.column,
      );
    }
    // A refused argument is blamed at its own column (the factories name it as name(arg)).
    const columnOf = (parameter: string): number => {
      const at = family.args.findIndex((arg) => parameter === `${name}(${arg})`);
      return at >= 0 ? columns[at] : token.column;
    };
    return this.build(columnOf, () => family.make(args));
  }

  private mix(token: Token): LatencyDistribution {
    this.expect('(', 'after mix');
    const components: MixtureComponent[] = [];
    for (;;) {
      const weight = this.number('a weight (as in 0.38:exp(0.183))');
      this.expect(':', 'after the weight');
      components.push({ weight, distribution: this.sum() });
      if (!this.atPunct(',')) break;
      this.take();
    }
    this.expect(')', 'to close mix(');
    return this.build(
      () => token.column,
      () => mixture(components),
    );
  }

  /** An optionally signed number token. */
  private number(what: string): number {
    let sign = 1;
    if (this.atPunct('-') || this.atPunct('+')) {
      if (this.take().text === '-') sign = -1;
    }
    const token = this.peek();
    if (token.type !== 'number') this.fail(`expected ${what}, got ${describe(token)}`, token.column);
    this.take();
    return sign * token.value;
  }

  /**
   * Runs a factory, turning its refusal into one naming this text's parameter and the column of
   * the refused argument (`columnOf` maps the factory's parameter name to it).
   */
  private build(
    columnOf: (parameter: string) => number,
    make: () => LatencyDistribution,
  ): LatencyDistribution {
    try {
      return make();
    } catch (error) {
      if (!(error instanceof ParameterError)) throw error;
      throw new ParameterError(
        this.parameter,
        JSON.stringify(this.text),
        `${error.parameter} must be ${error.allowed} (got ${error.given} at column ${columnOf(error.parameter)})`,
      );
    }
  }

  private expect(punct: string, where: string): void {
    if (!this.atPunct(punct)) {
      const token = this.peek();
      const wanted = `${JSON.stringify(punct)} ${where}`;
      this.fail(
        token.type === 'end' ? `missing ${wanted}` : `expected ${wanted}, got ${describe(token)}`,
        token.column,
      );
    }
    this.take();
  }

  /** Whether the next token is the punctuation `punct`. */
  private atPunct(punct: string): boolean {
    const token = this.tokens[this.next];
    return token.type === 'punct' && token.text === punct;
  }

  private peek(): Token {
    return this.tokens[this.next];
  }

  private take(): Token {
    const token = this.tokens[this.next];
    if (token.type !== 'end') this.next++;
    return token;
  }

  private fail(reason: string, column: number): never {
    const at = column > this.text.length ? `at column ${column}, the end of the text` : `at column ${column}`;
    throw new ParameterError(this.parameter, JSON.stringify(this.text), `${ALLOWED} (${at}: ${reason})`);
  }
}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the text';
  if (token.type === 'path') return `file:${token.text}`;
  return JSON.stringify(token.text);
}

/**
 * Reads the text form of a latency distribution (all delays in ms):
 * `const(75)` or a bare `75`, `uniform(1,5)`, `exp(0.183)` (rate per ms), `normal(5,2)` (truncated
 * at 0), `lognormal(0,1)`, `pareto(1.05,1.51)`, `empirical(0.2,0.3,0.5)`,
 * `mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))` (weights summing to 1), `const(75)+exp(0.2)`
 * (a constant plus a distribution; a bare number works too) and `file:PATH` (a CSV trace of
 * measured delays; the path runs to the next `,` `)` `+` or the end, or is a quoted JSON string).
 * Whitespace between tokens is ignored. `parseLatency(d.toString())` rebuilds `d`.
 *
 * Anything else is refused with a one-line ParameterError naming `parameter`, the text, and the
 * reason with its column.
 *
 * Reference: recursive descent parsing, https://en.wikipedia.org/wiki/Recursive_descent_parser ;
 * the families and the mixture form follow P. Bailis et al., "Probabilistically Bounded Staleness
 * for Practical Partial Quorums", PVLDB 5(8), 2012, Table 3.
 *
 * @param text - the distribution's text
 * @param parameter - the name to blame in errors, e.g. a CLI flag (default `latency`)
 * @example
 * parseLatency('mix(0.38:pareto(1.05,1.51), 0.62:exp(0.183))').toString();
 * // "mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))"
 * parseLatency('exp(0.1', '--latency');
 * // throws '--latency: got "exp(0.1"; allowed: a distribution such as ... (at column 8, the end of the text: missing ")" to close exp()'
 */
export function parseLatency(text: string, parameter = 'latency'): LatencyDistribution {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ParameterError(parameter, JSON.stringify(text ?? ''), `${ALLOWED} (the text is empty)`);
  }
  return new Parser(text, parameter).parse();
}
