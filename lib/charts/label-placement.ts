import { chartTextWidth } from './text-metrics.js';

/** One labelled point, in data units. */
export interface LabelledPoint {
  x: number;
  y: number;
  text: string;
}

/** Where a point's label goes: its anchor's y in data units, and which side of the point it sits on. */
export interface PlacedLabel {
  /** The y (data units) the label's baseline is drawn at; the point's own y when it did not move. */
  y: number;
  /** `left`: the label starts right of the point; `right`: it ends left of it (near the right edge). */
  align: 'left' | 'right';
}

/** The plot the labels are placed in. */
export interface LabelPlacementOptions {
  /** Plot area in pixels. */
  width: number;
  height: number;
  fontSize: number;
  logX?: boolean;
  logY?: boolean;
  /** Horizontal gap between a point and its label, px. Default 5. */
  gapPx?: number;
}

/**
 * Places point labels so they do not overlap one another or run past the plot's right edge:
 * a greedy pass over the points from the top of the plot down, which keeps each label beside its
 * point and, when its box (measured in the chart font) would overlap a label already placed,
 * moves it by whole line heights, alternately down and up, until it fits (at most 8 lines away).
 * Labels that would overflow the right edge go on the left of their point. Pixel positions are
 * estimated from the data's extent (the chart's scale may be a little wider), which is enough to
 * separate labels that would otherwise be drawn on top of each other, the common case of several
 * configurations with equal coordinates. Vega-Lite has no label collision avoidance of its own.
 *
 * @example
 * placeLabels([{ x: 1, y: 0, text: 'R=2 W=1' }, { x: 1, y: 0, text: 'R=2 W=2' }], { width: 360, height: 240, fontSize: 10 });
 * // the second label moves one line down (or up)
 */
export function placeLabels(points: readonly LabelledPoint[], options: LabelPlacementOptions): PlacedLabel[] {
  const { width, height, fontSize } = options;
  const gap = options.gapPx ?? 5;
  const tx = (v: number) => (options.logX ? Math.log10(v) : v);
  const ty = (v: number) => (options.logY ? Math.log10(v) : v);
  const extent = (values: number[]) => {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return hi > lo ? { lo, span: hi - lo } : { lo: lo - 1, span: 2 };
  };
  const ex = extent(points.map((p) => tx(p.x)));
  const ey = extent(points.map((p) => ty(p.y)));
  const line = fontSize * 1.25;
  const placed: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const result = new Array<PlacedLabel>(points.length);
  // Top of the plot first (py grows upwards here).
  const order = points
    .map((_, i) => i)
    .sort((a, b) => ty(points[b].y) - ty(points[a].y) || tx(points[a].x) - tx(points[b].x));
  for (const i of order) {
    const p = points[i];
    const px = ((tx(p.x) - ex.lo) / ex.span) * width;
    const py = ((ty(p.y) - ey.lo) / ey.span) * height;
    const w = chartTextWidth({ fontSize }, p.text);
    const align: PlacedLabel['align'] = px + gap + w > width ? 'right' : 'left';
    const x0 = align === 'left' ? px + gap : px - gap - w;
    const x1 = x0 + w;
    let offset = 0;
    for (let k = 1; k <= 17; k++) {
      const y0 = py + offset;
      const clash = placed.some((b) => b.x0 < x1 && x0 < b.x1 && b.y0 < y0 + line && y0 < b.y1);
      if (!clash) break;
      // 0, -1, +1, -2, +2, ... lines
      offset = (k % 2 === 1 ? -1 : 1) * Math.ceil(k / 2) * line;
    }
    placed.push({ x0, x1, y0: py + offset, y1: py + offset + line });
    const yData = ey.lo + ((py + offset) / height) * ey.span;
    result[i] = { y: offset === 0 ? p.y : options.logY ? 10 ** yData : yData, align };
  }
  return result;
}
