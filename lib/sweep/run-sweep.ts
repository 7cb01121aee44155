import { appendFileSync, existsSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ParameterError } from '../errors.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { csvRows, toCsv, type CsvValue } from '../output/csv.js';
import type { CellAccumulator, CellContext, SweepValue } from '../experiments/sweep-experiment.js';
import {
  JournalWriter,
  fingerprintDifference,
  journalPaths,
  readJournal,
  sweepFingerprint,
  type JournalEntry,
  type SweepFingerprint,
} from './journal.js';
import { describeRun, manifestPathFor, writeManifest, type Manifest } from '../output/manifest.js';
import { BatchPool, defaultThreads, type BatchRunner } from '../experiments/worker-pool.js';
import { DEFAULT_QUEUE, openRedisBatchPool, parseQueueName, sweepKey } from './redis-backend.js';
import { resolveBackend, type BackendNames, type RedisBackend } from './redis-connection.js';
import { runCellPlans, type CellRun } from '../experiments/scheduler.js';
import {
  describeValues,
  validatePrecision,
  validateSweepSpec,
  type ResolvedSweep,
  type SweepCell,
  type SweepSpec,
} from './spec.js';

/** Progress of a running sweep, as {@link RunSweepOptions.onProgress} receives it. */
export interface SweepProgress {
  /** Cells finished (including cells carried over by a resume and failed cells). */
  cellsDone: number;
  /** Cells in the run. */
  cells: number;
  /** Cells that failed so far. */
  cellsFailed: number;
  /** Trials merged in this run (in batch units: for a curve measured point by point, over all points). */
  trialsDone: number;
  /** Trials planned for this run (shrinks as adaptive precision stops cells early). */
  trialsPlanned: number;
  /** Trials merged per second of wall time, this run. */
  trialsPerSecond: number;
  /** Seconds left at the current rate, or null before anything is merged. */
  etaSeconds: number | null;
  /** Seconds since the run started. */
  elapsedSeconds: number;
}

/** One finished cell. */
export interface SweepCellResult {
  /** The cell's index (its streams are deriveStream(seed, cell, batch)). */
  cell: number;
  replicate: number;
  /** The cell's parameter values, defaults filled in. */
  values: Record<string, SweepValue>;
  /** Trials the cell used (the experiment's unit); less than the cap when adaptive precision stopped it. */
  trials: number;
  /** The cell's CSV lines (no header), exactly as in the output file. */
  csv: string;
  /** The rows as values; absent for cells carried over from a journal by a resume (see `csv`). */
  rows?: Record<string, CsvValue>[];
  /** Whether the cell came from the journal of an earlier run. */
  resumed: boolean;
}

/** A cell that threw: what failed, and how to replay it alone. */
export interface SweepFailure {
  cell: number;
  replicate: number;
  values: Record<string, SweepValue>;
  seed: number;
  /** The batch that threw, when known. */
  batch: number | null;
  /** The error's message (one line). */
  message: string;
  /** The error's stack, when it has one. */
  stack?: string;
  /** The one command that reruns this cell alone, in one thread, so the stack trace shows. */
  replay: string;
}

/** The manifest of a sweep: the common fields, plus per-cell trials and any failures. */
export interface SweepManifest extends Manifest {
  /** False when cells failed: they are missing from the CSV. */
  complete: boolean;
  /** The sweep file, when the sweep came from one. */
  sweepFile: string | null;
  /**
   * The address of the distributed backend the batches ran on, without user or password
   * (`threads` is then 0: they ran on the workers' threads), or null.
   */
  backend: string | null;
  ciWidth: number | null;
  maxTrials: number | null;
  cellsComputed: number;
  cellsResumed: number;
  /** Every cell in the CSV with the trials it used. */
  cells: {
    cell: number;
    replicate: number;
    parameters: Record<string, SweepValue>;
    trials: number;
    resumed: boolean;
  }[];
  failures: SweepFailure[];
}

