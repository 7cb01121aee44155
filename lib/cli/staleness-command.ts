import { Command, Option } from 'commander';
import { ParameterError } from '../errors.js';
import { latencyPresetNames } from '../latency/index.js';
import { stalenessOptionsFromValues } from '../strategies/leaderless/staleness-experiment.js';
import {
  runStaleness,
  stalenessJson,
  validateStalenessOptions,
  type StalenessOptions,
  type StalenessResult,
} from '../strategies/leaderless/staleness.js';
import { STALENESS_COLUMNS, stalenessRows } from '../strategies/leaderless/staleness-rows.js';
import { writeExperimentOutputs } from '../sweep/write-outputs.js';
import { legsToText } from '../strategies/leaderless/staleness-batch.js';
import { defaultThreads } from '../sweep/pool.js';
import { stalenessCurveSpec } from '../charts/index.js';
import { parseFormats, parseWholeNumber } from './parse-values.js';
import { progressBar } from './progress.js';

/** The flags of `replilab staleness`, as commander hands them over (also read by `replilab replay`). */
export interface StalenessFlags {
  latency: string;
  wLatency?: string;
  aLatency?: string;
  rLatency?: string;
  sLatency?: string;
  n: string;
  r: string;
  w: string;
  t: string;
  trials: string;
  seed: string;
  threads?: string;
  engine: string;
  out?: string;
  figures?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ replilab staleness --latency lnkd-disk --n 3 --r 1 --w 1 --t 0:100:1
  $ replilab staleness --latency "exp(1)" --w-latency "exp(4)" --t 0,1,2,5,10 --json
  $ replilab staleness --latency ymmr --r 2 --w 1 --trials 1e6 --out data/ymmr.csv --figures svg,png
  $ replilab staleness --latency file:data/latency/example-trace.csv --engine event --t 0:5:0.5

Latency: a preset (${latencyPresetNames().join(', ')}) or a distribution in ms, e.g.
  exp(0.183)  pareto(1.05,1.51)  mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))
  const(75)+exp(0.2)  normal(5,2)  lognormal(0,1)  uniform(1,5)  file:PATH.csv
Output: the curve with Wilson 95% intervals, t-visibility (the smallest t at which P(consistent)
reaches 0.9, 0.99, 0.999) and read/write latency quantiles; --out also writes FILE.manifest.json.`;

/** Builds the run's options from the flags; every error names its flag (ParameterError). */
export function optionsFromFlags(flags: StalenessFlags): { options: StalenessOptions; threads: number } {
  const cellOptions = stalenessOptionsFromValues(
    {
      latency: flags.latency,
      'w-latency': flags.wLatency,
      'a-latency': flags.aLatency,
      'r-latency': flags.rLatency,
      's-latency': flags.sLatency,
      n: flags.n,
      r: flags.r,
      w: flags.w,
      t: flags.t,
      engine: flags.engine,
    },
    (parameter) => `--${parameter}`,
  );
  const threads =
    flags.threads === undefined ? defaultThreads() : parseWholeNumber('--threads', flags.threads, 1, 1024);
  const options: StalenessOptions = {
    ...cellOptions,
    trials: parseWholeNumber('--trials', flags.trials, 1),
    seed: parseWholeNumber('--seed', flags.seed, 0),
    threads,
  };
  validateStalenessOptions(options, '--');
  return { options, threads };
}

function formatMs(x: number | null): string {
  return x === null ? 'not reached' : `${x.toPrecision(4)} ms`;
}

function printSummary(result: StalenessResult): void {
  const lines = [
    `staleness: N=${result.n} R=${result.r} W=${result.w}, latency ${result.latencyLabel}, ${result.trials} trials (${result.engine} engine), seed ${result.seed}`,
    `P(consistent) at t=${result.curve[0].t} ms: ${result.curve[0].p_consistent.toFixed(4)} [${result.curve[0].ci_low.toFixed(4)}, ${result.curve[0].ci_high.toFixed(4)}]`,
    `t-visibility (smallest t with P(consistent) >= level; 95% interval):`,
    ...(['0.9', '0.99', '0.999'] as const).map((level) => {
      const ci = result.tVisibilityCiMs[level];
      return `  ${(Number(level) * 100).toString().padStart(4)}%: ${formatMs(result.tVisibilityMs[level])}${ci ? ` [${ci.low.toPrecision(4)}, ${ci.high.toPrecision(4)}]` : ''}`;
    }),
    `read latency:  p50 ${formatMs(result.latencyMs.read.p50)}, p99 ${formatMs(result.latencyMs.read.p99)}, p99.9 ${formatMs(result.latencyMs.read.p999)} (${result.latencyMs.read.samples} reads)`,
    `write latency: p50 ${formatMs(result.latencyMs.write.p50)}, p99 ${formatMs(result.latencyMs.write.p99)}, p99.9 ${formatMs(result.latencyMs.write.p999)} (${result.latencyMs.write.samples} writes)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * The flags that define one staleness cell (latency legs, N/R/W, the t grid, trials, seed), shared
 * by `replilab staleness` and `replilab replay`; `what` words the help of --t, --trials and --seed.
 */
