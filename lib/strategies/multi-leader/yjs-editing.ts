/**
 * Collaborative editing on a real CRDT: every editor is a replica holding a Yjs document
 * (https://docs.yjs.dev), the structure real editors (ProseMirror, CodeMirror, Monaco bindings)
 * share. A local edit applies to the editor's own document at once; the update bytes Yjs emits
 * for it (`doc.on('update')`) travel the lab's simulated network, directly to every other editor
 * (mesh, as y-webrtc does) or to a server that applies them and forwards them to the other editors
 * (relay, as the y-websocket server does: its `updateHandler` broadcasts each update its document
 * takes). An editor that goes offline keeps editing its document and sends nothing; messages that
 * reach it while offline are lost (its connection is closed). On reconnect it runs the y-protocols
 * sync (y-protocols/sync.js): it sends sync step 1 (its state vector, `Y.encodeStateVector`), the
 * other side answers sync step 2 (`Y.encodeStateAsUpdate(doc, stateVector)`: exactly what the
 * editor lacks) and its own step 1, which the editor answers with its step 2. No editor ever reads
 * another's document: everything it learns arrives as bytes in a message.
 *
 * Concurrent edits merge by YATA (Nicolaescu, Jahns, Derntl, Klamma, "Near Real-Time Peer-to-Peer
 * Shared Editing on Extensible Data Types", GROUP 2016): each inserted character carries the ids
 * of its left and right neighbours when it was typed, so a word typed character by character
 * stays contiguous when another editor types at the same place (the interleaving anomaly of
 * Kleppmann, Gomes, Mulligan, Beresford, "Interleaving anomalies in collaborative text editors",
 * PaPoC 2019). {@link interleavingTrial} shows it over the network.
 */
import * as Y from 'yjs';
import { proportion, type CountEstimate } from '../../check/index.js';
import { parseLatency, type LatencyDistribution } from '../../latency/index.js';
import { deriveStream, type RandomStream } from '../../random/index.js';
import { NO_EVENT } from '../../sim/event-queue.js';
import { Network } from '../../sim/network.js';
import { Simulation } from '../../sim/simulation.js';
import { meanInterval } from '../../stats/mean-interval.js';
import { ParameterError } from '../../errors.js';

/** How update bytes travel: editor to editor, or through one server. */
export const EDITING_TOPOLOGIES = ['mesh', 'relay'] as const;
export type EditingTopology = (typeof EDITING_TOPOLOGIES)[number];

/** Most editors a session may have. */
export const MAX_EDITORS = 64;

/** A collaborative editing run: independent sessions, then the concurrent-word trials. */
export interface EditingConfig {
  /** Editors, each a replica with its own document. */
  editors: number;
  topology: EditingTopology;
  /** One-way delay of each message (editor to editor, or editor to server), ms, as a distribution's text. */
  latency: string;
  /** Edits per second per editor (Poisson). */
  editRatePerSec: number;
  /** How long edits arrive, ms. */
  durationMs: number;
  /** Share of edits that delete one character (the rest insert one), in [0, 1]. */
  deleteShare: number;
  /** Online spells before each disconnection, ms, as a distribution's text; null: never offline. */
  offlineAfter: string | null;
  /** Offline spells, ms, as a distribution's text. */
  offlineFor: string;
  /** Independent editing sessions. */
  sessions: number;
  /** Trials of two editors typing a word each at one index while offline. */
  interleavingTrials: number;
  /** Letters of each word in those trials. */
  wordLength: number;
}

export const EDITING_DEFAULTS: EditingConfig = {
  editors: 3,
  topology: 'relay',
  latency: 'uniform(20,80)',
  editRatePerSec: 2,
  durationMs: 10_000,
  deleteShare: 0.2,
  offlineAfter: null,
  offlineFor: 'exp(0.0002)',
  sessions: 20,
  interleavingTrials: 100,
  wordLength: 5,
};