/** What {@link runSweep} returns. */
export interface SweepResult {
  experiment: string;
  /** The CSV columns: `cell`, `replicate`, then the experiment's. */
  columns: string[];
  /** Finished cells in cell order (failed cells are absent). */
  cells: SweepCellResult[];
  failures: SweepFailure[];
  /**
   * The whole CSV text (header and every finished cell in cell order). Without `outPath` it is
   * rendered when first read: results used as objects (`cells[i].rows`) never pay for the text.
   */
  readonly csv: string;
  /** Files written (CSV, then manifest), when `outPath` was given. */
  written: string[];
  manifest: SweepManifest | null;
}

/** How {@link runSweep} runs. */
export interface RunSweepOptions {
  /** Worker threads (default: the number of cores). 1 runs in this thread. Results are identical at any count. */
  threads?: number;
  /** Write the CSV here (atomically, at the end) with its manifest; keeps a resume journal meanwhile. */
  outPath?: string;
  /** Continue from the journal of an interrupted run with the same fingerprint. */
  resume?: boolean;
  /** Adaptive precision: run each cell until its main 95% interval is narrower than this (overrides the spec's `ci_width`). */
  ciWidth?: number;
  /** With ciWidth: the trial cap per cell (overrides the spec's `max_trials`; default the spec's `trials`). */
  maxTrials?: number;
  /** Run only this cell (no journal): how a failure is replayed. */
  cell?: number;
  /** Heap limit of each worker thread, MB. */
  workerMemoryMb?: number;
  /** Called at most every 200 ms, and when a cell finishes. */
  onProgress?: (progress: SweepProgress) => void;
  /** Called as each cell finishes (in completion order, not cell order). */
  onCellDone?: (cell: SweepCellResult) => void;
  /** Called when a cell fails (the sweep goes on). */
  onCellFailed?: (failure: SweepFailure) => void;
  /** Informational lines (e.g. what a resume carries over). */
  log?: (line: string) => void;
  /** Name the options as CLI flags in errors (`--ci-width` instead of `ciWidth`). */
  cliNames?: boolean;
  /**
   * Run the batches on the workers of a BullMQ queue on Redis (`redis://HOST:PORT`, or
   * `rediss://` for TLS) instead of this machine's threads: start workers with `replilab worker
   * --backend URL` (or `runRedisWorker`) on any number of machines. The CSV is byte-identical to
   * a local run. An object gives the password and TLS files apart from the URL; the manifest and
   * the log show the backend's address only, never its credentials.
   */
  backend?: string | RedisBackend;
  /** With `backend`: the queue name (default `replilab`). */
  queue?: string;
  /** With `backend`: jobs enqueued and not yet merged, at most (default 64; more than the workers' threads in total). */
  jobsInFlight?: number;
  /** With `backend`: how long to wait for Redis at the start before failing, ms (default 10000). */
  connectTimeoutMs?: number;
}

const CLI_NAMES: Record<string, string> = {
  threads: '--threads',
  outPath: '--out',
  resume: '--resume',
  ciWidth: '--ci-width',
  maxTrials: '--max-trials',
  cell: '--cell',
  backend: '--backend',
  queue: '--queue',
  jobsInFlight: '--jobs-in-flight',
};

/** The backend's parts as the CLI calls them (the URL may also come from REPLILAB_REDIS_URL). */
const CLI_BACKEND_NAMES: BackendNames = {
  url: '--backend',
  password: '--backend-password-file',
  ca: '--backend-ca',
  cert: '--backend-cert',
  key: '--backend-key',
};

function isResolved(sweep: SweepSpec | ResolvedSweep): sweep is ResolvedSweep {
  return (
    typeof (sweep as ResolvedSweep).experiment === 'object' &&
    Array.isArray((sweep as ResolvedSweep).cells) &&
    'spec' in sweep
  );
}

