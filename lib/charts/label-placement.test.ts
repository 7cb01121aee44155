import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelledPoint } from './label-placement.js';
import { chartTextWidth } from './text-metrics.js';

const plot = { width: 360, height: 240, fontSize: 10 };

/** Each label's box, from its anchor as Vega draws text with baseline bottom (box [y - size, y]). */
function boxes(points: readonly LabelledPoint[]) {
  return placeLabels(points, plot).map((l, i) => {
    const w = chartTextWidth({ fontSize: plot.fontSize }, points[i].text);
    const x = points[i].px + l.dx;
    const y = points[i].py + l.dy;
    return l.align === 'left'
      ? { x0: x, x1: x + w, y0: y - 10, y1: y }
      : { x0: x - w, x1: x, y0: y - 10, y1: y };
  });
}

describe('placeLabels', () => {
  it('keeps a lone label beside its point', () => {
    const [b] = boxes([{ px: 100, py: 100, text: 'a' }]);
    expect(b.x0).toBeGreaterThan(100);
    expect(b.x0).toBeLessThan(110);
    expect(Math.abs(b.y1 - 100)).toBeLessThan(10);
  });

  it('separates the labels of points with equal coordinates and keeps them inside the plot (pairwise check)', () => {
    const points = Array.from({ length: 12 }, (_, i) => ({ px: 350, py: 235, text: `R=${i} W=${i}` }));
    const bs = boxes(points);
    for (const b of bs) {
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(plot.width);
      expect(b.y0).toBeGreaterThanOrEqual(0);
      expect(b.y1).toBeLessThanOrEqual(plot.height);
    }
    for (let i = 0; i < bs.length; i++)
      for (let j = i + 1; j < bs.length; j++) {
        const [a, b] = [bs[i], bs[j]];
        expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1, `${i} ${j}`).toBe(false);
      }
  });

  it('keeps a label off an obstacle that covers its first choice (a line just above the point)', () => {
    const point = { px: 100, py: 100, text: 'R=2 W=2' };
    const line = { x0: 0, x1: 360, y0: 91, y1: 93 };
    const free = placeLabels([point], plot)[0];
    // Without the obstacle the label sits above-right, across where the line runs.
    expect(free.dy).toBeLessThan(0);
    const [l] = placeLabels([point], { ...plot, obstacles: [line] });
    const w = chartTextWidth({ fontSize: plot.fontSize }, point.text);
    const x0 = l.align === 'left' ? point.px + l.dx : point.px + l.dx - w;
    const box = { x0, x1: x0 + w, y0: point.py + l.dy - 10, y1: point.py + l.dy };
    expect(box.x0 < line.x1 && line.x0 < box.x1 && box.y0 < line.y1 && line.y0 < box.y1).toBe(false);
    // And it stays beside its point (within a line of it), not far away.
    expect(Math.abs(box.y1 - 5 - point.py)).toBeLessThan(12);
  });

  it('puts a label that would run past the right edge on the left of its point', () => {
    const [b] = boxes([{ px: 355, py: 100, text: 'client-position' }]);
    expect(b.x1).toBeLessThan(355);
  });
});
