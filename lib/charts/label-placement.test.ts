import { describe, expect, it } from 'vitest';
import { placeLabels } from './label-placement.js';
import { chartTextWidth } from './text-metrics.js';

const plot = { width: 360, height: 240, fontSize: 10 };

describe('placeLabels', () => {
  it('leaves labels that do not collide where they are', () => {
    const placed = placeLabels(
      [
        { x: 0, y: 0, text: 'a' },
        { x: 10, y: 10, text: 'b' },
      ],
      plot,
    );
    // The second point sits at the right edge, so its label goes on its left.
    expect(placed).toEqual([
      { y: 0, align: 'left' },
      { y: 10, align: 'right' },
    ]);
  });

  it('separates labels of points with equal coordinates by at least a line, in data units', () => {
    const points = [
      { x: 1, y: 0, text: 'R=2 W=1' },
      { x: 1, y: 0, text: 'R=2 W=2' },
      { x: 1, y: 0, text: 'R=3 W=1' },
      { x: 0, y: 10, text: 'R=1 W=1' },
    ];
    const placed = placeLabels(points, plot);
    const lineInData = ((10 * 1.25) / plot.height) * 10; // y extent 0..10 over 240 px
    const ys = placed
      .slice(0, 3)
      .map((p) => p.y)
      .sort((a, b) => a - b);
    expect(ys[1] - ys[0]).toBeGreaterThanOrEqual(lineInData - 1e-9);
    expect(ys[2] - ys[1]).toBeGreaterThanOrEqual(lineInData - 1e-9);
    expect(placed[3]).toEqual({ y: 10, align: 'left' });
  });

  it('puts a label that would run past the right edge on the left of its point', () => {
    const text = 'client-position';
    expect(chartTextWidth({ fontSize: 10 }, text)).toBeGreaterThan(5);
    const placed = placeLabels(
      [
        { x: 0, y: 0, text: 'a' },
        { x: 100, y: 0, text },
      ],
      plot,
    );
    expect(placed[1].align).toBe('right');
    expect(placed[0].align).toBe('left');
  });

  it('works on log axes (offsets are multiplicative there)', () => {
    const placed = placeLabels(
      [
        { x: 1, y: 10, text: 'p' },
        { x: 1, y: 10, text: 'q' },
        { x: 100, y: 1000, text: 'r' },
      ],
      { ...plot, logY: true, logX: true },
    );
    expect(placed[0].y).toBe(10);
    expect(placed[1].y).not.toBe(10);
    expect(placed[1].y).toBeGreaterThan(0);
  });
});