/** A mean over sessions with its normal 95% interval (null ends below 2 samples). */
export interface MeanSummary {
  mean: number | null;
  /** The mean of the squared samples: what pools across sweep batches. */
  mean_square: number | null;
  ci_low: number | null;
  ci_high: number | null;
  max: number | null;
  samples: number;
}

export interface EditingResult {
  /** Sessions run (a sweep cell sums its runs'). */
  sessions_run: number;
  edits: number;
  /** Sessions whose editors ended with identical texts and identical encoded states. */
  identical_docs: number;
  /** Every session ended identical. */
  converged: boolean;
  /** From a session's last edit to the last change of any editor's document, ms, over sessions that ended identical. */
  convergence_ms: MeanSummary;
  /** Bytes sent (updates and sync messages) per edit, per session. */
  bytes_per_edit: MeanSummary;
  /** Bytes of update messages (an edit's update, or the server forwarding one). */
  update_bytes: number;
  /** Bytes of sync step 1 and step 2 messages (reconnections). */
  sync_bytes: number;
  messages: number;
  /** Messages that arrived at an editor while it was offline. */
  dropped_offline: number;
  inserts: number;
  /** Insertions concurrent with an insertion by another editor (neither had seen the other when typed). */
  concurrent_inserts: number;
  /** Concurrent-word trials and those where both words stayed contiguous. */
  interleaving: { runs: number; contiguous: number; example: string | null };
  intervals: {
    identical_docs: CountEstimate;
    concurrent_inserts: CountEstimate;
    contiguous_words: CountEstimate;
  };
  sim_time_ms: number;
  /** Per-session convergence times and bytes per edit, in session order: only when asked. */
  samples?: { convergence_ms: number[]; bytes_per_edit: number[] };
}

/** One session's raw figures (a sweep batch pools them). */
export interface SessionFigures {
  edits: number;
  identical: boolean;
  convergenceMs: number | null;
  updateBytes: number;
  syncBytes: number;
  messages: number;
  droppedOffline: number;
  inserts: number;
  concurrentInserts: number;
  simTimeMs: number;
  texts: string[];
  states: Uint8Array[];
}

const UPDATE = 0;
const SYNC1 = 1;
const SYNC2 = 2;
const EDIT = 3;
const DISCONNECT = 4;
const RECONNECT = 5;
/** Origin of a transaction typed by the editor itself (remote ones carry the sender's node id). */
const LOCAL = 'local';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One insertion as the concurrency checker needs it: its editor, its Yjs clock, what its editor had seen. */
interface InsertStamp {
  editor: number;
  clock: number;
  seen: number[];
}

/**
 * Editors (nodes 0..n-1) and, in relay, the server (node n), each with a Yjs document, on one
 * simulation and network. Scripted trials call its methods between `sim.run()`s; sessions
 * schedule edits and disconnections as events.
 */
export class EditingNetwork {
  readonly sim: Simulation;
  readonly net: Network;
  readonly docs: Y.Doc[];
  readonly online: boolean[];
  /** Virtual time of each editor document's last change. */
  readonly lastChange: number[];
  updateBytes = 0;
  syncBytes = 0;
  messages = 0;
  droppedOffline = 0;
  /** Insertions in typing order, kept when asked (the concurrency checker's input). */
  readonly stamps: InsertStamp[] = [];
  private readonly payloads = new Map<number, Uint8Array>();
  private nextPayload = 1;

