import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ParameterError } from '../errors.js';

/** How a config file's refusals are worded. */
export interface ConfigFileNames {
  /** The parameter named when the file cannot be read, e.g. `sweep file` or `--config`. */
  unreadable: string;
  /** The parameter named when its text does not parse, e.g. the path or `--config cluster.yaml`. */
  malformed: string;
  /** What a good file is, in words: the `allowed` part of a malformed-file refusal. */
  allowed: string;
}

/**
 * Reads a YAML 1.2 file (the yaml package), or JSON for a `.json` name, into plain data. A file
 * that cannot be read or parsed is refused in one line, with the line and column of a YAML syntax
 * error. Checking the data is the caller's job.
 *
 * @example
 * const data = readConfigFile('cluster.yaml', { unreadable: '--config', malformed: '--config cluster.yaml', allowed: 'a mapping' });
 */
export function readConfigFile(path: string, names: ConfigFileNames): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ParameterError(
      names.unreadable,
      JSON.stringify(path),
      `a readable YAML or JSON file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  try {
    return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const message =
      error instanceof YAMLParseError
        ? `malformed YAML at line ${error.linePos?.[0].line ?? '?'}, column ${error.linePos?.[0].col ?? '?'} (${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '')})`
        : `malformed JSON (${(error as Error).message.split('\n')[0]})`;
    throw new ParameterError(names.malformed, message, names.allowed);
  }
}