function shellQuote(text: string): string {
  return /^[\w./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
      : String(error);
  return text.split('\n')[0];
}

/**
 * A cell computed in this run. Its CSV text is rendered on first use: a run without a journal
 * renders the whole file in one csv-stringify call at the end instead (see {@link wholeCsv}),
 * which for many small cells costs a fraction of one call per cell.
 */
class ComputedCell implements SweepCellResult {
  readonly cell: number;
  readonly replicate: number;
  readonly values: Record<string, SweepValue>;
  readonly resumed = false;
  private text: string | undefined;

  constructor(
    cell: SweepCell,
    readonly trials: number,
    readonly rows: Record<string, CsvValue>[],
    private readonly columns: readonly string[],
  ) {
    this.cell = cell.index;
    this.replicate = cell.replicate;
    this.values = cell.values;
  }

  get csv(): string {
    this.text ??= csvRows(this.columns, this.rows);
    return this.text;
  }

  /** Whether the CSV text has been rendered already. */
  get rendered(): boolean {
    return this.text !== undefined;
  }
}

/**
 * The CSV of finished cells in cell order: header, then each cell's lines. Cells whose text is
 * not rendered yet go through one csv-stringify call per run of consecutive such cells (the same
 * bytes: `toCsv(columns, a.concat(b)) === toCsv(columns, a) + csvRows(columns, b)`).
 */
function wholeCsv(columns: readonly string[], ordered: readonly SweepCellResult[]): string {
  const parts = [toCsv(columns, [])];
  let pending: Record<string, CsvValue>[] = [];
  for (const cell of ordered) {
    if (cell instanceof ComputedCell && !cell.rendered) {
      for (const row of cell.rows) pending.push(row);
      continue;
    }
    if (pending.length > 0) parts.push(csvRows(columns, pending));
    pending = [];
    parts.push(cell.csv);
  }
  if (pending.length > 0) parts.push(csvRows(columns, pending));
  return parts.join('');
}

/** The checked settings of one run: what {@link checkRunOptions} derives from the spec and options. */
interface RunSettings {
  /** Names an option as the caller spelled it (a CLI flag with `cliNames`). */
  name: (key: string) => string;
  resolved: ResolvedSweep;
  threads: number;
  ciWidth: number | undefined;
  /** Trials per cell at most: the adaptive cap, or the spec's trials. */
  cap: number;
  outPath: string | undefined;
  backend: RedisBackend | undefined;
  /** The backend's address without credentials, for the log and the manifest. */
  backendAddress: string | undefined;
}

/** Validates the spec and every option, before any work or output. */
function checkRunOptions(sweep: SweepSpec | ResolvedSweep, options: RunSweepOptions): RunSettings {
  const name = (key: string) => (options.cliNames ? CLI_NAMES[key] : key);
  const resolved = isResolved(sweep) ? sweep : validateSweepSpec(sweep);
  const { spec } = resolved;
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024)
    throw new ParameterError(name('threads'), String(threads), 'an integer from 1 to 1024');
  const ciWidth = options.ciWidth ?? spec.ci_width;
  const maxTrials = options.maxTrials ?? spec.max_trials;
  validatePrecision(ciWidth, maxTrials, { ciWidth: name('ciWidth'), maxTrials: name('maxTrials') });
  const cap = ciWidth !== undefined ? (maxTrials ?? spec.trials) : spec.trials;
  if (
    options.cell !== undefined &&
    (!Number.isInteger(options.cell) || options.cell < 0 || options.cell >= resolved.cells.length)
  ) {
    throw new ParameterError(
      name('cell'),
      String(options.cell),
      `a cell index from 0 to ${resolved.cells.length - 1}`,
    );
  }
  const outPath = options.outPath;
  if (outPath !== undefined && !/\.csv$/i.test(outPath))
    throw new ParameterError(name('outPath'), JSON.stringify(outPath), 'a file name ending in .csv');
  if (options.resume && options.cell !== undefined)
    throw new ParameterError(
      name('resume'),
      'with a single cell',
      'resume a whole sweep, or replay one cell without it',
    );
  // Checked here, before any work; the credentials stay in `backend`, the manifest gets the address.
  const backendAddress =
    options.backend === undefined
      ? undefined
      : resolveBackend(options.backend, options.cliNames ? CLI_BACKEND_NAMES : undefined).address;
  const backend: RedisBackend | undefined =
    typeof options.backend === 'string' ? { url: options.backend } : options.backend;
  if (options.queue !== undefined) parseQueueName(options.queue, name('queue'));
  if (
    options.jobsInFlight !== undefined &&
    !(Number.isInteger(options.jobsInFlight) && options.jobsInFlight >= 1 && options.jobsInFlight <= 100_000)
  ) {
    throw new ParameterError(
      name('jobsInFlight'),
      String(options.jobsInFlight),
      'an integer from 1 to 100000',
    );
  }
  return { name, resolved, threads, ciWidth, cap, outPath, backend, backendAddress };
}

