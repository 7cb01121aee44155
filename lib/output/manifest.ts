import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './atomic-write.js';

/** The record written beside every CSV as `<name>.manifest.json`. */
export interface Manifest {
  /** The experiment's name, e.g. `staleness`. */
  experiment: string;
  /** Every parameter that shaped the result, as given and as resolved. */
  parameters: Record<string, unknown>;
  seed: number;
  /** Trials per cell (or per cell and t point, as the experiment defines). */
  trials: number;
  packageVersion: string;
  /** `git rev-parse HEAD` of the working directory, when it is a git checkout. */
  gitCommit: string | null;
  nodeVersion: string;
  threads: number;
  wallTimeMs: number;
  startedAt: string;
  finishedAt: string;
  /** The files this run wrote, relative to the manifest. */
  outputs: string[];
}

let cachedVersion: string | undefined;

/** This package's version, read from its package.json. */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    // dist/lib/output/manifest.js is three levels below the root, lib/output/manifest.ts (tests) two.
    const candidates = ['../../../package.json', '../../package.json'].map(
      (path) => new URL(path, import.meta.url),
    );
    const url = candidates.find(
      (candidate) =>
        existsSync(candidate) &&
        (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'replilab',
    );
    if (!url) throw new Error(`replilab's package.json not found above ${fileURLToPath(import.meta.url)}`);
    cachedVersion = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return cachedVersion;
}

function gitCommit(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}

/** Fills the environment fields of a manifest (version, commit, Node) from the running process. */
export function describeRun(
  fields: Omit<Manifest, 'packageVersion' | 'gitCommit' | 'nodeVersion'>,
): Manifest {
  return {
    ...fields,
    packageVersion: packageVersion(),
    gitCommit: gitCommit(),
    nodeVersion: process.version,
  };
}

/** `data/x.csv` -> `data/x.manifest.json`. */
export function manifestPathFor(csvPath: string): string {
  return csvPath.replace(/\.csv$/i, '') + '.manifest.json';
}

/** Writes the manifest atomically, pretty-printed. */
export function writeManifest(path: string, manifest: Manifest): void {
  writeFileAtomic(path, JSON.stringify(manifest, null, 2) + '\n');
}
