import { Command, Option } from 'commander';
import { ParameterError } from '../errors.js';
import { latencyPresetNames } from '../latency/index.js';
import type { StalenessCellOptions, StalenessOptions } from '../strategies/leaderless/staleness.js';
import {
  replayStalenessTrial,
  traceToJsonl,
  type ReplayAt,
  type StalenessTrace,
} from '../strategies/leaderless/staleness-replay.js';
import { writeFileAtomic } from '../sweep/atomic-write.js';
import {
  messageSequenceSpec,
  renderSvg,
  svgToPng,
  type ChartTheme,
  type FigureFormat,
  type VegaLiteSpec,
} from '../charts/index.js';
import { staleness } from '../experiments/staleness.js';
import { addParamOptions } from './experiment-command.js';
import { flagOf } from '../experiments/define.js';
import { parseFormats, parseWholeNumber } from './parse-values.js';
import { optionsFromFlags } from './staleness-command.js';
import { loadSweepSpec } from '../sweep/spec.js';

interface ReplayFlags {
  sweep?: string;
  cell: string;
  tIndex: string;
  trial: string;
  out: string;
  figures?: string;
  [flag: string]: unknown;
}

const EXAMPLES = `
Examples:
  $ replilab replay --latency lnkd-disk --t 0:10:1 --trials 10000 --t-index 2 --trial 17 --out data/replay/trial.jsonl
  $ replilab replay --latency ymmr --r 2 --w 1 --t 0,5,50 --t-index 1 --trial 0 --out t.jsonl --figures svg,png
  $ replilab replay --sweep experiments/sweeps/staleness-quorums.yaml --cell 5 --t-index 3 --out cell5.jsonl
  $ replilab replay --latency wan --n 5 --r 2 --w 2 --t 0,10 --cell 4 --trial 99 --out wan.jsonl --figures png

Which trial: the event engine of \`replilab staleness --engine event\` runs, per t point, --trials
write/read pairs in batches of 4096, each batch on its own random stream derived from (seed, cell,
batch). Give the same --latency, --n, --r, --w, --t, --trials and --seed as that run, and --cell
for a sweep cell; --t-index picks the t point (0 = the first) and --trial the pair within it
(0-based). The replay reruns that batch up to the trial, then traces the trial itself.
Output: --out FILE.jsonl gets a header line (parameters, seed, cell, tIndex, trial, outcome,
nodes) and then one event per line: {timeMs, kind, node, from?, sentMs?, version?, rank?, late?},
kind one of write-start, write-request, write-ack, commit, read-start, read-request,
read-response, read-return. Node n is the coordinator, 0..n-1 the replicas. Messages still in
flight when the read returned are delivered too and marked late.
--figures draws the message-sequence diagram beside it (FILE.svg, FILE.png).
Latency: a preset (${latencyPresetNames().join(', ')}) or a distribution, as for \`replilab staleness\`.`;

/** Where a replay went and what it found, for the summary. */
export interface ReplayReport {
  trace: StalenessTrace;
  written: string[];
}

function ms(x: number): string {
  return `${Number(x.toPrecision(4))} ms`;
}

/** The title and subtitle of a replayed trial's diagram. */
export function replayChartSpec(trace: StalenessTrace, theme?: ChartTheme): VegaLiteSpec {
  const { n, r, w, latency } = trace.parameters;
  const verdict = trace.outcome.consistent ? 'consistent' : 'stale';
  return messageSequenceSpec(trace, {
    theme,
    title: `Replay: a ${verdict} read (v${trace.outcome.versionRead})`,
    subtitle: `N=${n} R=${r} W=${w}, ${latency}, t = ${trace.tMs} ms; trial ${trace.trial} of t point ${trace.tIndex}, cell ${trace.cell}, seed ${trace.seed}`,
  });
}

/**
 * Replays one trial and writes its trace (and, with `formats`, its diagram beside it as
 * `<out without .jsonl>.svg/.png`). Everything is computed and rendered before the first write,
 * and each file is written atomically, so a failure leaves nothing behind.
 */
export async function replayToFiles(
  options: StalenessOptions,
  at: ReplayAt,
  out: string,
  formats: readonly FigureFormat[] = [],
): Promise<ReplayReport> {
  const trace = replayStalenessTrial(options, at);
  const files: { path: string; data: string | Uint8Array }[] = [{ path: out, data: traceToJsonl(trace) }];
  if (formats.length > 0) {
    const svg = await renderSvg(replayChartSpec(trace));
    const base = out.replace(/\.jsonl$/i, '');
    for (const format of new Set(formats))
      files.push({ path: `${base}.${format}`, data: format === 'svg' ? svg : svgToPng(svg) });
  }
  for (const file of files) writeFileAtomic(file.path, file.data);
  return { trace, written: files.map((f) => f.path) };
}

