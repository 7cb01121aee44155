// Collaborative editing on Yjs over the simulated network, checked against closed forms of the
// protocol's message paths, against Yjs's own encoding of the same edits on one document without
// any network, and against a brute-force pairwise concurrency count.
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectRefused, requireBuiltCli, runCli, runCliJson } from '../../cli/cli.testkit.js';
import { constant } from '../../latency/index.js';
import { deriveStream, type RandomStream } from '../../random/index.js';
import {
  countConcurrentInserts,
  EDITING_DEFAULTS,
  EditingNetwork,
  interleavingTrial,
  runEditing,
  runSession,
} from './yjs-editing.js';

/** A random edit script: (editor, insert or delete, position as a fraction, letter). */
interface ScriptedEdit {
  editor: number;
  del: boolean;
  at: number;
  letter: string;
}

function script(rng: RandomStream, editors: number, edits: number): ScriptedEdit[] {
  return Array.from({ length: edits }, () => ({
    editor: rng.nextInt(editors),
    del: rng.nextDouble() < 0.3,
    at: rng.nextDouble(),
    letter: 'xyz'[rng.nextInt(3)],
  }));
}

/** Applies one scripted edit through `insert`/`delete` on whatever text length the target has. */
function apply(
  e: ScriptedEdit,
  length: number,
  insert: (i: number, s: string) => void,
  del: (i: number) => void,
): void {
  if (e.del && length > 0) del(Math.floor(e.at * length));
  else insert(Math.floor(e.at * (length + 1)), e.letter);
}

describe('convergence: closed forms of the message paths (constant one-way latency L)', () => {
  // Always online: an edit's update reaches every other editor L after it (mesh: one hop), or 2L
  // (relay: editor -> server -> editor). The last edit is the last change anywhere, so every
  // session converges exactly L (mesh) or 2L (relay) after it.
  for (const [topology, hops] of [
    ['mesh', 1],
    ['relay', 2],
  ] as const) {
    for (const L of [10, 50]) {
      it(`${topology}, L = ${L} ms: every session converges ${hops} x L after its last edit`, () => {
        const r = runEditing(
          { topology, latency: `const(${L})`, sessions: 6, interleavingTrials: 0, durationMs: 5000 },
          3,
        );
        expect(r.identical_docs).toBe(6);
        expect(r.convergence_ms.samples).toBe(6);
        expect(r.convergence_ms.max).toBeCloseTo(hops * L, 9);
        expect(r.convergence_ms.mean).toBeCloseTo(hops * L, 9);
      });
    }
  }

  // Offline, then the y-protocols sync at reconnect time r: step 1 arrives at the peer at r + L;
  // the peer's step 2 (what the editor lacks) and its own step 1 arrive at r + 2L; the editor's
  // step 2 (its offline edits) arrives at r + 3L; relayed on, at the other editors at r + 4L.
  for (const [topology, othersAt] of [
    ['mesh', 3],
    ['relay', 4],
  ] as const) {
    it(`${topology}: an offline editor's edits reach the others at r + ${othersAt}L, theirs reach it at r + 2L`, () => {
      const L = 40;
      const w = new EditingNetwork(3, topology, constant(L), deriveStream(1));
      w.insert(0, 0, 'shared');
      w.sim.run();
      w.disconnect(2);
      w.insert(2, 0, 'offline ');
      w.insert(0, 6, '!');
      w.sim.run(); // editor 2 hears nothing
      expect(w.text(2)).toBe('offline shared');
      const r = w.sim.now + 1000;
      w.sim.run(r);
      w.reconnect(2);
      w.sim.run();
      expect(w.lastChange[2]).toBeCloseTo(r + 2 * L, 9);
      expect(w.lastChange[0]).toBeCloseTo(r + othersAt * L, 9);
      expect(w.lastChange[1]).toBeCloseTo(r + othersAt * L, 9);
      expect(w.identical()).toBe(true);
      expect(w.text(1)).toBe('offline shared!');
    });
  }
});

