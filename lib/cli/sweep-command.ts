import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import { sweepExperiment, sweepExperimentNames, sweepScenarioNames } from '../sweep/experiments.js';
import { defaultThreads } from '../experiments/worker-pool.js';
import { runSweep, type SweepFailure } from '../sweep/run-sweep.js';
import { describeValues, loadSweepSpec } from '../sweep/spec.js';
import {
  backendCaOption,
  backendCertOption,
  backendFromFlags,
  backendKeyOption,
  backendPasswordFileOption,
  backendUrlOption,
  type BackendFlags,
} from './backend-flags.js';
import { parseWholeNumber } from './parse-values.js';
import { sweepProgressReporter } from './progress.js';

interface SweepFlags extends BackendFlags {
  schema?: boolean;
  out?: string;
  threads?: string;
  resume?: boolean;
  ciWidth?: string;
  maxTrials?: string;
  cell?: string;
  queue?: string;
  jobsInFlight?: string;
}

function experimentsHelp(): string {
  return sweepExperimentNames()
    .map((name) => {
      const experiment = sweepExperiment(name);
      const width = Math.max(...experiment.parameters.map((p) => p.name.length));
      const parameters = experiment.parameters
        .map(
          (p) =>
            `      ${p.name.padEnd(width)}  ${p.doc}${p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : ''}`,
        )
        .join('\n');
      return `  ${name}: ${experiment.description}\n    trials: ${experiment.trialsUnit}; parameters:\n${parameters}`;
    })
    .join('\n');
}

const HELP = () => `
A sweep file (YAML or JSON):
  experiment: staleness        # one of: ${sweepExperimentNames().join(', ')}
  seed: 1
  trials: 200000               # per cell (the experiment's unit)
  grid:                        # cartesian product, last key fastest; or cells: [{...}, ...]
    latency: [lnkd-ssd, lnkd-disk]
    r: [1, 2]
    w: [1, 2]
  fixed:                       # the same for every cell
    t: "0:50:5"
  replicates: 1                # optional: runs of each grid point, distinct streams
  ci_width: 0.002              # optional: adaptive precision (as --ci-width)
  max_trials: 10000000         # optional: its trial cap (default: trials)
Parameter names are snake_case (w_latency, not w-latency); the list below gives each experiment's.
Instead of experiment:, scenario: NAME sweeps a system scenario (${sweepScenarioNames().join(', ')}):
its keys are the scenario's settings in the system's own units (patroni: ttl_s, loop_wait_s) and
its experiment's parameters it does not derive (replilab params NAME; replilab scenario show NAME
also says what a sweep of it runs and what scenario run adds).

Experiments:
${experimentsHelp()}

The CSV is byte-identical at any --threads and after --resume. Finished cells go to
FILE.partial.jsonl (and a readable FILE.partial.csv) as they finish; if the run stops (Ctrl-C,
kill -9), rerun with --resume to compute only the missing cells. A cell that throws is reported
with the command that replays it; the other cells finish, the CSV holds them and the manifest
lists the failure; the exit code is 1.

Examples:
  $ replilab sweep experiments/sweeps/staleness-quorums.yaml --out data/quorums.csv
  $ replilab sweep experiments/sweeps/staleness-quorums.yaml --out data/quorums.csv --resume
  $ replilab sweep experiments/sweeps/staleness-quorums.yaml --out data/q.csv --ci-width 0.002 --max-trials 1e7
  $ replilab sweep experiments/sweeps/staleness-quorums.yaml --cell 3 --threads 1
  $ replilab sweep experiments/sweeps/failover-timeouts.yaml --out data/failover-timeouts.csv
  $ replilab sweep experiments/sweeps/patroni-ttl.yaml --out data/sweeps/patroni-ttl.csv
  $ replilab sweep experiments/sweeps/lag-routing.yaml --out data/lag-routing.csv --ci-width 0.01 --max-trials 40

Across machines (BullMQ on one Redis; start any number of workers, anywhere, any time), with the
password out of the command line (REPLILAB_REDIS_URL stands for --backend) and TLS (rediss://):
  $ export REPLILAB_REDIS_URL="$(cat ~/.replilab-redis-url)"    # rediss://:PASSWORD@10.0.0.5:6380
  $ replilab worker --backend-ca ca.pem --threads 8                          # on each machine
  $ replilab sweep experiments/sweeps/staleness-quorums.yaml --out data/quorums.csv --backend-ca ca.pem
  $ replilab sweep FILE --out X.csv --backend rediss://10.0.0.5:6380 --backend-password-file ~/.redis-pw
The CSV is byte-identical to a local run. A worker killed mid-job leaves its job to another after
its lock expires (replilab worker --stall-ms); a coordinator stopped and rerun with --resume
reuses the jobs already done or in progress.`;

function parseCiWidth(text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!(value > 0 && value < 1))
    throw new ParameterError(
      '--ci-width',
      JSON.stringify(text),
      'a number between 0 and 1 (the width of a 95% interval), e.g. 0.002',
    );
  return value;
}

function reportFailure(failure: SweepFailure): void {
  process.stderr.write(
    `replilab: cell ${failure.cell} failed (${describeValues(failure.values)}${failure.replicate > 0 ? ` replicate=${failure.replicate}` : ''}; ` +
      `seed ${failure.seed}${failure.batch !== null ? `, batch ${failure.batch}` : ''}): ${failure.message}\n` +
      `  replay: ${failure.replay}\n`,
  );
}

