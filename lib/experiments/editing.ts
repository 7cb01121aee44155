/**
 * Collaborative editing on Yjs documents: editors edit their own replica at once, update bytes
 * travel the simulated network (mesh or through a relay server), offline editors sync on
 * reconnect with the y-protocols state-vector exchange; the run reports convergence time, bytes
 * per edit, identical final documents and whether concurrent words interleave.
 */
import type { CountEstimate } from '../check/index.js';
import {
  EDITING_DEFAULTS,
  EDITING_TOPOLOGIES,
  MAX_EDITORS,
  meanSummaryInterval,
  type EditingConfig,
  type EditingResult,
  type MeanSummary,
} from '../strategies/multi-leader/yjs-editing.js';
import { defineExperiment } from './define.js';
import { choice, distribution, integer, number, type ParamValues } from './param.js';

const d = EDITING_DEFAULTS;

const params = {
  editors: integer({
    doc: 'editors, each a replica holding its own Yjs document (a count)',
    default: d.editors,
    min: 2,
    max: MAX_EDITORS,
  }),
  topology: choice(EDITING_TOPOLOGIES, {
    doc: 'mesh: updates go from each editor to every other; relay: through one server that forwards them',
    default: d.topology,
  }),
  latency: distribution({
    doc: 'one-way delay of each message (editor to editor, or editor to server), ms',
    default: d.latency,
  }),
  editRate: number({
    doc: 'edits at each editor, per second (Poisson), each one character inserted or deleted',
    default: d.editRatePerSec,
    gt: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
  durationMs: number({
    doc: 'how long edits arrive in a session, ms',
    default: d.durationMs,
    gt: 0,
    unit: 'ms',
  }),
  deleteShare: number({
    doc: 'share of edits that delete a character (the rest insert one), a fraction (unitless)',
    default: d.deleteShare,
    min: 0,
    max: 1,
    valueName: 'share',
  }),
  offlineAfter: distribution({
    doc: 'online spells before each disconnection, ms; none: editors never go offline',
    default: d.offlineAfter,
    nullText: 'none',
  }),
  offlineFor: distribution({
    doc: 'offline spells (edits stay local, then the state-vector sync), ms; used with --offline-after',
    default: d.offlineFor,
  }),
  sessions: integer({
    doc: 'independent editing sessions per run (the samples of the means), a count',
    default: d.sessions,
    min: 1,
    max: 100_000,
  }),
  interleavingTrials: integer({
    doc: 'trials of two offline editors typing a word each at one index, a count (0: none)',
    default: d.interleavingTrials,
    min: 0,
    max: 100_000,
  }),
  wordLength: integer({
    doc: 'letters of each word in those trials, a count',
    default: d.wordLength,
    min: 1,
    max: 10,
    valueName: 'letters',
  }),
};

type Values = ParamValues<typeof params>;

function pct(e: CountEstimate): string {
  if (e.of === 0) return 'n/a (none eligible)';
  return `${e.p.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]  (${e.count} of ${e.of})`;
}

function mean(s: MeanSummary, unit: string): string {
  if (s.mean === null) return 'n/a';
  const ci = s.ci_low === null ? '' : ` [${s.ci_low.toPrecision(4)}, ${s.ci_high!.toPrecision(4)}]`;
  return `${s.mean.toPrecision(4)}${ci} ${unit} (mean of ${s.samples} sessions; max ${s.max!.toPrecision(4)})`;
}

function summary(r: EditingResult, seed: number, c: Values): string {
  const offline =
    c.offlineAfter === null ? 'always online' : `offline after ${c.offlineAfter} for ${c.offlineFor}`;
  return (
    [
      `editing (Yjs): ${c.editors} editors, ${c.topology}, latency ${c.latency}, ${c.editRate} edits/s each for ${c.durationMs} ms, ${offline}, seed ${seed}`,
      `  ${r.sessions_run} sessions, ${r.edits} edits; 95% intervals in brackets`,
      `identical final docs: ${pct(r.intervals.identical_docs)} of sessions (texts and encoded states)`,
      `convergence:          ${mean(r.convergence_ms, 'ms')} after the last edit`,
      `bytes per edit:       ${mean(r.bytes_per_edit, 'B')}; updates ${r.update_bytes} B, sync ${r.sync_bytes} B`,
      `concurrent inserts:   ${pct(r.intervals.concurrent_inserts)} of insertions, all merged`,
      `concurrent words:     contiguous in ${pct(r.intervals.contiguous_words)} of trials; e.g. ${r.interleaving.example ?? 'n/a'}`,
    ].join('\n') + '\n'
  );
}

/**
 * `replilab editing`: `sessions` independent sessions of Yjs documents over the simulated network,
 * then the concurrent-word trials. A sweep runs `trials` such runs per cell, one per batch, each
 * with a seed drawn from deriveStream(seed, cell, batch); pooled: counts summed, the means
 * weighted by their sessions with the interval from the pooled mean of squares, maxima the
 * largest, converged when every run converged. Main proportion: `identical_docs`.
 */
export const editing = defineExperiment({
  name: 'editing',
  description:
    'simulate collaborative editing on Yjs CRDT documents over the network (mesh or relay, offline editors syncing by state vectors): convergence time, bytes per edit, identical final documents, interleaving of concurrent words',
  trialsUnit: 'independent runs of `sessions` sessions per cell',
  params,
  config: (v): Partial<EditingConfig> => {
    const { editRate, ...rest } = v;
    return { ...rest, editRatePerSec: editRate };
  },
  run: async (config, seed, options) => {
    const { runEditing } = await import('../strategies/multi-leader/yjs-editing.js');
    return runEditing(config, seed, { onProgress: options.onProgress });
  },
  summary,
  examples: [
    'editing --editors 3 --topology relay --latency "const(50)" --json',
    'editing --topology mesh --latency "uniform(20,80)" --edit-rate 5',
    'editing --offline-after "exp(0.0005)" --offline-for "exp(0.0002)" --sessions 50',
    'editing --interleaving-trials 500 --word-length 8',
  ],
  notes: `
Each editor holds a Yjs document (clientID = editor + 1, fixed so a run is a function of its
seed) and edits it at once: --edit-rate edits per second, each inserting a letter at a uniform
position or (--delete-share of them) deleting one. The update bytes Yjs emits travel the network
with --latency: to every other editor (mesh) or to a server that applies and forwards them
(relay). With --offline-after, an editor disconnects for --offline-for, keeps editing, hears
nothing, and on reconnect sends its state vector (sync step 1); the other side answers with the
diff update (step 2) and its own state vector, which the editor answers in turn (y-protocols).
No disconnection starts after the edits end.

identical_docs: sessions whose editors end with the same text and the same Y.encodeStateAsUpdate
bytes. convergence_ms: from a session's last edit to the last change of any editor's document
(sessions that ended identical). bytes_per_edit: update and sync bytes sent per edit.
concurrent_inserts: insertions made while another editor had an insertion neither had seen.
interleaving: two offline editors type a word each, letter by letter, at one random index of a
shared text, then reconnect; contiguous counts trials where both words survive unbroken.

--json prints one object: sessions_run, edits, identical_docs, converged, convergence_ms and
bytes_per_edit {mean, mean_square, ci_low, ci_high, max, samples}, update_bytes, sync_bytes,
messages, dropped_offline, inserts, concurrent_inserts, interleaving {runs, contiguous,
example}, intervals {identical_docs, concurrent_inserts, contiguous_words} (count, of, p, Wilson
95% low/high), sim_time_ms, seed and the config that ran.`,
  batch: {
    model: 'editing',
    batchTrials: 1,
    pool: {
      sum: [
        'sessions_run',
        'edits',
        'identical_docs',
        'update_bytes',
        'sync_bytes',
        'messages',
        'dropped_offline',
        'inserts',
        'concurrent_inserts',
        'interleaving.runs',
        'interleaving.contiguous',
        'sim_time_ms',
        'convergence_ms.samples',
        'bytes_per_edit.samples',
      ],
      max: ['convergence_ms.max', 'bytes_per_edit.max'],
      every: ['converged'],
      weighted: [
        'convergence_ms.mean',
        'convergence_ms.mean_square',
        'bytes_per_edit.mean',
        'bytes_per_edit.mean_square',
      ],
      derived: {
        'convergence_ms.ci_low': (r) => meanSummaryInterval(r.convergence_ms as MeanSummary).low,
        'convergence_ms.ci_high': (r) => meanSummaryInterval(r.convergence_ms as MeanSummary).high,
        'bytes_per_edit.ci_low': (r) => meanSummaryInterval(r.bytes_per_edit as MeanSummary).low,
        'bytes_per_edit.ci_high': (r) => meanSummaryInterval(r.bytes_per_edit as MeanSummary).high,
      },
    },
    mainInterval: 'identical_docs',
    template: async () => {
      const { runEditing } = await import('../strategies/multi-leader/yjs-editing.js');
      const config: Partial<EditingConfig> = {};
      return {
        result: runEditing({ sessions: 1, durationMs: 100, interleavingTrials: 1 }, 1),
        config,
      };
    },
  },
});