/** One paragraph: which trial, what happened, how many events, where the files went. */
export function replaySummary({ trace, written }: ReplayReport): string {
  const { n, r, w, latency, trials } = trace.parameters;
  const { outcome } = trace;
  const late = trace.events.filter((e) => e.late).length;
  const verdict = outcome.consistent
    ? `returned v${outcome.versionRead}, the write's version: a consistent read`
    : `returned v${outcome.versionRead}, older than the committed write: a stale read`;
  return (
    [
      `replay: trial ${trace.trial} of ${trials} at t = ${trace.tMs} ms (t point ${trace.tIndex}) of cell ${trace.cell},`,
      `N=${n} R=${r} W=${w}, latency ${latency}, seed ${trace.seed} (event engine: batch ${trace.batch}, trial ${trace.trialInBatch} within it).`,
      `The write committed after ${ms(outcome.writeLatencyMs)} (W=${w} ack${w === 1 ? '' : 's'}); the read started ${trace.tMs} ms later,`,
      `heard R=${r} response${r === 1 ? '' : 's'} after ${ms(outcome.readLatencyMs)} and ${verdict}.`,
      `${trace.events.length} events (${late} after the read returned).`,
      `Wrote ${written.join(', ')}.`,
    ].join(' ') + '\n'
  );
}

/** The parameters `replay` takes as flags (the staleness cell but its engine: always event). */
const CELL_KEYS = staleness.keys.filter((key) => key !== 'engine');

/** Flags that define the cell, which --sweep takes from the file instead. */
const CELL_FLAGS = [...CELL_KEYS, 'seed'];

/**
 * The options of cell `cellText` of a staleness sweep file: its parameters, the sweep's seed and
 * its trial cap (which fixes the batch layout), with the cell's index selecting the streams.
 */
function cellFromSweep(path: string, cellText: string, command: Command): { options: StalenessOptions } {
  const given = CELL_FLAGS.filter((name) => command.getOptionValueSource(name) === 'cli');
  if (given.length > 0) {
    throw new ParameterError(
      '--sweep',
      path,
      `without cell flags (got ${given.map(flagOf).join(', ')}): the file defines the cell`,
    );
  }
  const sweep = loadSweepSpec(path);
  if (sweep.experiment.name !== 'staleness') {
    throw new ParameterError(
      '--sweep',
      path,
      `a staleness sweep (this one runs ${sweep.experiment.name}; only staleness trials can be replayed)`,
    );
  }
  const index = parseWholeNumber('--cell', cellText, 0, sweep.cells.length - 1);
  const spec = sweep.spec;
  const trials = spec.ci_width !== undefined ? (spec.max_trials ?? spec.trials) : spec.trials;
  return {
    options: {
      ...(sweep.cells[index].options as StalenessCellOptions),
      seed: spec.seed,
      trials,
      cell: index,
      engine: 'event',
    },
  };
}

/** `replilab replay`: one trial of the staleness experiment, traced, as JSON lines and a diagram. */
export function replayCommand(): Command {
  return addParamOptions(new Command('replay'), staleness, { omit: ['engine'] })
    .option('--seed <seed>', "the run's seed (default 1)")
    .description(
      'rerun one trial of the staleness experiment (event engine) with tracing on: its event log as JSON lines and a message-sequence diagram',
    )
    .option('--cell <index>', "the cell's index in a sweep (selects the random streams)", '0')
    .option('--t-index <index>', 'which t point: its index in --t, from 0', '0')
    .option('--trial <index>', 'which trial of that t point, from 0', '0')
    .addOption(
      new Option(
        '--out <file.jsonl>',
        'write the trace as JSON lines (header line, then one event per line)',
      ).makeOptionMandatory(),
    )
    .option('--figures <formats>', 'also draw the timeline beside the trace (comma list of svg, png)')
    .addHelpText('after', EXAMPLES)
    .option(
      '--sweep <file>',
      'take the cell (its parameters, seed and trials) from this sweep file; --cell picks the cell',
    )
    .action(async (flags: ReplayFlags, command: Command) => {
      const fromSweep = flags.sweep !== undefined;
      const { options } = fromSweep
        ? cellFromSweep(flags.sweep!, flags.cell, command)
        : await optionsFromFlags({ ...flags, engine: 'event' }, 1);
      const cell = parseWholeNumber('--cell', flags.cell, 0);
      const grid = options.tGridMs;
      const tIndex = parseWholeNumber('--t-index', flags.tIndex, 0, grid.length - 1);
      const trial = parseWholeNumber('--trial', flags.trial, 0, options.trials - 1);
      if (!/\.jsonl$/i.test(flags.out))
        throw new ParameterError('--out', JSON.stringify(flags.out), 'a file name ending in .jsonl');
      const formats = flags.figures === undefined ? [] : parseFormats('--figures', flags.figures);
      const report = await replayToFiles({ ...options, cell }, { tIndex, trial }, flags.out, formats);
      process.stdout.write(replaySummary(report));
    });
}
