import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see either the old file or the whole new one, never a part:
 * the data goes to a temporary file in the same directory, then a rename replaces the target
 * (rename is atomic within one file system). Parent directories are created.
 *
 * @example
 * writeFileAtomic('data/staleness/curve.csv', csvText);
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.partial-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
