import type CliProgress from 'cli-progress';
import { createRequire } from 'node:module';

// cli-progress (and the string-width packages under it) loads on the first bar, not with the
// command: `replilab --help` and runs whose stderr is not a terminal never need it.
const require = createRequire(import.meta.url);
let loaded: typeof CliProgress | undefined;
function cliProgress(): typeof CliProgress {
  return (loaded ??= require('cli-progress') as typeof CliProgress);
}

/** A progress reporter: `update(done, total)` as work finishes, `stop()` at the end. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr when stderr is a terminal (stdout stays clean for --json and
 * pipes); silent otherwise, so logs and CI output are not flooded.
 */
export function progressBar(label: string): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new (cliProgress().SingleBar)(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} batches | eta {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress().Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** What a sweep progress display shows (the fields of the library's SweepProgress it needs). */
export interface SweepProgressView {
  cellsDone: number;
  cells: number;
  cellsFailed: number;
  trialsPerSecond: number;
  etaSeconds: number | null;
}

/** `1.2M`, `35.0k`: a rate in a few characters. */
export function formatRate(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** `1h02m`, `4m05s`, `12s`, or `?`. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Sweep progress on stderr: a cli-progress bar (cells done, trials per second, ETA) on a terminal;
 * otherwise a plain line at most every `intervalMs` (and one at the end), so logs stay readable.
 */
export function sweepProgressReporter(
  label: string,
  intervalMs = 5000,
): { update(view: SweepProgressView): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new (cliProgress().SingleBar)(
      {
        format: `${label} [{bar}] {value}/{total} cells{failed} | {rate} trials/s | eta {etaText}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 1,
      },
      cliProgress().Presets.shades_classic,
    );
    let started = false;
    return {
      update(view) {
        const payload = {
          rate: formatRate(view.trialsPerSecond),
          etaText: formatSeconds(view.etaSeconds),
          failed: view.cellsFailed > 0 ? ` (${view.cellsFailed} failed)` : '',
        };
        if (!started) {
          bar.start(view.cells, view.cellsDone, payload);
          started = true;
        } else bar.update(view.cellsDone, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = Date.now();
  let latest: SweepProgressView | undefined;
  const line = (view: SweepProgressView) =>
    `${label}: ${view.cellsDone}/${view.cells} cells${view.cellsFailed > 0 ? ` (${view.cellsFailed} failed)` : ''}, ` +
    `${formatRate(view.trialsPerSecond)} trials/s, eta ${formatSeconds(view.etaSeconds)}\n`;
  return {
    update(view) {
      latest = view;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        process.stderr.write(line(view));
      }
    },
    stop() {
      if (latest) process.stderr.write(line(latest));
    },
  };
}

/**
 * Progress of one model run on stderr, from the fraction done: a cli-progress bar with ETA on a
 * terminal; otherwise a plain line at most every `intervalMs` (none for a run shorter than
 * that), so logs and pipes stay readable. `quiet` silences it.
 */
export function runProgressReporter(
  label: string,
  options: { quiet?: boolean; intervalMs?: number } = {},
): { update(fraction: number): void; stop(): void } {
  if (options.quiet) return { update() {}, stop() {} };
  const started = Date.now();
  const eta = (fraction: number) =>
    fraction > 0 ? formatSeconds(((Date.now() - started) / 1000) * ((1 - fraction) / fraction)) : '?';
  if (process.stderr.isTTY) {
    const bar = new (cliProgress().SingleBar)(
      {
        format: `${label} [{bar}] {percentage}% | eta {etaText}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress().Presets.shades_classic,
    );
    let running = false;
    return {
      update(fraction) {
        const value = Math.round(1000 * Math.min(1, Math.max(0, fraction)));
        if (!running) {
          bar.start(1000, value, { etaText: eta(fraction) });
          running = true;
        } else bar.update(value, { etaText: eta(fraction) });
      },
      stop() {
        if (running) bar.stop();
      },
    };
  }
  const intervalMs = options.intervalMs ?? 5000;
  let last = started;
  return {
    update(fraction) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      process.stderr.write(`${label}: ${(100 * fraction).toFixed(1)}% done, eta ${eta(fraction)}\n`);
    },
    stop() {},
  };
}