export function addStalenessCellOptions(
  command: Command,
  what: { t: string; trials: string; seed: string },
): Command {
  return command
    .option('--latency <preset|spec>', 'delay of all four legs: a preset name or a distribution', 'lnkd-ssd')
    .option('--w-latency <spec>', 'write request leg (coordinator -> replica), overrides --latency')
    .option('--a-latency <spec>', 'write ack leg (replica -> coordinator)')
    .option('--r-latency <spec>', 'read request leg (coordinator -> replica)')
    .option('--s-latency <spec>', 'read response leg (replica -> coordinator)')
    .option('--n <count>', 'replicas per key (N)', '3')
    .option('--r <count>', 'read quorum (R): responses a read waits for', '1')
    .option('--w <count>', 'write quorum (W): acks a write waits for', '1')
    .option('--t <range>', what.t, '0:200:1')
    .option('--trials <count>', what.trials, '100000')
    .option('--seed <seed>', what.seed, '1');
}

/** `replilab staleness`: the PBS quorum staleness experiment. */
export function stalenessCommand(): Command {
  return addStalenessCellOptions(new Command('staleness'), {
    t: 'read start after commit, ms: start:stop:step or a comma list',
    trials: 'write/read pairs (event engine: per t point); 1e6 form accepted',
    seed: 'seed of every random stream',
  })
    .description(
      'P(consistent read) against time since commit for a Dynamo-style N/R/W quorum (PBS t-visibility, WARS model)',
    )
    .option(
      '--threads <count>',
      'worker threads (default: the number of cores); results are identical at any count',
    )
    .addOption(
      new Option(
        '--engine <engine>',
        'fast (direct Monte Carlo, whole curve in one pass) or event (the discrete-event kernel, per t point)',
      ).default('fast'),
    )
    .option('--out <file.csv>', 'write the curve as CSV, with FILE.manifest.json beside it')
    .option('--figures <formats>', 'with --out: also write the chart beside the CSV (comma list of svg, png)')
    .option('--json', 'print exactly one JSON object on stdout (the documented contract) and nothing else')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: StalenessFlags) => {
      const { options, threads } = optionsFromFlags(flags);
      const formats = flags.figures === undefined ? [] : parseFormats('--figures', flags.figures);
      if (formats.length > 0 && !flags.out)
        throw new ParameterError('--figures', flags.figures ?? '', 'only together with --out FILE.csv');
      if (flags.out !== undefined && !/\.csv$/i.test(flags.out))
        throw new ParameterError('--out', JSON.stringify(flags.out), 'a file name ending in .csv');

      const started = new Date();
      const progress = progressBar('staleness');
      const result = await runStaleness({
        ...options,
        onProgress: (_fraction, done, total) => progress.update(done, total),
      });
      progress.stop();
      const finished = new Date();

      if (flags.out) {
        const label = `N=${result.n} R=${result.r} W=${result.w}`;
        const written = await writeExperimentOutputs({
          csvPath: flags.out,
          columns: STALENESS_COLUMNS,
          rows: stalenessRows(result),
          formats,
          figures: [
            {
              spec: stalenessCurveSpec(
                result.curve.map((p) => ({ series: label, ...p })),
                { title: `P(consistent read), ${result.latencyLabel}` },
              ),
              basePath: flags.out.replace(/\.csv$/i, ''),
            },
          ],
          run: {
            experiment: 'staleness',
            parameters: {
              latency: result.latencyLabel,
              legs: legsToText(options.legs),
              n: options.n,
              r: options.r,
              w: options.w,
              t: flags.t,
              engine: options.engine,
            },
            seed: options.seed,
            trials: options.trials,
            threads,
            wallTimeMs: finished.getTime() - started.getTime(),
            startedAt: started.toISOString(),
            finishedAt: finished.toISOString(),
          },
        });
        if (!flags.json) process.stderr.write(`wrote ${written.join(', ')}\n`);
      }
      if (flags.json) process.stdout.write(JSON.stringify(stalenessJson(result)) + '\n');
      else printSummary(result);
    });
}