  constructor(
    readonly editors: number,
    readonly topology: EditingTopology,
    latency: LatencyDistribution,
    rng: RandomStream,
    private readonly stampInserts = false,
  ) {
    const size = topology === 'relay' ? editors + 1 : editors;
    this.sim = new Simulation(rng);
    this.net = new Network(this.sim, { size, delay: latency });
    this.online = new Array<boolean>(editors).fill(true);
    this.lastChange = new Array<number>(editors).fill(0);
    this.docs = [];
    for (let node = 0; node < size; node++) {
      const doc = new Y.Doc();
      // Yjs draws a random clientID per document (Doc.js, generateNewClientId); fixed ones keep a
      // run a function of its seed. Node i is client i + 1 (YATA breaks ties by client id).
      doc.clientID = node + 1;
      doc.on('update', (update: Uint8Array, origin: unknown) => this.changed(node, update, origin));
      this.docs.push(doc);
    }
    this.net.on(UPDATE, (to, from, id) => {
      const payload = this.take(id);
      if (this.isOffline(to)) return;
      Y.applyUpdate(this.docs[to], payload, from);
    });
    this.net.on(SYNC1, (to, from, id, initiating) => {
      const stateVector = this.take(id);
      if (this.isOffline(to)) return;
      this.send(to, from, SYNC2, Y.encodeStateAsUpdate(this.docs[to], stateVector));
      if (initiating === 1) this.send(to, from, SYNC1, Y.encodeStateVector(this.docs[to]), 0);
    });
    this.net.on(SYNC2, (to, from, id) => {
      const payload = this.take(id);
      if (this.isOffline(to)) return;
      Y.applyUpdate(this.docs[to], payload, from);
    });
  }

  /** The nodes an editor sends its updates and sync requests to. */
  peersOf(editor: number): number[] {
    if (this.topology === 'relay') return [this.editors];
    const peers: number[] = [];
    for (let e = 0; e < this.editors; e++) if (e !== editor) peers.push(e);
    return peers;
  }

  /** The editor's text. */
  text(editor: number): string {
    return String(this.docs[editor].getText('text').toJSON());
  }

  /** Types at the editor: inserts `content` at `index`, in one transaction. */
  insert(editor: number, index: number, content: string): void {
    const doc = this.docs[editor];
    if (this.stampInserts) {
      const seen: number[] = [];
      for (let e = 0; e < this.editors; e++) seen.push(Y.getState(doc.store, e + 1));
      this.stamps.push({ editor, clock: seen[editor], seen });
    }
    doc.transact(() => doc.getText('text').insert(index, content), LOCAL);
  }

  /** Deletes `length` characters at `index` at the editor, in one transaction. */
  delete(editor: number, index: number, length: number): void {
    const doc = this.docs[editor];
    doc.transact(() => doc.getText('text').delete(index, length), LOCAL);
  }

  /** The editor loses its connection: it sends nothing and hears nothing until it reconnects. */
  disconnect(editor: number): void {
    this.online[editor] = false;
  }

  /** The editor reconnects and starts the y-protocols sync with each peer (sync step 1). */
  reconnect(editor: number): void {
    this.online[editor] = true;
    const stateVector = Y.encodeStateVector(this.docs[editor]);
    for (const peer of this.peersOf(editor)) this.send(editor, peer, SYNC1, stateVector, 1);
  }

  private isOffline(node: number): boolean {
    if (node < this.editors && !this.online[node]) {
      this.droppedOffline++;
      return true;
    }
    return false;
  }

  private changed(node: number, update: Uint8Array, origin: unknown): void {
    if (node === this.editors) {
      // The relay server forwards what it took from one editor to every other one.
      for (let e = 0; e < this.editors; e++) if (e !== origin) this.send(node, e, UPDATE, update);
      return;
    }
    this.lastChange[node] = this.sim.now;
    if (origin !== LOCAL || !this.online[node]) return; // offline: the document keeps it for the sync
    for (const peer of this.peersOf(node)) this.send(node, peer, UPDATE, update);
  }

  private send(from: number, to: number, kind: number, payload: Uint8Array, flag = 0): void {
    const id = this.nextPayload++;
    this.messages++;
    if (kind === UPDATE) this.updateBytes += payload.length;
    else this.syncBytes += payload.length;
    this.payloads.set(id, payload);
    if (this.net.send(from, to, kind, id, flag) === NO_EVENT) this.payloads.delete(id);
  }

