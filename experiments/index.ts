/**
 * `npm start`: reproduces the default experiments into data/ with SVG, PNG and PDF figures.
 *
 *   node dist/experiments/index.js [--full] [--threads K] [--seed S] [--out DIR]
 *
 * Quick mode (the default) runs 100,000 trials per cell; --full runs 10,000,000.
 */
import { Command } from 'commander';
import { defaultThreads } from '../lib/sweep/pool.js';
import { parseWholeNumber } from '../lib/cli/parse-values.js';
import { ParameterError } from '../lib/errors.js';
import { stalenessPresetsExperiment } from './staleness-presets.js';
import type { ExperimentSettings } from './settings.js';

const QUICK_TRIALS = 100_000;
const FULL_TRIALS = 10_000_000;

const program = new Command('experiments')
  .description('Reproduce the default experiments into data/ with SVG, PNG and PDF figures.')
  .option('--full', `full precision (${FULL_TRIALS} trials per cell instead of ${QUICK_TRIALS})`)
  .option('--threads <count>', 'worker threads (default: the number of cores)')
  .option('--seed <seed>', 'seed of every random stream', '1')
  .option('--out <dir>', 'output directory', 'data')
  .parse();

const flags = program.opts<{ full?: boolean; threads?: string; seed: string; out: string }>();
try {
  const settings: ExperimentSettings = {
    trials: flags.full ? FULL_TRIALS : QUICK_TRIALS,
    seed: parseWholeNumber('--seed', flags.seed),
    threads: flags.threads === undefined ? defaultThreads() : parseWholeNumber('--threads', flags.threads, 1, 1024),
    outDir: flags.out,
    formats: ['svg', 'png', 'pdf'],
    log: (line) => process.stdout.write(line + '\n'),
  };
  const started = Date.now();
  settings.log(`staleness under the latency presets (${settings.trials} trials per cell, ${settings.threads} threads)`);
  const written = await stalenessPresetsExperiment(settings);
  settings.log(`\nwrote ${written.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const path of written) settings.log(`  ${path}`);
} catch (error) {
  if (error instanceof ParameterError) {
    process.stderr.write(`experiments: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