/** Where a run keeps its journal, and what an earlier run of it left. */
interface ResumeState {
  /** Whether this run keeps a journal (an output file, and not a single replayed cell). */
  journaling: boolean;
  paths: ReturnType<typeof journalPaths> | null;
  fingerprint: SweepFingerprint | null;
  /** Cells finished by an earlier run, by cell index. */
  carried: Map<number, JournalEntry>;
}

/** Reads the journal of an earlier run: refuses a mismatch before anything is written. */
function readResumeState(settings: RunSettings, options: RunSweepOptions): ResumeState {
  const { name, resolved, ciWidth, cap, outPath, backend } = settings;
  const journaling = outPath !== undefined && options.cell === undefined;
  const paths = outPath !== undefined ? journalPaths(outPath) : null;
  // Only a journaled or distributed run needs the fingerprint (it covers every cell's values: not free for big sweeps).
  const fingerprint =
    journaling || backend !== undefined
      ? sweepFingerprint(resolved, ciWidth, ciWidth !== undefined ? cap : undefined)
      : null;
  let carried = new Map<number, JournalEntry>();
  if (journaling && paths) {
    if (!options.resume && existsSync(paths.journal)) {
      throw new ParameterError(
        name('resume'),
        `no ${name('resume')}, but ${paths.journal} exists (an unfinished run of this output)`,
        `${name('resume')} to continue it, or delete that file to start over`,
      );
    }
    const journal = options.resume ? readJournal(paths.journal) : null;
    if (journal) {
      const difference = fingerprintDifference(journal.fingerprint, fingerprint!);
      if (difference) {
        throw new ParameterError(
          name('resume'),
          `a changed sweep (${difference})`,
          `the sweep that wrote ${paths.journal}; restore it, or delete that file to start over`,
        );
      }
      carried = journal.entries;
    }
  }
  return { journaling, paths, fingerprint, carried };
}

/** The results of the cells carried over from the journal, by cell index. */
function carriedResults(
  resolved: ResolvedSweep,
  carried: Map<number, JournalEntry>,
): Map<number, SweepCellResult> {
  const finished = new Map<number, SweepCellResult>();
  for (const entry of carried.values()) {
    const cell = resolved.cells[entry.cell];
    finished.set(entry.cell, {
      cell: entry.cell,
      replicate: cell.replicate,
      values: cell.values,
      trials: entry.trials,
      csv: entry.csv,
      resumed: true,
    });
  }
  return finished;
}

/** Opens the batch runner: a Redis queue with `backend`, else local threads. */
async function openRunner(
  settings: RunSettings,
  options: RunSweepOptions,
  fingerprint: SweepFingerprint | null,
): Promise<BatchRunner> {
  const { backend, backendAddress, threads } = settings;
  const pool: BatchRunner =
    backend !== undefined
      ? await openRedisBatchPool({
          ...backend,
          key: sweepKey(fingerprint),
          queue: options.queue,
          jobsInFlight: options.jobsInFlight,
          log: options.log,
          connectTimeoutMs: options.connectTimeoutMs,
        })
      : new BatchPool({ threads, workerMemoryMb: options.workerMemoryMb });
  if (backendAddress !== undefined)
    options.log?.(
      `batches go to the workers of queue ${options.queue ?? DEFAULT_QUEUE} at ${backendAddress}`,
    );
  return pool;
}

