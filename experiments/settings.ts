import type { FigureFormat } from '../lib/charts/index.js';

/** How an experiment script runs: quick by default, full precision on request. */
export interface ExperimentSettings {
  /** Full precision: each experiment's full trial count instead of its quick one. */
  full: boolean;
  /**
   * Multiplies every sweep's trials (rounded, at least 1). Default 1; tests use a small fraction
   * to run the whole path (sweeps, CSV, manifest, figures) in seconds.
   */
  trialScale?: number;
  seed: number;
  threads: number;
  /** Where outputs go (the experiment adds its own subdirectory). */
  outDir: string;
  /** Figure formats written beside each CSV. */
  formats: FigureFormat[];
  /** Progress lines. */
  log: (line: string) => void;
}
