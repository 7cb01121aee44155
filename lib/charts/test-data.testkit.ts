import type { StalenessCurveRow } from './staleness-curve.js';
import type { TradeoffRow } from './tradeoff.js';

/**
 * Made-up t-visibility curves for tests and examples: p(t) = 1 - (1 - p0) e^(-k t) with Wilson
 * 95% intervals for `trials` reads per point. Not a model of anything.
 */
export function sampleStalenessRows(trials = 2000): StalenessCurveRow[] {
  const rows: StalenessCurveRow[] = [];
  const z = 1.959963984540054;
  for (const [series, k] of [['R=1,W=1', 0.08], ['R=1,W=2', 0.2], ['lnkd-ssd R=2 W=1', 0.5]] as const) {
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
