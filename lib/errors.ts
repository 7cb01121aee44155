/**
 * A bad input value, refused before any work starts.
 *
 * The message is one line naming the parameter, what was given and what is allowed,
 * so the CLI can print it as is and exit with code 2 (see docs/architecture.md).
 *
 * @example
 * throw new ParameterError('--w', '4', 'an integer from 1 to n (3)');
 * // message: "--w: got 4; allowed: an integer from 1 to n (3)"
 */
export class ParameterError extends Error {
  /** The parameter's name as the user wrote it (a CLI flag, a config field, a distribution argument). */
  readonly parameter: string;
  /** What was given, as text. */
  readonly given: string;
  /** What is allowed, in words. */
  readonly allowed: string;

  constructor(parameter: string, given: string, allowed: string) {
    super(`${parameter}: got ${given}; allowed: ${allowed}`);
    this.name = 'ParameterError';
    this.parameter = parameter;
    this.given = given;
    this.allowed = allowed;
  }
}
