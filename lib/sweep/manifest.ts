import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';

/** The record written beside every CSV as `<name>.manifest.json` (DESIGN.md "Output formats"). */
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
    // dist/lib/sweep/manifest.js and lib/sweep/manifest.ts are both three levels below the root.
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    cachedVersion = (JSON.parse(text) as { version: string }).version;
  }
  return cachedVersion;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** Fills the environment fields of a manifest (version, commit, Node) from the running process. */
export function describeRun(fields: Omit<Manifest, 'packageVersion' | 'gitCommit' | 'nodeVersion'>): Manifest {
  return { ...fields, packageVersion: packageVersion(), gitCommit: gitCommit(), nodeVersion: process.version };
}

/** `data/x.csv` -> `data/x.manifest.json`. */
export function manifestPathFor(csvPath: string): string {
  return csvPath.replace(/\.csv$/i, '') + '.manifest.json';
}

/** Writes the manifest atomically, pretty-printed. */
export function writeManifest(path: string, manifest: Manifest): void {
  writeFileAtomic(path, JSON.stringify(manifest, null, 2) + '\n');
}
