import { findDisplayRoute, type DisplayEnvironment } from '../charts/notebook.js';
import type { SweepProgress } from './run-sweep.js';

let displays = 0;

function seconds(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '?';
  return x >= 60 ? `${Math.floor(x / 60)} min ${Math.round(x % 60)} s` : `${x.toFixed(x < 10 ? 1 : 0)} s`;
}

/** One line describing a sweep's progress: cells done, trials per second and ETA. */
export function describeProgress(p: SweepProgress): string {
  const percent = p.cells > 0 ? Math.round((100 * p.cellsDone) / p.cells) : 100;
  const rate =
    p.trialsPerSecond >= 1e6
      ? `${(p.trialsPerSecond / 1e6).toFixed(2)} M`
      : `${Math.round(p.trialsPerSecond)}`;
  const failed = p.cellsFailed > 0 ? ` (${p.cellsFailed} failed)` : '';
  const tail =
    p.cellsDone >= p.cells ? `done in ${seconds(p.elapsedSeconds)}` : `eta ${seconds(p.etaSeconds)}`;
  return `sweep: ${p.cellsDone}/${p.cells} cells${failed} (${percent}%), ${rate} trials/s, ${tail}`;
}

/**
 * A progress callback for {@link runSweep} in a tslab notebook: one display in the cell's output,
 * updated in place as cells finish (a Jupyter `update_display_data` on the same `display_id`), as
 * text and as a small HTML progress bar. Outside a kernel it throws (like displayChart); pass
 * `fallback: 'console'` to print lines instead.
 *
 * @example
 * // in a tslab cell
 * import { runSweep, notebookProgress } from '../dist/lib/index.js';
 * const result = await runSweep(spec, { threads: 2, onProgress: notebookProgress() });
 */
export function notebookProgress(
  options: { fallback?: 'console' | 'throw'; env?: DisplayEnvironment } = {},
): (p: SweepProgress) => void {
  let route: ReturnType<typeof findDisplayRoute> | null = null;
  try {
    route = findDisplayRoute(options.env);
  } catch (error) {
    if (options.fallback !== 'console') throw error;
  }
  const write = route?.kind === 'bundle' ? route.write : null;
  const displayId = `replilab-sweep-progress-${process.pid}-${++displays}`;
  let shown = false;
  return (p) => {
    const text = describeProgress(p);
    if (!write) {
      // No in-place updates without tslab's bundle writer: a line per call (runSweep throttles them).
      console.log(text);
      return;
    }
    const html = `<div style="font-family: monospace"><progress max="${p.cells}" value="${p.cellsDone}" style="width: 20em"></progress> ${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</div>`;
    write(
      { data: { 'text/plain': text, 'text/html': html }, metadata: {}, transient: { display_id: displayId } },
      shown,
    );
    shown = true;
  };
}