/**
 * The readable `<out>.partial.csv` that grows in cell order while the sweep runs: each flush
 * appends the finished cells that follow the last one written (a failed cell adds no lines).
 * Without a journal it does nothing.
 */
class PartialCsv {
  private flushed = 0;
  private readonly failed = new Set<number>();

  constructor(
    private readonly path: string | null,
    private readonly cellCount: number,
    private readonly finished: ReadonlyMap<number, SweepCellResult>,
  ) {}

  /** Writes the header, then the cells already finished (those a resume carried over). */
  start(columns: readonly string[]): void {
    if (this.path === null) return;
    writeFileAtomic(this.path, toCsv(columns, []));
    this.flush();
  }

  /** Marks a cell failed, so the flush goes past it. */
  markFailed(cell: number): void {
    this.failed.add(cell);
  }

  flush(): void {
    if (this.path === null) return;
    let text = '';
    while (
      this.flushed < this.cellCount &&
      (this.finished.has(this.flushed) || this.failed.has(this.flushed))
    ) {
      text += this.finished.get(this.flushed)?.csv ?? '';
      this.flushed++;
    }
    if (text) appendFileSync(this.path, text);
  }
}

/** Reports {@link SweepProgress} at most every 200 ms, or at once when forced. */
class ProgressReporter {
  private trialsDone = 0;
  private readonly clock = performance.now();
  private last = -Infinity;

  constructor(
    private readonly onProgress: ((progress: SweepProgress) => void) | undefined,
    private readonly cells: number,
    private trialsPlanned: number,
    private readonly counts: () => { done: number; failed: number },
  ) {}

  merged(trials: number): void {
    this.trialsDone += trials;
  }

  dropped(trials: number): void {
    this.trialsPlanned -= trials;
  }

  report(force: boolean): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const elapsedSeconds = (now - this.clock) / 1000;
    const { trialsDone, trialsPlanned } = this;
    const rate = elapsedSeconds > 0 ? trialsDone / elapsedSeconds : 0;
    const { done, failed } = this.counts();
    this.onProgress({
      cellsDone: done,
      cells: this.cells,
      cellsFailed: failed,
      trialsDone,
      trialsPlanned,
      trialsPerSecond: rate,
      etaSeconds: rate > 0 ? Math.max(0, trialsPlanned - trialsDone) / rate : null,
      elapsedSeconds,
    });
  }
}

/** The one command that reruns a cell alone, in one thread. */
function replayCommand(resolved: ResolvedSweep, options: RunSweepOptions, cell: SweepCell): string {
  const precision = [
    options.ciWidth !== undefined ? ` --ci-width ${options.ciWidth}` : '',
    options.maxTrials !== undefined ? ` --max-trials ${options.maxTrials}` : '',
  ].join('');
  if (resolved.source !== undefined)
    return `replilab sweep ${shellQuote(resolved.source)} --cell ${cell.index} --threads 1${precision}`;
  const extra = [
    options.ciWidth !== undefined ? `, ciWidth: ${options.ciWidth}` : '',
    options.maxTrials !== undefined ? `, maxTrials: ${options.maxTrials}` : '',
  ].join('');
  return `runSweep(spec, { cell: ${cell.index}, threads: 1${extra} })`;
}

/** What failed in a cell, with its seed, batch and replay command. */
function describeFailure(
  resolved: ResolvedSweep,
  options: RunSweepOptions,
  cell: SweepCell,
  error: unknown,
  task: { batch: number } | undefined,
): SweepFailure {
  return {
    cell: cell.index,
    replicate: cell.replicate,
    values: cell.values,
    seed: resolved.spec.seed,
    batch: task?.batch ?? null,
    message: firstLine(error),
    ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    replay: replayCommand(resolved, options, cell),
  };
}

