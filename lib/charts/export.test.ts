// The builders that predate the PDF export (staleness curves, heatmaps, trade-offs, timelines),
// exported to SVG, PNG and PDF in the paper and talk themes. The newer builders check their own
// exports in their test files (cdf, failover, lww-loss, convergence).
import { describe, expect, it } from 'vitest';
import { resolveLatency } from '../latency/index.js';
import { replayStalenessTrial } from '../experiments/staleness-replay.js';
import { heatmapSpec } from './heatmap.js';
import { stalenessCurveSpec } from './staleness-curve.js';
import { expectValidExports, sampleStalenessRows, sampleTradeoffRows } from './test-data.testkit.js';
import { paper, paperDouble, talk } from './theme.js';
import { messageSequenceSpec } from './timeline.js';
import { latencyStalenessTradeoffSpec } from './tradeoff.js';

describe('export of every older chart kind to SVG, PNG and PDF', () => {
  it('staleness curves', async () => {
    const { svg } = await expectValidExports(
      stalenessCurveSpec(sampleStalenessRows(), { theme: paper, title: 'PBS' }),
      300 / 72,
    );
    // paper: series told apart by dashes too (the first solid, the others dashed)
    expect(svg).toMatch(/stroke-dasharray="6,3"/);
  });

  it('heatmaps', async () => {
    const rows = [1, 2, 3].flatMap((r) => [1, 2, 3].map((w) => ({ r, w, p: r + w > 3 ? 1 : 0.5 })));
    const { svg } = await expectValidExports(
      heatmapSpec(rows, { x: 'w', y: 'r', value: 'p', theme: talk }),
      1,
    );
    expect(svg).toContain('>0.50<');
  });

  it('latency/staleness trade-offs', async () => {
    const { svg } = await expectValidExports(
      latencyStalenessTradeoffSpec(sampleTradeoffRows, { theme: paperDouble }),
    );
    expect(svg).toContain('Pareto-optimal');
  });

  it('message-sequence timelines', async () => {
    const trace = replayStalenessTrial(
      {
        n: 3,
        r: 1,
        w: 1,
        legs: resolveLatency('lnkd-disk'),
        latencyLabel: 'lnkd-disk',
        tGridMs: [0],
        trials: 10,
        seed: 3,
      },
      { tIndex: 0, trial: 2 },
    );
    const { svg } = await expectValidExports(messageSequenceSpec(trace, { theme: paper, title: 'Replay' }));
    expect(svg).toContain('Replay');
  });
});
