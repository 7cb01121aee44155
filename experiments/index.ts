/**
 * `npm start`: reproduces the default experiments into data/ with SVG, PNG and PDF figures.
 *
 *   node dist/experiments/index.js [--full] [--threads K] [--seed S] [--out DIR]
 *
 * Runs every experiment of default-experiments.ts, each as sweeps into data/<experiment>/ (CSV and
 * manifest) with figures drawn from the CSVs. Quick mode (the default) takes about a minute on 2
 * cores; --full runs each experiment's full trial count (staleness: 10,000,000 per cell instead of
 * 100,000; the cluster models: 10 times more runs or trials). In full mode it then executes every
 * notebook and writes them, with their tables and charts, as HTML to <out>/notebooks/
 * (notebooks/execute.mjs --html; skipped with a note when Jupyter is not installed).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { defaultThreads } from '../lib/experiments/worker-pool.js';
import { parseWholeNumber } from '../lib/cli/parse-values.js';
import { ParameterError } from '../lib/errors.js';
import { runDefaultExperiment } from './default-experiment.js';
import { DEFAULT_EXPERIMENTS } from './default-experiments.js';
import type { ExperimentSettings } from './settings.js';

const program = new Command('experiments')
  .description('Reproduce the default experiments into data/ with SVG, PNG and PDF figures.')
  .option(
    '--full',
    "full precision: each experiment's full trial count (about 10 to 100 times the quick one)",
  )
  .option('--threads <count>', 'worker threads (default: the number of cores)')
  .option('--seed <seed>', 'seed of every random stream', '1')
  .option('--out <dir>', 'output directory', 'data')
  .parse();

const flags = program.opts<{ full?: boolean; threads?: string; seed: string; out: string }>();
try {
  const settings: ExperimentSettings = {
    full: flags.full === true,
    seed: parseWholeNumber('--seed', flags.seed),
    threads:
      flags.threads === undefined ? defaultThreads() : parseWholeNumber('--threads', flags.threads, 1, 1024),
    outDir: flags.out,
    formats: ['svg', 'png', 'pdf'],
    log: (line) => process.stdout.write(line + '\n'),
  };
  const started = Date.now();
  const written: string[] = [];
  for (const experiment of DEFAULT_EXPERIMENTS)
    written.push(...(await runDefaultExperiment(experiment, settings)));
  settings.log(`\nwrote ${written.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const path of written) settings.log(`  ${path}`);
  if (settings.full) {
    // From dist/experiments/ (where this runs) to the notebook driver in the repository.
    const driver = fileURLToPath(new URL('../../notebooks/execute.mjs', import.meta.url));
    const htmlDir = join(settings.outDir, 'notebooks');
    settings.log(`\nnotebooks, executed, as HTML in ${htmlDir}/:`);
    const run = spawnSync(process.execPath, [driver, '--html', `--html-dir=${htmlDir}`], {
      stdio: 'inherit',
    });
    if (run.status !== 0) process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof ParameterError) {
    process.stderr.write(`experiments: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