describe('bytes: the network carries exactly Yjs’s own updates of the same edits', () => {
  // The oracle applies the same edits to ONE document, switching its clientID to the typing
  // editor's, with no network: its 'update' events are what each edit costs. With a sequential
  // history (the network drains after each edit), mesh sends each update to n - 1 editors and
  // relay sends it to the server, which forwards it to n - 1: n - 1 and n copies.
  for (const [topology, copies] of [
    ['mesh', (n: number) => n - 1],
    ['relay', (n: number) => n],
  ] as const) {
    it(`${topology}: update bytes = ${topology === 'mesh' ? 'n - 1' : 'n'} x the single-document bytes, and the same final text`, () => {
      const n = 4;
      const edits = script(deriveStream(7), n, 200);
      const w = new EditingNetwork(n, topology, constant(5), deriveStream(8));
      for (const e of edits) {
        const text = w.docs[e.editor].getText('text');
        apply(
          e,
          text.length,
          (i, s) => w.insert(e.editor, i, s),
          (i) => w.delete(e.editor, i, 1),
        );
        w.sim.run();
      }
      const one = new Y.Doc();
      let bytes = 0;
      one.on('update', (u: Uint8Array) => (bytes += u.length));
      const t = one.getText('text');
      for (const e of edits) {
        one.clientID = e.editor + 1;
        apply(
          e,
          t.length,
          (i, s) => t.insert(i, s),
          (i) => t.delete(i, 1),
        );
      }
      expect(w.updateBytes).toBe(copies(n) * bytes);
      expect(w.syncBytes).toBe(0);
      for (let e = 0; e < n; e++) expect(w.text(e)).toBe(t.toJSON());
    });
  }

  it('bytes per edit of a run: mesh n - 1 copies of each update, so below (n - 1) x the largest single-letter update', () => {
    // A one-letter insertion or deletion update is a few varints (Yjs's update format v1): under
    // 40 bytes for client ids below 128 and clocks below 2^14.
    const r = runEditing({ topology: 'mesh', editors: 3, sessions: 4, interleavingTrials: 0 }, 5);
    expect(r.sync_bytes).toBe(0);
    expect(r.bytes_per_edit.ci_high!).toBeLessThan(2 * 40);
    expect(r.bytes_per_edit.mean!).toBeGreaterThan(2 * 10);
  });
});

describe('identical final documents', () => {
  it('hold after random delays (updates overtaking each other), deletions and offline spells, mesh and relay', () => {
    for (const topology of ['mesh', 'relay'] as const) {
      const r = runEditing(
        {
          topology,
          latency: 'exp(0.02)',
          editRatePerSec: 5,
          durationMs: 5000,
          deleteShare: 0.4,
          offlineAfter: 'exp(0.001)',
          offlineFor: 'exp(0.002)',
          sessions: 8,
          interleavingTrials: 0,
        },
        11,
      );
      expect(r.identical_docs, topology).toBe(8);
      expect(r.sync_bytes, topology).toBeGreaterThan(0);
      expect(r.dropped_offline, topology).toBeGreaterThan(0);
    }
  });

  it('the check sees a difference: an editor still offline at the end is not identical', () => {
    const w = new EditingNetwork(2, 'relay', constant(10), deriveStream(2));
    w.disconnect(1);
    w.insert(0, 0, 'a');
    w.sim.run();
    expect(w.identical()).toBe(false);
    w.reconnect(1);
    w.sim.run();
    expect(w.identical()).toBe(true);
  });
});

