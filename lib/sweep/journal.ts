import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../output/atomic-write.js';
import type { SweepValue } from '../experiments/sweep-experiment.js';
import { packageVersion } from '../output/manifest.js';
import type { ResolvedSweep } from './spec.js';

/**
 * Everything that determines a sweep's results (threads do not): a resume continues a journal
 * only when its fingerprint is the same.
 */
export interface SweepFingerprint {
  /** The journal format. */
  format: 1;
  /** The package version (batch sizes and models live in the code). */
  version: string;
  experiment: string;
  seed: number;
  trials: number;
  ci_width: number | null;
  /** The trial cap of adaptive precision, or null. */
  max_trials: number | null;
  /** Every cell's replicate and values, in cell order. */
  cells: { replicate: number; values: Record<string, SweepValue> }[];
}

/** One finished cell in the journal: its CSV lines exactly as they appear in the final file. */
export interface JournalEntry {
  cell: number;
  /** Trials the cell used (the experiment's unit). */
  trials: number;
  /** The cell's CSV rows, no header. */
  csv: string;
}

/** The fingerprint of a sweep run with these precision settings. */
export function sweepFingerprint(
  sweep: ResolvedSweep,
  ciWidth: number | undefined,
  maxTrials: number | undefined,
): SweepFingerprint {
  return {
    format: 1,
    version: packageVersion(),
    experiment: sweep.experiment.name,
    seed: sweep.spec.seed,
    trials: sweep.spec.trials,
    ci_width: ciWidth ?? null,
    max_trials: maxTrials ?? null,
    cells: sweep.cells.map((cell) => ({ replicate: cell.replicate, values: cell.values })),
  };
}

/**
 * What differs between a journal's fingerprint and this run's, in words naming the field
 * (`seed: the journal has 1, now 2`), or null when they are the same.
 */
export function fingerprintDifference(journal: SweepFingerprint, now: SweepFingerprint): string | null {
  for (const field of [
    'format',
    'version',
    'experiment',
    'seed',
    'trials',
    'ci_width',
    'max_trials',
  ] as const) {
    if (journal[field] !== now[field])
      return `${field}: the journal has ${JSON.stringify(journal[field])}, now ${JSON.stringify(now[field])}`;
  }
  if (journal.cells.length !== now.cells.length)
    return `grid: the journal has ${journal.cells.length} cells, now ${now.cells.length}`;
  for (let i = 0; i < now.cells.length; i++) {
    const a = journal.cells[i];
    const b = now.cells[i];
    if (a.replicate !== b.replicate)
      return `replicates: cell ${i} is replicate ${a.replicate} in the journal, now ${b.replicate}`;
    for (const name of new Set([...Object.keys(a.values), ...Object.keys(b.values)])) {
      if (a.values[name] !== b.values[name]) {
        return `grid/fixed ${name}: cell ${i} has ${name}=${JSON.stringify(a.values[name])} in the journal, now ${JSON.stringify(b.values[name])}`;
      }
    }
  }
  return null;
}

/** Where a sweep writing `out.csv` keeps its journal and its growing CSV. */
export function journalPaths(outPath: string): { journal: string; partialCsv: string } {
  const base = outPath.replace(/\.csv$/i, '');
  return { journal: `${base}.partial.jsonl`, partialCsv: `${base}.partial.csv` };
}

/**
 * Reads a journal: the fingerprint line, then the finished cells. A torn last line (a kill in
 * the middle of a write) is ignored; null when the file is missing or has no whole first line.
 */
export function readJournal(
  path: string,
): { fingerprint: SweepFingerprint; entries: Map<number, JournalEntry> } | null {
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop(); // after the last newline: empty, or a torn line
  if (lines.length === 0) return null;
  let header: { journal?: unknown; fingerprint?: SweepFingerprint };
  try {
    header = JSON.parse(lines[0]) as typeof header;
  } catch {
    return null;
  }
  if (header.journal !== 'replilab-sweep' || !header.fingerprint) return null;
  const entries = new Map<number, JournalEntry>();
  for (const line of lines.slice(1)) {
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      break; // only a torn line can be malformed; nothing after it is trusted
    }
    if (Number.isInteger(entry.cell) && typeof entry.csv === 'string' && typeof entry.trials === 'number')
      entries.set(entry.cell, entry);
  }
  return { fingerprint: header.fingerprint, entries };
}

/**
 * Appends finished cells to a journal, one JSON line each, flushed to disk (fsync) before
 * {@link JournalWriter.append} returns. Opening it rewrites the file atomically with the
 * fingerprint and the entries carried over (dropping any torn line).
 */
export class JournalWriter {
  private fd: number | null;

  constructor(
    readonly path: string,
    fingerprint: SweepFingerprint,
    carried: Iterable<JournalEntry> = [],
  ) {
    let text = JSON.stringify({ journal: 'replilab-sweep', fingerprint }) + '\n';
    for (const entry of carried) text += JSON.stringify(entry) + '\n';
    writeFileAtomic(path, text);
    this.fd = openSync(path, 'a');
  }

  /** Records one finished cell durably. */
  append(entry: JournalEntry): void {
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    writeSync(this.fd, JSON.stringify(entry) + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