  private take(id: number): Uint8Array {
    const payload = this.payloads.get(id)!;
    this.payloads.delete(id);
    return payload;
  }

  /** Whether every editor holds the same text and the same encoded state (`Y.encodeStateAsUpdate`). */
  identical(): boolean {
    const text = this.text(0);
    const state = Y.encodeStateAsUpdate(this.docs[0]);
    for (let e = 1; e < this.editors; e++) {
      if (this.text(e) !== text) return false;
      if (!sameBytes(Y.encodeStateAsUpdate(this.docs[e]), state)) return false;
    }
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Insertions concurrent with an insertion by another editor: E (editor A, clock c) and F (editor B)
 * are concurrent when neither editor had F, resp. E, when typing the other. Per other editor B,
 * the first of B's insertions E had not seen is the one least likely to have seen E (what B has
 * seen only grows), so checking it decides.
 */
export function countConcurrentInserts(stamps: readonly InsertStamp[], editors: number): number {
  const byEditor: InsertStamp[][] = Array.from({ length: editors }, () => []);
  for (const s of stamps) byEditor[s.editor].push(s);
  let concurrent = 0;
  for (const s of stamps) {
    for (let b = 0; b < editors; b++) {
      if (b === s.editor) continue;
      const firstUnseen = byEditor[b].find((f) => f.clock >= s.seen[b]);
      if (firstUnseen !== undefined && firstUnseen.seen[s.editor] <= s.clock) {
        concurrent++;
        break;
      }
    }
  }
  return concurrent;
}

/** The config with defaults filled and every field checked (a refusal names the field). */
export function validateEditingConfig(input: Partial<EditingConfig>): EditingConfig {
  const c = { ...EDITING_DEFAULTS, ...input };
  const int = (name: keyof EditingConfig, min: number, max: number): void => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < min || v > max)
      throw new ParameterError(name, String(v), `an integer from ${min} to ${max}`);
  };
  int('editors', 2, MAX_EDITORS);
  int('sessions', 1, 100_000);
  int('interleavingTrials', 0, 100_000);
  int('wordLength', 1, 10);
  if (!EDITING_TOPOLOGIES.includes(c.topology))
    throw new ParameterError('topology', String(c.topology), EDITING_TOPOLOGIES.join(' or '));
  if (!(c.editRatePerSec > 0 && c.editRatePerSec < Infinity))
    throw new ParameterError('editRatePerSec', String(c.editRatePerSec), 'a rate per second > 0');
  if (!(c.durationMs > 0 && c.durationMs < Infinity))
    throw new ParameterError('durationMs', String(c.durationMs), 'a duration > 0 ms');
  if (!(c.deleteShare >= 0 && c.deleteShare <= 1))
    throw new ParameterError('deleteShare', String(c.deleteShare), 'a share from 0 to 1');
  parseLatency(c.latency, 'latency');
  if (c.offlineAfter !== null) parseLatency(c.offlineAfter, 'offlineAfter');
  parseLatency(c.offlineFor, 'offlineFor');
  return c;
}

/**
 * One editing session: Poisson edits at every editor for `durationMs`, disconnections if asked,
 * then the network drains (no disconnection starts after the edits end, so every editor is back
 * online and synced at the end).
 */
