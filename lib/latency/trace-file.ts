import type { parse as ParseCsv } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ParameterError } from '../errors.js';
import type { LatencyDistribution } from './distribution.js';
import { empiricalFromSorted } from './empirical.js';

/** What a trace file must look like, for error messages. */
const TRACE_FILE =
  'a CSV file of delays in ms, one per row, in the first column or under a header latency_ms, latency or ms';
/** Header names that select the latency column, in order of preference (compared case-insensitively). */
const LATENCY_COLUMNS = ['latency_ms', 'latency', 'ms'];
/** A plain decimal number (what a measurement tool writes); no hex, no Infinity. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The text form of a trace file, `file:PATH`, with the path as given. A path that the text-form
 * parser would cut short (it contains `,` `)` or `+`, starts with `"`, or has surrounding spaces)
 * is written as a JSON string, `file:"..."`, which the parser also reads.
 *
 * @example
 * fileTerm('data/latency/example-trace.csv'); // "file:data/latency/example-trace.csv"
 * fileTerm('a,b.csv'); // 'file:"a,b.csv"'
 */
export function fileTerm(path: string): string {
  const plain = path.length > 0 && !/[,)+]|^["\s]|\s$/.test(path);
  return `file:${plain ? path : JSON.stringify(path)}`;
}

interface CsvRow {
  record: string[];
  info: { lines: number };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The empirical distribution of a trace of measured delays (see {@link empirical}): a CSV file with
 * one delay in ms per row, read from the first column, or, when the first row is a header (its
 * first cell is not a number), from the column named `latency_ms`, `latency` or `ms` (the first
 * column if none is). Blank lines are skipped. Its text form is `file:PATH`, the path as given
 * (relative paths resolve against the working directory).
 *
 * Refused with a one-line ParameterError naming `parameter`: a missing or unreadable file, an
 * empty file, a value that is not a number or is negative (with its line), fewer than 2 samples.
 *
 * References: https://en.wikipedia.org/wiki/Empirical_distribution_function ;
 * RFC 4180, Common Format and MIME Type for CSV Files, https://www.rfc-editor.org/rfc/rfc4180
 *
 * @param path - the CSV file
 * @param parameter - the name to blame in errors (default `file`)
 * @example
 * const d = empiricalFromFile('data/latency/example-trace.csv');
 * d.toString(); // "file:data/latency/example-trace.csv"
 * d.quantile(0.99); // the interpolated 99th percentile of the trace
 */
export function empiricalFromFile(path: string, parameter = 'file'): LatencyDistribution {
  const refuse = (reason: string): never => {
    throw new ParameterError(parameter, JSON.stringify(path), `${TRACE_FILE} (${reason})`);
  };
  let content = '';
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') refuse('no such file');
    if (code === 'EISDIR') refuse('it is a directory');
    if (code === 'EACCES' || code === 'EPERM') refuse('permission denied');
    refuse(`cannot read it: ${oneLine(String((error as Error).message))}`);
  }
  // csv-parse loads with the first trace file, not with every latency spec (start-up of the CLI).
  const { parse } = createRequire(import.meta.url)('csv-parse/sync') as { parse: typeof ParseCsv };
  let rows: CsvRow[] = [];
  try {
    rows = parse(content, {
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as CsvRow[];
  } catch (error) {
    refuse(`not valid CSV: ${oneLine(String((error as Error).message))}`);
  }
  if (rows.length === 0) refuse('the file is empty');

  let column = 0;
  let first = 0;
  const header = rows[0].record;
  if (!DECIMAL.test(header[0] ?? '')) {
    first = 1;
    const names = header.map((name) => name.toLowerCase());
    for (const wanted of LATENCY_COLUMNS) {
      const at = names.indexOf(wanted);
      if (at >= 0) {
        column = at;
        break;
      }
    }
  }
  const columnName = first === 1 ? `column ${JSON.stringify(header[column])}` : 'column 1';

  const samples = new Float64Array(rows.length - first);
  for (let r = first; r < rows.length; r++) {
    const { record, info } = rows[r];
    const cell = record[column];
    if (cell === undefined || cell === '') refuse(`line ${info.lines}: no value in ${columnName}`);
    if (!DECIMAL.test(cell)) refuse(`line ${info.lines}: ${JSON.stringify(cell)} is not a number`);
    const value = Number(cell);
    if (!Number.isFinite(value)) refuse(`line ${info.lines}: ${cell} is out of range`);
    if (value < 0) refuse(`line ${info.lines}: ${cell} is negative`);
    samples[r - first] = value;
  }
  if (samples.length === 0) refuse('no samples after the header');
  if (samples.length < 2) refuse('only 1 sample; at least 2 are needed');
  return empiricalFromSorted(samples.sort(), fileTerm(path));
}