/** `replilab sweep FILE`: runs an experiment over a grid of parameter cells. */
export function sweepCommand(): Command {
  return new Command('sweep')
    .description(
      'run an experiment over a grid of parameters from a YAML or JSON sweep file, on worker threads, into one CSV',
    )
    .argument('[file]', 'the sweep file (.yaml, .yml or .json)')
    .option('--schema', 'print the JSON Schema of sweep files (for editors) and exit')
    .option('--out <file.csv>', 'the CSV to write (with FILE.manifest.json); required unless --cell')
    .option(
      '--threads <count>',
      'worker threads (default: the number of cores); the CSV is identical at any count',
    )
    .option('--resume', 'continue an interrupted run from FILE.partial.jsonl: compute only the missing cells')
    .option(
      '--ci-width <width>',
      'adaptive precision: run each cell until its 95% interval is narrower than this',
    )
    .option('--max-trials <count>', "with --ci-width: the trial cap per cell (default: the file's trials)")
    .option(
      '--cell <index>',
      'run only this cell, in order to replay a failure (prints its CSV unless --out)',
    )
    .addOption(
      backendUrlOption(
        'run the batches on the workers of a Redis queue (redis://HOST:PORT, rediss:// for TLS) instead of local threads',
      ),
    )
    .addOption(backendPasswordFileOption())
    .addOption(backendCaOption())
    .addOption(backendCertOption())
    .addOption(backendKeyOption())
    .option('--queue <name>', 'with --backend: the queue name (default replilab)')
    .option(
      '--jobs-in-flight <count>',
      'with --backend: jobs enqueued and not yet merged, at most (default 64)',
    )
    .addHelpText('after', HELP)
    .action(async (file: string | undefined, flags: SweepFlags, command: Command) => {
      if (flags.schema) {
        const { sweepFileSchema } = await import('../sweep/sweep-schema.js');
        process.stdout.write(`${JSON.stringify(sweepFileSchema(), null, 2)}\n`);
        return;
      }
      if (file === undefined)
        throw new ParameterError('file', '(missing)', 'a sweep file (.yaml, .yml or .json), or --schema');
      const threads =
        flags.threads === undefined
          ? defaultThreads()
          : parseWholeNumber('--threads', flags.threads, 1, 1024);
      const ciWidth = flags.ciWidth === undefined ? undefined : parseCiWidth(flags.ciWidth);
      const maxTrials =
        flags.maxTrials === undefined ? undefined : parseWholeNumber('--max-trials', flags.maxTrials, 1);
      const cell = flags.cell === undefined ? undefined : parseWholeNumber('--cell', flags.cell, 0);
      const jobsInFlight =
        flags.jobsInFlight === undefined
          ? undefined
          : parseWholeNumber('--jobs-in-flight', flags.jobsInFlight, 1, 100_000);
      if (flags.backend === undefined && (flags.queue !== undefined || flags.jobsInFlight !== undefined)) {
        throw new ParameterError(
          flags.queue !== undefined ? '--queue' : '--jobs-in-flight',
          'without --backend',
          'use it with --backend redis://HOST:PORT',
        );
      }
      const backend = backendFromFlags(flags, command);
      if (flags.out === undefined && cell === undefined)
        throw new ParameterError('--out', '(missing)', 'FILE.csv (or --cell K to replay one cell to stdout)');
      const sweep = loadSweepSpec(file);

      const progress = sweepProgressReporter('sweep');
      const onSignal = () => {
        progress.stop();
        process.stderr.write(
          `replilab: interrupted; finished cells are kept, rerun with --resume to compute the rest\n`,
        );
        process.exit(130);
      };
      if (flags.out !== undefined) process.once('SIGINT', onSignal);
      const result = await runSweep(sweep, {
        threads,
        outPath: flags.out,
        resume: flags.resume === true,
        ciWidth,
        maxTrials,
        cell,
        backend,
        queue: flags.queue,
        jobsInFlight,
        cliNames: true,
        onProgress: (p) => progress.update(p),
        log: (line) => process.stderr.write(`${line}\n`),
      })
        .catch((error: unknown) => {
          if (error instanceof Error && /^cannot reach Redis/.test(error.message)) {
            process.stderr.write(`replilab: ${error.message}\n`);
            process.exit(1);
          }
          throw error;
        })
        .finally(() => {
          progress.stop();
          process.removeListener('SIGINT', onSignal);
        });

      if (cell !== undefined) {
        const failure = result.failures[0];
        if (failure) {
          process.stderr.write(
            `replilab: cell ${failure.cell} (${describeValues(failure.values)}; seed ${failure.seed}) threw:\n${failure.stack ?? failure.message}\n`,
          );
          process.exitCode = 1;
          return;
        }
        if (flags.out === undefined) process.stdout.write(result.csv);
      }
      for (const failure of result.failures) reportFailure(failure);
      if (result.written.length > 0)
        process.stderr.write(
          `wrote ${result.written.join(', ')}${result.failures.length > 0 ? ` (${result.failures.length} cells failed and are missing)` : ''}\n`,
        );
      if (result.failures.length > 0) process.exitCode = 1;
    });
}