export function runSession(config: EditingConfig, rng: RandomStream): SessionFigures {
  const latency = parseLatency(config.latency, 'latency');
  const offlineAfter = config.offlineAfter === null ? null : parseLatency(config.offlineAfter);
  const offlineFor = parseLatency(config.offlineFor);
  const n = config.editors;
  const world = new EditingNetwork(n, config.topology, latency, rng, true);
  const { sim } = world;
  const meanGapMs = 1000 / config.editRatePerSec;
  const gap = (): number => -Math.log(sim.rng.nextOpenDouble()) * meanGapMs;
  let edits = 0;
  let lastEditMs = 0;
  sim.on(EDIT, (editor) => {
    const text = world.docs[editor].getText('text');
    const length = text.length;
    if (length > 0 && sim.rng.nextDouble() < config.deleteShare) {
      world.delete(editor, sim.rng.nextInt(length), 1);
    } else {
      world.insert(editor, sim.rng.nextInt(length + 1), LETTERS[sim.rng.nextInt(LETTERS.length)]);
    }
    edits++;
    lastEditMs = sim.now;
    const next = gap();
    if (sim.now + next <= config.durationMs) sim.schedule(next, EDIT, editor);
  });
  sim.on(DISCONNECT, (editor) => {
    if (sim.now >= config.durationMs) return;
    world.disconnect(editor);
    sim.schedule(offlineFor.sample(sim.rng), RECONNECT, editor);
  });
  sim.on(RECONNECT, (editor) => {
    world.reconnect(editor);
    if (offlineAfter !== null) sim.schedule(offlineAfter.sample(sim.rng), DISCONNECT, editor);
  });
  for (let e = 0; e < n; e++) {
    const first = gap();
    if (first <= config.durationMs) sim.schedule(first, EDIT, e);
    if (offlineAfter !== null) sim.schedule(offlineAfter.sample(sim.rng), DISCONNECT, e);
  }
  sim.run();
  const identical = world.identical();
  return {
    edits,
    identical,
    convergenceMs: identical && edits > 0 ? Math.max(...world.lastChange) - lastEditMs : null,
    updateBytes: world.updateBytes,
    syncBytes: world.syncBytes,
    messages: world.messages,
    droppedOffline: world.droppedOffline,
    inserts: world.stamps.length,
    concurrentInserts: countConcurrentInserts(world.stamps, n),
    simTimeMs: sim.now,
    texts: Array.from({ length: n }, (_, e) => world.text(e)),
    states: world.docs.slice(0, n).map((d) => Y.encodeStateAsUpdate(d)),
  };
}

/** What one concurrent-word trial shows. */
export interface InterleavingTrial {
  /** The final text every editor holds (null if they differ). */
  text: string | null;
  words: [string, string];
  contiguous: boolean;
}

/**
 * Two editors type a word each at the same index while offline, one character per transaction
 * (as typing produces), then reconnect and sync over the network. Editor 0 first types a base
 * text of lowercase letters online and the network drains; its word is in capitals, editor 1's
 * in digits, so each is found in the merged text exactly when it stayed contiguous.
 */
export function interleavingTrial(config: EditingConfig, rng: RandomStream): InterleavingTrial {
  const world = new EditingNetwork(config.editors, config.topology, parseLatency(config.latency), rng);
  const base = Array.from({ length: 10 }, () => LETTERS[rng.nextInt(26)]).join('');
  world.insert(0, 0, base);
  world.sim.run();
  const index = rng.nextInt(base.length + 1);
  const upper = LETTERS.toUpperCase();
  const words: [string, string] = [
    Array.from({ length: config.wordLength }, () => upper[rng.nextInt(26)]).join(''),
    Array.from({ length: config.wordLength }, () => String(rng.nextInt(10))).join(''),
  ];
  world.disconnect(0);
  world.disconnect(1);
  for (let i = 0; i < config.wordLength; i++) {
    world.insert(0, index + i, words[0][i]);
    world.insert(1, index + i, words[1][i]);
  }
  world.reconnect(1);
  world.reconnect(0);
  world.sim.run();
  const text = world.identical() ? world.text(0) : null;
  return {
    text,
    words,
    contiguous: text !== null && text.includes(words[0]) && text.includes(words[1]),
  };
}

