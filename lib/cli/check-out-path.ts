import { ParameterError } from '../errors.js';

/**
 * Refuses an `--out` that is not a CSV file name, before any work (the lab's rule: bad input is
 * refused before anything runs, and no partial output is left).
 *
 * @example
 * checkOutPath('data/run.csv'); // fine; checkOutPath('run.txt') throws naming --out
 */
export function checkOutPath(out: string | undefined): void {
  if (out !== undefined && !/\.csv$/i.test(out))
    throw new ParameterError('--out', JSON.stringify(out), 'a file name ending in .csv');
}