/** What one run did, for {@link writeRunOutputs}. */
interface RunRecord {
  startedAt: Date;
  finishedAt: Date;
  /** Cells computed in this run (including failed ones). */
  computed: number;
  /** Finished cells in cell order. */
  ordered: SweepCellResult[];
  /** Failures in cell order. */
  failures: SweepFailure[];
  csv: () => string;
}

/**
 * Writes the CSV atomically, then its manifest, and removes the partial CSV and (when no cell
 * failed) the journal.
 */
function writeRunOutputs(
  outPath: string,
  settings: RunSettings,
  resume: ResumeState,
  options: RunSweepOptions,
  run: RunRecord,
): { written: string[]; manifest: SweepManifest } {
  const { resolved, ciWidth, cap, backend, backendAddress, threads } = settings;
  const { spec, experiment } = resolved;
  const { ordered, failures } = run;
  const written: string[] = [];
  writeFileAtomic(outPath, run.csv());
  written.push(outPath);
  const manifestPath = manifestPathFor(outPath);
  const manifest = describeRun({
    experiment: experiment.name,
    parameters: {
      ...(spec.grid ? { grid: spec.grid } : {}),
      ...(spec.cells ? { cells: spec.cells } : {}),
      ...(spec.fixed ? { fixed: spec.fixed } : {}),
      replicates: spec.replicates ?? 1,
      ...(options.cell !== undefined ? { only_cell: options.cell } : {}),
    },
    seed: spec.seed,
    trials: spec.trials,
    threads: backend !== undefined ? 0 : threads,
    wallTimeMs: run.finishedAt.getTime() - run.startedAt.getTime(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    outputs: [relative(process.cwd(), outPath)],
  }) as SweepManifest;
  Object.assign(manifest, {
    complete: failures.length === 0,
    sweepFile: resolved.source ?? null,
    backend: backendAddress ?? null,
    ciWidth: ciWidth ?? null,
    maxTrials: ciWidth !== undefined ? cap : null,
    cellsComputed: run.computed - failures.length,
    cellsResumed: resume.carried.size,
    cells: ordered.map((cell) => ({
      cell: cell.cell,
      replicate: cell.replicate,
      parameters: cell.values,
      trials: cell.trials,
      resumed: cell.resumed,
    })),
    failures,
  });
  writeManifest(manifestPath, manifest);
  written.push(manifestPath);
  if (resume.paths && resume.journaling) {
    rmSync(resume.paths.partialCsv, { force: true });
    if (failures.length === 0) rmSync(resume.paths.journal, { force: true });
  }
  return { written, manifest };
}

/**
 * Runs a sweep: every cell of the grid (times replicates) on one worker pool, each cell's
 * batches merged in batch order, so the CSV is byte-identical at any thread count and after a
 * resume. With `outPath`, finished cells go to a journal (`<out>.partial.jsonl`, fsync'd) and a
 * growing `<out>.partial.csv`; at the end the CSV is written atomically in cell order, then its
 * manifest, and the journal is deleted (kept when cells failed, so `resume` retries only those).
 * A cell that throws is reported with its parameters, seed and replay command; the others finish.
 *
 * @throws ParameterError for an invalid spec or option, before any work or output.
 * @example
 * const result = await runSweep({ experiment: 'selftest', seed: 1, trials: 100000, grid: { k: [1, 2, 3] } }, { threads: 2 });
 * result.cells.map((c) => c.rows![0].p_estimate);
 */
export async function runSweep(
  sweep: SweepSpec | ResolvedSweep,
  options: RunSweepOptions = {},
): Promise<SweepResult> {
  const settings = checkRunOptions(sweep, options);
  const resume = readResumeState(settings, options);
  const { resolved, ciWidth, cap, outPath } = settings;
  const { spec, experiment } = resolved;
  const { journaling, paths, fingerprint, carried } = resume;

  await experiment.prepare?.();
  const columns = ['cell', 'replicate', ...experiment.columns];
  const runCells: SweepCell[] =
    options.cell !== undefined
      ? [resolved.cells[options.cell]]
      : resolved.cells.filter((cell) => !carried.has(cell.index));
  const cellsTotal = options.cell !== undefined ? 1 : resolved.cells.length;
  const finished = carriedResults(resolved, carried);
  if (carried.size > 0)
    options.log?.(
      `resuming: ${carried.size} of ${cellsTotal} cells already done, computing ${runCells.length}`,
    );

  const startedAt = new Date();
  const contexts = runCells.map((cell): CellContext => ({ seed: spec.seed, cell: cell.index, trials: cap }));
  let trialsPlanned = 0;
  runCells.forEach((cell, i) => {
    trialsPlanned += experiment.plan(cell.options, contexts[i]).trials;
  });

  // The runner first: an unreachable backend fails the run before any file is written.
  const pool = await openRunner(settings, options, fingerprint);
  const journal =
    journaling && paths
      ? new JournalWriter(
          paths.journal,
          fingerprint!,
          [...carried.values()].sort((a, b) => a.cell - b.cell),
        )
      : null;
  const partial = new PartialCsv(
    journaling && paths ? paths.partialCsv : null,
    resolved.cells.length,
    finished,
  );
  partial.start(columns);

  const failures: SweepFailure[] = [];
  const progress = new ProgressReporter(options.onProgress, cellsTotal, trialsPlanned, () => ({
    done: finished.size + failures.length,
    failed: failures.length,
  }));

  const accumulators = new Map<number, CellAccumulator>();
  const open = (position: number): CellRun => {
    const cell = runCells[position];
    const plan = experiment.plan(cell.options, contexts[position]);
    const accumulator = experiment.accumulator(cell.options, contexts[position]);
    accumulators.set(position, accumulator);
    return {
      plan,
      add: (summary, index) => accumulator.add(summary, plan.task(index)),
      ...(ciWidth !== undefined ? { enough: () => accumulator.intervalWidth() < ciWidth } : {}),
    };
  };

  try {
    await runCellPlans(runCells.length, open, pool, {
      onMerged(_, task) {
        progress.merged(task.trials);
        progress.report(false);
      },
      onTrialsDropped(_, trials) {
        progress.dropped(trials);
      },
      onCellDone(position) {
        const cell = runCells[position];
        const accumulator = accumulators.get(position)!;
        accumulators.delete(position);
        const rows = accumulator
          .rows()
          .map((row) => ({ cell: cell.index, replicate: cell.replicate, ...row }));
        const result = new ComputedCell(cell, accumulator.trials(), rows, columns);
        journal?.append({ cell: result.cell, trials: result.trials, csv: result.csv });
        finished.set(cell.index, result);
        partial.flush();
        options.onCellDone?.(result);
        progress.report(true);
      },
      onCellFailed(position, error, task) {
        const cell = runCells[position];
        accumulators.delete(position);
        const failure = describeFailure(resolved, options, cell, error, task);
        failures.push(failure);
        partial.markFailed(cell.index);
        partial.flush();
        options.onCellFailed?.(failure);
        progress.report(true);
      },
    });
  } finally {
    await pool.close();
    journal?.close();
  }
  progress.report(true);
  const finishedAt = new Date();

  const ordered = [...finished.values()].sort((a, b) => a.cell - b.cell);
  failures.sort((a, b) => a.cell - b.cell);
  let text: string | undefined;
  const csv = () => (text ??= wholeCsv(columns, ordered));
  const outputs =
    outPath !== undefined
      ? writeRunOutputs(outPath, settings, resume, options, {
          startedAt,
          finishedAt,
          computed: runCells.length,
          ordered,
          failures,
          csv,
        })
      : { written: [], manifest: null };
  return {
    experiment: experiment.name,
    columns,
    cells: ordered,
    failures,
    written: outputs.written,
    manifest: outputs.manifest,
    get csv() {
      return csv();
    },
  };
}

export { describeValues };