function meanSummary(samples: readonly number[]): MeanSummary {
  const n = samples.length;
  if (n === 0) return { mean: null, mean_square: null, ci_low: null, ci_high: null, max: null, samples: 0 };
  let sum = 0;
  let squares = 0;
  let max = -Infinity;
  for (const x of samples) {
    sum += x;
    squares += x * x;
    max = Math.max(max, x);
  }
  const mean = sum / n;
  const meanSquare = squares / n;
  const ci = meanInterval(mean, meanSquare, n, { floor: 0 });
  return { mean, mean_square: meanSquare, ci_low: ci.low, ci_high: ci.high, max, samples: n };
}

/** The normal 95% interval of a pooled {@link MeanSummary} (what a sweep's derived rule recomputes). */
export function meanSummaryInterval(s: MeanSummary): { low: number | null; high: number | null } {
  if (s.mean === null || s.mean_square === null) return { low: null, high: null };
  return meanInterval(s.mean, s.mean_square, s.samples, { floor: 0 });
}

/**
 * Runs `sessions` independent sessions (session i on deriveStream(seed, 0, i)) and
 * `interleavingTrials` concurrent-word trials (trial i on deriveStream(seed, 1, i)).
 *
 * @example
 * const r = runEditing({ editors: 3, topology: 'mesh', latency: 'const(50)', sessions: 5 }, 1);
 * r.identical_docs; // 5
 */
export function runEditing(
  input: Partial<EditingConfig>,
  seed: number,
  options: { samples?: boolean; onProgress?: (fraction: number) => void } = {},
): EditingResult {
  const config = validateEditingConfig(input);
  const steps = config.sessions + config.interleavingTrials;
  let done = 0;
  const progress = (): void => options.onProgress?.(++done / steps);
  let edits = 0;
  let identical = 0;
  let updateBytes = 0;
  let syncBytes = 0;
  let messages = 0;
  let droppedOffline = 0;
  let inserts = 0;
  let concurrentInserts = 0;
  let simTimeMs = 0;
  const convergence: number[] = [];
  const bytesPerEdit: number[] = [];
  for (let s = 0; s < config.sessions; s++) {
    const f = runSession(config, deriveStream(seed, 0, s));
    edits += f.edits;
    if (f.identical) identical++;
    if (f.convergenceMs !== null) convergence.push(f.convergenceMs);
    if (f.edits > 0) bytesPerEdit.push((f.updateBytes + f.syncBytes) / f.edits);
    updateBytes += f.updateBytes;
    syncBytes += f.syncBytes;
    messages += f.messages;
    droppedOffline += f.droppedOffline;
    inserts += f.inserts;
    concurrentInserts += f.concurrentInserts;
    simTimeMs += f.simTimeMs;
    progress();
  }
  let contiguous = 0;
  let example: string | null = null;
  for (let t = 0; t < config.interleavingTrials; t++) {
    const trial = interleavingTrial(config, deriveStream(seed, 1, t));
    if (trial.contiguous) contiguous++;
    if (t === 0) example = trial.text;
    progress();
  }
  return {
    sessions_run: config.sessions,
    edits,
    identical_docs: identical,
    converged: identical === config.sessions,
    convergence_ms: meanSummary(convergence),
    bytes_per_edit: meanSummary(bytesPerEdit),
    update_bytes: updateBytes,
    sync_bytes: syncBytes,
    messages,
    dropped_offline: droppedOffline,
    inserts,
    concurrent_inserts: concurrentInserts,
    interleaving: { runs: config.interleavingTrials, contiguous, example },
    intervals: {
      identical_docs: proportion({ count: identical, of: config.sessions }),
      concurrent_inserts: proportion({ count: concurrentInserts, of: inserts }),
      contiguous_words: proportion({ count: contiguous, of: config.interleavingTrials }),
    },
    sim_time_ms: simTimeMs,
    ...(options.samples === true
      ? { samples: { convergence_ms: convergence, bytes_per_edit: bytesPerEdit } }
      : {}),
  };
}
