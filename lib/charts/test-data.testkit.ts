import { proportion } from '../check/index.js';
import { cdfRowsFromSamples, type CdfRow } from './cdf.js';
import type { ConvergenceRow } from './convergence.js';
import type { FailoverRow } from './failover.js';
import { lwwLossRow, type LwwLossRow } from './lww-loss.js';
import type { StalenessCurveRow } from './staleness-curve.js';
import type { TradeoffRow } from './tradeoff.js';

/**
 * Made-up t-visibility curves for tests and examples: p(t) = 1 - (1 - p0) e^(-k t) with Wilson
 * 95% intervals for `trials` reads per point. Not a model of anything.
 */
export function sampleStalenessRows(trials = 2000): StalenessCurveRow[] {
  const rows: StalenessCurveRow[] = [];
  const z = 1.959963984540054;
  for (const [series, k] of [
    ['R=1,W=1', 0.08],
    ['R=1,W=2', 0.2],
    ['lnkd-ssd R=2 W=1', 0.5],
  ] as const) {
    for (let t = 0; t <= 50; t += 5) {
      const p = 1 - 0.6 * Math.exp(-k * t);
      const d = 1 + (z * z) / trials;
      const centre = (p + (z * z) / (2 * trials)) / d;
      const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / d;
      rows.push({ series, t, p_consistent: p, ci_low: centre - half, ci_high: centre + half });
    }
  }
  return rows;
}

/** Made-up trade-off points; the Pareto front is R=1 W=1, R=1 W=2, R=2 W=2, R=3 W=1. */
export const sampleTradeoffRows: readonly TradeoffRow[] = [
  { series: 'R=1 W=1', latency_ms: 12, staleness_ms: 40 },
  { series: 'R=1 W=2', latency_ms: 20, staleness_ms: 9 },
  { series: 'R=2 W=1', latency_ms: 22, staleness_ms: 11 },
  { series: 'R=2 W=2', latency_ms: 30, staleness_ms: 0.5 },
  { series: 'R=1 W=3', latency_ms: 45, staleness_ms: 3 },
  { series: 'R=3 W=1', latency_ms: 33, staleness_ms: 0.2 },
];

/** Compiles with vega-lite, returning the warnings and errors it logged (it throws on hard errors). */
export async function compileWarnings(spec: unknown): Promise<string[]> {
  const { compile } = await import('vega-lite');
  const messages: string[] = [];
  const logger = {
    level() {
      return logger;
    },
    warn(...args: unknown[]) {
      messages.push(`warn: ${args.join(' ')}`);
      return logger;
    },
    error(...args: unknown[]) {
      messages.push(`error: ${args.join(' ')}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;
  compile(spec as Parameters<typeof compile>[0], { logger: logger as unknown as Logger });
  return messages;
}

/** Made-up samples: two exponential-ish recovery time distributions from a fixed LCG, for CDF tests. */
export function sampleCdfRows(n = 500): CdfRow[] {
  let state = 12345;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const draw = (mean: number, shift: number) =>
    Array.from({ length: n }, () => shift - mean * Math.log(next()));
  return cdfRowsFromSamples({ 'timeout 150 ms': draw(60, 150), 'timeout 300 ms': draw(80, 300) });
}

/** Made-up failover sweep: recovery grows with the timeout, unnecessary failovers fall. Not a model. */
export function sampleFailoverRows(): FailoverRow[] {
  return [50, 100, 150, 300, 600, 1000].map((t) => {
    const u = proportion({ count: Math.round(400 * Math.exp(-t / 150)), of: 1000 });
    return {
      timeout_ms: t,
      recovery_ms: t + 80,
      recovery_low_ms: t + 40,
      recovery_high_ms: t + 160,
      unnecessary_rate: u.p,
      unnecessary_low: u.low,
      unnecessary_high: u.high,
    };
  });
}

/** Made-up LWW loss: grows with the skew for LWW, zero for version vectors. */
export function sampleLwwLossRows(): LwwLossRow[] {
  return [0, 5, 20, 50, 100].flatMap((s) => [
    lwwLossRow('LWW', s, proportion({ count: Math.round(s * 0.6), of: 4000 })),
    lwwLossRow('version vectors', s, proportion({ count: 0, of: 4000 })),
  ]);
}

/** Made-up divergence: keys diverge during an outage from 1000 to 3000 ms, then converge. */
export function sampleConvergenceRows(): ConvergenceRow[] {
  const rows: ConvergenceRow[] = [];
  for (const [series, rate] of [
    ['all-to-all', 1],
    ['ring', 0.5],
  ] as const) {
    for (let t = 0; t <= 6000; t += 250) {
      const d =
        t < 1000
          ? 0
          : t <= 3000
            ? Math.round((t - 1000) / 40)
            : Math.max(0, Math.round(50 - ((t - 3000) * rate) / 40));
      rows.push({ series, t_ms: t, divergent: d });
    }
  }
  return rows;
}

/** A PNG's pixel size, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Renders `spec` to SVG, PNG and PDF and checks each is valid: the SVG has marks (paths with
 * non-empty `d`), the PNG's signature and size follow the SVG's size and the scale, the PDF has a
 * page and embeds the chart font as TrueType (/FontFile2, DejaVuSans). Returns the three.
 */
export async function expectValidExports(
  spec: import('./spec.js').VegaLiteSpec,
  scale = 2,
): Promise<{ svg: string; png: Buffer; pdf: Buffer }> {
  const { expect } = await import('vitest');
  const { renderSvg, svgToPng } = await import('./render.js');
  const { svgSize, svgToPdf } = await import('./pdf.js');
  const svg = await renderSvg(spec);
  expect(svg.startsWith('<svg')).toBe(true);
  const paths = [...svg.matchAll(/<path[^>]*\sd="([^"]*)"/g)].map((m) => m[1]).filter((d) => d.length > 0);
  expect(paths.length).toBeGreaterThan(0);
  const size = svgSize(svg);
  const png = svgToPng(svg, { scale });
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  const got = pngSize(png);
  expect(Math.abs(got.width - size.width * scale)).toBeLessThanOrEqual(1);
  expect(Math.abs(got.height - size.height * scale)).toBeLessThanOrEqual(1);
  const pdf = await svgToPdf(svg);
  const text = pdf.toString('latin1');
  expect(text.startsWith('%PDF-')).toBe(true);
  expect(text).toMatch(/\/Type \/Page\b/);
  expect(text).toContain('/FontFile2');
  expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
  expect(text).toContain(`/MediaBox [0 0 ${size.width} ${size.height}]`);
  return { svg, png, pdf };
}
