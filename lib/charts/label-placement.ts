import { chartTextWidth } from './text-metrics.js';

/** One labelled point, in pixels of the plot area (origin top left, y down), as the final scale draws it. */
export interface LabelledPoint {
  px: number;
  py: number;
  text: string;
}

/**
 * Where a point's label goes, as a text mark with `baseline: 'bottom'` draws it: its anchor is
 * the point moved by (`dx`, `dy`) pixels; `align` is the text's horizontal alignment there.
 */
export interface PlacedLabel {
  dx: number;
  dy: number;
  /** `left`: the label starts at its anchor (right of the point); `right`: it ends there (left of it). */
  align: 'left' | 'right';
}

/** The plot the labels are placed in. */
export interface LabelPlacementOptions {
  /** Plot area in pixels. */
  width: number;
  height: number;
  fontSize: number;
  /** Gap between a point and its label, px. Default 4. */
  gapPx?: number;
  /** Radius of a point's mark, px: labels keep off other points when they can. Default 3. */
  pointRadiusPx?: number;
  /** Extra room kept left and right of each label, px (slack for a plot width known only approximately). Default 1. */
  marginPx?: number;
  /**
   * Boxes of the plot's other marks in pixels (a line's segments, interval bars, each padded by
   * half its stroke width): labels keep off them as they keep off other points, when they can.
   */
  obstacles?: readonly PlotBox[];
}

/** A rectangle in pixels of the plot area (origin top left, y down). */
export interface PlotBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

type Box = PlotBox;

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Places point labels so that no two overlap and none leaves the plot area, from the points'
 * pixel positions under the final scale and the labels' widths measured in the chart font
 * ({@link chartTextWidth}); a label is `fontSize` tall (Vega sets text with baseline `bottom`
 * `fontSize` above its anchor: vega-scenegraph's text offset puts the alphabetic baseline
 * 0.21 em above it). Greedy, from the top of the plot down: each label takes the first of these
 * places that fits: right of its point (above, level, below), then left of it, then the same
 * one line further away each time (up to 40 lines), then the same one or two label widths further
 * out; places clear of other points and of `obstacles` (the other marks: a line, interval bars)
 * are preferred to any that are not.
 * Vega-Lite has no label collision avoidance of its own.
 *
 * @example
 * placeLabels([{ px: 50, py: 100, text: 'R=2 W=1' }, { px: 50, py: 100, text: 'R=2 W=2' }], { width: 360, height: 240, fontSize: 10 });
 * // the second label goes below (or left of) the first
 */
export function placeLabels(points: readonly LabelledPoint[], options: LabelPlacementOptions): PlacedLabel[] {
  const { width, height, fontSize } = options;
  const gap = options.gapPx ?? 4;
  const radius = options.pointRadiusPx ?? 3;
  const margin = options.marginPx ?? 1;
  const h = fontSize;
  const line = Math.ceil(fontSize * 1.2);
  const placed: Box[] = [];
  const marks: Box[] = points.map((p) => ({
    x0: p.px - radius,
    x1: p.px + radius,
    y0: p.py - radius,
    y1: p.py + radius,
  }));
  const obstacles = options.obstacles ?? [];
  const result = new Array<PlacedLabel>(points.length);
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a].py - points[b].py || points[a].px - points[b].px);
  for (const i of order) {
    const p = points[i];
    const w = chartTextWidth({ fontSize }, p.text);
    // Anchor y offsets (baseline bottom: the box is [y - h, y]), nearest first.
    const levels: number[] = [-gap / 2, h / 2, gap / 2 + h + radius];
    for (let k = 1; k <= 40; k++) levels.push(-gap / 2 - k * line, gap / 2 + h + radius + k * line);
    // Beside the point first; when both sides are full, one or two label widths further out.
    const candidates: PlacedLabel[] = [];
    for (const column of [0, 1, 2])
      for (const dy of levels)
        for (const align of ['left', 'right'] as const) {
          // Clear of the point's own mark: big points (the talk theme's) need more than gap + r/2.
          const dx = Math.max(gap + radius / 2, radius + 1) + column * (w + gap);
          candidates.push({ dx: Math.round(align === 'left' ? dx : -dx), dy: Math.round(dy), align });
        }
    const boxOf = (c: PlacedLabel): Box => {
      const x = p.px + c.dx;
      const y = p.py + c.dy;
      return c.align === 'left'
        ? { x0: x, x1: x + w, y0: y - h, y1: y }
        : { x0: x - w, x1: x, y0: y - h, y1: y };
    };
    const fits = (c: PlacedLabel, clearOfMarks: boolean) => {
      const b = boxOf(c);
      if (b.x0 < 0 || b.x1 > width || b.y0 < 0 || b.y1 > height) return false;
      const padded = { x0: b.x0 - margin, x1: b.x1 + margin, y0: b.y0, y1: b.y1 };
      if (placed.some((q) => overlaps(padded, q))) return false;
      return (
        !clearOfMarks ||
        (!marks.some((m, j) => j !== i && overlaps(b, m)) && !obstacles.some((o) => overlaps(b, o)))
      );
    };
    const chosen =
      candidates.find((c) => fits(c, true)) ?? candidates.find((c) => fits(c, false)) ?? candidates[0];
    placed.push(boxOf(chosen));
    result[i] = chosen;
  }
  return result;
}
