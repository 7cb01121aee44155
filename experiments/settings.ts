import type { FigureFormat } from '../lib/charts/index.js';

/** How an experiment script runs: quick by default, full precision on request. */
export interface ExperimentSettings {
  /** Trials per cell. */
  trials: number;
  seed: number;
  threads: number;
  /** Where outputs go (the experiment adds its own subdirectory). */
  outDir: string;
  /** Figure formats written beside each CSV. */
  formats: FigureFormat[];
  /** Progress lines. */
  log: (line: string) => void;
}
