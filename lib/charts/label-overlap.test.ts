// Labels drawn inside a plot (the trade-off and routing figures' point labels, heatmap cell
// values, convergence markers) must neither overlap one another nor leave the plot area, and the
// trade-off figures' labels must not cross the figure's other marks either (the front's line,
// the interval bars, the points): a label over a line reads as struck through or as belonging to
// the wrong point. Checked on the rendered SVG (the lab's render path: Vega with the chart font's
// text metrics): each text element's anchor, alignment and font size, its width measured in the
// chart font, and its height as Vega sets it (vega-scenegraph's text offset: the alphabetic
// baseline 0.79 em below the top of the line, 0.21 em above its bottom); each line segment, rule
// and symbol as drawn, with half its stroke width around it.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDefaultExperiment } from '../../experiments/default-experiment.js';
import { DEFAULT_EXPERIMENTS } from '../../experiments/default-experiments.js';
import { renderSvg } from './render.js';
import { chartTextWidth } from './text-metrics.js';
import { paper, paperDouble, screen, talk } from './theme.js';
import { latencyStalenessTradeoffSpec, type TradeoffRow } from './tradeoff.js';

interface TextBox {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** Every group of text marks drawn inside a plot, with the plot area it is drawn in. */
function plotTexts(svg: string): { width: number; height: number; boxes: TextBox[] }[] {
  const groups: { width: number; height: number; boxes: TextBox[] }[] = [];
  const re = /<g class="mark-text role-mark[^"]*"[^>]*>(.*?)<\/g>/g;
  for (const m of svg.matchAll(re)) {
    // The plot the marks belong to: the last non-empty group background drawn before them.
    const before = svg.slice(0, m.index);
    const areas = [...before.matchAll(/class="background"[^>]*d="M0,0h([\d.]+)v([\d.]+)h/g)].filter(
      (a) => Number(a[1]) > 0,
    );
    const area = areas.at(-1)!;
    const boxes: TextBox[] = [];
    for (const t of m[1].matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
      const attrs = t[1];
      const [, x, y] = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(attrs)!.map(Number);
      const size = Number(/font-size="([\d.]+)px"/.exec(attrs)![1]);
      const weight = /font-weight="([^"]+)"/.exec(attrs)?.[1];
      const anchor = /text-anchor="([^"]+)"/.exec(attrs)?.[1] ?? 'start';
      const text = unescape(t[2]);
      const w = chartTextWidth({ fontSize: size, fontWeight: weight }, text);
      const x0 = anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x;
      boxes.push({ text, x0, x1: x0 + w, y0: y - 0.79 * size, y1: y + 0.21 * size });
    }
    groups.push({ width: Number(area[1]), height: Number(area[2]), boxes });
  }
  return groups;
}

/** The collisions and escapes of a figure's labels, as readable lines (empty when none). */
function labelProblems(svg: string): string[] {
  const problems: string[] = [];
  const eps = 0.5;
  const all = plotTexts(svg);
  for (const { width, height, boxes } of all) {
    for (const b of boxes)
      if (b.x0 < -eps || b.x1 > width + eps || b.y0 < -eps || b.y1 > height + eps)
        problems.push(
          `"${b.text}" leaves the ${width}x${height} plot: [${b.x0}, ${b.x1}] x [${b.y0}, ${b.y1}]`,
        );
  }
  const boxes = all.flatMap((g) => g.boxes);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.x0 + eps < b.x1 && b.x0 + eps < a.x1 && a.y0 + eps < b.y1 && b.y0 + eps < a.y1)
        problems.push(`"${a.text}" overlaps "${b.text}"`);
    }
  return problems;
}

interface MarkBox {
  kind: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const attr = (name: string, attrs: string, fallback: number): number => {
  const m = new RegExp(`${name}="([-\\d.e]+)"`).exec(attrs);
  return m === null ? fallback : Number(m[1]);
};

/** The line segments, rules and symbols drawn as marks of a figure's plots (axes and legends left out). */
function markBoxes(svg: string): MarkBox[] {
  const out: MarkBox[] = [];
  const segment = (kind: string, ax: number, ay: number, bx: number, by: number, w: number) =>
    out.push({
      kind,
      x0: Math.min(ax, bx) - w / 2,
      x1: Math.max(ax, bx) + w / 2,
      y0: Math.min(ay, by) - w / 2,
      y1: Math.max(ay, by) + w / 2,
    });
  const translate = (attrs: string) => /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(attrs)!.slice(1).map(Number);
  const re = /<g class="mark-(line|rule|symbol) role-mark[^"]*"[^>]*>(.*?)<\/g>/g;
  for (const [, kind, body] of svg.matchAll(re)) {
    if (kind === 'line')
      for (const [, attrs] of body.matchAll(/<path([^>]*)>/g)) {
        const d = /d="([^"]+)"/.exec(attrs)![1];
        const pts = [...d.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((q) => [Number(q[1]), Number(q[2])]);
        for (let i = 1; i < pts.length; i++)
          segment(kind, pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1], attr('stroke-width', attrs, 1));
      }
    if (kind === 'rule')
      for (const [, attrs] of body.matchAll(/<line([^>]*)>/g)) {
        const [x, y] = translate(attrs);
        const [x2, y2] = [attr('x2', attrs, 0), attr('y2', attrs, 0)];
        segment(kind, x, y, x + x2, y + y2, attr('stroke-width', attrs, 1));
      }
    if (kind === 'symbol')
      for (const [, attrs] of body.matchAll(/<path([^>]*)>/g)) {
        const [x, y] = translate(attrs);
        // A circle's path starts at its radius: "M r,0A r,r,...".
        const r = Number(/d="M([\d.e]+),/.exec(attrs)![1]) + attr('stroke-width', attrs, 1) / 2;
        out.push({ kind, x0: x - r, x1: x + r, y0: y - r, y1: y + r });
      }
  }
  return out;
}