describe('concurrent insertions', () => {
  it('the count matches a brute-force pairwise check of the recorded stamps', () => {
    const n = 4;
    const w = new EditingNetwork(n, 'mesh', constant(30), deriveStream(3), true);
    const edits = script(deriveStream(4), n, 300).filter((e) => !e.del);
    edits.forEach((e, k) => {
      w.sim.run(k * 20); // every 20 ms, 30 ms links: the previous edit unseen, the one before seen
      w.insert(e.editor, 0, e.letter);
    });
    w.sim.run();
    const s = w.stamps;
    let brute = 0;
    for (const a of s) {
      if (s.some((b) => b.editor !== a.editor && b.seen[a.editor] <= a.clock && a.seen[b.editor] <= b.clock))
        brute++;
    }
    expect(brute).toBeGreaterThan(0);
    expect(brute).toBeLessThan(s.length);
    expect(countConcurrentInserts(s, n)).toBe(brute);
  });
});

describe('interleaving: words typed concurrently at one index stay contiguous (YATA)', () => {
  // YATA gives each typed character the previous one as its left origin, so a run of characters
  // typed in order is placed as a block (Nicolaescu et al., GROUP 2016); Kleppmann et al.
  // (PaPoC 2019) call the opposite, character-by-character mixing, the interleaving anomaly.
  it('in every trial, both topologies, the two words appear unbroken and the editors agree', () => {
    for (const topology of ['mesh', 'relay'] as const) {
      for (let t = 0; t < 60; t++) {
        const trial = interleavingTrial(
          { ...EDITING_DEFAULTS, topology, editors: 3, wordLength: 6 },
          deriveStream(21, 1, t),
        );
        expect(trial.text, `${topology} ${t}`).not.toBeNull();
        expect(trial.contiguous, `${topology} ${t}: ${trial.text}`).toBe(true);
        expect(trial.text!.length).toBe(10 + 12);
      }
    }
  });
});

describe('determinism', () => {
  it('same seed, same bytes; another seed, other bytes', () => {
    const config = { ...EDITING_DEFAULTS, offlineAfter: 'exp(0.001)' };
    const a = runSession(config, deriveStream(5, 0, 0));
    const b = runSession(config, deriveStream(5, 0, 0));
    const c = runSession(config, deriveStream(6, 0, 0));
    expect(b.texts).toEqual(a.texts);
    expect(b.states.map((s) => Buffer.from(s).toString('hex'))).toEqual(
      a.states.map((s) => Buffer.from(s).toString('hex')),
    );
    expect(c.texts[0]).not.toBe(a.texts[0]);
    expect(runEditing({ sessions: 3, interleavingTrials: 3 }, 9)).toEqual(
      runEditing({ sessions: 3, interleavingTrials: 3 }, 9),
    );
  });
});

describe('the command and the scenario', () => {
  let dir = '';
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'replilab-editing-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scenario run collaborative-editing --json reports identical documents, convergence and bytes per edit', () => {
    const r = runCliJson(['scenario', 'run', 'collaborative-editing', '--trials', '4', '--json']);
    const metrics = Object.fromEntries(
      (r.metrics as { name: string }[]).map((m) => [m.name, m] as const),
    ) as Record<string, any>;
    expect(metrics.identical_docs.estimate.count).toBe(4);
    // Relay with uniform(20,80) one-way delays: the last edit reaches the others after two
    // delays, between 40 and 160 ms.
    expect(metrics.convergence_ms.summary.min).toBeGreaterThanOrEqual(40);
    expect(metrics.convergence_ms.summary.max).toBeLessThanOrEqual(160);
    expect(metrics.bytes_per_edit.value).toBeGreaterThan(0);
  });

  it('refuses bad input with exit 2, naming the parameter, writing nothing', () => {
    const out = join(dir, 'e.csv');
    expectRefused(runCli(['editing', '--editors', '1', '--out', out]), '--editors', [out]);
    expectRefused(runCli(['editing', '--latency', 'nope(3)', '--out', out]), '--latency', [out]);
    expectRefused(runCli(['editing', '--delete-share', '1.5', '--out', out]), '--delete-share', [out]);
    expectRefused(
      runCli(['scenario', 'run', 'collaborative-editing', '--set', 'servers=2']),
      '--set servers',
      [],
    );
  });
});
