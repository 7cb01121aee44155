import { describe, expect, it } from 'vitest';
import type { DisplayDataContent, DisplayEnvironment } from '../charts/notebook.js';
import { notebookProgress, describeProgress } from './notebook-progress.js';
import { runSweep } from './run-sweep.js';

function fakeKernel(): { env: DisplayEnvironment; sent: { content: DisplayDataContent; update: boolean }[] } {
  const sent: { content: DisplayDataContent; update: boolean }[] = [];
  const jupyter = {
    lastWriteDisplayData: (content: DisplayDataContent, update: boolean) => sent.push({ content, update }),
  };
  const env: DisplayEnvironment = {
    cache: { '/x/node_modules/tslab/dist/jupyter.js': { exports: jupyter } },
    require: () => {
      throw new Error('not here');
    },
    global: {},
  };
  return { env, sent };
}

describe('notebookProgress', () => {
  it('shows one display and updates it in place (same display_id, update after the first)', async () => {
    const { env, sent } = fakeKernel();
    await runSweep(
      { experiment: 'selftest', seed: 1, trials: 20000, grid: { k: [1, 2, 3] } },
      { threads: 1, onProgress: notebookProgress({ env }) },
    );
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent[0].update).toBe(false);
    expect(sent.slice(1).every((s) => s.update)).toBe(true);
    const ids = new Set(sent.map((s) => s.content.transient.display_id));
    expect(ids.size).toBe(1);
    expect(sent.at(-1)!.content.data['text/plain']).toMatch(
      /^sweep: 3\/3 cells \(100%\), .* trials\/s, done in/,
    );
    expect(sent.at(-1)!.content.data['text/html']).toContain('<progress max="3" value="3"');
  });

  it('outside a kernel it throws, or prints lines with fallback: console', () => {
    const env: DisplayEnvironment = {
      cache: {},
      require: () => {
        throw new Error('no tslab');
      },
      global: {},
    };
    expect(() => notebookProgress({ env })).toThrow(/tslab/);
    expect(typeof notebookProgress({ env, fallback: 'console' })).toBe('function');
  });

  it('describes progress on one line', () => {
    expect(
      describeProgress({
        cellsDone: 1,
        cells: 4,
        cellsFailed: 0,
        trialsDone: 5e6,
        trialsPlanned: 2e7,
        trialsPerSecond: 2.5e6,
        etaSeconds: 6,
        elapsedSeconds: 2,
      }),
    ).toBe('sweep: 1/4 cells (25%), 2.50 M trials/s, eta 6.0 s');
  });
});