/** The labels of a figure that cross one of its line segments, rules or symbols. */
function labelsOverMarks(svg: string): string[] {
  const marks = markBoxes(svg);
  const eps = 0.1;
  return plotTexts(svg)
    .flatMap((g) => g.boxes)
    .flatMap((b) =>
      marks
        .filter((m) => b.x0 + eps < m.x1 && m.x0 + eps < b.x1 && b.y0 + eps < m.y1 && m.y0 + eps < b.y1)
        .map((m) => `"${b.text}" crosses a ${m.kind} at [${m.x0}, ${m.x1}] x [${m.y0}, ${m.y1}]`),
    );
}

/**
 * Data shaped like the tour's fresh-reads trade-off (notebooks/00-tour.ipynb, seed 1): four
 * leaderless quorums at two read latencies, six read routings of one leader-follower cluster at
 * a single latency, three of them at exactly 0 violations; the front's staircase runs between
 * the leaderless labels.
 */
const tourTradeoff: TradeoffRow[] = [
  ['leaderless R=1 W=1', 32.97, 0.285, 0.211, 0.387],
  ['leaderless R=1 W=2', 32.97, 0.118, 0.074, 0.19],
  ['leaderless R=2 W=1', 61.41, 0.014, 0.004, 0.051],
  ['leaderless R=2 W=2', 61.41, 0, 0, 0.027],
  ['random', 109.81, 1.736, 1.534, 1.963],
  ['sticky', 109.81, 1.812, 1.606, 2.044],
  ['leader-for-own', 109.81, 0, 0, 0.027],
  ['leader-window', 109.81, 0, 0, 0.027],
  ['client-position', 109.81, 0, 0, 0.027],
  ['lag-bounded', 109.81, 1.018, 0.866, 1.195],
].map(([series, latency_ms, staleness_ms, staleness_low, staleness_high]) => ({
  series: series as string,
  latency_ms: latency_ms as number,
  staleness_ms: staleness_ms as number,
  staleness_low: staleness_low as number,
  staleness_high: staleness_high as number,
}));

/** Crowded trade-off data: every (R, W) of N = 3 and 5, strict quorums all at staleness 0, ties in latency. */
function crowdedTradeoff(ns: readonly number[]): TradeoffRow[] {
  const rows: TradeoffRow[] = [];
  for (const n of ns)
    for (let r = 1; r <= n; r++)
      for (let w = 1; w <= n; w++)
        rows.push({
          series: `N=${n} R=${r} W=${w}`,
          latency_ms: 30 + 40 * Math.max(r, w),
          staleness_ms: r + w > n ? 0 : 120 / (r + w),
          staleness_low: r + w > n ? 0 : 100 / (r + w),
          staleness_high: r + w > n ? 0 : 140 / (r + w),
        });
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'replilab-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('figure labels', { timeout: 300_000 }, () => {
  // A one-column paper figure (about 200 x 120 px at 7.5 px type) holds N = 3's nine labels; the
  // others hold N = 3's and N = 5's 34.
  const cases: [typeof screen, number[]][] = [
    [screen, [3, 5]],
    [paper, [3]],
    [paperDouble, [3, 5]],
    [talk, [3, 5]],
  ];
  for (const [theme, ns] of cases)
    it(`trade-off, crowded, ${theme.name}: no label overlaps another, crosses a mark or leaves the plot`, async () => {
      const rows = crowdedTradeoff(ns);
      const svg = await renderSvg(latencyStalenessTradeoffSpec(rows, { theme, title: 'crowded' }));
      expect(plotTexts(svg).flatMap((g) => g.boxes).length).toBe(rows.length);
      expect([...labelProblems(svg), ...labelsOverMarks(svg)]).toEqual([]);
    });

  for (const theme of [screen, paper, paperDouble, talk])
    it(`trade-off shaped like the tour's, ${theme.name}: labels clear of each other, the plot's edges and every other mark`, async () => {
      const svg = await renderSvg(
        latencyStalenessTradeoffSpec(tourTradeoff, {
          theme,
          title: 'Read latency against read-your-writes violations',
          xTitle: 'read latency p99 (ms)',
          yTitle: 'read-your-writes violations (%)',
        }),
      );
      expect(plotTexts(svg).flatMap((g) => g.boxes).length).toBe(tourTradeoff.length);
      expect(markBoxes(svg).filter((m) => m.kind === 'symbol').length).toBe(tourTradeoff.length);
      expect([...labelProblems(svg), ...labelsOverMarks(svg)]).toEqual([]);
    });

  it('every figure of npm start (quick, few trials): no label overlaps another, crosses a mark or leaves the plot', async () => {
    for (const experiment of DEFAULT_EXPERIMENTS)
      await runDefaultExperiment(experiment, {
        full: false,
        trialScale: 0.02,
        seed: 1,
        threads: 1,
        outDir: dir,
        formats: ['svg'],
        log: () => {},
      });
    const svgs = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.svg'));
    expect(svgs.length).toBe(15);
    const problems = svgs.flatMap((p) => {
      const svg = readFileSync(join(dir, p), 'utf8');
      return [...labelProblems(svg), ...labelsOverMarks(svg)].map((l) => `${p}: ${l}`);
    });
    expect(problems).toEqual([]);
  });
});
